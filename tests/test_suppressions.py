"""Inline suppression comments: what they silence, exactly where, and what they report."""

from __future__ import annotations

import json

from conftest import ARTICLE, ROOT, copy_site, mkdocs_build, page_file, parse_html

from helpsite.cli import main
from helpsite.core.site import load_site
from helpsite.linting import checks, safety

FIXTURE = ROOT / "tests" / "fixtures" / "suppressions" / "suppressed.md"
SITE = load_site(ROOT)


def no_text(href):
    return f"link to {href} has no text: give it text that says where it leads"


def unused(kind, rule):
    return f"helpsite-{kind} {rule}: no {rule} finding here to silence: delete the comment"


# Read off the fixture by hand: line numbers of the file, columns of the '[' or of the rule name.
EXPECTED = [
    (14, 29, "empty-link", no_text("https://example.com/after")),
    (20, 18, "empty-link", no_text("https://example.com/after-block")),
    (22, 33, "unused-suppression", unused("disable-next-line", "h1")),
    (25, 33, "unused-suppression", unused("disable-next-line", "empty-link")),
    (28, 33, "unused-suppression", "helpsite-disable-next-line no-such-rule: no rule has this id"),
    (
        29,
        33,
        "unused-suppression",
        "helpsite-disable-next-line broken-link: a comment cannot silence it: it "
        "is found on the whole site, not by the page checks that read comments",
    ),
    (
        30,
        1,
        "unused-suppression",
        "helpsite-disable-next-line names no rule: add the id of the rule to silence",
    ),
    (
        31,
        22,
        "unused-suppression",
        "helpsite-enable empty-link: empty-link was not disabled above: delete the comment",
    ),
    # a comment shown as code silences nothing and is not reported
    (34, 1, "empty-link", no_text("https://example.com/under-example")),
    (39, 1, "empty-link", no_text("https://example.com/after-fence")),
    # a comment is no text: the link is still empty, and the comment is a directive for line 42
    (41, 44, "empty-link", no_text("https://example.com/comment-text")),
    (41, 77, "unused-suppression", unused("disable-next-line", "empty-link")),
]
SUPPRESSED = [
    (13, 24, "empty-link", no_text("https://example.com/next-line")),
    (17, 15, "empty-link", no_text("https://example.com/block-1")),
    (18, 5, "empty-link", no_text("https://example.com/block-2")),
    (23, 22, "empty-link", no_text("https://example.com/two-rules")),
    (44, 28, "empty-link", no_text("https://example.com/to-the-end")),
]


def places(findings):
    return [(f.line, f.column, f.rule, f.message) for f in findings]


def test_what_the_comments_silence_and_report():
    outcome = checks.checked_page(safety.load_file(FIXTURE, SITE, "en"), SITE)
    assert places(outcome.findings) == EXPECTED
    assert places(outcome.suppressed) == SUPPRESSED
    assert places(checks.check_file(FIXTURE, SITE, "en")) == EXPECTED


def test_show_suppressed_lists_them_marked(capsys):
    assert main(["check", "--locale", "en", "--show-suppressed", str(FIXTURE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    shown = "tests/fixtures/suppressions/suppressed.md"
    assert lines[len(EXPECTED) :] == [
        f"{shown}:{line}:{column}: suppressed {rule}: {message}" for line, column, rule, message in SUPPRESSED
    ]
    assert main(["check", "--locale", "en", "--format", "json", "--show-suppressed", str(FIXTURE)]) == 1
    records = json.loads(capsys.readouterr().out)
    assert [(r["line"], r["column"]) for r in records if r.get("suppressed")] == [s[:2] for s in SUPPRESSED]
    assert main(["check", "--locale", "en", str(FIXTURE)]) == 1
    assert len(capsys.readouterr().out.splitlines()) == len(EXPECTED)


def test_a_page_whose_only_finding_is_silenced_is_clean(tmp_path, capsys):
    page = tmp_path / "page.md"
    text = FIXTURE.read_text().split("# Suppressed findings")[0]
    page.write_text(
        text + "# Title\n\n<!-- helpsite-disable-next-line empty-link -->\nSee [](https://example.com/x).\n"
    )
    assert main(["check", "--locale", "en", str(page)]) == 0
    assert capsys.readouterr().out == ""


def test_the_build_honours_them_and_readers_do_not_see_them(tmp_path):
    project = copy_site(tmp_path / "project")
    article = project / "docs" / "en" / (ARTICLE + ".md")
    text = article.read_text()
    article.write_text(
        text + "\n<!-- helpsite-disable-next-line empty-link -->\nSee [](https://example.com/x).\n"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "empty-link" not in result.stderr
    tree = parse_html(page_file(tmp_path / "site", "en"))
    assert "helpsite-disable" not in tree.text_content()
    assert [a.get("href") for a in tree.iter("a") if a.get("href") == "https://example.com/x"] == [
        "https://example.com/x"
    ]
