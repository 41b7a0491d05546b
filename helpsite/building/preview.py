"""The differential preview: on a save, only the pages the save changes are rendered again.

A preview's first build is a full build; ``hooks/preview.py`` keeps what each locale build of it
knew (its configuration, files, navigation, template environment and pages) and renders pages
again through MkDocs' own page pipeline, every hook and plugin included. This module decides
what a save needs, with no MkDocs in it:

- a **body edit** (a page that was built, saved with the same front matter and the same title)
  renders again that page in every locale where it appears: its own page, its fallback copies in
  the locales without a translation and, for a source-locale page, its translations (their "out
  of date" notice hashes the source's bytes): ``body_edit_outputs``;
- a **translation added or deleted** (``docs/nb/x.md`` where nb showed the English page's copy,
  or gone so that nb shows the copy again) swaps the file of that page in that locale build
  (``Engine.swap``) and renders it again, with the pages whose navigation or footer shows its
  fallback marker (``title_readers``) and the other locales' versions whose hreflang alternates
  list it; the sitemap, the dashboard and that locale's search follow after the reload;
- a **page added or deleted** (a new English page, one deleted, a rename: both in one save; a
  translation whose English page is not there) puts the page in each locale build, or takes it
  out (``Engine.place_page``): its versions are rendered, with the pages whose navigation or
  footer shows it and those whose links to it now lead to it or no more (the link graph);
- **anything else** (a new folder, the first page of a section, mkdocs.yml, overrides/, a data
  file, text that cannot be read) rebuilds everything, as ``mkdocs serve`` does, and the log
  says why: ``full_rebuild_reason``, ``place_page``.

What a body edit changes beside the pages (the search bundles of the locales whose article text
changed, the /l10n/ dashboard) is brought up to date after the browser has reloaded, in a
thread of its own (``Background``); the old search bundle answers until the new one, made in a
folder of its own, is moved into its place.

A preview's build (its first, and every full rebuild) reads every page's source and front matter
and builds every locale's navigation, but renders no page whose title it knows without
converting it: a requested page is rendered before it is served (``Preview.requested``), and
the rest in the background (``Remaining``), a few at a time between requests and saves. Once
every page is, the anchors across them are validated and the search bundles made.
"""

from __future__ import annotations

import contextlib
import filecmp
import logging
import os
import posixpath
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from helpsite.building import findings_banner, source_files
from helpsite.core import settings
from helpsite.core.findings import Finding
from helpsite.core.site import Site, is_below
from helpsite.linting import checks, metadata, safety
from helpsite.linting.link_graph import LinkGraph
from helpsite.localization import strings
from helpsite.published import csp, search

log = logging.getLogger("mkdocs.hooks.helpsite.preview")

# "full": every save rebuilds everything (MkDocs' own preview, the benchmark's baseline);
# "verify": the differential preview, each settled save compared with a fresh build (slow).
# How long the background waits for saves to stop before it re-indexes (s).
QUIET = 0.3
# Front-matter keys whose change reaches pages beyond the page's own outputs, and what reads
# them there: a change to one of them rebuilds everything. A change to any other key renders
# again the page's own outputs (the page, its fallback copies, its translations' notices, which
# hash the English bytes), and the pages whose navigation or footer shows it when its title or
# what the navigation shows of it changed (hooks/preview.py: NAVIGATION_META).
FULL_REBUILD_KEYS = {
    "ROBOTS": "every language version's hreflang alternates, the sitemap and the search read it",
}
# Keys the sitemap shows (helpsite.published.reader.sitemap): it is written again after the reload.
SITEMAP_KEYS = ("ms.date",)
# How long a save waits for the findings of the pages it checks again, so that the reload shows
# them in the page (s); later ones are in the log, and in the page at its next load.
FINDINGS_WAIT = 2.0
# Pages the background renders at a time before it lets a request or a save go first.
BATCH = 4
# How long a save of a page that came or went waits for the link graph (made once the preview is
# up): the pages that link to the page are rendered again (their links to it change), and only
# the graph knows them. A full rebuild when it is not made by then (s).
LINK_GRAPH_WAIT = 30.0


@dataclass(frozen=True)
class Output:
    """A page a locale build writes: ``page_path`` (inside the locale folder) rendered from the
    Markdown file ``source`` (absolute; another locale's for a fallback copy)."""

    locale: str
    page_path: str
    source: str


