"""MkDocs hook: report the helpsite checks in the build and serve logs.

Errors are logged as warnings, so ``mkdocs build --strict`` fails on them while
``mkdocs serve`` keeps serving; warnings are logged as info. Each source file is reported
once per build (mkdocs-static-i18n reads a page again for every locale it falls back in).
The checks run in helpsite.building.source_files' worker process while the build renders; the build
context (helpsite.building.build) starts it on the files, in the order the build reads them. A page is
rendered without waiting for the checks of its links and headings: its findings are logged
as they come, all of them before ``mkdocs build`` ends, and in a preview even after the
rebuild is served (from another thread).
"""

from __future__ import annotations

import logging

from helpsite.building import build

log = logging.getLogger("mkdocs.hooks.helpsite")


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


# Before static-i18n (-100) keeps only the files of the locale it builds: the other locales'
# pages are read too, for their front matter (the reader's view of a page shows its versions).
def on_files(files, config):
    i18n = config.plugins.get("i18n")
    pages = [file for file in files.documentation_pages() if file.abs_src_path]
    # A locale without its strings file (or strings): named once a build, never silent English.
    context = build.current()
    building = i18n.build_languages if i18n is not None else None
    for finding in context.strings_findings(building):
        _report((finding,), finding.path)
    context.plan(
        [file.abs_src_path for file in pages],
        building,
        [file.abs_src_path for file in pages if file.is_modified()] if build.dirty() else None,
    )
    return files


def on_page_read_source(page, config):
    # MkDocs allows one handler of this event: it also keeps unsafe text from the renderer.
    if not page.file.abs_src_path:
        return None
    return build.current().read_page(page.file.abs_src_path, _report)


def _report(findings, shown):
    for finding in findings:
        (log.warning if finding.is_error else log.info)(finding.as_log(shown))
