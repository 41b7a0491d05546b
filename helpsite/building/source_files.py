"""The source files of one build, each checked and its front matter read once, beside the build.

A build needs three things from every Markdown file: before it renders it, the front matter
(the reader's view of every language version, the translation status) and whether it may be
rendered at all (``blocking``: the findings that keep it from the renderer, most of them found
without the checks of its links and headings); and, by the end of the build, the checks'
findings (errors fail ``--strict``). ``SourceFiles`` works them out in a worker process, in the
order the build will ask for them, while the build renders on another core; a file asked for
before the worker has reached it is done at once in the build process, or, for its findings,
delivered from another thread when the worker has them (``when_checked``: the preview).
The results are the ones ``checks.check_file`` and ``page.read`` give in this process, which is
where the work happens when there is one core, when ``HELPSITE_WORKERS=0``, for a file that was
not planned, or when the worker fails.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from helpsite.building import shards
from helpsite.core import lifetime, settings
from helpsite.core.findings import Finding
from helpsite.core.site import Site
from helpsite.linting import checks, metadata, safety
from helpsite.localization import l10n

# Files per task: small enough that the first pages are ready at once, large enough that
# sending tasks costs little.
CHUNK = 32

log = logging.getLogger("helpsite.source_files")


@dataclass(frozen=True)
class Facts:
    """What a build needs of one source file."""

    findings: tuple[Finding, ...] | None  # None: not checked (only its front matter was needed)
    meta: dict | None  # the front matter, None when it cannot be read
    problem: str | None = None  # why the front matter cannot be read


def facts_of(site: Site, path: str, check: bool) -> Facts:
    """One file's facts, worked out here: what the worker does for each file."""
    loaded = safety.load_file(path, site)
    return _facts(loaded, tuple(checks.check_page(loaded, site)) if check else None)


def _facts(loaded, findings: tuple[Finding, ...] | None) -> Facts:
    if loaded.meta_ok:
        return Facts(findings, loaded.meta)
    return Facts(findings, None, loaded.problem)


