"""The git history of the source-locale files: every version a translation may have been made from.

A translation's ``ms.openlocfilehash`` is the hash of the exact source bytes it was made from,
so that version is in the source file's history. The history is read in one pass (``git log
--raw`` over the source folder, renames detected) and file contents come from one
``git cat-file --batch`` for all the versions asked for, so no process is started per version.
Nothing here raises on a missing git, a folder outside a repository or a shallow clone: each
is a reason the caller can show.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from helpsite.core.errors import HelpsiteError

GIT_TIMEOUT = 300  # seconds for one git command over a whole history


class HistoryError(HelpsiteError):
    """Why the history cannot be read (no git, not a repository, an unknown revision)."""


@dataclass(frozen=True)
class Version:
    """One version of a file: the commit that wrote it, when, at which path, and its blob."""

    commit: str
    time: int  # committer time, seconds since the epoch
    path: str  # the file's path from the repository's top folder, at that commit
    blob: str

    @property
    def date(self) -> str:
        return iso_date(self.time)


# The front-matter key under which a translation records the hash of the English version it
# was made from (Microsoft Learn's), and that hash: what finds the version in the history.
HASH_KEY = "ms.openlocfilehash"


def source_hash(data: bytes, like: str | None = None) -> str:
    """The hash of a source file's bytes, SHA-256 when ``like`` is a 64-digit value."""
    if like is not None and len(like) == 64:
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(data).hexdigest()


