"""MkDocs hook: the localization dashboard, /l10n/ and /l10n/<locale>/, from helpsite.l10n.

The pages exist only in the source locale's build. They are added after mkdocs-static-i18n
has sorted the files by locale (its on_files runs at priority -100): a generated file has
no path in docs/, which the plugin cannot sort, and coming last keeps the pages out of its
fallback copies and sitemap alternates. They are left out of the navigation.

Their data is made when the build reads the first of them, the last pages of their locale: by
then helpsite.sources has read every translation's front matter beside the build. The data goes
to overrides/l10n.html as `l10n_summary` or `l10n_work`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url, meta

from helpsite import l10n, l10n_dashboard, l10n_diff, sources
from helpsite.site import Site, load_site

STATUS_PAGE = "l10n.md"
LOCALE_PAGES = "l10n/{locale}.md"

log = logging.getLogger("mkdocs.hooks.helpsite")


class _State:
    pages: dict[str, str | None] = {}    # generated file path -> its locale (None: the summary)
    site: Site | None = None
    statuses: list[l10n.TranslationStatus] | None = None
    diffs: list[l10n_diff.TranslationDiff] = []
    views: dict[str, object] = {}        # page URL -> what its template shows


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

@event_priority(-110)
def on_files(files, config):
    _State.pages, _State.statuses, _State.diffs, _State.views = {}, None, [], {}
    site = load_site(Path(config.config_file_path).parent)
    if not _is_source_locale_build(config, site.source_locale):
        return files
    wanted = {STATUS_PAGE: None} | {LOCALE_PAGES.format(locale=locale): locale
                                    for locale in site.translation_locales}
    taken = [path for path in wanted if files.get_file_from_path(path) is not None]
    for path in taken:
        log.warning(f"{site.source_locale}/{path}: the localization status page is generated "
                    "at this path: rename this page")
    if taken:
        return files
    # Their titles and robots now (the navigation and the i18n plugin read them); the rest later.
    for path, locale in wanted.items():
        content = (l10n.status_page(site, []) if locale is None else l10n.locale_page(site, locale, []))
        files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    _State.pages, _State.site = wanted, site
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri not in _State.pages or page.file.abs_src_path is not None:
        return markdown
    site, locale = _State.site, _State.pages[page.file.src_uri]
    if _State.statuses is None:
        _State.statuses = l10n.site_status(site, front=sources.of_build(config, site).front)
        _State.diffs = l10n_diff.translation_diffs(site, _State.statuses)
    href = _href(config, site.source_locale, page.url)

    def locale_url(other: str) -> str:
        return href(site.source_locale, LOCALE_PAGES.format(locale=other))

    summary = l10n_dashboard.summary(site, _State.statuses, locale_url)
    if locale is None:
        text, view = l10n.status_page(site, _State.statuses), {"l10n_summary": summary}
    else:
        mine = next(s for s in summary.locales if s.locale == locale)
        text = l10n.locale_page(site, locale, _State.statuses)
        view = {"l10n_work": l10n_dashboard.locale_work(mine, _State.statuses, _State.diffs,
                                                        site.source_locale, href)}
    _State.views[page.url] = view
    body, page_meta = meta.get_data(text)
    page.meta.update(page_meta)
    return body


def on_page_context(context, page, config, nav):
    context.update(_State.views.get(page.url, {}))
    return context


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# True unless mkdocs-static-i18n builds another locale (build_only_locale makes that one
# its default, so compare with the source locale of mkdocs.yml).
def _is_source_locale_build(config, source_locale: str) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is None or i18n.current_language == source_locale


# Links from a status page to a page in a locale, as the i18n folder layout publishes it.
def _href(config, source_locale: str, here: str):
    def href(locale: str, page_path: str) -> str:
        url = File(page_path, src_dir=None, dest_dir="", use_directory_urls=config.use_directory_urls).url
        prefix = "" if locale == source_locale else f"{locale}/"
        return get_relative_url(prefix + url, here)
    return href
