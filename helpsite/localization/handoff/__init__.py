"""Translation handoff: a page's translatable text goes out as XLIFF 2.1 or PO and comes back.

``segments`` cuts a page into segments on the site's own Markdown parser, ``formats`` writes
and reads the exchange files, ``exchange`` decides what goes out and writes what comes back.
The design, its figures and its limits are in handbook/handoff.md.
"""

FORMATS = (
    "xliff",
    "po",
)  # here, not in formats.py: the command line lists them without loading lxml or polib
