"""MkDocs hook: each locale's navigation as one tree in the source locale's order
(helpsite.published.navigation), its fallback pages marked with their language.

mkdocs-static-i18n nests a locale's pages by their files' paths, so a locale with both its own
pages and fallbacks gets every section twice, in two orders, and previous/next in a third. After
it (priority -100), the pages it kept are nested again by their path inside the locale folder.
A site with a ``nav:`` in mkdocs.yml keeps the navigation it configures.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Section
from mkdocs.utils import dirname_to_title

from helpsite.building import build
from helpsite.core import lasting
from helpsite.published import navigation

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


@event_priority(-110)  # after static-i18n's (-100), which has kept this locale's pages and fallbacks
def on_nav(nav, config, files):
    if config.nav is not None:
        return nav
    current = build.current()
    locale = current.locale
    by_path, pages = {}, []
    for page in nav.pages:
        source = page.file.abs_src_path and Path(page.file.abs_src_path)
        page_path = source and current.site.page_path(source)
        if not page_path:  # a page outside the locale folders: the navigation is left as it is
            return nav
        by_path[page_path] = page
        pages.append(navigation.NavPage(page_path, current.site.locale_of(source)))
    titles = _section_titles(config)
    tree = navigation.navigation(pages, lambda folder: titles(dirname_to_title(folder.rsplit("/", 1)[-1])))
    nav.items = _engine_items(tree, by_path, None)
    nav.pages = [by_path[page.page_path] for page in navigation.ordered_pages(tree)]
    for before, page, after in zip([None, *nav.pages], nav.pages, [*nav.pages[1:], None]):
        page.previous_page, page.next_page = before, after
    locale.fallbacks = {
        by_path[page.page_path].url: page.content_locale
        for page in pages
        if page.content_locale != locale.locale
    }
    return nav


def on_env(env, config, files):
    # A global, not a filter: a build without this hook (the benchmark's project_without_hooks)
    # renders the templates with it undefined, and so with no marks.
    env.globals["fallback_language"] = _fallback_language
    return env


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# The section titles as the locale's nav_translations (mkdocs.yml) name them.
def _section_titles(config):
    i18n = config.plugins.get("i18n")
    language = i18n and i18n.current_language_config
    translations = (language and language.nav_translations) or {}
    return lambda title: translations.get(title, title)


def _engine_items(tree, by_path: dict, parent) -> list:
    items = []
    for item in tree:
        if isinstance(item, navigation.NavSection):
            engine_item = Section(item.title, [])
            engine_item.children = _engine_items(item.children, by_path, engine_item)
        else:
            engine_item = by_path[item.page_path]
        engine_item.parent = parent
        items.append(engine_item)
    return items


# What the navigation and the footer show beside a fallback page's title: its language.
def _fallback_language(nav_item) -> navigation.FallbackLanguage | None:
    locale = build.current().locale
    content_locale = locale.fallbacks.get(getattr(nav_item, "url", None))
    return _language_named(content_locale, locale.locale) if content_locale else None


# Asked for every fallback in every page's navigation: a pure function of the two locales.
_language_named = lasting.memo(1024)(navigation.fallback_language)
