"""The base and diff of stale translations, and the pull request check (helpsite/localization/l10n_diff.py),
on real git repositories built by tests/history_repo.py."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from history_repo import DATES, HISTORY, OUTSIDE_HASH, build, commit, git, sha1, translation, version, write

from helpsite import cli
from helpsite.core.site import load_site
from helpsite.localization import l10n

# The English changes of the repository as `diff -u` shows them, written out by hand.
GUIDE_DIFF = "".join(
    line + "\n"
    for line in [
        "--- a/docs/en/guide.md",
        "+++ b/docs/en/guide.md",
        "@@ -4,8 +4,10 @@",
        " ---",
        " # Cancel a subscription",
        " ",
        "-Open the admin center and go to Billing.",
        "+Open the admin center and go to Billing accounts.",
        " ",
        " Select the subscription you want to cancel.",
        " ",
        " Choose Cancel subscription.",
        "+",
        "+You get an email when it is done.",
    ]
)
INTRO_DIFF = "".join(
    line + "\n"
    for line in [
        "--- a/docs/en/notes.md",
        "+++ b/docs/en/intro.md",
        "@@ -4,4 +4,4 @@",
        " ---",
        " # Release notes",
        " ",
        "-The admin center has a new home page.",
        "+The admin center has a new home page and a dark theme.",
    ]
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return build(tmp_path_factory.mktemp("history") / "site")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def diff_records(capsys, root, *args: str) -> tuple[int, list[dict], str]:
    code, out, err = run(capsys, "--root", str(root), "l10n", "diff", "--format", "json", *args)
    return code, json.loads(out), err


def record(page, locale, status, base_commit=None, diff=None, reason=None) -> dict:
    return {
        "page": page,
        "locale": locale,
        "status": status,
        "base_commit": base_commit,
        "diff": diff,
        "reason": reason,
    }


def test_every_stale_translation_gets_its_exact_base_and_the_diff_since(repo, capsys):
    first, _, _, fourth = repo.commits
    code, records, err = diff_records(capsys, repo.root)
    assert (code, err) == (0, "")
    assert (
        records
        == [
            record("guide.md", "nb", "stale", first, GUIDE_DIFF),
            record("guide.md", "de", "stale", first, GUIDE_DIFF),  # its hash is SHA-256
            # renamed and changed in one commit: the base is the older name's version
            record("intro.md", "nb", "stale", first, INTRO_DIFF),
            record(
                "intro.md",
                "de",
                "stale",
                reason=(
                    f"no version of docs/en/intro.md in its history hashes to {OUTSIDE_HASH} (renames followed: "
                    "docs/en/notes.md): a hash from outside this repository, or a rename git did not detect"
                ),
            ),
            record(
                "old.md", "nb", "orphaned", reason=f"docs/en/old.md was deleted in {fourth[:12]} ({DATES[3]})"
            ),
        ]
    )


def test_the_text_names_the_base_and_its_date_then_shows_the_diff(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo.root)
    code, out, err = run(capsys, "--root", str(repo.root), "l10n", "diff", "docs/nb/guide.md")
    assert (code, err) == (0, "")
    assert out == f"nb/guide.md: stale: made from {repo.commits[0][:12]} ({DATES[0]})\n" + GUIDE_DIFF


def test_paths_choose_translations_or_every_translation_of_a_source_page(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo.root)
    _, records, _ = diff_records(capsys, repo.root, "docs/en/guide.md", "docs/nb/old.md")
    assert [(r["page"], r["locale"], r["status"]) for r in records] == [
        ("guide.md", "nb", "stale"),
        ("guide.md", "de", "stale"),
        ("old.md", "nb", "orphaned"),
    ]


def test_fail_on_and_usage_errors_exit_as_l10n_does(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo.root)
    assert run(capsys, "--root", str(repo.root), "l10n", "diff", "--fail-on", "stale")[0] == 1
    assert run(capsys, "--root", str(repo.root), "l10n", "diff", "--fail-on", "orphaned")[0] == 1
    assert run(capsys, "--root", str(repo.root), "l10n", "diff", "--fail-on", "missing")[0] == 0
    assert run(capsys, "--root", str(repo.root), "l10n", "diff", "docs/xx.md") == (
        2,
        "",
        "docs/xx.md: no such file or folder\n",
    )
    assert run(capsys, "--root", str(repo.root), "l10n", "diff", "mkdocs.yml")[0] == 2


def test_a_recorded_hash_of_another_length_says_so(repo, capsys, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(repo.root, root)
    write(root, "nb/guide.md", translation("abc123"))
    _, records, _ = diff_records(capsys, root, str(root / "docs" / "nb" / "guide.md"))
    assert records == [
        record(
            "guide.md",
            "nb",
            "stale",
            reason=(
                "ms.openlocfilehash 'abc123' is neither a SHA-1 (40 hex digits) nor a SHA-256 (64), "
                "so no version can match it"
            ),
        )
    ]


def test_a_shallow_clone_says_its_history_is_cut(repo, capsys, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    _, records, _ = diff_records(capsys, clone, str(clone / "docs" / "nb" / "guide.md"))
    assert records == [
        record(
            "guide.md",
            "nb",
            "stale",
            reason=(
                f"no version of docs/en/guide.md in this shallow clone hashes to {sha1(version('guide.v1.md'))}: "
                f"the history is cut at {repo.commits[3][:12]}; fetch all of it (git fetch --unshallow, or "
                "fetch-depth: 0 in GitHub Actions)"
            ),
        )
    ]


def test_without_git_or_outside_a_repository_every_record_says_why(repo, capsys, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    _, records, _ = diff_records(capsys, copy)
    reason = (
        f"{copy / 'docs' / 'en'}: git rev-parse: fatal: not a git repository "
        "(or any of the parent directories): .git"
    )
    assert [(r["page"], r["locale"], r["status"], r["reason"]) for r in records] == [
        ("guide.md", "nb", "stale", reason),
        ("guide.md", "de", "stale", reason),
        ("intro.md", "nb", "stale", reason),
        ("intro.md", "de", "stale", reason),
        ("old.md", "nb", "orphaned", reason),
    ]
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    _, records, _ = diff_records(capsys, repo.root, str(repo.root / "docs" / "nb" / "guide.md"))
    assert records == [
        record("guide.md", "nb", "stale", reason="git is not installed, so the history cannot be read")
    ]


def test_a_binary_source_has_a_base_but_no_diff(capsys, tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(HISTORY / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q")
    write(root, "en/guide.md", b"\xff\xfe\x00 version 1\n")
    write(root, "nb/guide.md", translation(sha1(b"\xff\xfe\x00 version 1\n")))
    first = commit(root, "binary", DATES[0])
    write(root, "en/guide.md", b"\xff\xfe\x00 version 2\n")
    commit(root, "binary again", DATES[1])
    _, records, _ = diff_records(capsys, root)
    assert records == [
        record(
            "guide.md",
            "nb",
            "stale",
            first,
            reason=("docs/en/guide.md is not UTF-8 text (a binary file?), so there is no line diff"),
        )
    ]


def test_an_unreadable_source_makes_its_translations_invalid_not_a_traceback(repo, capsys, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(repo.root, root)
    source = root / "docs" / "en" / "guide.md"
    source.unlink()
    source.mkdir()  # a folder named guide.md: reading it fails as an unreadable file does
    (source / "x").write_text("x")
    site = load_site(root)
    statuses = [s for s in l10n.site_status(site) if s.page == "intro.md"]
    assert [s.status for s in statuses] == ["stale", "stale"]
    status = l10n.translation_status(site, "nb", "guide.md")
    assert (status.status, status.problem) == (
        "invalid",
        "docs/en/guide.md: cannot read the file: Is a directory",
    )


# ----------------------------------------------------------------------------
# l10n --since REV
# ----------------------------------------------------------------------------


def test_since_lists_what_the_changes_make_stale(repo, capsys):
    first, second, _, fourth = repo.commits
    code, out, err = run(capsys, "--root", str(repo.root), "l10n", "--since", first, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"page": "guide.md", "locale": "nb", "status": "stale", "change": "modified"},
        {"page": "guide.md", "locale": "de", "status": "stale", "change": "modified"},
        {"page": "intro.md", "locale": "nb", "status": "stale", "change": "renamed from notes.md"},
        {"page": "old.md", "locale": "nb", "status": "orphaned", "change": "deleted"},
    ]
    code, out, err = run(capsys, "--root", str(repo.root), "l10n", "--since", second, "--fail-on", "stale")
    assert (code, err) == (1, "")
    assert out == (
        f"The source changes since {second} make 2 translations out of date:\n\n"
        "- intro.md (renamed from notes.md): stale in nb\n"
        "- old.md (deleted): left without a source page in nb\n"
    )
    assert run(capsys, "--root", str(repo.root), "l10n", "--since", fourth) == (
        0,
        f"No translation is made stale by the source changes since {fourth}.\n",
        "",
    )


def test_since_an_unknown_revision_is_a_usage_error(repo, capsys):
    assert run(capsys, "--root", str(repo.root), "l10n", "--since", "no-such-branch") == (
        2,
        "",
        "--since no-such-branch: not a commit in this repository\n",
    )
