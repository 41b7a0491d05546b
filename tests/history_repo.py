"""A real git repository whose English pages change over four commits (tests of the history).

Commit 1 adds guide, notes and old in English, with their nb (SHA-1) and de (SHA-256) guide
translations and nb translations of notes and old; commit 2 changes the guide; commit 3 renames
notes to intro and changes it, moving nb's translation with it and adding a de one with a hash
from elsewhere; commit 4 deletes old (nb's translation stays). The versions are the files of
tests/fixtures/l10n/history/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HISTORY = Path(__file__).parent / "fixtures" / "l10n" / "history"
STRINGS = Path(__file__).resolve().parent.parent / "strings"  # the site's own texts, as the repository's
OUTSIDE_HASH = hashlib.sha1(b"a version this repository never had").hexdigest()
DATES = ("2026-01-05", "2026-02-10", "2026-03-15", "2026-04-20")


@dataclass(frozen=True)
class Repo:
    root: Path
    commits: tuple[str, ...]  # the four commits, oldest first


def version(name: str) -> bytes:
    return (HISTORY / name).read_bytes()


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def translation(recorded_hash: str, title: str = "Oversatt side") -> str:
    return (
        f"---\ntitle: {title}\ndescription: En oversatt side.\nms.openlocfilehash: {recorded_hash}\n"
        f"ms.translationtype: HT\n---\n# {title}\n\nTekst.\n"
    )


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date:
        env.update(GIT_AUTHOR_DATE=f"{date}T12:00:00Z", GIT_COMMITTER_DATE=f"{date}T12:00:00Z")
    return subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "user.name=Test",
            "-c",
            "user.email=t@example.org",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


def write(root: Path, path: str, data: bytes | str) -> None:
    file = root / "docs" / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def build(root: Path) -> Repo:
    root.mkdir(parents=True)
    shutil.copy(HISTORY / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(STRINGS, root / "strings")
    git(root, "init", "-q")
    guide, notes, old = version("guide.v1.md"), version("notes.v1.md"), version("old.v1.md")
    for path, data in [
        ("en/guide.md", guide),
        ("en/notes.md", notes),
        ("en/old.md", old),
        ("nb/guide.md", translation(sha1(guide))),
        ("de/guide.md", translation(sha256(guide))),
        ("nb/notes.md", translation(sha1(notes))),
        ("nb/old.md", translation(sha1(old))),
    ]:
        write(root, path, data)
    first = commit(root, "English pages and translations", DATES[0])
    write(root, "en/guide.md", version("guide.v2.md"))
    second = commit(root, "Guide: Billing accounts, the email", DATES[1])
    git(root, "mv", "docs/en/notes.md", "docs/en/intro.md")
    git(root, "mv", "docs/nb/notes.md", "docs/nb/intro.md")
    write(root, "en/intro.md", version("intro.v2.md"))
    write(root, "de/intro.md", translation(OUTSIDE_HASH, "Versionshinweise"))
    third = commit(root, "Notes become the intro, with the dark theme", DATES[2])
    (root / "docs" / "en" / "old.md").unlink()
    fourth = commit(root, "Delete the old page", DATES[3])
    return Repo(root, (first, second, third, fourth))