class Engine(Protocol):
    """What the preview needs of the build it keeps (``hooks/preview.py``)."""

    site: Site
    site_dir: Path
    ready: bool  # False while a full rebuild runs, and after one failed
    complete: bool  # every page of the build rendered (the anchors across them validated)
    started: float  # when the build started (time.monotonic)

    def outputs(self) -> list[Output]: ...
    def files(self) -> set[str]: ...
    def known_front(self, path: str) -> tuple[bool, dict | None]: ...
    def forget(self, path: str) -> None: ...
    def hold(self, path: str, findings: tuple[Finding, ...]) -> None: ...  # its last good page stays
    # their text is the same, the targets of their links not
    def check_again(self, paths: Iterable[str]) -> None: ...
    def wait_for_findings(self, paths: Iterable[str], timeout: float) -> bool: ...
    # the source file's findings of a page served (inside the site folder), as the log names it
    def findings_of(self, served: str) -> tuple[str, tuple[Finding, ...]] | None: ...
    # returns those whose title, or what the navigation shows of them, changed
    def render(self, outputs: list[Output]) -> list[Output]: ...
    def title_readers(self, retitled: list[Output]) -> list[Output] | None: ...  # None: every page
    # a new or deleted translation: the page it changes, when its locale build can swap its file
    def translation_swap(self, path: str) -> Output | None: ...
    # the page as it is now, and the other locales' versions whose language links changed
    def swap(self, shown: Output, path: str) -> tuple[Output, list[Output]]: ...
    # a page of a locale folder that is new to the kept build, or gone from it
    def came_or_went(self, path: str) -> bool: ...
    # that page put in every locale build, or taken out: the pages rendered from it now and the
    # pages whose navigation or footer shows it; or why it takes a full rebuild
    def place_page(self, page_path: str, changed: list[str]) -> tuple[list[Output], list[Output]] | str: ...
    def render_dashboard(self) -> int: ...
    def search_pages(self, locale: str) -> tuple[list[search.Page], Path] | None: ...
    def rebuild(self) -> None: ...
    def pending(self, limit: int | None = None) -> list[Output]: ...  # not rendered yet
    def render_later(self, outputs: list[Output]) -> None: ...  # on request and in the background
    def pending_at(self, relative: str) -> Output | None: ...  # the page not rendered yet written there
    def rendered(self, source: str) -> bool: ...  # a page of that file rendered since the build read it
    # The locales whose build the first build left for later (read when a page of one is asked
    # for, or in the background): their files, the locale serving a path, the build of one
    def later(self, path: str) -> bool: ...
    def later_at(self, relative: str) -> str | None: ...
    def later_locales(self) -> list[str]: ...
    def build_later(self, locale: str | None = None) -> str | None: ...
    def stop(self) -> None: ...  # the preview stops: the build under way ends, its findings dropped
    def finish(self) -> int: ...  # every page rendered: validates their anchors; the number of pages
    # the sitemap the build left for after its pages, or (again) written again after a save
    def render_sitemap(self, again: bool = False) -> bool: ...
    def fresh_build(self, target: Path) -> tuple[list[str], dict]: ...  # the command and environment


def body_edit_outputs(site: Site, edited: str, outputs: Iterable[Output]) -> list[Output]:
    """The pages a new body of ``edited`` changes: the pages rendered from it (its own and its
    fallback copies) and, for a source-locale page, its translations (their status notice)."""
    edited = os.path.abspath(edited)
    if site.locale_of(Path(edited)) == site.source_locale:
        page_path = site.page_path(Path(edited))
        return [output for output in outputs if output.page_path == page_path]
    return [output for output in outputs if output.source == edited]


