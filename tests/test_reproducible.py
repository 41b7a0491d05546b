"""A plain ``mkdocs build`` of one commit is byte-identical every time (helpsite.published.reproducible)."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT, build_env, copy_site, mkdocs_build

from helpsite.published import reproducible


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def plain_env() -> dict:
    env = build_env()
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def test_two_plain_builds_of_a_commit_are_identical_and_dated_by_it(tmp_path):
    project = copy_site(tmp_path / "project")
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    commit_env = dict(
        os.environ, GIT_COMMITTER_DATE="2024-03-05T06:07:08Z", GIT_AUTHOR_DATE="2024-03-05T06:07:08Z"
    )
    subprocess.run([*git, "commit", "-q", "-m", "site"], check=True, env=commit_env)
    builds = []
    for number in (1, 2):
        result = mkdocs_build(project, tmp_path / f"site{number}", env=plain_env())
        assert result.returncode == 0, result.stderr
        builds.append(snapshot(tmp_path / f"site{number}"))
    assert builds[0] == builds[1]
    # gzip's header (RFC 1952) records a modification time: MkDocs writes the build day there
    gz = (tmp_path / "site1" / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(gz) == (tmp_path / "site1" / "sitemap.xml").read_bytes()
    header = gz[4:8]
    assert datetime.fromtimestamp(int.from_bytes(header, "little"), UTC) == datetime(2024, 3, 5, tzinfo=UTC)


def test_the_variable_wins_then_the_commit_then_the_newest_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert reproducible.source_date_epoch(tmp_path) == "1234567890"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    expected = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert reproducible.source_date_epoch(ROOT) == expected
    (tmp_path / "docs" / "en").mkdir(parents=True)
    for name, stamp in (("a.md", 1_600_000_000), ("b.md", 1_700_000_000)):
        (tmp_path / "docs" / "en" / name).write_text("# A\n")
        os.utime(tmp_path / "docs" / "en" / name, (stamp, stamp))
    os.utime(tmp_path / "docs" / "en", (1_500_000_000, 1_500_000_000))
    os.utime(tmp_path / "docs", (1_500_000_000, 1_500_000_000))
    assert reproducible.source_date_epoch(tmp_path) == "1700000000"
