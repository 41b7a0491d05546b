"""The preview's file watcher: native file events (inotify on Linux, through watchfiles), each
burst of saves handed on as the set of paths it changed.

MkDocs 1.6 watches with watchdog's polling observer: a ``stat`` of the whole docs/ tree every
0.5 s (about 40 % of a core at 2,400 files, 0.5-0.8 s of every save's wait), and it passes on no
path, so every save rebuilds everything. watchfiles (Rust ``notify``) gets the kernel's events
and groups a burst of them (an editor's write-then-rename is one save). Where the kernel gives
no events (some Docker, WSL and network mounts, mkdocs#2477) it polls, and the log says so;
``WATCHFILES_FORCE_POLLING=1`` asks for polling (watchfiles' own switch).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable

import watchfiles

from helpsite.core import settings

log = logging.getLogger("mkdocs.hooks.helpsite.preview")

# Quiet time that ends a burst of events (ms): an editor's save is a few events within a few ms.
STEP_MS = 50


class Watcher:
    """Watches ``paths`` (folders, recursively, and files) from a daemon thread once
    ``start``ed; calls ``changed`` after each burst. ``take`` returns the paths changed since
    the last ``take``. ``stop`` ends the thread (within one ``STEP_MS``)."""

    def __init__(self, changed: Callable[[], None]):
        self._paths: list[str] = []
        self._changed = changed
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.polling: bool | None = None  # known once started

    def add(self, path: str) -> None:
        path = os.path.abspath(path)
        if path not in self._paths:
            self._paths.append(path)

    def remove(self, path: str) -> None:
        path = os.path.abspath(path)
        if path in self._paths:
            self._paths.remove(path)

    def start(self) -> None:
        forced = settings.read().force_polling
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(forced,), name="preview-watcher", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)

    def take(self) -> set[str]:
        with self._lock:
            taken, self._pending = self._pending, set()
        return taken

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, forced: bool) -> None:
        polling = forced
        while not self._stop.is_set():
            try:
                self._watch(polling)
                return
            except (OSError, RuntimeError) as error:  # no inotify here, or too few watches
                if polling:
                    log.error(f"preview: cannot watch {', '.join(self._paths)}: {error}")
                    self._ready.set()
                    return
                log.warning(f"preview: native file events unavailable ({error}); polling instead")
                polling = True

    def _watch(self, polling: bool) -> None:
        existing = [path for path in self._paths if os.path.exists(path)]
        changes = watchfiles.watch(
            *existing,
            watch_filter=None,  # every file: a page, an asset, an override, the configuration
            step=STEP_MS,
            stop_event=self._stop,
            force_polling=polling,
            raise_interrupt=False,
            yield_on_timeout=True,
            rust_timeout=200,  # how soon the first (empty) batch says the watch is set up
        )
        first = True
        for batch in changes:
            if first:
                first = False
                self.polling = polling
                how = "polling every 300 ms (no native file events)" if polling else "native file events"
                log.info(f"preview: watching {_shown(existing)} with {how}")
                self._ready.set()
            if batch:
                with self._lock:
                    self._pending.update(path for _, path in batch)
                self._changed()


def _shown(paths: Iterable[str]) -> str:
    return ", ".join(os.path.relpath(path) for path in paths)
