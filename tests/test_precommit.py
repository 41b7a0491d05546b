"""The pre-commit hooks (.pre-commit-hooks.yaml), tried with ``pre-commit try-repo`` on a
temporary help-site repository with a broken page, as a writer's commit would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, copy_site

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
URL = "https://admin.microsoft.com/Adminportal/Home?source=applauncher#/subscriptions"
# Machine translation moved the link's text out of its brackets (a link the English page has: a
# new link would be structure-link-added as well).
TRANSLATED_LINK = f"[avbryte abonnementet]({URL})"
BROKEN_LINK = f"[]({URL})"


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.name=writer", "-c", "user.email=w@example.com", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def writer_repo(tmp_path_factory):
    """A help-site repository whose Norwegian article has lost a link's text, and where
    pre-commit keeps its environments (made once for the module)."""
    work = tmp_path_factory.mktemp("precommit")
    project = copy_site(work / "site")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "site")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    assert TRANSLATED_LINK in page.read_text()
    page.write_text(page.read_text().replace(TRANSLATED_LINK, BROKEN_LINK))
    git(project, "add", "-A")
    return project, page, work / "pre-commit-home"


def try_repo(project: Path, home: Path, hook: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_MKDOCS_2_WARNING="1")
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_check_hook_stops_the_commit_and_names_the_line(writer_repo):
    project, page, home = writer_repo
    [(line, text)] = [(n, t) for n, t in enumerate(page.read_text().splitlines(), 1) if BROKEN_LINK in t]
    result = try_repo(project, home, "helpsite-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^helpsite check\.+Failed$", result.stdout, re.M), result.stdout
    assert (
        f"docs/nb/{ARTICLE}.md:{line}:{text.index(BROKEN_LINK) + 1}: error empty-link: link to {URL} has no text; in en it "
        'reads "cancel the subscription"'
    ) in result.stdout


def test_fix_hook_fills_in_the_text_for_review_and_then_check_passes(writer_repo):
    project, page, home = writer_repo
    result = try_repo(project, home, "helpsite-fix")
    assert result.returncode == 1, result.stdout + result.stderr  # pre-commit: files were modified
    assert "files were modified by this hook" in result.stdout
    assert (
        f"[cancel the subscription<!-- helpsite: review link text (from en) -->]({URL})" in page.read_text()
    )
    git(project, "add", "-A")
    again = try_repo(project, home, "helpsite-check")
    # what is left is link-text-unreviewed, a warning: the commit may go ahead
    assert again.returncode == 0, again.stdout
    assert re.search(r"^helpsite check\.+Passed$", again.stdout, re.M), again.stdout


def test_the_hooks_package_declares_what_the_checks_import():
    """pre-commit installs the package from pyproject.toml alone; its pins are requirements.txt's."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {line.strip().lower() for line in (ROOT / "requirements.txt").read_text().splitlines()}
    assert declared and all(dependency.lower() in pinned for dependency in declared)