class SourceFiles:
    """The facts of a build's source files, by absolute path, each worked out once."""

    def __init__(self, site: Site, workers: int | None = None, keep: bool = False):
        self.site = site
        self.workers = default_workers() if workers is None else workers
        self.keep = keep  # the worker outlives the build (a preview's: its next rebuild uses it)
        self._known: dict[str, Facts] = {}
        self._planned: dict[str, list[tuple[Future, int, bool]]] = {}
        self._pool: ProcessPoolExecutor | None = None

    def plan(self, items: Iterable[tuple[str, bool]]) -> None:
        """Start on these (path, check) pairs in this order, in a worker when there is one. A
        path may come twice: first for its front matter alone, later to be checked."""
        items = [(os.path.abspath(path), check) for path, check in items]
        if not self.workers or not items:
            return
        try:
            self._pool = self._start_pool()
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                future = self._pool.submit(_work, self.site, chunk)
                for index, (path, check) in enumerate(chunk):
                    self._planned.setdefault(path, []).append((future, index, check))
        except Exception as error:  # no processes, no semaphores (/dev/shm) here: do it in this one
            log.info(
                f"checking in the build process: cannot start a worker ({type(error).__name__}: {error})"
            )
            self.close(discard=True)

    def _start_pool(self) -> ProcessPoolExecutor:
        global _kept
        if self.keep and _kept is not None:
            return _kept
        context = _context()
        # A forked worker dies with this process; a forkserver's with the forkserver (which ends
        # with this process): a worker forked after a preview opened its port holds it too.
        parent = os.getpid() if context.get_start_method() == "fork" else None
        pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_start_worker, initargs=(parent,)
        )
        if self.keep:
            _kept = pool
        return pool

    def facts(self, path: str, check: bool = True) -> Facts:
        """A file's facts; ``check`` when its findings are needed, not only its front matter."""
        path = os.path.abspath(path)
        known = self._known.get(path)
        if known is not None and (known.findings is not None or not check):
            return known
        # Whoever gets there first: a file the worker has not reached yet is done here, so
        # that nothing waits for it (a preview asks for the one page edited, anywhere in the plan).
        for future, index, checked in self._planned.get(path, ()):
            if (check and not checked) or not future.done():
                continue
            found = self._result(future, index)
            if found is not None:
                self._known[path] = found
                return found
        known = facts_of(self.site, path, check)
        self._known[path] = known
        return known

    def known_front(self, path: str) -> tuple[bool, dict | None]:
        """A file's front matter as it was read (True and it), or (False, None) when it was not;
        never reads it."""
        known = self._known.get(os.path.abspath(path))
        return (False, None) if known is None else (True, known.meta)

    def forget(self, path: str) -> None:
        """The file changed: its facts are worked out again when next asked for (or planned)."""
        path = os.path.abspath(path)
        self._known.pop(path, None)
        self._planned.pop(path, None)

    @property
    def working(self) -> bool:
        """Whether a worker process has work planned."""
        return self._pool is not None

    def ready(self, path: str) -> tuple[Finding, ...] | None:
        """A file's findings when they are known already, here or from the worker (None: not
        yet); never works them out."""
        path = os.path.abspath(path)
        known = self._known.get(path)
        if known is not None and known.findings is not None:
            return known.findings
        for future, index, checked in self._planned.get(path, ()):
            if checked and future.done():
                found = self._result(future, index)
                if found is not None:
                    self._known[path] = found
                    return found.findings
        return None

    def blocking(self, path: str) -> tuple[Finding, ...] | None:
        """The findings that keep a file from the renderer (``safety.unrenderable``), without
        waiting for its check: from the check when it is done, else from the file itself
        (``checks.unrenderable_before_check``: the same findings). None when only the check
        can tell (markup that may nest too deep for the engine)."""
        path = os.path.abspath(path)
        checked = self.ready(path)
        if checked is not None:
            return tuple(safety.unrenderable(checked))
        loaded = safety.load_file(path, self.site)
        self._known.setdefault(path, _facts(loaded, None))  # its front matter, for the reader
        found = checks.unrenderable_before_check(loaded, self.site)
        return None if found is None else tuple(found)

    def when_checked(self, path: str, deliver: Callable[[tuple[Finding, ...]], None]) -> None:
        """Call ``deliver`` once with a file's findings: here and now when they are known, or
        when no worker has the file planned (they are worked out here); otherwise from another
        thread of this process as soon as the worker has them. Nothing is delivered for a
        file whose work ``close`` cancelled first."""
        path = os.path.abspath(path)
        found = self.ready(path)
        planned = [(future, index) for future, index, checked in self._planned.get(path, ()) if checked]
        if found is None and (self._pool is None or not planned):
            found = self.facts(path).findings
        if found is not None:
            deliver(found)
            return
        (future, index), site = planned[0], self.site

        def done(future: Future) -> None:
            if future.cancelled():
                return
            try:
                findings = future.result()[index].findings
            except Exception:  # the worker died: the same work in a thread of this process
                threading.Thread(
                    target=lambda: deliver(facts_of(site, path, True).findings), daemon=True
                ).start()
                return
            deliver(findings)

        future.add_done_callback(done)

    def _result(self, future: Future, index: int) -> Facts | None:
        if future.cancelled():  # taken back from the worker (``finish``): done here
            return None
        try:
            return future.result()[index]
        except Exception as error:  # the worker died or failed: the same work here says why
            if self._pool is not None:
                log.warning(
                    f"the checking worker stopped ({type(error).__name__}: {error}); "
                    "checking in the build process"
                )
                self.close(discard=True)
            return None

    def finish(self, paths: Sequence[str]) -> None:
        """Have the findings of all these files, the last first: the work the worker has not
        started is taken back and done here, what it is doing is waited for (at the end of a
        build, both processes work until they meet)."""
        for path in reversed([os.path.abspath(path) for path in paths]):
            if self.ready(path) is not None:
                continue
            for future, _, checked in self._planned.get(path, ()):
                if checked and not future.cancel():
                    futures.wait([future])
            self.facts(path)

    def findings(self, path: str) -> list[Finding]:
        return list(self.facts(path, check=True).findings)

    def meta(self, path: str) -> dict | None:
        return self.facts(path, check=False).meta

    def front(self, path: str) -> tuple[dict | None, str | None]:
        """A file's front matter, or None and why it cannot be read (helpsite.localization.l10n.FrontReader)."""
        facts = self.facts(path, check=False)
        return facts.meta, facts.problem

    def close(self, wait: bool = False, discard: bool = False) -> None:
        """Stop the worker, cancelling the work it has not started; ``wait`` for it to exit
        (its work is done: the build is over). A kept worker only has this build's work
        cancelled (what it has started it finishes), unless it is to be ``discard``ed (it
        failed)."""
        global _kept
        pool, self._pool = self._pool, None
        planned = {future for entries in self._planned.values() for future, _, _ in entries}
        self._planned.clear()
        if pool is None:
            return
        if pool is _kept and not discard:
            for future in planned:
                future.cancel()
            return
        if pool is _kept:
            _kept = None
        pool.shutdown(wait=wait, cancel_futures=True)


