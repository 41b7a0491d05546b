"""A data file of the package (the metadata schema, the reader's strings), parsed once and
parsed again when it has changed: a preview (``mkdocs serve``) keeps one process across edits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class DataFile(Generic[T]):
    """``value`` is the file parsed; ``refresh()`` parses it again if it changed since."""

    def __init__(self, path: Path, parse: Callable[[str], T]):
        self.path, self._parse = Path(path), parse
        self._signature = self._stat()
        self.value: T = self._read()

    def refresh(self) -> bool:
        """Parse the file again if its size or modification time changed; True if it did."""
        signature = self._stat()
        if signature == self._signature:
            return False
        self._signature, self.value = signature, self._read()
        return True

    def _stat(self) -> tuple[int, int, int]:
        status = os.stat(self.path)
        return status.st_mtime_ns, status.st_size, status.st_ino

    def _read(self) -> T:
        return self._parse(self.path.read_text(encoding="utf-8"))
