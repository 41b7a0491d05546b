"""One build of the site: what it knows from its first event to its last, and in which order.

A ``Build`` is made once per build (``mkdocs build``, and every rebuild of ``mkdocs serve``)
by ``hooks/build_context.py``; the other hooks only turn MkDocs events into calls on
``current()``. It holds the site (``mkdocs.yml`` read once), the source files
(``helpsite.building.source_files``: each checked and its front matter read once, in a worker beside the
build), the reader's view of every page (``helpsite.published.reader``) and a ``LocaleBuild`` for each
locale build under way. Data files the checks read (the metadata schema, each locale's
``strings/<locale>.yaml``) are read again when a build starts if they changed: a preview keeps
one process.

The order of events
-------------------

mkdocs-static-i18n builds the source locale first, then, inside that build's ``post_build``
(its handler has priority -100), every other locale, one nested build each with the same
configuration object: every event, ``config`` too, comes once per locale. Our handlers' places
follow from that. This is the order of a real build of the site's locales, recorded by
``tests/test_build.py`` (which fails when it changes): for each locale build, each event once,
in the order it first comes (page events repeat for every page), with its handlers in the
order they run; ``i18n`` is mkdocs-static-i18n, the others are our hooks (Material's plugins
are left out). The last lines are the rest of en's ``post_build``, after the nested builds:

.. event-order

    locale en
        startup: build_context, preview
        config: reproducible, build_context, i18n_alternates, shards, i18n
        pre_build: build_context, shards
        files: check_pages, safe_sources, i18n, l10n_status, localized_site, preview
        nav: i18n, navigation, preview
        page_read_source: check_pages
        page_markdown: i18n, l10n_status, localized_site
        page_content: escaped_text
        env: escaped_text, i18n, content_policy, localized_site, navigation, preview
        template_context: i18n, localized_site
        post_template: valid_markup, localized_site
        page_context: i18n, l10n_status, localized_site, escaped_text
        post_page: valid_markup, i18n
        post_build: search_bundle, shards, preview, i18n
    locale each other locale
        config: reproducible, build_context, i18n_alternates, shards, i18n
        pre_build: build_context, shards
        files: check_pages, safe_sources, i18n, l10n_status, localized_site, preview
        nav: i18n, navigation, preview
        page_read_source: check_pages
        page_markdown: i18n, l10n_status, localized_site
        page_content: escaped_text
        env: escaped_text, i18n, content_policy, localized_site, navigation, preview
        template_context: i18n, localized_site
        post_template: valid_markup, localized_site
        page_context: i18n, l10n_status, localized_site, escaped_text
        post_page: valid_markup, i18n
        post_build: search_bundle, shards, preview, i18n, localized_site, build_context
    locale en
        post_build: localized_site, build_context

.. end-event-order

So: ``startup`` (once a process, before the first ``config``) says whether the builds are a
preview's (``serve``: they end without waiting for their pages' findings; a differential
preview's builds read their pages and leave their rendering to it, ``hooks/preview.py``); ``config`` starts
the build (``start``) the first time; the nested builds' ``config``
finds it (the same configuration object), and a rebuild of ``mkdocs serve``, with a new one,
starts a new build. ``pre_build`` starts a ``LocaleBuild`` (``start_locale``); ``post_build`` at
-90 starts indexing that locale's pages (``search.start``: its Pagefind bundle, in a process of
its own), before static-i18n's, so that the source locale's pages are indexed while the other
locales build; at -110 it writes that locale's search settings and 404 page
(``search.write_settings``, ``write_not_found``: after static-i18n's nested builds have written
theirs at the site root),
at -95 a preview keeps the locale build as it is then (``hooks/preview.py``: its configuration
state, files, navigation and environment, noted at -200 in ``files``, ``nav`` and ``env``), to
render pages of it again on a save (``reopened``), and at -200 ends it (``end_locale``); when the last one ends, the build ends (``end``): it waits
for every locale's bundle, then for the findings and the worker (a preview's findings come as
they are ready, and its worker is kept for its next rebuild). ``build_error`` stops them.
``files`` plans the worker's order before static-i18n (-100) drops the other locales' files
(the reader's view of a page needs their front matter); the /l10n/ pages are added after it
(-110), so that it is neither copied into the other locales nor listed among their versions,
and the pages the locale's search indexes are noted then (its own and its fallbacks). ``nav`` at
-110, after static-i18n, nests the locale's pages and its fallbacks as one navigation in the
source locale's order (``hooks/navigation.py``, ``helpsite.published.navigation``). A
``--dirty`` preview's rebuild checks only the pages it rebuilds (``File.is_modified``).
Every page's ``page_content`` comes before the first template is rendered: that is where
``escaped_text`` marks the titles Python-Markdown made as HTML (helpsite.published.escaping), and its
``env`` (first, at 100) turns autoescape on before any handler compiles a template.
A handler of ``page_read_source`` is MkDocs' one reader of the page's text: the check's
notice replaces a page that must not be rendered. It waits only for what says whether the page
may be rendered (``read_page``); the findings are logged as they come: in ``mkdocs build`` in
the order the pages were read, the rest in the last ``post_build`` (``end``: before MkDocs
counts the warnings of ``--strict``); in a preview from another thread, after the rebuild if
need be, and those of a rebuild that a newer one replaced are dropped (the newer one reports
its pages again).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from helpsite.building import source_files
from helpsite.core import lasting, settings
from helpsite.core.findings import Finding
from helpsite.core.site import load_site
from helpsite.linting import metadata, safety
from helpsite.localization import l10n_dashboard, strings
from helpsite.published import reader, search


@dataclass
class LocaleBuild:
    """One locale's build under way: which locale, where, and what its end writes (its search is
    ``Build.search``'s)."""

    locale: str
    root: str  # the locale's folder in the site: "" or "nb/"
    not_found: str | None = None  # this build's rendered 404 page
    # page URL -> the language of its file, for the pages shown from another locale's (fallbacks)
    fallbacks: dict[str, str] = field(default_factory=dict)
    # A preview that renders its pages after the build (hooks/preview.py) sets ``pages_deferred``;
    # its search bundle is then made once they are (``index_later``), not at the build's end.
    pages_deferred: bool = False
    index_later: bool = False