def default_workers() -> int:
    """HELPSITE_WORKERS (helpsite.core.settings) when set; else one worker beside the build when the
    process may use more than one core."""
    given = settings.read().workers
    if given is not None:
        return given
    return 1 if len(os.sched_getaffinity(0)) > 1 else 0


def build_order(site: Site, paths: Sequence[str]) -> list[str]:
    """The order a build reads pages in: locale by locale, the source locale first (files
    outside the locale folders last), each locale's in path order."""
    rank = {locale: index for index, locale in enumerate(shards.build_order(site))}

    def key(path: str):
        return (rank.get(site.locale_of(path), len(rank)), site.page_path(path) or path, path)

    return sorted(paths, key=key)


# ----------------------------------------------------------------------------
# The worker
# ----------------------------------------------------------------------------

# A preview's worker, kept from one rebuild to the next (SourceFiles.keep).
_kept: ProcessPoolExecutor | None = None


def stop_kept_worker(wait: bool = True) -> None:
    """Stop a preview's kept worker, if there is one (the next preview build starts another)."""
    global _kept
    pool, _kept = _kept, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


def _start_worker(parent: int | None) -> None:
    lifetime.die_with_parent(parent)
    lifetime.leave_signals_to_parent()
    metadata.refresh()  # a worker forked from a long-lived server process has the schema it read


def _work(site: Site, chunk: list[tuple[str, bool]]) -> list[Facts]:
    metadata.refresh()  # a kept worker sees the schema of the build it works for
    return [facts_of(site, path, check) for path, check in chunk]


# A copy of the build process when it runs no other thread (at once, and its CPU time counts as
# the build's); otherwise (mkdocs serve runs a server thread, which a fork would copy mid-work) a
# fresh interpreter forked from a clean server process that has loaded the checks once.
def _context():
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["helpsite.building.source_files"])
        return context
    return multiprocessing.get_context("spawn")


def site_status_beside_a_worker(site: Site) -> list[l10n.TranslationStatus]:
    """``l10n.site_status`` with the front matter of the later half of the translations read by a
    worker process meanwhile, when more than one core may be used: reading
    front matter is most of the time of the command line's ``l10n`` and ``l10n diff``."""
    files = [
        os.fspath(site.file_for(locale, page))
        for page in l10n.source_pages(site)
        for locale in site.translation_locales
    ]
    reader = SourceFiles(site)
    reader.plan([(path, False) for path in files[len(files) // 2 :] if os.path.isfile(path)])
    try:
        return l10n.site_status(site, front=reader.front)
    finally:
        reader.close()
