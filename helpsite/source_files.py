"""The source files of one build, each checked and its front matter read once, beside the build.

A build needs two things from every Markdown file before it renders it: the checks' findings
(errors fail ``--strict``, and some keep the page from the renderer) and the front matter (the
reader's view of every language version, the translation status). ``SourceFiles`` works them out in
a worker process, in the order the build will ask for them, while the build renders on another
core; a file asked for before the worker has reached it is done at once in the build process.
The results are the ones ``checks.check_file`` and ``page.read`` give in this process, which is
where the work happens when there is one core, when ``HELPSITE_WORKERS=0``, for a file that was
not planned, or when the worker fails.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from helpsite import checks, metadata, shards
from helpsite.findings import Finding
from helpsite.site import Site

WORKERS_VARIABLE = "HELPSITE_WORKERS"
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
    loaded = checks.load_file(path, site)
    findings = tuple(checks.check_page(loaded, site)) if check else None
    if loaded.meta_ok:
        return Facts(findings, loaded.meta)
    return Facts(findings, None, loaded.problem)


class SourceFiles:
    """The facts of a build's source files, by absolute path, each worked out once."""

    def __init__(self, site: Site, workers: int | None = None):
        self.site = site
        self.workers = default_workers() if workers is None else workers
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
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(self.site,),
            )
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                future = self._pool.submit(_work, chunk)
                for index, (path, check) in enumerate(chunk):
                    self._planned.setdefault(path, []).append((future, index, check))
        except Exception as error:  # no processes, no semaphores (/dev/shm) here: do it in this one
            log.info(
                f"checking in the build process: cannot start a worker ({type(error).__name__}: {error})"
            )
            self.close()

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

    def _result(self, future: Future, index: int) -> Facts | None:
        try:
            return future.result()[index]
        except Exception as error:  # the worker died or failed: the same work here says why
            if self._pool is not None:
                log.warning(
                    f"the checking worker stopped ({type(error).__name__}: {error}); "
                    "checking in the build process"
                )
                self.close()
            return None

    def findings(self, path: str) -> list[Finding]:
        return list(self.facts(path, check=True).findings)

    def meta(self, path: str) -> dict | None:
        return self.facts(path, check=False).meta

    def front(self, path: str) -> tuple[dict | None, str | None]:
        """A file's front matter, or None and why it cannot be read (helpsite.l10n.FrontReader)."""
        facts = self.facts(path, check=False)
        return facts.meta, facts.problem

    def close(self, wait: bool = False) -> None:
        """Stop the worker; ``wait`` for it to exit (its work is done: the build is over)."""
        pool, self._pool = self._pool, None
        self._planned.clear()
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


def default_workers() -> int:
    """One worker beside the build when the process may use more than one core."""
    value = os.environ.get(WORKERS_VARIABLE)
    if value is not None and value.strip():
        try:
            return max(0, int(value))
        except ValueError:
            raise ValueError(f"{WORKERS_VARIABLE}={value!r}: give a number of worker processes (0: none)")
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

_worker_site: Site | None = None


def _start_worker(site: Site) -> None:
    global _worker_site
    _worker_site = site
    metadata.refresh()  # a worker forked from a long-lived server process has the schema it read


def _work(chunk: list[tuple[str, bool]]) -> list[Facts]:
    return [facts_of(_worker_site, path, check) for path, check in chunk]


# A copy of the build process when it runs no other thread (at once, and its CPU time counts as
# the build's); otherwise (mkdocs serve runs a server thread, which a fork would copy mid-work) a
# fresh interpreter forked from a clean server process that has loaded the checks once.
def _context():
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["helpsite.source_files"])
        return context
    return multiprocessing.get_context("spawn")