# What receives a page's findings, once a build: the findings, and how the log names the file
# (relative to docs/).
Report = Callable[[tuple[Finding, ...], str], None]


class Build:
    """One build: the site, its source files, the reader's view, the locale builds under way;
    the features' own per-build objects hang on it (``search``, ``dashboard``)."""

    def __init__(
        self,
        root: Path,
        *,
        site_url: str,
        site_dir: str,
        workers: int | None = None,
        serving: bool = False,
    ):
        lasting.new_build()  # what a new build must read again (helpsite.core.lasting)
        metadata.refresh()
        self.settings = settings.read()  # once a build
        self.site = load_site(root)
        strings.for_site(self.site).refresh()
        self._strings_reported = False
        self.site_dir = site_dir
        self.source_files = source_files.SourceFiles(
            self.site, self.settings.workers if workers is None else workers, keep=serving
        )
        self.localized = reader.LocalizedSite(self.site, site_url, meta_of=self.source_files.meta)
        self.locales: list[LocaleBuild] = []  # innermost last
        self._planned = False
        self._notices: dict[str, str | None] = {}
        self._unpublishable: dict[str, Finding | None] = {}
        self._reported: set[str] = set()
        self._sitemap_given = False
        self.sitemap_later = False
        # A preview's build ends before the checks of its pages do: their findings are delivered
        # as they come (from another thread), unless a newer build has started (stale).
        self.serving = serving
        self.render_after_check = self.settings.render_after_check
        self._waiting: deque[tuple[str, str, Report]] = deque()  # pages read, findings to come
        self._delivered: set[str] = set()
        self._lock = threading.Lock()
        self._checked = threading.Condition(self._lock)  # a page's findings delivered
        self._report: Report | None = None
        # each page's findings as last delivered (absolute path): the preview shows them in the page
        self.findings: dict[str, tuple[Finding, ...]] = {}
        self._stale = False
        self.search = search.SiteSearch(site_dir)  # each locale's pages and bundle
        self.dashboard = l10n_dashboard.Dashboard(self.site, self.source_files.front)

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

    def plan(
        self, paths: Iterable[str], building: Iterable[str] | None, rebuilt: Iterable[str] | None = None
    ) -> None:
        """Start the worker on the build's Markdown files, once: those of the locales being
        built (``building``; None: all) to check, in the order the build reads them, then the
        others for their front matter only. A preview's ``--dirty`` rebuild reads only the
        pages that changed (``rebuilt``; None: all), so only they are checked."""
        if self._planned:
            return
        self._planned = True
        shard = self.settings.shard
        built = {shard} if shard else (set(building) if building is not None else None)
        changed = None if rebuilt is None else {os.path.abspath(path) for path in rebuilt}

        def checked(path: str) -> bool:
            if changed is not None and os.path.abspath(path) not in changed:
                return False  # not read: if it is after all, it is checked when it is
            locale = self.site.locale_of(path)
            return built is None or locale is None or locale in built

        ordered = source_files.build_order(self.site, list(paths))
        self.source_files.plan(
            sorted(((path, checked(path)) for path in ordered), key=lambda item: not item[1])
        )

    def strings_findings(self, building: Iterable[str] | None) -> list[Finding]:
        """What is wrong with the strings files of the locales being built (``building``; None:
        all): a locale without its file, or strings it lacks. Once a build: the first locale
        build that asks gets them."""
        if self._strings_reported:
            return []
        self._strings_reported = True
        shard = self.settings.shard
        locales = (
            [shard]
            if shard
            else (None if building is None else [x for x in self.site.locales if x in building])
        )
        return strings.for_site(self.site).findings(locales)

    def read_page(self, path: str, report: Report) -> str | None:
        """A page the build reads: the notice to render instead of it (None: render the page).

        Rendering waits only for what says whether the page may be rendered
        (``SourceFiles.blocking``), not for the checks of its links and headings, except when
        only those can tell (markup nested too deep for the engine). ``report`` gets the page's
        findings once a build (static-i18n reads a page again for every locale it falls back
        in): in ``mkdocs build`` in the order the pages were read, as soon as the ones before
        them are in, and all of them by the end of the build (``close``); in a preview, from
        another thread as soon as the worker has them, even after the build is over."""
        if path in self._notices:
            return self._notices[path]
        self._report = report
        shown = self.site.docs_path(path)
        blocking = None if self.render_after_check else self.source_files.blocking(path)
        if blocking is None:
            blocking = safety.unrenderable(self.source_files.findings(path))
        self._notices[path] = safety.notice(blocking) if blocking else None
        if self.serving:
            self.source_files.when_checked(
                path, lambda findings: self._deliver(path, shown, findings, report)
            )
        else:
            self._waiting.append((path, shown, report))
            if not self.source_files.working:  # no worker to wait for: checked here, now
                self.source_files.findings(path)
            self._deliver_ready()
        return self._notices[path]

    def _deliver(self, path: str, shown: str, findings: tuple[Finding, ...], report: Report) -> None:
        with self._lock:
            if self._stale or path in self._delivered:
                return
            self._delivered.add(path)
            self.findings[path] = findings
            self._checked.notify_all()
            # a page below a linked folder: the link is named, once a build (safety.outside_docs)
            linked = [f for f in findings if f.rule == safety.SYMLINK_OUTSIDE.id]
            report(tuple(f for f in findings if f not in linked), shown)
            link = safety.outside_link(path, self.site.docs_dir) if linked else None
            if link is not None and self.first_time(("link", link)):
                report(tuple(linked), self.site.docs_path(link))

    def _deliver_ready(self) -> None:
        """The findings of the pages read, in that order, as far as they are known."""
        while self._waiting:
            path, shown, report = self._waiting[0]
            findings = self.source_files.ready(path)
            if findings is None:
                return
            self._waiting.popleft()
            self._deliver(path, shown, findings, report)

    def _deliver_all(self) -> None:
        """Every page's findings, before the build ends: this process works out those the worker
        has not started, from the last page read back (the worker goes forward), until they meet."""
        self.source_files.finish([path for path, _, _ in self._waiting])
        self._deliver_ready()

    def first_time(self, key: Hashable) -> bool:
        """True the first time the build asks about ``key`` (what is reported once a build)."""
        first = key not in self._reported
        self._reported.add(key)
        return first

    def forget(self, path: str) -> None:
        """A source file was saved with a new body or title (the rest of its front matter the
        same): what this build knows of it is read again when the preview renders it again (its
        check, with its findings reported again, its front matter, and the bytes its
        translations' status hashes), and the localization dashboard's statuses are worked out
        again when it is rendered next."""
        path = os.path.abspath(path)
        with self._lock:
            self._notices.pop(path, None)
            self._delivered.discard(path)
        self.dashboard.forget()
        self.source_files.forget(path)
        locale, page_path = self.site.locale_of(Path(path)), self.site.page_path(Path(path))
        if page_path is not None:
            self.localized.forget(locale, page_path)
        self.source_files.plan([(path, True)])

    def came_or_went(self, path: str) -> None:
        """A page was added or deleted (a preview's save: a translation, its locale showing the
        source page's copy in its place or no more; a new or deleted page): what this build knows
        of the file is forgotten, and a new one is checked (its findings reported as a saved page's)."""
        path = os.path.abspath(path)
        with self._lock:
            self._notices.pop(path, None)
            self._delivered.discard(path)
            self.findings.pop(path, None)
        self.dashboard.forget()
        self.source_files.forget(path)
        self.localized.came_or_went(self.site.locale_of(Path(path)), self.site.page_path(Path(path)))
        if os.path.isfile(path):
            self.source_files.plan([(path, True)])

    def check_again(self, path: str) -> None:
        """A page whose text is the same but whose findings may not be (a page it links to was
        saved, or its English base): checked again, its findings reported again (a preview's)."""
        path = os.path.abspath(path)
        if self._report is None:
            return
        with self._lock:
            self._delivered.discard(path)
        self.source_files.forget(path)
        self.source_files.plan([(path, True)])
        shown, report = self.site.docs_path(path), self._report
        self.source_files.when_checked(path, lambda findings: self._deliver(path, shown, findings, report))

    def show_findings(self, path: str, findings: tuple[Finding, ...]) -> None:
        """Findings of a saved page that a preview keeps showing in its last good version (it
        cannot be rendered): reported, and shown in the page."""
        path = os.path.abspath(path)
        with self._lock:
            self.findings[path] = findings
        if self._report is not None:
            self._report(findings, self.site.docs_path(path))

    def wait_for_findings(self, paths: Iterable[str], timeout: float) -> bool:
        """Wait until these pages' findings (asked for again after a save) are delivered; False
        when ``timeout`` passed first (they come later, from another thread)."""
        wanted = {os.path.abspath(path) for path in paths}
        with self._checked:
            return self._checked.wait_for(lambda: wanted <= self._delivered or self._stale, timeout)

    def unpublishable(self, path: str, shown: str) -> tuple[Finding | None, bool]:
        """Why a file that is not a page must be left out of the site (None: publish it), and
        whether this is the first time the build asks (to report it once)."""
        if path not in self._unpublishable:
            self._unpublishable[path] = safety.unpublishable(Path(path), self.site.docs_dir, shown)
        link = safety.outside_link(path, self.site.docs_dir) if self._unpublishable[path] else None
        # every file below a linked folder: the link is reported once, as for a page below it
        first = self.first_time(path) and (link is None or self.first_time(("link", link)))
        return self._unpublishable[path], first

    # -- what the reader is shown ------------------------------------------------

    def sitemap_again(self) -> None:
        """A page's date changed in a preview: the sitemap is worked out again for the next build
        of the template that asks."""
        self._sitemap_given = False
        self.localized.forget_sitemap()

    def sitemap(self) -> list | None:
        """The sitemap of every locale, to the first build that asks (the others would write
        it again over it); None to the others. A preview that renders its pages after the build
        sets ``sitemap_later`` and renders the sitemap once they are (it reads every page's
        front matter, which the worker has read by then)."""
        if self.sitemap_later:
            return None
        given, self._sitemap_given = self._sitemap_given, True
        return None if given else self.localized.sitemap

    def write_not_found(self) -> None:
        """The locale build's 404 page under its folder: each nested build wrote its own at the
        site root."""
        build = self.locale
        if build.not_found is not None:
            path = os.path.join(self.site_dir, build.root, "404.html")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(build.not_found)

    def stop_reporting(self) -> None:
        """The process is stopping: no finding still to come is reported. Safe in a signal
        handler: a flag the deliveries read, no lock taken."""
        self._stale = True

    def close(self, failed: bool = False) -> None:
        """The build is over: its search bundles made, every finding delivered, and the worker
        stopped; when it failed (or a newer build replaces it), its search bundles still being
        made are stopped, its findings still to come dropped and its worker stopped at once."""
        if failed:
            with self._lock:
                self._stale = True
            self.search.stop()
            self.source_files.close(wait=False)
            return
        try:
            self.search.wait()
        finally:
            self._deliver_all()
            self.source_files.close(wait=True)


