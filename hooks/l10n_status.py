"""MkDocs hook: the localization dashboard, /l10n/ and /l10n/<locale>/, from helpsite.localization.l10n.

The pages exist only in the source locale's build. They are added after mkdocs-static-i18n
has sorted the files by locale (its on_files runs at priority -100): a generated file has
no path in docs/, which the plugin cannot sort, and coming last keeps the pages out of its
fallback copies and sitemap alternates. They are left out of the navigation.

Their data is made when the build reads the first of them, the last pages of their locale: by
then helpsite.building.source_files has read every translation's front matter beside the build. The data
goes to overrides/l10n.html as `l10n_summary` or `l10n_work` (helpsite.localization.l10n_dashboard.Dashboard,
the build's `dashboard`).
"""

from __future__ import annotations

import logging

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url, meta

from helpsite.building import build

log = logging.getLogger("mkdocs.hooks.helpsite")


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


@event_priority(-110)
def on_files(files, config):
    context = build.current()
    if not _is_source_locale_build(config, context.site.source_locale):
        return files
    wanted = context.dashboard.pages()
    taken = [path for path in wanted if files.get_file_from_path(path) is not None]
    for path in taken:
        log.warning(
            f"{context.site.source_locale}/{path}: the localization status page is generated "
            "at this path: rename this page"
        )
    if taken:
        return files
    # Their titles and robots now (the navigation and the i18n plugin read them); the rest later.
    for path, content in wanted.items():
        files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    context.dashboard.added(wanted)
    return files


def on_page_markdown(markdown, page, config, files):
    context = build.current()
    if page.file.src_uri not in context.dashboard.paths or page.file.abs_src_path is not None:
        return markdown
    text = context.dashboard.page(
        page.file.src_uri, page.url, _href(config, context.site.source_locale, page.url)
    )
    body, page_meta = meta.get_data(text)
    page.meta.update(page_meta)
    return body


def on_page_context(context, page, config, nav):
    context.update(build.current().dashboard.view(page.url))
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
