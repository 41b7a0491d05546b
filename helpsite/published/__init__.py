"""The built site: what the reader is shown, navigation, search, markup corrections, the content
policy, reproducible output, the link check of the built site.
"""