# ----------------------------------------------------------------------------
# The build under way
# ----------------------------------------------------------------------------

_current: tuple[object, Build] | None = None
_finishing: Build | None = None  # a preview's build that is over, its findings still coming
_serving = False
_dirty = False


def serve(serving: bool = True, dirty: bool = False) -> None:
    """The builds from now on are a preview's (``mkdocs serve``): each ends without waiting
    for its pages' findings, which come as they are ready; ``dirty``: its rebuilds read only
    the pages that changed (``--dirty``)."""
    global _serving, _dirty
    _serving, _dirty = serving, serving and dirty


def serving() -> bool:
    """Whether the builds are a preview's (``mkdocs serve``)."""
    return _serving


@contextlib.contextmanager
def reopened(ended: Build, key: object, locale: LocaleBuild) -> Iterator[Build]:
    """A preview's build that is over, current again with ``locale``'s build under way, while
    the preview renders some of its pages again (``hooks/preview.py``): the hooks find it as
    they did during the build. ``key`` is its configuration object."""
    global _current
    saved, _current = _current, (key, ended)
    ended.locales.append(locale)
    try:
        yield ended
    finally:
        ended.locales.pop()
        _current = saved


def dirty() -> bool:
    """Whether the builds are a ``mkdocs serve --dirty`` preview's."""
    return _dirty


