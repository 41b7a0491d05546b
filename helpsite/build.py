"""One build of the site: what it knows from its first event to its last, and in which order.

A ``Build`` is made once per build (``mkdocs build``, and every rebuild of ``mkdocs serve``)
by ``hooks/build_context.py``; the other hooks only turn MkDocs events into calls on
``current()``. It holds the site (``mkdocs.yml`` read once), the source files
(``helpsite.source_files``: each checked and its front matter read once, in a worker beside the
build), the reader's view of every page (``helpsite.reader``) and a ``LocaleBuild`` for each
locale build under way. Data files the checks read (the metadata schema, ``reader.yaml``)
are read again when a build starts if they changed: a preview keeps one process.

The order of events
-------------------

mkdocs-static-i18n builds the source locale first, then, inside that build's ``post_build``
(its handler has priority -100), every other locale, one nested build each with the same
configuration object: every event, ``config`` too, comes once per locale. Our handlers' places
follow from that. This is the order of a real build of the eight locales, recorded by
``tests/test_build.py`` (which fails when it changes): for each locale build, each event once,
in the order it first comes (page events repeat for every page), with its handlers in the
order they run; ``i18n`` is mkdocs-static-i18n, the others are our hooks (Material's plugins
are left out). The last lines are the rest of en's ``post_build``, after the nested builds:

.. event-order

    locale en
        config: reproducible, build_context, i18n_alternates, shards, i18n
        pre_build: build_context, shards
        files: check_pages, safe_sources, i18n, l10n_status, localized_site
        nav: i18n
        page_read_source: check_pages
        page_markdown: i18n, l10n_status, localized_site
        env: i18n, localized_site
        template_context: i18n, localized_site
        post_template: valid_markup, localized_site
        page_context: i18n, l10n_status, localized_site
        post_page: valid_markup, i18n
        post_build: search_bundle, shards, i18n
    locale nb, da, sv, fi, de, ja, ar
        config: reproducible, build_context, i18n_alternates, shards, i18n
        pre_build: build_context, shards
        files: check_pages, safe_sources, i18n, l10n_status, localized_site
        nav: i18n
        page_read_source: check_pages
        page_markdown: i18n, l10n_status, localized_site
        env: i18n, localized_site
        template_context: i18n, localized_site
        post_template: valid_markup, localized_site
        page_context: i18n, l10n_status, localized_site
        post_page: valid_markup, i18n
        post_build: search_bundle, shards, i18n, localized_site, build_context
    locale en
        post_build: localized_site, build_context

.. end-event-order

So: ``config`` starts the build (``start``) the first time; the nested builds' ``config``
finds it (the same configuration object), and a rebuild of ``mkdocs serve``, with a new one,
starts a new build. ``pre_build`` starts a ``LocaleBuild`` (``start_locale``); ``post_build`` at
-90 starts indexing that locale's pages (``index_locale``: its Pagefind bundle, ``helpsite.search``,
in a process of its own), before static-i18n's, so that the source locale's pages are indexed
while the other locales build; at -110 it writes that locale's search settings and 404 page
(``write_locale_files``, after static-i18n's nested builds have written theirs at the site root),
and at -200 ends it (``end_locale``); when the last one ends, the build ends (``end``): it waits
for every locale's bundle and the worker. ``build_error`` stops them.
``files`` plans the worker's order before static-i18n (-100) drops the other locales' files
(the reader's view of a page needs their front matter); the /l10n/ pages are added after it
(-110), so that it is neither copied into the other locales nor listed among their versions,
and the pages the locale's search indexes are noted then (its own and its fallbacks).
A handler of ``page_read_source`` is MkDocs' one reader of the page's text: the check's
notice replaces a page that must not be rendered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from helpsite import l10n, l10n_dashboard, l10n_diff, metadata, reader, safety, search, shards, source_files
from helpsite.findings import Finding
from helpsite.site import load_site

# The localization dashboard's pages, generated in the source locale's build.
STATUS_PAGE = "l10n.md"
LOCALE_PAGES = "l10n/{locale}.md"


@dataclass
class LocaleBuild:
    """One locale's build under way: what the end of that build writes."""

    locale: str
    root: str  # the locale's folder in the site: "" or "nb/"
    pages: dict[str, str] = field(default_factory=dict)  # destination -> URL, of the pages searched
    separator: str = ""  # how this locale's search splits words (from the theme)
    pipeline: list[str] = field(default_factory=list)
    not_found: str | None = None  # this build's rendered 404 page
    dashboard: set[str] = field(default_factory=set)  # the /l10n/ pages it has (source locale only)
    views: dict[str, dict] = field(default_factory=dict)  # page URL -> what its template shows


