"""MkDocs hook: start and end the build context, ``helpsite.building.build``, that the other hooks use.

In mkdocs.yml it comes before the hooks that use the context: its ``on_config`` makes the
context before any of them asks for it. The order of every event is written down in helpsite/building/build.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from helpsite.building import build
from helpsite.core import lifetime
from helpsite.published import search

log = logging.getLogger("mkdocs.hooks.helpsite")

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_startup(command, dirty):
    # A preview's rebuilds end without waiting for the findings of their pages.
    build.serve(command == "serve", dirty)
    # `kill PID` stops a build or preview as Ctrl-C does, its clean-up included, within 2 s.
    lifetime.stop_on_signals(log)


def on_config(config):
    try:
        build.start(
            config, Path(config.config_file_path).parent, site_url=config.site_url, site_dir=config.site_dir
        )
    except ValueError as error:  # HELPSITE_WORKERS that is no number, a limit in mkdocs.yml that is none
        raise PluginError(str(error)) from None


def on_pre_build(config):
    context, i18n = build.current(), config.plugins.get("i18n")
    if i18n is None:
        context.start_locale(context.site.source_locale, at_root=True)
    else:
        context.start_locale(i18n.current_language, at_root=i18n.current_language == i18n.default_language)


@event_priority(-200)  # after static-i18n's post-build, which runs the other locales' builds
def on_post_build(config):
    if build.current().end_locale():
        try:
            build.end()  # waits for the locales' search bundles (hooks/search_bundle.py)
        except search.SearchError as error:
            raise PluginError(str(error)) from None


def on_build_error(error):
    build.end(failed=True)