def blob_id(data: bytes, like: str) -> str:
    """The id git gives a file of these bytes, in the form of ``like`` (SHA-1, or SHA-256 in a
    repository that uses it): equal to a version's ``blob`` when the file is that version."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Change:
    """A commit's change to one file: git's status letter (A, M, D, R, T), paths and blobs."""

    commit: str
    time: int
    status: str
    old_path: str | None
    path: str | None  # None when the file was deleted
    blob: str | None


@dataclass(frozen=True)
class Renamed:
    """How a path left the history: deleted, or renamed to ``to``, by ``change``."""

    change: Change
    to: str | None


class History:
    """The history of one folder of a git checkout, read once.

    Paths are from the repository's top folder (``git rev-parse --show-toplevel``).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.top = Path(_run(self.folder, "rev-parse", "--show-toplevel").strip())
        self.shallow = _run(self.top, "rev-parse", "--is-shallow-repository").strip() == "true"
        self._top_real = os.path.realpath(self.top)
        self._folder = os.path.abspath(self.folder)
        self.prefix = os.path.relpath(os.path.realpath(self.folder), self._top_real).replace(os.sep, "/")
        self._changes: dict[str, list[Change]] = {}  # path -> its changes, newest first
        self._order: dict[str, int] = {}  # commit -> place in the log, 0 newest
        self._read_log()

    def path_of(self, file: Path) -> str:
        """A file's path from the repository's top folder (files in the folder without a
        look at the file system: realpath costs a system call per part)."""
        inside = os.path.relpath(os.path.abspath(file), self._folder)
        if not inside.startswith(os.pardir):
            return posixpath.normpath(f"{self.prefix}/{inside.replace(os.sep, '/')}")
        return os.path.relpath(os.path.realpath(file), self._top_real).replace(os.sep, "/")

    def file_of(self, path: str) -> Path:
        return self.top / path

    def versions(self, path: str) -> list[Version]:
        """Every committed version of ``path``, newest first, through the renames git found."""
        found, name, after = [], path, -1
        while name is not None:
            renamed_from = None
            for change in self._changes.get(name, ()):
                if self._order[change.commit] <= after or change.path != name:
                    continue
                if change.blob is not None:
                    found.append(Version(change.commit, change.time, name, change.blob))
                if change.status == "R":
                    renamed_from, after = change.old_path, self._order[change.commit]
                    break
            name = renamed_from
        return found

    def names(self, path: str) -> list[str]:
        """``path`` and the names it had before, newest first."""
        return list(dict.fromkeys([path, *(v.path for v in self.versions(path))]))

    def left(self, path: str) -> Renamed | None:
        """The newest change that took ``path`` away (deleted or renamed), if any."""
        for change in self._changes.get(path, ()):
            if change.old_path == path and change.path != path:
                return Renamed(change, change.path)
        return None

    def contents(self, blobs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each blob's bytes (None when it is not here), in order: one ``git cat-file --batch``
        for all of them, its input written by a thread so that the pipe never waits on a reply."""
        blobs = list(dict.fromkeys(blobs))
        if not blobs:
            return
        batch = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

        def ask() -> None:
            try:
                batch.stdin.write("".join(blob + "\n" for blob in blobs).encode("ascii"))
                batch.stdin.close()
            except OSError:  # git stopped early; what it answered is read below
                pass

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        try:
            for blob in blobs:
                header = batch.stdout.readline().split()
                if len(header) != 3:  # "<id> missing": not in this clone (or git stopped)
                    yield blob, None
                    continue
                yield blob, batch.stdout.read(int(header[2]) + 1)[:-1]
        finally:
            asking.join()
            batch.stdout.close()
            batch.wait(timeout=GIT_TIMEOUT)

    def boundary(self) -> str | None:
        """The oldest commit of a shallow clone (its history is cut there)."""
        return max(self.cut, key=lambda commit: self._order.get(commit, 0), default=None)

    @cached_property
    def cut(self) -> frozenset[str]:
        """The commits a shallow clone's history stops at: in them every file seems added."""
        if not self.shallow:
            return frozenset()
        shallow = Path(_run(self.top, "rev-parse", "--git-path", "shallow").strip())
        shallow = shallow if shallow.is_absolute() else self.top / shallow
        try:
            return frozenset(shallow.read_text(encoding="ascii").split())
        except OSError:
            return frozenset()

    def tree(self, revision: str) -> dict[str, str]:
        """The blob of every file under the folder at ``revision``: path -> blob id."""
        out = _run(self.top, "ls-tree", "-r", "-z", "--full-tree", revision, "--", self.prefix)
        blobs = {}
        for entry in filter(None, out.split("\0")):
            info, _, path = entry.partition("\t")
            mode_type_blob = info.split()
            if len(mode_type_blob) == 3 and mode_type_blob[1] == "blob":
                blobs[path] = mode_type_blob[2]
        return blobs

    def changes_since(self, revision: str) -> list[Change]:
        """What differs in the folder between ``revision`` and the working tree, renames found."""
        out = _run(self.top, "diff", "-M", "--raw", "--no-abbrev", "-z", revision, "--", self.prefix)
        return list(_raw_changes(out.split("\0"), commit="", time=0))

    def commit_of(self, revision: str) -> str:
        """The full id of a commit, or HistoryError naming the revision."""
        try:
            return _run(self.top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
        except HistoryError:
            raise HistoryError(
                "not a commit in this repository"
                + (" (a shallow clone: fetch the whole history)" if self.shallow else "")
            )

    # -- reading git -------------------------------------------------------------

    def _read_log(self) -> None:
        try:
            out = _run(
                self.top, "log", "-M", "--raw", "--no-abbrev", "-z", "--format=%x01%H %ct", "--", self.prefix
            )
        except HistoryError:  # a repository without a commit yet: no history
            return
        for place, chunk in enumerate(filter(None, out.split("\x01"))):
            head, _, rest = chunk.partition("\0")
            commit, _, time = head.partition(" ")
            self._order[commit] = place
            for change in _raw_changes(rest.lstrip("\n").split("\0"), commit, int(time)):
                for path in {change.path, change.old_path} - {None}:
                    self._changes.setdefault(path, []).append(change)


def iso_date(time: int) -> str:
    """A commit time as an ISO date, in UTC (the same on every machine)."""
    return datetime.fromtimestamp(time, UTC).date().isoformat()


# ``:old-mode new-mode old-blob new-blob STATUS\0path\0[new path\0]`` as ``--raw -z`` writes it.
def _raw_changes(tokens: list[str], commit: str, time: int):
    tokens = iter(tokens)
    for token in tokens:
        if not token.startswith(":"):
            continue
        _, _, old_blob, new_blob, status = token[1:].split(" ")
        letter = status[:1]
        first = next(tokens)
        if letter in "RC":
            second = next(tokens)
            yield Change(commit, time, letter, first, second, new_blob)
        elif letter == "D":
            yield Change(commit, time, letter, first, None, None)
        else:
            yield Change(commit, time, letter, None if letter == "A" else first, first, new_blob)


def _run(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, timeout=GIT_TIMEOUT)
    except FileNotFoundError:
        raise HistoryError("git is not installed, so the history cannot be read")
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryError(f"git {args[0]} failed: {error}")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"{folder}: git {args[0]}: {message[0] if message else 'failed'}")
    return done.stdout.decode("utf-8", "surrogateescape")