@dataclass(frozen=True)
class PageReport:
    """What the build does with a page it reads: log the findings, render the notice instead."""

    findings: tuple[Finding, ...]  # the first time the build reads the page; () after that
    shown: str  # how the log names the file: relative to docs/
    notice: str | None  # what to render instead of the page (None: the page)


class Build:
    """One build: the site, its source files, the reader's view, the locale builds under way."""

    def __init__(self, root: Path, *, site_url: str, site_dir: str, workers: int | None = None):
        metadata.refresh()
        reader.refresh()
        self.site = load_site(root)
        self.site_dir = site_dir
        self.source_files = source_files.SourceFiles(self.site, workers)
        self.localized = reader.LocalizedSite(self.site, site_url, meta_of=self.source_files.meta)
        self.locales: list[LocaleBuild] = []  # innermost last
        self._planned = False
        self._notices: dict[str, str | None] = {}
        self._unpublishable: dict[str, Finding | None] = {}
        self._reported: set[str] = set()
        self._sitemap_given = False
        self._translations: tuple[list, list] | None = None  # statuses and diffs, once a build
        self._indexing: list[search.Indexing] = []  # the locales' search bundles being written

    # -- locale builds -----------------------------------------------------------

    @property
    def locale(self) -> LocaleBuild:
        """The locale build under way (the innermost)."""
        return self.locales[-1]

    def start_locale(self, locale: str, at_root: bool) -> LocaleBuild:
        """A locale's build starts; ``at_root`` when it is served at the site root."""
        self.locales.append(LocaleBuild(locale, "" if at_root else f"{locale}/"))
        return self.locale

    def end_locale(self) -> bool:
        """The innermost locale build is over; True when it was the last one."""
        self.locales.pop()
        return not self.locales

    # -- source files ------------------------------------------------------------

    def plan(self, paths: Iterable[str], building: Iterable[str] | None) -> None:
        """Start the worker on the build's Markdown files, once: those of the locales being
        built (``building``; None: all) to check, in the order the build reads them, then the
        others for their front matter only."""
        if self._planned:
            return
        self._planned = True
        shard = os.environ.get(shards.SHARD_VARIABLE)
        built = {shard} if shard else (set(building) if building is not None else None)

        def checked(path: str) -> bool:
            locale = self.site.locale_of(path)
            return built is None or locale is None or locale in built

        ordered = source_files.build_order(self.site, list(paths))
        self.source_files.plan(
            sorted(((path, checked(path)) for path in ordered), key=lambda item: not item[1])
        )

    def read_page(self, path: str) -> PageReport:
        """A page the build reads: its findings the first time (static-i18n reads a page again
        for every locale it falls back in), and the notice to render instead of an unsafe page."""
        shown = self.site.docs_path(path)
        if path in self._notices:
            return PageReport((), shown, self._notices[path])
        findings = tuple(self.source_files.findings(path))
        blocking = safety.unrenderable(findings)
        self._notices[path] = safety.notice(blocking) if blocking else None
        return PageReport(findings, shown, self._notices[path])

    def unpublishable(self, path: str, shown: str) -> tuple[Finding | None, bool]:
        """Why a file that is not a page must be left out of the site (None: publish it), and
        whether this is the first time the build asks (to report it once)."""
        if path not in self._unpublishable:
            self._unpublishable[path] = safety.unpublishable(Path(path), self.site.docs_dir, shown)
        first = path not in self._reported
        self._reported.add(path)
        return self._unpublishable[path], first

    # -- what the reader is shown ------------------------------------------------

    def sitemap(self) -> list | None:
        """The sitemap of every locale, to the first build that asks (the others would write
        it again over it); None to the others."""
        given, self._sitemap_given = self._sitemap_given, True
        return None if given else self.localized.sitemap

    def dashboard_pages(self) -> dict[str, str]:
        """The localization dashboard's pages (path -> Markdown): /l10n/ and one per translation
        locale, with their titles and robots; their tables come when the build reads them."""
        return {
            path: (
                l10n.status_page(self.site, []) if locale is None else l10n.locale_page(self.site, locale, [])
            )
            for path, locale in self._dashboard_locales().items()
        }

    def dashboard_page(self, path: str, url: str, href: Callable[[str, str], str]) -> str:
        """A dashboard page's Markdown, with every translation's status as it is now; what its
        template shows (``l10n_summary`` or ``l10n_work``) is kept in the locale build's views."""
        if self._translations is None:  # the first dashboard page read: the worker is done
            statuses = l10n.site_status(self.site, front=self.source_files.front)
            self._translations = statuses, l10n_diff.translation_diffs(self.site, statuses)
        statuses, diffs = self._translations
        locale = self._dashboard_locales()[path]

        def locale_url(other: str) -> str:
            return href(self.site.source_locale, LOCALE_PAGES.format(locale=other))

        summary = l10n_dashboard.summary(self.site, statuses, locale_url)
        if locale is None:
            text, view = l10n.status_page(self.site, statuses), {"l10n_summary": summary}
        else:
            mine = next(s for s in summary.locales if s.locale == locale)
            text = l10n.locale_page(self.site, locale, statuses)
            view = {
                "l10n_work": l10n_dashboard.locale_work(mine, statuses, diffs, self.site.source_locale, href)
            }
        self.locale.views[url] = view
        return text

    def _dashboard_locales(self) -> dict[str, str | None]:
        return {STATUS_PAGE: None} | {
            LOCALE_PAGES.format(locale=locale): locale for locale in self.site.translation_locales
        }

    def index_locale(self) -> None:
        """Start the locale build's search bundle (Pagefind, ``helpsite.search``) from its pages
        as written, in a process of its own: it runs while the next locale builds, and the
        build waits for every locale's at its end (``close``)."""
        build = self.locale
        site = Path(self.site_dir)
        pages = [
            search.Page(url.removeprefix(build.root), path=site / dest)
            for dest, url in build.pages.items()
            if (site / dest).is_file()
        ]
        self._indexing.append(search.start_bundle(pages, build.locale, site / build.root))

    def write_locale_files(self, fields: dict) -> None:
        """The settings the locale build's search reads (Material's, and where its bundle is)
        and its 404 page, under its folder: each nested build wrote its own at the site root."""
        build = self.locale
        settings = search.settings(build.root, build.separator, build.pipeline, fields)
        self._write(build.root + search.SETTINGS, json.dumps(settings, separators=(",", ":")))
        if build.not_found is not None:
            self._write(build.root + "404.html", build.not_found)

    def _write(self, relative: str, text: str) -> None:
        path = os.path.join(self.site_dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)

    def close(self, failed: bool = False) -> None:
        """Wait for the search bundles and the worker, or stop them when the build failed.
        Raises ``search.SearchError`` when a bundle could not be made."""
        indexing, self._indexing = self._indexing, []
        try:
            if failed:
                for bundle in indexing:
                    bundle.stop()
            else:
                search.wait_all(indexing)
        finally:
            self.source_files.close(wait=not failed)


# ----------------------------------------------------------------------------
# The build under way
# ----------------------------------------------------------------------------

_current: tuple[object, Build] | None = None


def start(key: object, root: Path, *, site_url: str, site_dir: str) -> Build:
    """The build that ``key`` (the engine's configuration object, new for every build and
    rebuild) stands for: made at its first call, the same for later calls with the same key.
    A build left unfinished (a preview's rebuild after a failure) is closed."""
    global _current
    if _current is None or _current[0] is not key:
        if _current is not None:
            _current[1].close(failed=True)
        _current = (key, Build(root, site_url=site_url, site_dir=site_dir))
    return _current[1]


def current() -> Build:
    if _current is None:
        raise RuntimeError(
            "no build under way: hooks/build_context.py must come before the hooks that use it in mkdocs.yml"
        )
    return _current[1]


def end(failed: bool = False) -> None:
    """The build is over (or failed): wait for its search bundles and its worker (or stop them)
    and forget it. Raises ``search.SearchError`` when a bundle could not be made."""
    global _current
    if _current is not None:
        ended, _current = _current[1], None
        ended.close(failed=failed)