def full_rebuild_reason(
    site: Site, changed: Iterable[str], engine: Engine, sources: set[str], files: set[str]
) -> str | None:
    """Why these changed paths need a full rebuild (None: each is a body edit of a built page,
    or a file that came and went, as an editor's temporary file does). ``sources`` are the
    Markdown files the kept build rendered, ``files`` every file it read from docs/. A folder is
    not among ``changed``: its files are (``_files_for_folders``)."""
    changed = set(changed)
    for path in sorted(changed):
        shown = os.path.relpath(path, site.root)
        if not is_below(path, os.path.abspath(site.docs_dir)):
            return f"{shown} changed (configuration, templates, data or code)"
        # a page the build read without rendering it (a source page in a one-locale preview)
        known, before = engine.known_front(path) if path.endswith(".md") else (False, None)
        if not os.path.lexists(path):
            if path in files or known:
                return f"{shown} was deleted or renamed"
            continue
        if path not in sources and not known:
            return f"{shown} is new, or is no page" if path.endswith(".md") else f"{shown} changed"
        if not os.path.isfile(path):
            return f"{shown} changed"
        now = source_files.facts_of(site, path, check=False)
        if not known:
            return f"{shown}: its front matter was not read by the build"
        if now.meta is None:
            return f"{shown}: its front matter cannot be read ({now.problem})"
        if before is None:
            return f"{shown}: its front matter changed (it could not be read before)"
        wide = sorted(changed_keys(before, now.meta) & FULL_REBUILD_KEYS.keys())
        if wide:
            return f"{shown}: its front matter's {wide[0]} changed ({FULL_REBUILD_KEYS[wide[0]]})"
    return None


def changed_keys(before: dict | None, now: dict | None) -> set[str]:
    """The front-matter keys whose value differs (a key added or removed too)."""
    before, now = before or {}, now or {}
    return {key for key in {*before, *now} if before.get(key) != now.get(key)}


