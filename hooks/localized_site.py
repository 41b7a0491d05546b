"""MkDocs hook: hand helpsite.published.reader's view of each page to the templates in overrides/, and
give every locale its own search (helpsite.published.search) and 404 page.

mkdocs-static-i18n builds the source locale, then (inside that build's post_build event) every
other locale into the same site folder; each build would write search/search_index.json and
404.html at the site root. So each build's own pages and 404 page are kept and its search
settings and 404 page written under the locale's folder at the very end of that build, after
the i18n plugin (priority -100): see the order of events in helpsite/building/build.py. The search
bundle of those pages is started earlier, by hooks/search_bundle.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

import jinja2
from mkdocs.plugins import event_priority

from helpsite.building import build
from helpsite.core import lasting
from helpsite.published import reader, search

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_serve(server, *, config, builder):
    """The preview answers a missing URL with its locale's 404 page, as the host is configured to
    (MkDocs' own error handler gives every URL the root 404.html)."""
    requested = threading.local()
    serve = server.get_app()

    def remembering_path(environ, start_response):
        requested.path = environ.get("PATH_INFO", "/")
        return serve(environ, start_response)

    def error_page(code: int) -> bytes | None:
        if code != 404:
            return None
        path = requested.path.encode("latin-1").decode("utf-8", "ignore")
        page = reader.not_found_page(Path(config.site_dir), path.removeprefix(server.mount_path.rstrip("/")))
        return page.read_bytes() if page.is_file() else None

    server.set_app(remembering_path)
    server.error_handler = error_page
    return server


# After static-i18n's (-100), which leaves this locale's pages and their fallbacks.
@event_priority(-110)
def on_files(files, config):
    # Every page, also those a dirty rebuild (the preview's --dirty) does not render again: the
    # bundle is written from the built files.
    current = build.current()
    current.search.of(current.locale).pages = {
        page.dest_uri: page.url for page in files.documentation_pages()
    }
    return files


def on_page_markdown(markdown, page, config, files):
    searched = page.meta.get("search") or {}
    if searched.get("exclude"):  # kept out of search by its front matter (the /l10n/ page)
        current = build.current()
        current.search.of(current.locale).pages.pop(page.file.dest_uri, None)
    # Material's own index is not used (search/search_index.json holds only its settings), so
    # its plugin is spared reading every page: Material's per-page switch.
    page.meta["search"] = {**searched, "exclude": True}
    return markdown


def on_env(env, config, files):
    # MkDocs makes a new template environment for every locale build, which would compile every
    # template of the theme again (about 1.2 s a locale): the compiled code is kept for the
    # process, and used again while the template's text is the same (Jinja's checksum).
    env.bytecode_cache = _COMPILED
    env.globals["search_worker"] = search.WORKER
    current = build.current()
    searched = current.search.of(current.locale)
    searched.separator, searched.pipeline = _search_words(env, config)
    # The palette toggle's name (its tooltip and accessible name) in the locale's language.
    if "palette" in config.theme:
        strings = current.localized.strings.table(current.locale.locale)
        config.theme["palette"] = reader.palette(config.theme["palette"], strings)
    return env


def on_page_context(context, page, config, nav):
    current = build.current()
    locale, localized = current.locale, current.localized
    if page.file.abs_src_path is None:  # generated (the /l10n/ status page): no source file
        context["reader"] = localized.generated(locale.locale, page.meta, page.url, locale.root)
        return context
    source = Path(page.file.abs_src_path)
    page_path = current.site.page_path(source)
    if page_path is None:
        return context
    view = localized.page(locale.locale, page_path, current.site.locale_of(source), page.url, locale.root)
    page.canonical_url = view.canonical
    context["reader"] = view
    return context


def on_template_context(context, template_name, config):
    if template_name == "404.html":
        current = build.current()
        context["reader"] = current.localized.not_found(current.locale.locale, current.locale.root)
        # The i18n plugin points the selector at each page's versions by setting the attribute
        # config.extra.alternate, which outlives its build; a 404 page's selector leads to the
        # locales' home pages, the item it resets every build.
        if "alternate" in config.extra:
            config.extra.alternate = config.extra["alternate"]
    elif template_name == "sitemap.xml":
        # One sitemap for every locale (overrides/sitemap.xml renders nothing for None).
        context["sitemap"] = build.current().sitemap()
    return context


def on_post_template(output, template_name, config):
    if template_name == "404.html":
        build.current().locale.not_found = output
    return output


@event_priority(-110)
def on_post_build(config):
    current = build.current()
    current.search.write_settings(current.locale, _search_plugin(config).config.fields)
    current.write_not_found()


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory."""

    def __init__(self):
        self._code = lasting.cache(
            "templates.bytecode",
            1_000,
            kept="one entry a template; Jinja checks it against the template's text",
        )

    def load_bytecode(self, bucket):
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _search_plugin(config):
    return config.plugins.get("material/search") or config.plugins["search"]


# The separator and pipeline Material's language partial gives the language being built
# (from the build's own template environment, which renders the pages with it next).
def _search_words(env, config) -> tuple[str, list[str]]:
    language = env.get_template("partials/language.html", None, {"config": config})
    pipeline = [step.strip() for step in language.module.t("search.config.pipeline").split(",")]
    return language.module.t("search.config.separator"), [step for step in pipeline if step]
