"""A data file (the metadata schema, a locale's strings), parsed once and parsed again when it
has changed: a preview (``mkdocs serve``) keeps one process across edits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class DataFile(Generic[T]):
    """``value`` is the file parsed; ``refresh()`` parses it again if it changed since. With
    ``optional``, a file that does not exist (yet) is no error: its ``value`` is ``parse(None)``,
    and it is read once it appears."""

    def __init__(self, path: Path, parse: Callable[[str | None], T], *, optional: bool = False):
        self.path, self._parse, self._optional = Path(path), parse, optional
        self._signature = self._stat()
        self.value: T = self._read()

    @property
    def exists(self) -> bool:
        return self._signature is not None

    def refresh(self) -> bool:
        """Parse the file again if it appeared, went, or its size or modification time changed;
        True if it did."""
        signature = self._stat()
        if signature == self._signature:
            return False
        self._signature = signature
        self.value = self._read()
        return True

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            if not self._optional:
                raise
            return None
        return status.st_mtime_ns, status.st_size, status.st_ino

    def _read(self) -> T:
        if self._signature is None:
            return self._parse(None)
        return self._parse(self.path.read_text(encoding="utf-8"))