class Preview:
    """Decides, for each save, what to render again, and keeps the rest up to date after it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.lock = threading.RLock()  # one render at a time: they share the build's state
        self.background = Background(self)
        self.remaining = Remaining(self)
        self.generation = 0  # a full rebuild's number: the background's work for an older one is dropped
        self.links = Links(engine.site)
        self._sitemap = False  # a save changed what the sitemap shows: written again after the reload
        self._searched: set[str] = set()  # locales whose search a translation added or deleted changes
        self._later: list[Output] = []  # pages a save left to render on request and in the background
        self.waiting = 0  # requests and saves waiting for the lock: the remaining pages let them go first
        self._counting = threading.Lock()

    def start(self) -> None:
        """The preview's first build is over: the pages it left are rendered in the background."""
        self.remaining.begin(self.generation)

    def requested(self, relative: str) -> None:
        """A request for ``relative`` (a path in the site, as MkDocs' server reads it): a page the
        build has not rendered yet is rendered first, with its locale's state."""
        engine = self.engine
        path = posixpath.normpath("/" + relative + ("index.html" if relative.endswith("/") else ""))
        candidates = [path.lstrip("/"), posixpath.join(path, "index.html").lstrip("/")]
        locale = engine.later_at(path)
        if locale is not None:  # its locale's build first
            with self._first(), self.lock:
                if engine.ready:
                    engine.build_later(locale)
        if not any(engine.pending_at(candidate) for candidate in candidates):
            return
        with self._first():
            with self.lock:
                outputs = [o for o in map(engine.pending_at, candidates) if o is not None]
                if outputs and engine.ready:
                    engine.render(outputs[:1])
                    # the last one (HELPSITE_PREVIEW_BACKGROUND=off)
                    if not engine.pending(1) and not engine.later_locales():
                        self.remaining.begin(self.generation)

    @contextlib.contextmanager
    def _first(self) -> Iterator[None]:
        """Ahead of the background's next batch of pages."""
        with self._counting:
            self.waiting += 1
        try:
            yield
        finally:
            with self._counting:
                self.waiting -= 1

    def saved(self, changed: set[str]) -> None:
        """Bring the preview up to date with the saved ``changed`` paths, the pages the browser
        reloads first; the rest follows (``Background``)."""
        if not changed:
            return
        started = time.monotonic()
        ready = self.engine.ready
        changed = _files_for_folders(changed)
        # a page that came or went: the pages linking to it are rendered again, and the graph knows them
        came = ready and any(self.engine.came_or_went(path) for path in changed)
        graph = self.links.wait(LINK_GRAPH_WAIT) if came else True
        linkers = self.links.update(changed)  # never waits: a graph still being made takes them later
        with self._first(), self.lock:
            try:
                affected, reason = self._render_again(changed, linkers if graph else None)
            except Exception as error:  # a preview that stops answering is worse than a slow save
                log.exception("preview: the differential preview failed")
                affected, reason = [], f"the differential preview failed ({type(error).__name__}: {error})"
            if reason is not None:
                log.info(f"preview: full rebuild: {reason}")
                self.generation += 1
                self.engine.rebuild()
                if any(not is_below(path, os.path.abspath(self.engine.site.docs_dir)) for path in changed):
                    self.links = Links(self.engine.site)  # the locales or the Markdown settings may differ
                self.remaining.begin(self.generation)
                return
            if not affected and not self._later:
                return  # files that came and went
            rendered = time.monotonic() - started
            checked = self._check_again(changed, linkers)
        if affected:  # else only pages that show a page that went (one no locale build has now)
            pages = ", ".join(sorted({f"{o.locale}/{o.page_path}" for o in affected}))
            log.info(f"preview: {len(affected)} pages rendered again in {rendered:.3f} s: {pages}")
        later, self._later = self._later, []
        if later:
            pages = ", ".join(sorted({f"{o.locale}/{o.page_path}" for o in later}))
            log.info(
                f"preview: {len(later)} pages to render again, on request and in the background: {pages}"
            )
            self.remaining.begin(self.generation)
        if checked:
            shown = ", ".join(sorted(self.engine.site.docs_path(path) for path in checked))
            log.info(f"preview: {len(checked)} pages checked again, their links' targets changed: {shown}")
        searched = {o.locale for o in affected if o.source in changed} | self._searched
        self._searched = set()
        sitemap, self._sitemap = self._sitemap, False
        self.background.want(searched, self.generation, sitemap)

    def _check_again(self, changed: set[str], linkers: set[str]) -> set[str]:
        """Check again the pages whose findings the save may have changed without changing their
        text (the pages linking to a saved page, a saved English page's translations), and wait a
        moment for the saved pages' and the linking pages' findings: the reload shows them in the
        pages. The translations' come a moment later (one worker checks them all in turn)."""
        engine = self.engine
        outputs = engine.outputs()
        built = {o.source for o in outputs}
        # a translation's structure findings read its English base
        bases = {o.source for path in changed for o in body_edit_outputs(engine.site, path, outputs)}
        others = (bases | linkers) & built - changed
        engine.check_again(sorted(others))
        saved = {path for path in changed if path in built and os.path.isfile(path)}
        engine.wait_for_findings(saved | (others & linkers), FINDINGS_WAIT)
        return {path for path in others if path in linkers}

    def _held(self, changed: set[str], built: set[str]) -> set[str]:
        """The saved pages that cannot be rendered (front matter that is no YAML, text that is not
        UTF-8, ...): each keeps its last good page, with the problem in its banner and the log,
        until a save it can render (a fresh build would publish the checks' notice in its place,
        as the preview does for a page it has not rendered yet)."""
        held = set()
        for path in sorted(changed & built):
            if not os.path.isfile(path):
                continue
            found = checks.unrenderable_before_check(
                safety.load_file(path, self.engine.site), self.engine.site
            )
            if found:
                rendered = self.engine.rendered(path)
                if not rendered:  # no last good version: what a build writes, the checks' notice
                    self.engine.forget(path)  # (the save that fixes it then rebuilds everything)
                self.engine.hold(path, tuple(found))
                shown = self.engine.site.docs_path(path)
                kept = "its last good version" if rendered else "the checks' notice"
                log.warning(f"preview: {shown} cannot be rendered; the preview serves {kept}")
                held.add(path)
        return held

    def served(self, relative: str, html: bytes) -> bytes:
        """A page as the preview serves it (``relative`` inside the site folder): with its
        source file's findings in a banner, when it has any."""
        found = self.engine.findings_of(relative)
        if not found or not found[1]:
            return html
        shown, findings = found
        nonce = csp.PREVIEW_NONCE
        return findings_banner.with_banner(html, findings_banner.banner(shown, findings, nonce), nonce)

    def _render_again(self, changed: set[str], linkers: set[str] | None) -> tuple[list[Output], str | None]:
        """The pages rendered again, or why it takes a full rebuild. ``linkers``: the pages whose
        link findings the save changed (None: not known, the link graph is not made)."""
        engine = self.engine
        self._later = []
        if not engine.ready:
            return [], "the last build did not finish"
        # a locale still to be built reads its files as they are then
        later = {path for path in changed if engine.later(path)}
        for path in later:
            engine.forget(path)
        outputs = engine.outputs()
        changed = changed - later - self._held(changed - later, {o.source for o in outputs})
        if not changed:
            return [], None
        swaps = {path: engine.translation_swap(path) for path in changed}
        swaps = {path: shown for path, shown in swaps.items() if shown is not None}
        came = sorted(path for path in changed - swaps.keys() if engine.came_or_went(path))
        edited = changed - swaps.keys() - set(came)
        reason = _data_changed(engine.site) or full_rebuild_reason(
            engine.site, edited, engine, {o.source for o in outputs}, engine.files() | set(came)
        )
        if reason is None and came and linkers is None:
            reason = f"{engine.site.docs_path(came[0])} came or went before the link graph was made"
        if reason is not None:
            return [], reason
        affected: list[Output] = []
        marked: list[Output] = []  # their fallback marker (or its absence) is new
        before = {path: engine.known_front(path)[1] for path in edited if path.endswith(".md")}
        try:
            swapped: dict[Output, Output] = {}  # each page swapped, as it was and as it is now
            for path, shown in sorted(swaps.items()):
                now, versions = engine.swap(shown, path)
                swapped[shown] = now
                what = "added" if os.path.isfile(path) else "deleted"
                log.info(
                    f"preview: {engine.site.docs_path(path)}: a translation {what}, {now.locale} swapped"
                )
                marked.append(now)
                affected += [o for o in [now, *versions] if o not in affected]
                self._searched.add(now.locale)
                self._sitemap = True
            # a version another swap listed before its own swap (a translation moved to another
            # locale: the page in both), as it is now
            affected = list(dict.fromkeys(swapped.get(o, o) for o in affected))
        except Exception as error:  # the full build reports it as it would on its own
            return affected, f"swapping a translation failed ({type(error).__name__}: {error})"
        placed = self._place_pages(came)
        if isinstance(placed, str):
            return affected, placed
        own, placed = placed
        affected = own + [o for o in affected if o not in own]  # first: the others' navigation shows them
        outputs = engine.outputs() if swaps or came else outputs
        placed += [  # their links to a page that came or went lead to it now, or no more
            o
            for o in outputs
            if o.source in (linkers or ()) and o not in affected and _links_moved(engine.site, o, came)
        ]
        for path in sorted(edited):
            engine.forget(path)
            affected += [o for o in body_edit_outputs(engine.site, path, outputs) if o not in affected]
        try:
            retitled = engine.render(affected)
            # a page that came has a title now: its section and neighbours are among ``placed``
            retitled = [o for o in retitled if o not in own]
            if retitled or marked:  # the pages whose navigation or footer names them, now that they have it
                readers = engine.title_readers(marked + retitled)
                if readers is None:  # the page is at the top of the navigation
                    first = (marked + retitled)[0]
                    shown = os.path.relpath(first.source, engine.site.root)
                    if first in marked:
                        return affected, (
                            f"{first.locale} shows {shown} in place of another file now, and every page's"
                            " navigation shows it (with its fallback marker or without)"
                        )
                    return affected, f"the title of {shown} changed, and every page's navigation shows it"
                more = list(dict.fromkeys(o for o in readers if o not in affected))  # each once
                # A page of this save rendered before another's title changed shows the old one (a
                # folder of translations deleted: each page's section shows the others): again,
                # but a locale's one retitled page itself (it had its title when it was rendered).
                alone = {o for o in retitled if sum(other.locale == o.locale for other in retitled) == 1}
                again = [o for o in readers if o in affected and o not in alone] if retitled else []
                engine.render(list(dict.fromkeys(again)) + more)
                affected += more
            # The pages that show a page that came or went: rendered on request and in the background.
            # Those of this save too, in a locale where two came or went (a rename): the first was
            # rendered before the second had its title.
            alone = {o for o in own if sum(other.locale == o.locale for other in own) == 1}
            self._later = [
                o for o in dict.fromkeys(placed) if o not in affected or (o in own and o not in alone)
            ]
            engine.render_later(self._later)
        except Exception as error:  # the full build reports it as it would on its own
            return affected, f"rendering pages again failed ({type(error).__name__}: {error})"
        self._sitemap = self._sitemap or any(
            changed_keys(front, engine.known_front(path)[1]) & set(SITEMAP_KEYS)
            for path, front in before.items()
        )
        return affected, None

    def _place_pages(self, came: list[str]) -> tuple[list[Output], list[Output]] | str:
        """The pages that came or went (new, deleted, or renamed: both) put in every locale build
        or taken out. Returns the pages rendered from them now and the pages whose navigation or
        footer shows them, or why it takes a full rebuild."""
        engine, site = self.engine, self.engine.site
        by_page: dict[str, list[str]] = {}
        for path in came:
            by_page.setdefault(site.page_path(Path(path)), []).append(path)
        readers: list[Output] = []
        now: list[Output] = []
        try:
            for page_path, paths in by_page.items():
                placed = engine.place_page(page_path, paths)
                if isinstance(placed, str):
                    return placed
                own, near = placed
                what = ", ".join(
                    f"{site.docs_path(path)} {'added' if os.path.isfile(path) else 'deleted'}"
                    for path in paths
                )
                where = ", ".join(o.locale for o in own) or "no locale build"
                log.info(f"preview: {what}: {page_path} is in {where} now")
                now += [o for o in own if o not in now]
                readers += near
                self._searched |= {o.locale for o in [*own, *near]}
                self._sitemap = True
        except Exception as error:  # the full build reports it as it would on its own
            return f"placing a page that came or went failed ({type(error).__name__}: {error})"
        return now, readers

    def stop(self) -> None:
        self.engine.stop()
        self.remaining.stop()
        self.background.stop()


