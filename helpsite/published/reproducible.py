"""One build time for every build of a commit, so that two builds of it are byte-identical.

MkDocs stamps the build time into ``sitemap.xml`` and ``sitemap.xml.gz`` unless
``SOURCE_DATE_EPOCH`` says which time to use (the reproducible-builds.org convention). A build
that has none set takes the last commit's time: a plain ``mkdocs build`` (hooks/reproducible.py)
and ``dev.py`` alike.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpsite.core import settings

VARIABLE = settings.DECLARED["source_date_epoch"].variable


def source_date_epoch(root: Path) -> str:
    """The variable's value when set; else the last commit's time; else (an archive, not a
    checkout) the time of the newest file under docs/."""
    given = settings.read().source_date_epoch
    if given:
        return given
    try:
        stamp = subprocess.run(
            ["git", "-C", os.fspath(root), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if stamp:
            return stamp
    except (OSError, subprocess.CalledProcessError):
        pass
    return str(int(max((p.lstat().st_mtime for p in (Path(root) / "docs").rglob("*")), default=0)))


def set_build_time(root: Path) -> str:
    """Set the variable for this process (and what it starts) when it is unset: MkDocs reads the
    build time from the environment (``mkdocs.utils.get_build_datetime``), and so do the shards
    and nested builds a build starts."""
    value = os.environ[VARIABLE] = source_date_epoch(root)
    return value
