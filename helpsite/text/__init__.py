"""Reading a source page: bytes to text, front matter, positions, Python-Markdown's parse and the
site's own Markdown extensions.
"""
