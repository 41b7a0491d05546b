"""MkDocs hook: report the helpsite checks in the build and serve logs.

Errors are logged as warnings, so ``mkdocs build --strict`` fails on them while
``mkdocs serve`` keeps serving; warnings are logged as info. mkdocs-static-i18n runs the
page events once per language (and again for fallback pages), so each source file is
reported once per build. The checks run in helpsite.sources' worker process while the build
renders; the hook starts it on the files, in the order the build reads them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from helpsite import safety, sources
from helpsite.shards import SHARD_VARIABLE
from helpsite.site import Site, load_site

log = logging.getLogger("mkdocs.hooks.helpsite")


class _BuildState:
    config = None                 # the top-level build's config (i18n builds reuse it)
    site: Site | None = None
    sources: sources.Sources | None = None
    planned = False
    depth = 0                     # builds under way: static-i18n runs the others inside the first
    reported: set[str] = set()
    notices: dict[str, str | None] = {}   # page source -> what to render instead (helpsite.safety)


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

def on_config(config):
    if _BuildState.config is not config:
        _BuildState.config = config
        try:
            _BuildState.site = load_site(Path(config.config_file_path).parent)
            _BuildState.sources = sources.of_build(config, _BuildState.site)
        except ValueError as error:  # a limit in mkdocs.yml, or HELPSITE_WORKERS, that is no number
            raise PluginError(str(error)) from None
        _BuildState.planned = False
        _BuildState.depth = 0
        _BuildState.reported = set()
        _BuildState.notices = {}


def on_pre_build(config):
    _BuildState.depth += 1


# Before static-i18n (-100) keeps only the files of the locale it builds: the other locales'
# pages are read too, for their front matter (the reader's view of a page shows its versions).
def on_files(files, config):
    if not _BuildState.planned:
        _BuildState.planned = True
        site, built = _BuildState.site, _built_locales(config)
        paths = sources.build_order(site, [file.abs_src_path for file in files.documentation_pages()
                                           if file.abs_src_path])
        def checked(path: str) -> bool:
            locale = site.locale_of(path)
            return built is None or locale is None or locale in built
        # the pages this build checks first (in build order), then those it only reads
        _BuildState.sources.plan(sorted(((path, checked(path)) for path in paths),
                                        key=lambda item: not item[1]))
    return files


def on_page_read_source(page, config):
    # MkDocs allows one handler of this event: it also keeps unsafe text from the renderer.
    path = page.file.abs_src_path
    if path and path not in _BuildState.reported:
        _BuildState.reported.add(path)
        blocking = safety.unrenderable(_report(path))
        _BuildState.notices[path] = safety.notice(blocking) if blocking else None
    return _BuildState.notices.get(path)


@event_priority(-200)   # after static-i18n's post-build, which runs the other locales' builds
def on_post_build(config):
    _BuildState.depth -= 1
    if _BuildState.depth <= 0:
        sources.end_of_build(config)


def on_build_error(error):
    if _BuildState.config is not None:
        sources.end_of_build(_BuildState.config, failed=True)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# Log each finding as PATH:LINE:COL: RULE: MESSAGE, PATH relative to docs/.
def _report(path: str) -> list:
    site = _BuildState.site
    relative = os.path.relpath(path, site.docs_dir)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    shown = path if outside else relative.replace(os.sep, "/")
    findings = _BuildState.sources.findings(path)
    for finding in findings:
        if finding.is_error:
            log.warning(finding.as_log(shown))
        else:
            log.info(finding.as_log(shown))
    return findings


# The locales this process builds (None: all): a shard's, or static-i18n's (build_only_locale).
def _built_locales(config) -> set[str] | None:
    if os.environ.get(SHARD_VARIABLE):
        return {os.environ[SHARD_VARIABLE]}
    i18n = config.plugins.get("i18n")
    return set(i18n.build_languages) if i18n is not None else None
