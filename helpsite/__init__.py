"""The help site's checks and tools: plain Python, no MkDocs import.

Text, path and locale go in; findings come out. The MkDocs hooks in ``hooks/`` and the
command line (``python -m helpsite``) are thin faces of the same functions.
"""