class Links:
    """The link graph of the site's pages (``helpsite.linting.link_graph``), made in a thread of its own
    once the preview is up, then told of every save: it answers which other pages' link findings
    a save may have changed."""

    def __init__(self, site: Site):
        self.site = site
        self._graph: LinkGraph | None = None
        self._made = False
        self._early: set[str] = set()  # saved while the graph was being made: told once it is
        self._lock = threading.Lock()
        self._ready = threading.Event()
        threading.Thread(target=self._make, name="preview-link-graph", daemon=True).start()

    def _make(self) -> None:
        started = time.monotonic()
        try:
            graph = LinkGraph(self.site)
            log.info(f"preview: link graph made in {time.monotonic() - started:.1f} s")
        except Exception:  # the saves still render; other pages' link findings wait for a full build
            log.exception("preview: the link graph could not be made")
            graph = None
        with self._lock:
            early, self._early = self._early, set()
            if graph is not None:
                self._tell(graph, early)  # it may have read them before or after the save: again
            self._graph, self._made = graph, True
        self._ready.set()

    def wait(self, timeout: float) -> bool:
        """Whether the graph is made (waiting up to ``timeout`` for it) and could be."""
        return self._ready.wait(timeout) and self._graph is not None

    def update(self, changed: Iterable[str]) -> set[str]:
        """The graph told of the changed paths: the pages whose link findings may have changed
        (absolute paths; the changed pages among them). A save while the graph is still being
        made (a large site's first minute) does not wait for it: it is told once the graph is,
        and the other pages' link findings of that save come with the next full check."""
        with self._lock:
            if not self._made:
                self._early |= set(changed)
                return set()
            return set() if self._graph is None else self._tell(self._graph, changed)

    def _tell(self, graph: LinkGraph, changed: Iterable[str]) -> set[str]:
        docs = os.path.abspath(self.site.docs_dir)
        found: set[str] = set()
        for path in sorted(changed):
            if is_below(path, docs):
                found |= {str(page) for page in graph.update(Path(path))}
        return found


