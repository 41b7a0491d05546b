"""The Markdown reading behind the link checks: positions, and agreement with the rendered HTML."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from expectations import expected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from helpsite.core.site import load_site
from helpsite.text import markdown
from helpsite.text import page as pages

FIXTURES = ROOT / "tests" / "fixtures" / "links"
# the shared folder next to the repository (or next to the folder of its worktrees)
SITE = load_site(ROOT)


def load(path: Path) -> pages.Page:
    return pages.read(path, path.name)


def document(name: str) -> markdown.Document:
    page = load(FIXTURES / name)
    return markdown.parse(page.body, page.body_line, SITE)


def empty_links(doc: markdown.Document) -> list[tuple[int, int, str]]:
    return [(link.line, link.column, link.href) for link in doc.links if not link.label]


def rendered_empty_links(body: str) -> int:
    """Empty <a href> elements in the HTML Python-Markdown renders for the site (no markers)."""
    rendered = markdown.render(body, SITE)
    if not rendered.strip():
        return 0
    tree = lxml_html.fromstring(f"<div>{rendered}</div>")
    return sum(
        1
        for a in tree.iter("a")
        if a.get("href") is not None
        and not markdown.label_text(a.text_content())
        and not markdown.label_text(" ".join(img.get("alt") or "" for img in a.iter("img")))
    )


def test_every_empty_link_form_at_its_place():
    found = empty_links(document("empty-forms.md"))
    assert [(line, column) for line, column, _ in found] == [
        (line, column) for line, column, _ in expected(FIXTURES / "empty-forms.md")
    ]
    assert [href.removeprefix("https://example.com/") for _, _, href in found] == [
        "inline",
        "spaces",
        "nbsp",
        "nbsp-char",
        "reference",
        "reference2",
        "markup",
        "underscores",
        "image",
        "raw",
        "raw-upper",
        "after-tab",  # at column 6: a tab is one column
        "quote",
        "item",
        "nested",
        "cell",
        "md-in-html",
        "raw-block",
        "admonition",
        "details",
        "heading",
    ]


def test_expectations_are_read_as_written(tmp_path):
    fixture = tmp_path / "page.md"
    fixture.write_text(
        "# T\n\nA [](x) and [](y). <!-- expect: empty-link:3 empty-link:14 -->\n", encoding="utf-8"
    )
    assert expected(fixture) == [(3, 3, "empty-link"), (3, 14, "empty-link")]
    fixture.write_text("# T <!-- expect: empty-link -->\n", encoding="utf-8")
    with pytest.raises(ValueError, match="page.md:1: write expectations as RULE:COLUMN, not 'empty-link'"):
        expected(fixture)


def test_links_with_text_images_code_comments_and_escapes_are_not_empty():
    doc = document("not-empty.md")
    assert empty_links(doc) == []
    assert [(link.line, link.column, link.label) for link in doc.links] == [
        (7, 1, "Text"),
        (7, 35, "bold"),
        (7, 73, "Alt text"),
        (8, 84, "https://example.com/autolink"),
        (10, 21, "Raw text"),
    ]


def test_positions_count_tabs_as_one_column(tmp_path):
    body = "# T\n\n- a\n\t- \t[](x) and [](y)\n\n\t[](z)\n"
    assert empty_links(markdown.parse(body, 1, SITE)) == [(4, 5, "x"), (4, 15, "y"), (6, 2, "z")]


@pytest.mark.parametrize(
    "body, expected",
    [
        # Python-Markdown cuts a comment off its line and rewrites the rest: the place is inferred
        (
            "# T\n\n<!-- note -->See [](https://x) and &nbsp; [](https://y).\n",
            [(3, 18, "https://x"), (3, 43, "https://y")],
        ),
        # a Microsoft Learn alert is a quote whose [!NOTE] is no link
        ("# T\n\n> [!NOTE]\n> Read [](https://x) first.\n", [(4, 8, "https://x")]),
        ('# T\n\nSee [](<https://x/a b> "Title").\n', [(3, 5, "https://x/a b")]),
    ],
)
def test_empty_links_in_other_surroundings(body, expected):
    assert empty_links(markdown.parse(body, 1, SITE)) == expected


def test_raw_tags_and_their_attributes_as_a_browser_reads_them():
    doc = document("unsafe.md")
    assert [(tag.name, tag.line, tag.column) for tag in doc.tags] == [
        ("a", 8, 1),
        ("a", 8, 53),
        ("img", 9, 1),
        ("a", 9, 64),
        ("script", 11, 1),
        ("iframe", 13, 1),
        ("object", 15, 1),
        ("embed", 16, 1),
    ]
    assert dict(doc.tags[1].attrs)["href"] == "javascript:alert(1)"


@pytest.mark.parametrize(
    "name, h1s",
    [
        ("h1-none.md", []),
        ("h1-one.md", [(7, 1)]),
        ("h1-two.md", [(5, 1), (9, 1), (12, 1)]),
    ],
)
def test_h1_lines(name, h1s):
    assert document(name).h1_lines == h1s
    page = load(FIXTURES / name)
    assert markdown.parse(page.body, page.body_line, SITE, full=True).h1_lines == h1s


def test_a_body_without_candidates_skips_the_parser():
    assert not markdown.needs_parsing("# Title\n\nText with [a link](https://example.com/).\n")
    assert markdown.needs_parsing("# Title\n\nText with [](https://example.com/).\n")
    assert not markdown.needs_parsing("# Title\n\n```\n# comment\n```\n")
    assert markdown.needs_parsing("# Title\nText\n```\n# comment\n```\n")  # is it a fence?
    assert markdown.needs_parsing("# Title\n\n- Item\n\n    ```\n    # comment\n    ```\n")
    assert markdown.needs_parsing("# Title\n\n<a href='https://example.com/'></a>\n")


# ----------------------------------------------------------------------------
# Agreement with Python-Markdown's rendering, shortcut included
# ----------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    """The shared corpus's pages (every file with a lost link text, and every 20th of the others;
    HELPSITE_WHOLE_CORPUS=1: all); a test that needs them is skipped, saying why, without it."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS})")
    corpus = sorted(CORPUS.rglob("*.md"))
    if os.environ.get("HELPSITE_WHOLE_CORPUS"):
        return corpus
    return [
        path
        for index, path in enumerate(corpus)
        if "](" in path.read_text(encoding="utf-8")
        and ("[](" in path.read_text(encoding="utf-8") or index % 20 == 0)
    ]


