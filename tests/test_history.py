"""The source folder's git history (helpsite/localization/history.py), on the repository of tests/history_repo.py."""

from __future__ import annotations

import subprocess

import pytest
from history_repo import DATES, build, git, version

from helpsite.localization.history import History, HistoryError, Version


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return build(tmp_path_factory.mktemp("history") / "site")


def blob(repo, commit: str, path: str) -> str:
    return git(repo.root, "rev-parse", f"{commit}:{path}")


def test_versions_are_newest_first_through_a_rename(repo):
    first, second, third, _ = repo.commits
    history = History(repo.root / "docs" / "en")
    assert history.prefix == "docs/en" and not history.shallow and history.cut == frozenset()
    assert history.versions("docs/en/intro.md") == [
        Version(
            third,
            history.versions("docs/en/intro.md")[0].time,
            "docs/en/intro.md",
            blob(repo, third, "docs/en/intro.md"),
        ),
        Version(
            first,
            history.versions("docs/en/intro.md")[1].time,
            "docs/en/notes.md",
            blob(repo, first, "docs/en/notes.md"),
        ),
    ]
    assert [v.date for v in history.versions("docs/en/intro.md")] == [DATES[2], DATES[0]]
    assert [(v.commit, v.path) for v in history.versions("docs/en/guide.md")] == [
        (second, "docs/en/guide.md"),
        (first, "docs/en/guide.md"),
    ]
    assert history.names("docs/en/intro.md") == ["docs/en/intro.md", "docs/en/notes.md"]
    guide = blob(repo, first, "docs/en/guide.md")
    assert list(history.contents([guide, "0" * 40, guide])) == [
        (guide, version("guide.v1.md")),
        ("0" * 40, None),
    ]


def test_a_path_that_left_says_how(repo):
    _, _, third, fourth = repo.commits
    history = History(repo.root / "docs" / "en")
    deleted, renamed = history.left("docs/en/old.md"), history.left("docs/en/notes.md")
    assert (deleted.change.commit, deleted.to) == (fourth, None)
    assert (renamed.change.commit, renamed.to) == (third, "docs/en/intro.md")
    assert history.left("docs/en/guide.md") is None


def test_the_tree_and_changes_since_a_revision(repo):
    first, *_ = repo.commits
    history = History(repo.root / "docs" / "en")
    assert history.tree(first) == {
        path: blob(repo, first, path) for path in ("docs/en/guide.md", "docs/en/notes.md", "docs/en/old.md")
    }
    assert [(c.status, c.old_path, c.path) for c in history.changes_since(first)] == [
        ("M", "docs/en/guide.md", "docs/en/guide.md"),
        ("R", "docs/en/notes.md", "docs/en/intro.md"),
        ("D", "docs/en/old.md", None),
    ]
    assert history.commit_of("HEAD") == repo.commits[3]
    with pytest.raises(HistoryError, match="^not a commit in this repository$"):
        history.commit_of("no-such-branch")


def test_a_shallow_clone_knows_where_its_history_is_cut(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    history = History(clone / "docs" / "en")
    assert history.shallow and history.cut == {repo.commits[3]} and history.boundary() == repo.commits[3]
    assert [v.commit for v in history.versions("docs/en/guide.md")] == [repo.commits[3]]


def test_outside_a_repository_the_error_names_the_folder(tmp_path):
    with pytest.raises(HistoryError) as error:
        History(tmp_path)
    assert str(error.value) == (
        f"{tmp_path}: git rev-parse: fatal: not a git repository (or any of the parent directories): .git"
    )