class Remaining:
    """The pages a build left, rendered in the background a few at a time (``BATCH``), each
    batch after the requests and saves waiting; once all are: the anchors across them validated,
    ``preview: all N pages rendered in X s`` in the log, then search (``Background``)."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self._generation: int | None = None
        self._cond = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def begin(self, generation: int) -> None:
        with self._cond:
            self._generation = generation
            self._cond.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="preview-remaining", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopped or self._generation is not None)
                if self._stopped:
                    return
                generation, self._generation = self._generation, None
            try:
                self._render_all(generation)
            except Exception:  # the pages are still rendered on request
                if not self._stopped:  # (a stop ends the build under way)
                    log.exception("preview: the pages left by the build could not be rendered")

    def _render_all(self, generation: int) -> None:
        preview, engine = self.preview, self.preview.engine
        background = settings.read().preview_background
        while not self._stopped:
            while preview.waiting and not self._stopped:
                time.sleep(0.005)  # a request renders its page first
            with preview.lock:
                if generation != preview.generation or not engine.ready:
                    return
                if engine.later_locales():  # the locales still to be built first, one at a time
                    if not background:
                        return  # built when a page of one is requested
                    engine.build_later()
                    continue
                batch = engine.pending(BATCH)
                if batch and not background:
                    return  # rendered as they are requested; the rest once the last one is
                if batch:
                    engine.render(batch)
                    continue
                if engine.complete:  # pages a save left for later: search may index them now
                    preview.background.pages_rendered(generation)
                    return
                pages = engine.finish()
                engine.render_sitemap()
                searched = {o.locale for o in engine.outputs()}
            log.info(f"preview: all {pages} pages rendered in {time.monotonic() - engine.started:.1f} s")
            preview.background.want(searched, generation, dashboard=False)
            return


class Background:
    """After a reload: the /l10n/ dashboard rendered again and each locale's search bundle made
    again in a staging folder, then moved into place (Pagefind cannot update an index). One
    daemon thread; ``stop`` ends it and its Pagefind at once."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self._wanted: set[str] = set()
        self._dashboard = False
        self._sitemap = False
        self._generation = 0
        self._cond = threading.Condition()
        self._stopped = False
        self._after_pages: set[str] = set()  # locales to index once the pages left for later are rendered
        self._indexing: search.Indexing | None = None
        self._shadow: subprocess.Popen | None = None  # --verify's fresh build
        self._thread: threading.Thread | None = None
        self.idle = threading.Event()
        self.idle.set()

    def want(self, locales: set[str], generation: int, sitemap: bool = False, dashboard: bool = True) -> None:
        with self._cond:
            self._wanted |= locales
            self._dashboard = self._dashboard or dashboard
            self._sitemap = self._sitemap or sitemap
            self._generation = generation
            self.idle.clear()
            self._cond.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="preview-background", daemon=True)
                self._thread.start()

    def pages_rendered(self, generation: int) -> None:
        """The pages a save left for later are rendered: the locales that waited for them are indexed."""
        with self._cond:
            locales, self._after_pages = self._after_pages, set()
        if locales:
            self.want(locales, generation, dashboard=False)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            indexing = self._indexing
        if indexing is not None:
            indexing.stop()
        shadow = self._shadow
        if shadow is not None:
            shadow.kill()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopped or self._dashboard or self._wanted)
                if self._stopped:
                    return
                # saves come in bursts: wait until they stop
                while self._cond.wait(timeout=QUIET) and not self._stopped:
                    pass
                wanted, self._wanted = self._wanted, set()
                dashboard, self._dashboard = self._dashboard, False
                sitemap, self._sitemap = self._sitemap, False
                generation = self._generation
            try:
                self._bring_up_to_date(wanted, dashboard, sitemap, generation)
                if verifying():
                    self._verify(generation)
            except Exception:
                log.exception("preview: the search bundles or the dashboard could not be updated")
            with self._cond:
                if not (self._wanted or self._dashboard):
                    self.idle.set()

    def _bring_up_to_date(self, wanted: set[str], dashboard: bool, sitemap: bool, generation: int) -> None:
        preview, engine = self.preview, self.preview.engine
        if dashboard:
            with preview.lock:
                if generation == preview.generation:
                    rendered = engine.render_dashboard()
                    if rendered:
                        log.info(f"preview: localization dashboard updated ({rendered} pages)")
        if sitemap:
            with preview.lock:
                if generation == preview.generation and engine.render_sitemap(again=True):
                    log.info("preview: sitemap updated")
        for locale in sorted(wanted):
            started = time.monotonic()
            with preview.lock:
                if generation != preview.generation or not engine.complete:
                    return  # every locale is indexed once all pages are rendered (Remaining)
                if engine.pending(1):  # pages a save left for later: indexed once they are (Remaining)
                    with self._cond:
                        self._after_pages |= {o for o in wanted if o >= locale}
                    return
                found = engine.search_pages(locale)
            if found is None:
                continue
            pages, locale_dir = found
            staging = Path(tempfile.mkdtemp(prefix=".preview-search-", dir=engine.site_dir.parent))
            try:
                with self._cond:
                    if self._stopped:
                        return
                    self._indexing = search.start_bundle(pages, locale, staging)
                try:
                    self._indexing.wait()
                finally:
                    self._indexing = None
                with preview.lock:
                    if generation != preview.generation or self._stopped:
                        return
                    _move_into_place(staging / search.BUNDLE, locale_dir / search.BUNDLE, staging / "old")
                log.info(f"preview: search for {locale} updated ({time.monotonic() - started:.1f} s)")
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _verify(self, generation: int) -> None:
        """``HELPSITE_PREVIEW=verify``: a fresh build of the tree, in a folder of its own and at a
        lower priority, compared file by file with the site the preview serves; every file that
        differs is logged as the preview's bug."""
        preview, engine = self.preview, self.preview.engine
        if not engine.complete or engine.pending(1):
            return  # compared once every page is rendered (Remaining)
        with tempfile.TemporaryDirectory(prefix=".preview-verify-", dir=engine.site_dir.parent) as temp:
            fresh = Path(temp) / "site"
            command, env = engine.fresh_build(fresh)
            with self._cond:
                if self._stopped:
                    return
                self._shadow = subprocess.Popen(
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            if hasattr(os, "setpriority"):
                with contextlib.suppress(ProcessLookupError):
                    os.setpriority(os.PRIO_PROCESS, self._shadow.pid, 10)
            code = self._shadow.wait()
            with self._cond:
                self._shadow = None
                if self._stopped or self._wanted or self._dashboard:
                    return  # saved again meanwhile: the next comparison counts
            with preview.lock:
                if generation != preview.generation or not engine.complete:
                    return  # compared once every page is rendered
                if code:
                    log.warning(f"preview: --verify: the fresh build failed ({code}); nothing compared")
                    return
                differing = differences(engine.site_dir, fresh)
            for name in differing:
                log.warning(f"preview: --verify: {name} is not what a fresh build writes")
            if not differing:
                log.info("preview: --verify: the site served is byte for byte a fresh build's")


def differences(served: Path, fresh: Path) -> list[str]:
    """The files of two site folders that are not the same bytes, or are in one only."""

    def walk(compared: filecmp.dircmp, prefix: str) -> list[str]:
        names = [prefix + name for name in compared.left_only + compared.right_only + compared.funny_files]
        _, mismatch, errors = filecmp.cmpfiles(
            compared.left, compared.right, compared.common_files, shallow=False
        )
        names += [prefix + name for name in mismatch + errors]
        for name, sub in sorted(compared.subdirs.items()):
            names += walk(sub, f"{prefix}{name}/")
        return names

    return sorted(walk(filecmp.dircmp(served, fresh), ""))


def _move_into_place(new: Path, target: Path, old: Path) -> None:
    """The bundle's files are named by their content's hash: the old folder answers until the
    new one takes its name (two renames, a few microseconds apart)."""
    if target.exists():
        os.rename(target, old)
    if new.exists():  # no pages, no bundle (search.start_bundle)
        os.rename(new, target)


def _data_changed(site) -> str | None:
    """The data files every page reads, read again if they changed (each is asked: each reloads)."""
    changed = [
        name
        for name, refresh in (
            ("the metadata schema", metadata.refresh),
            ("the strings files (strings/)", strings.for_site(site).refresh),
        )
        if refresh()
    ]
    return f"{' and '.join(changed)} changed" if changed else None


def _files_for_folders(changed: set[str]) -> set[str]:
    """The changed paths with each folder among them replaced by the files below it. The watcher
    may name a folder before its files are written (a folder made, then its files) or alone (a
    folder moved in): each file is a change of this save (its own event may come in a later
    burst: then the file is known, and that save renders it again); the folder itself has
    nothing to render."""
    folders = {path for path in changed if os.path.isdir(path)}
    return (changed - folders) | {
        os.path.abspath(file) for path in folders for file in Path(path).rglob("*") if file.is_file()
    }


def _links_moved(site: Site, output: Output, came: list[str]) -> bool:
    """Whether the links of ``output`` (a page linking to one that came or went) may lead
    elsewhere now: a locale build resolves a link to its own file of the page first, then the
    source locale's (static-i18n), so the links of a fallback copy to a page its locale has a
    file of lead to that file before and after."""
    if site.locale_of(Path(output.source)) == output.locale:
        return bool(came)
    return any(not site.file_for(output.locale, site.page_path(Path(path))).is_file() for path in came)


def serve_differentially() -> bool:
    return settings.read().preview != "full"


def verifying() -> bool:
    return settings.read().preview == "verify"