def disagreements(files: list[Path]) -> tuple[list, int]:
    """Files whose checked empty links are not the rendered ones, and how many were rendered."""
    mismatches, total = [], 0
    for path in files:
        page = load(path)
        checked = len(empty_links(markdown.parse(page.body, page.body_line, SITE)))
        rendered = rendered_empty_links(page.body)
        total += rendered
        if checked != rendered:
            mismatches.append((path.name, checked, rendered))
    return mismatches, total


def test_checked_empty_links_equal_the_rendered_ones():
    mismatches, total = disagreements(sorted(FIXTURES.rglob("*.md")))
    assert mismatches == []
    assert total == 21 + 25 + 7  # empty-forms.md's, hundred-links.md's, the credited corpus files' own


def test_checked_empty_links_equal_the_rendered_ones_in_the_shared_corpus():
    files = corpus_files()
    mismatches, total = disagreements(files)
    assert mismatches == []
    assert len(files) > 100 and total > 0


def shortcut_losses(files: list[Path]) -> list[str]:
    lost = []
    for path in files:
        page = load(path)
        quick = markdown.parse(page.body, page.body_line, SITE)
        full = markdown.parse(page.body, page.body_line, SITE, full=True)
        if empty_links(quick) != empty_links(full) or quick.h1_lines != full.h1_lines:
            lost.append(path.name)
    return lost


def test_the_shortcut_loses_nothing():
    assert shortcut_losses(sorted(FIXTURES.rglob("*.md"))) == []


def test_the_shortcut_loses_nothing_in_the_shared_corpus():
    assert shortcut_losses(corpus_files()) == []


# ----------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------

ARTICLE_PAGE = load(ROOT / "docs" / "en" / "licenses" / "transfer-licenses-between-tenants.md")
TEXT_LINES = [index for index, line in enumerate(ARTICLE_PAGE.body.split("\n")) if line.strip()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(TEXT_LINES),
    st.sampled_from(["[](https://example.com/new)", "[ ][new]", '<a href="https://example.com/new"></a>']),
)
def test_an_added_empty_link_is_found_where_it_was_added(index, link):
    lines = ARTICLE_PAGE.body.split("\n")
    column = len(lines[index]) + 2
    lines[index] += " " + link
    body = "\n".join(lines) + ("\n[new]: https://example.com/new\n" if "[new]" in link else "")
    before = empty_links(markdown.parse(ARTICLE_PAGE.body, ARTICLE_PAGE.body_line, SITE))
    after = empty_links(markdown.parse(body, ARTICLE_PAGE.body_line, SITE))
    assert before == [] and [(line, col) for line, col, _ in after] == [
        (ARTICLE_PAGE.body_line + index, column)
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("[]()<>!*_`#=-> \t\n\\&;ax:/\"'")
            + ["\u00a0", "href=", "<a ", "</a>", "```", "    ", "javascript:", "&nbsp;", "<div>", "> "]
        ),
        max_size=80,
    ).map("".join)
)
def test_any_text_parses_and_points_inside_itself(body):
    doc = markdown.parse(body, 3, SITE, full=True)
    lines = body.split("\n")
    for line, column in (
        [(link.line, link.column) for link in doc.links]
        + [(tag.line, tag.column) for tag in doc.tags]
        + doc.h1_lines
    ):
        assert 3 <= line < 3 + len(lines)
        assert 1 <= column <= len(lines[line - 3]) + 1


