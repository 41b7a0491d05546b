"""MkDocs hook: the templates escape what they print (helpsite.published.escaping); the page's body, the
titles Python-Markdown made from headings and Material's copyright line (when it runs nothing)
are the HTML they print as such. An unsafe copyright line is named in the build's log.
"""

from __future__ import annotations

import logging

from markupsafe import Markup
from mkdocs.plugins import event_priority

from helpsite.building import build
from helpsite.linting import theme_settings
from helpsite.published import escaping, reader, search

log = logging.getLogger("mkdocs.hooks.helpsite")

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


# Before any handler compiles a template: a template compiled earlier would keep printing raw.
@event_priority(100)
def on_env(env, *, config, files):
    env.autoescape = True
    env.cache.clear()
    env.filters["markup_setting"] = escaping.markup_setting
    env.filters["with_search_base"] = escaping.keeping_markup(reader.with_search_base)
    env.filters["with_search_name"] = escaping.keeping_markup(search.named_dialog)
    if build.current().first_time("mkdocs.yml"):
        for finding in theme_settings.config_findings(build.current().site):
            (log.warning if finding.is_error else log.info)(finding.as_log(finding.path))
    return env


# Last: every page's title is final before the first template prints its neighbours' titles.
@event_priority(-1000)
def on_page_content(html, *, page, config, files):
    page.title = escaping.page_title(page.meta.get("title"), page._title_from_render, page.title)
    for anchor in _anchors(page.toc):
        anchor.title = Markup(anchor.title)  # Python-Markdown's HTML text of the heading
    return html


@event_priority(-1000)
def on_page_context(context, *, page, config, nav):
    page.content = Markup(page.content or "")  # the rendered (and checked) body
    return context


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _anchors(toc):
    for anchor in toc:
        yield anchor
        yield from _anchors(anchor.children)
