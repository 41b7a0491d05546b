"""What every part builds on: errors, findings, the site and its settings, the data files, what
outlives a build, processes that end with their parent.
"""
