"""What outlives a build: every cache the process keeps from one build to the next, in one place,
each with its bound and its eviction rule (as click keeps its global state in ``globals.py``).

A build's own values live on the build (``helpsite.building.build.Build`` and the per-build objects hung
on it). What is here outlives it: a preview keeps one process for hours and builds again at
every full rebuild, and ``python -m helpsite check`` reads thousands of pages in one. Each cache
is one of two kinds:

- **cleared at every build** (``cache(name, limit)``, ``memo(limit, cleared=True)``): what a new
  build must read again (a folder's pages, a file's text, the file system's answers). Cleared
  when a build is made (``new_build``, from ``Build.__init__``: ``mkdocs build``, and every full
  rebuild of the preview); a preview's save that renders only its pages keeps them.
- **kept** (``cache(name, limit, kept=...)``, ``memo(limit)``): what stays right whatever
  changes, because its key says when an entry is stale (a file's modification time and size,
  the text itself) or because it is a pure function of its arguments. The reason is written
  where the cache is made.

Every cache is bounded: at ``limit`` entries, the oldest is dropped as a new one comes. A worker
process (the checks worker) has its own copies: bounded the same, cleared only with it.
``tests/test_lasting.py`` fails when a module of ``helpsite/`` or ``hooks/`` keeps a cache of
its own (an empty dict, list or set at module level, ``functools.cache``, ``lru_cache``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


class Cache(dict):
    """A named dict of at most ``limit`` entries: the oldest goes when one more comes."""

    def __init__(self, name: str, limit: int, kept: str | None):
        super().__init__()
        self.name, self.limit, self.kept = name, limit, kept

    def __setitem__(self, key, value) -> None:
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        super().__setitem__(key, value)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args, **kwargs) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


_caches: dict[str, Cache] = {}  # every cache, by name
_memos: dict[str, tuple[Callable, bool]] = {}  # every memoized function: (it, cleared at every build)


def cache(name: str, limit: int, *, kept: str | None = None) -> Cache:
    """The cache ``name`` (a module's, named after it), of at most ``limit`` entries; cleared at
    every build unless ``kept`` says why its entries stay right. A module run again (MkDocs
    loads the hooks again for every configuration: every rebuild of the preview) gets the same
    cache back."""
    if name not in _caches:
        _caches[name] = Cache(name, limit, kept)
    return _caches[name]


def memo(limit: int, *, cleared: bool = False) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize=limit)``, registered here: kept for a pure function, or
    ``cleared`` at every build for one that asks the file system."""

    def memoized(function: F) -> F:
        cached = functools.lru_cache(maxsize=limit)(function)
        _memos[f"{function.__module__}.{function.__qualname__}"] = (cached, cleared)
        return cached

    return memoized


def new_build() -> None:
    """A build starts: the caches and memos that are not kept are emptied."""
    for found in _caches.values():
        if found.kept is None:
            found.clear()
    for function, cleared in _memos.values():
        if cleared:
            function.cache_clear()


def sizes() -> dict[str, int]:
    """How many entries each cache and memo holds now, by name."""
    held = {name: len(found) for name, found in _caches.items()}
    return held | {name: function.cache_info().currsize for name, (function, _) in _memos.items()}
