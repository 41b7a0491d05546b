"""MkDocs hook: nothing from outside docs/ is published.

MkDocs follows symbolic links out of docs/. Pages are covered by the checks (rule
``symlink-outside``; hooks/check_pages.py renders a notice instead of them); every other
file that resolves outside docs/, or is no regular file to copy, is reported here and left
out of the site.
"""

from __future__ import annotations

import logging
from pathlib import Path

from helpsite import rules, safety
from helpsite.site import Site, load_site

log = logging.getLogger("mkdocs.hooks.helpsite")


class _BuildState:
    config = None
    site: Site | None = None
    reported: set[str] = set()
    problems: dict[str, object] = {}   # each file's verdict, once for every locale's build


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

def on_config(config):
    if _BuildState.config is not config:
        _BuildState.config = config
        _BuildState.site = load_site(Path(config.config_file_path).parent)
        _BuildState.reported = set()
        _BuildState.problems = {}


def on_files(files, config):
    for file in list(files):
        if file.abs_src_path and not file.is_documentation_page():
            if file.abs_src_path not in _BuildState.problems:
                _BuildState.problems[file.abs_src_path] = _unpublishable(Path(file.abs_src_path), file.src_uri)
            problem = _BuildState.problems[file.abs_src_path]
            if problem:
                if file.abs_src_path not in _BuildState.reported:
                    _BuildState.reported.add(file.abs_src_path)
                    log.warning(problem.as_log())
                files.remove(file)
    return files


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# Why a file must not be copied into the site: outside docs/, or nothing to copy
# (MkDocs raises on a dangling link and blocks on a named pipe).
def _unpublishable(path: Path, shown: str):
    outside = safety.outside_docs(path, _BuildState.site.docs_dir, shown)
    if outside or path.is_file():
        return outside
    return rules.IO_ERROR.at(shown, 1, 1, "cannot copy the file: it is not a regular file, "
                             "or a symbolic link to one")
