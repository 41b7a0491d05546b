"""MkDocs hook: nothing from outside docs/ is published.

MkDocs follows symbolic links out of docs/. Pages are covered by the checks (rule
``symlink-outside``; hooks/check_pages.py renders a notice instead of them); every other
file that resolves outside docs/, or is no regular file to copy, is reported here and left
out of the site.
"""

from __future__ import annotations

import logging

from helpsite.building import build

log = logging.getLogger("mkdocs.hooks.helpsite")


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_files(files, config):
    context = build.current()
    for file in list(files):
        if file.abs_src_path and not file.is_documentation_page():
            problem, first = context.unpublishable(file.abs_src_path, file.src_uri)
            if problem:
                if first:
                    log.warning(problem.as_log())
                files.remove(file)
    return files
