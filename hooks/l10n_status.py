"""MkDocs hook: the localization status page, /l10n/, generated from helpsite.l10n.

The page exists only in the source locale's build. It is added after mkdocs-static-i18n
has sorted the files by locale (its on_files runs at priority -100): a generated file has
no path in docs/, which the plugin cannot sort, and coming last keeps the page out of its
fallback copies and sitemap alternates. It is left out of the navigation.

Its table is made when the build reads the page, the last of its locale: by then
helpsite.source_files has read every translation's front matter beside the build.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url, meta

from helpsite import build, l10n

STATUS_PAGE = "l10n.md"

log = logging.getLogger("mkdocs.hooks.helpsite")


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

@event_priority(-110)
def on_files(files, config):
    context = build.current()
    site = context.site
    if not _is_source_locale_build(config, site.source_locale):
        return files
    if files.get_file_from_path(STATUS_PAGE) is not None:
        log.warning(f"{site.source_locale}/{STATUS_PAGE}: the localization status page is generated "
                    "at this path: rename this page")
        return files
    # Its title and robots now (the navigation and the i18n plugin read them); its table later.
    page = File.generated(config, STATUS_PAGE, content=l10n.status_page(site, []),
                          inclusion=InclusionLevel.NOT_IN_NAV)
    files.append(page)
    context.locale.status_page = page
    return files


def on_page_markdown(markdown, page, config, files):
    context = build.current()
    if context.locale.status_page is None or page.file is not context.locale.status_page:
        return markdown
    text = context.status_page(_href(config, context.site.source_locale, page.url))
    body, page_meta = meta.get_data(text)
    page.meta.update(page_meta)
    return body


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# True unless mkdocs-static-i18n builds another locale (build_only_locale makes that one
# its default, so compare with the source locale of mkdocs.yml).
def _is_source_locale_build(config, source_locale: str) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is None or i18n.current_language == source_locale


# Links from the status page to a page in a locale, as the i18n folder layout publishes it.
def _href(config, source_locale: str, here: str):
    def href(locale: str, page_path: str) -> str:
        url = File(page_path, src_dir=None, dest_dir="", use_directory_urls=config.use_directory_urls).url
        prefix = "" if locale == source_locale else f"{locale}/"
        return get_relative_url(prefix + url, here)
    return href
