"""MkDocs hook: hand helpsite.reader's view of each page to the templates in overrides/, and
give every locale its own search (helpsite.search) and 404 page.

mkdocs-static-i18n builds the source locale, then (inside that build's post_build event) every
other locale into the same site folder; each build would write search/search_index.json and
404.html at the site root. So each build's own pages and 404 page are kept and its search and
404 page written under the locale's folder at the very end of that build, after the i18n
plugin (priority -100).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from helpsite import reader, search, sources
from helpsite.site import load_site


@dataclass
class _Build:
    locale: str
    root: str                      # the locale's folder in the site: "" or "nb/"
    pages: dict[str, str] = field(default_factory=dict)   # destination -> URL, of the pages searched
    separator: str = ""            # how Material's language partial splits this locale's words
    pipeline: list[str] = field(default_factory=list)   # (both read when the templates are: on_env)
    not_found: str | None = None   # this build's rendered 404.html


class _State:
    config = None                  # the top-level build's config (i18n builds reuse it)
    localized: reader.LocalizedSite | None = None
    builds: list[_Build] = []      # the builds under way, innermost last
    sitemap_given = False          # to the first build: the others would write it again


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

def on_config(config):
    if _State.config is not config:
        _State.config = config
        site = load_site(Path(config.config_file_path).parent)
        _State.localized = reader.LocalizedSite(site, config.site_url,
                                                meta_of=sources.of_build(config, site).meta)
        _State.builds = []
        _State.sitemap_given = False


def on_pre_build(config):
    i18n = config.plugins["i18n"]
    locale = i18n.current_language
    root = "" if locale == i18n.default_language else f"{locale}/"
    _State.builds.append(_Build(locale, root))


# After static-i18n's (-100), which leaves this locale's pages and their fallbacks.
@event_priority(-110)
def on_files(files, config):
    # Every page, also those a dirty rebuild (the preview's --dirty) does not render again: the
    # bundle is written from the built files.
    _State.builds[-1].pages = {page.dest_uri: page.url for page in files.documentation_pages()}
    return files


def on_page_markdown(markdown, page, config, files):
    searched = page.meta.get("search") or {}
    if searched.get("exclude"):   # kept out of search by its front matter (the /l10n/ page)
        _State.builds[-1].pages.pop(page.file.dest_uri, None)
    # Material's own index is not used (search/search_index.json holds only its settings), so
    # its plugin is spared reading every page: Material's per-page switch.
    page.meta["search"] = {**searched, "exclude": True}
    return markdown


def on_env(env, config, files):
    env.filters["with_search_base"] = reader.with_search_base
    env.filters["with_search_name"] = search.named_dialog
    env.globals["search_worker"] = search.WORKER
    build = _State.builds[-1]
    build.separator, build.pipeline = _search_words(env, config)
    return env


def on_page_context(context, page, config, nav):
    build = _State.builds[-1]
    if page.file.abs_src_path is None:  # generated (the /l10n/ status page): no source file
        context["reader"] = _State.localized.generated(build.locale, page.meta, page.url, build.root)
        return context
    site = _State.localized.site
    source = Path(page.file.abs_src_path)
    page_path = site.page_path(source)
    if page_path is None:
        return context
    view = _State.localized.page(build.locale, page_path, site.locale_of(source), page.url, build.root)
    page.canonical_url = view.canonical
    context["reader"] = view
    return context


def on_template_context(context, template_name, config):
    if template_name == "404.html":
        build = _State.builds[-1]
        context["reader"] = _State.localized.not_found(build.locale, build.root)
        # The i18n plugin points the selector at each page's versions by setting the attribute
        # config.extra.alternate, which outlives its build; a 404 page's selector leads to the
        # locales' home pages, the item it resets every build.
        if "alternate" in config.extra:
            config.extra.alternate = config.extra["alternate"]
    elif template_name == "sitemap.xml":
        # One sitemap for every locale (overrides/sitemap.xml renders nothing for None).
        context["sitemap"] = None if _State.sitemap_given else _State.localized.sitemap
        _State.sitemap_given = True
    return context


def on_post_template(output, template_name, config):
    if template_name == "404.html":
        _State.builds[-1].not_found = output
    return output


@event_priority(-110)
def on_post_build(config):
    build = _State.builds.pop()
    site = Path(config.site_dir)
    pages = [search.Page(url.removeprefix(build.root), (site / dest).read_text(encoding="utf-8"))
             for dest, url in build.pages.items() if (site / dest).is_file()]
    try:
        search.write_bundle(pages, build.locale, site / build.root)
    except search.SearchError as error:
        raise PluginError(str(error)) from None
    settings = search.settings(build.root, build.separator, build.pipeline,
                               _search_plugin(config).config.fields)
    _write(config, build.root + search.SETTINGS, json.dumps(settings, separators=(",", ":")))
    if build.not_found is not None:
        _write(config, build.root + "404.html", build.not_found)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def _search_plugin(config):
    return config.plugins.get("material/search") or config.plugins["search"]


# The separator and pipeline Material's language partial gives the language being built
# (from the build's own template environment, which renders the pages with it next).
def _search_words(env, config) -> tuple[str, list[str]]:
    language = env.get_template("partials/language.html", None, {"config": config})
    pipeline = [step.strip() for step in language.module.t("search.config.pipeline").split(",")]
    return language.module.t("search.config.separator"), [step for step in pipeline if step]


def _write(config, relative: str, text: str) -> None:
    path = os.path.join(config.site_dir, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