def start(key: object, root: Path, *, site_url: str, site_dir: str) -> Build:
    """The build that ``key`` (the engine's configuration object, new for every build and
    rebuild) stands for: made at its first call, the same for later calls with the same key.
    A build left unfinished (a preview's rebuild after a failure), and a preview's build whose
    findings are still coming, are closed: none of their findings is delivered after this."""
    global _current, _finishing
    if _current is None or _current[0] is not key:
        if _current is not None:
            _current[1].close(failed=True)
        if _finishing is not None:
            _finishing.close(failed=True)
            _finishing = None
        _current = (key, Build(root, site_url=site_url, site_dir=site_dir, serving=_serving))
    return _current[1]


def current() -> Build:
    if _current is None:
        raise RuntimeError(
            "no build under way: hooks/build_context.py must come before the hooks that use it in mkdocs.yml"
        )
    return _current[1]


def end(failed: bool = False) -> None:
    """The build is over (or failed): its search bundles waited for (or stopped), its findings
    delivered and its worker stopped (a preview's: left to deliver them as they come), and
    forgotten. Raises ``search.SearchError`` when a bundle could not be made."""
    global _current, _finishing
    if _current is not None:
        ended, _current = _current[1], None
        if not failed:
            try:
                ended.search.wait()
            except BaseException:
                ended.close(failed=True)
                raise
        if ended.serving and not failed:
            _finishing = ended
        else:
            ended.close(failed=failed)