# The pre-scan as first written (line-anchored, case-insensitive patterns): the fast one must
# decide exactly as it did.
_REFERENCE_UNSAFE_TARGET = r"\s*[\"'<]?\s*(?:j\s*a\s*v\s*a|v\s*b|d\s*a\s*t\s*a\s*:)"
_REFERENCE = {
    "empty": markdown._EMPTY_LINK_CANDIDATE,
    "raw": re.compile(r"<a\b[^>]*\bhref", re.I),
    "unsafe": [
        re.compile(p, re.I)
        for p in (
            r"\]\(" + _REFERENCE_UNSAFE_TARGET,
            r"\]:" + _REFERENCE_UNSAFE_TARGET,
            r"<" + _REFERENCE_UNSAFE_TARGET,
            r"href\s*=" + _REFERENCE_UNSAFE_TARGET,
            r"&#|&(?:colon|tab|newline);|<\s*(?:script|iframe|object|embed)",
            r"\son\w+\s*=",
        )
    ],
    "atx": re.compile(r"^[ \t>*+\-0-9.)]*#(?!#)", re.M),
    "setext": re.compile(r"^[ \t>]*=+[ \t]*$", re.M),
    "html": re.compile(r"^[ \t>]*<[A-Za-z!?/]", re.M),
}


def reference_needs_parsing(body: str) -> bool:
    if (
        _REFERENCE["empty"].search(body)
        or _REFERENCE["raw"].search(body)
        or any(p.search(body) for p in _REFERENCE["unsafe"])
        or _REFERENCE["setext"].search(body)
    ):
        return True
    text = markdown._outside_fences(body)
    if text is None:
        return True
    h1s = _REFERENCE["atx"].findall(text)
    if not h1s:
        return False
    return len(h1s) > 1 or h1s[0] != "#" or bool(_REFERENCE["html"].search(text))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("[]()<>!#=*-+.1 \t\n>&;:\"'aAoOnN")
            + [
                "href",
                "HREF",
                "javascript:",
                "JaVa",
                "vb",
                "data:",
                "&#",
                "&colon;",
                "<script",
                "<IFRAME",
                " onclick=",
                "\tONLOAD =",
                "xonload=",
                "# ",
                "## ",
                "1. # ",
                "> # ",
                "===",
                "  ==",
                "<div>",
                "```",
                "~~~",
                "<a ",
                "\u017f",
                "\u212a",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_the_fast_prescan_decides_as_the_reference_one(body):
    assert markdown.needs_parsing(body) == reference_needs_parsing(body)


def test_the_fast_prescan_decides_as_the_reference_one_on_real_pages():
    paths = sorted(FIXTURES.rglob("*.md")) + sorted((ROOT / "docs").rglob("*.md"))
    bodies = [load(path).body for path in paths]
    decisions = [reference_needs_parsing(b) for b in bodies]
    assert [markdown.needs_parsing(b) for b in bodies] == decisions
    assert True in decisions and False in decisions  # both answers are put to the test


def test_the_fast_prescan_decides_as_the_reference_one_in_the_shared_corpus():
    bodies = [load(path).body for path in sorted(CORPUS.rglob("*.md"))] if CORPUS.is_dir() else []
    if not bodies:
        pytest.skip(f"the shared corpus is not here ({CORPUS})")
    assert [markdown.needs_parsing(b) for b in bodies] == [reference_needs_parsing(b) for b in bodies]


def test_markup_that_may_nest_too_deep_is_told_by_the_text_of_each_element():
    """A page is rendered before its check unless one element's text holds enough markup to
    nest past the engine's recursion (``may_nest_too_deeply``); the marks of a whole big page
    do not count, those of one paragraph do."""
    table = "# T\n\n| A | B |\n|---|---|\n" + "".join(
        f"| {n} | [x{n}](https://e.com/{n}) |\n" for n in range(400)
    )
    assert markdown._may_nest_deeply(table)  # the old, whole-body test would need the parse
    assert not markdown.may_nest_too_deeply(table)
    paragraph = "# T\n\n" + " ".join(f"[x{n}](https://e.com/{n})" for n in range(400)) + "\n"
    assert markdown.may_nest_too_deeply(paragraph)
    deep = "# T\n\n" + "*a " * 3000 + "b" + " a*" * 3000 + "\n"  # the bad-input catalogue's
    assert markdown.may_nest_too_deeply(deep) and markdown.parse(deep).too_deep
    assert not markdown.may_nest_too_deeply("# T\n\nFew [marks](https://e.com).\n")
