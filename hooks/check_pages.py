"""MkDocs hook: report the helpsite checks in the build and serve logs.

Errors are logged as warnings, so ``mkdocs build --strict`` fails on them while
``mkdocs serve`` keeps serving; warnings are logged as info. mkdocs-static-i18n runs the
page events once per language (and again for fallback pages), so each source file is
reported once per build.
"""

from __future__ import annotations

import logging
from pathlib import Path

from helpsite import checks, safety
from helpsite.site import Site, load_site

log = logging.getLogger("mkdocs.hooks.helpsite")


class _BuildState:
    config = None                 # the top-level build's config (i18n builds reuse it)
    site: Site | None = None
    reported: set[str] = set()
    notices: dict[str, str | None] = {}   # page source -> what to render instead (helpsite.safety)


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

def on_config(config):
    if _BuildState.config is not config:
        _BuildState.config = config
        _BuildState.site = load_site(Path(config.config_file_path).parent)
        _BuildState.reported = set()
        _BuildState.notices = {}


def on_page_read_source(page, config):
    # MkDocs allows one handler of this event: it also keeps unsafe text from the renderer.
    path = page.file.abs_src_path
    if path and path not in _BuildState.reported:
        _BuildState.reported.add(path)
        blocking = safety.unrenderable(_report(Path(path)))
        _BuildState.notices[path] = safety.notice(blocking) if blocking else None
    return _BuildState.notices.get(path)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# Log each finding as PATH:LINE:COL: RULE: MESSAGE, PATH relative to docs/.
def _report(path: Path) -> list:
    site = _BuildState.site
    shown = path.relative_to(site.docs_dir).as_posix() if path.is_relative_to(site.docs_dir) else str(path)
    findings = checks.check_file(path, site)
    for finding in findings:
        if finding.is_error:
            log.warning(finding.as_log(shown))
        else:
            log.info(finding.as_log(shown))
    return findings
