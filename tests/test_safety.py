"""helpsite.linting.safety: nesting depth as Python-Markdown sees it, and the notice that replaces a page."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT

from helpsite.core.site import Limits, load_site
from helpsite.linting import checks, safety
from helpsite.text import page as pages

SITE = load_site(ROOT)
HEAD = "---\ntitle: Nesting\n---\n# Nesting\n\n"  # the body starts on line 6


def findings(body: str, site=SITE) -> list[tuple[str, int, int, str]]:
    page = pages.load((HEAD + body).encode(), "docs/nb/p.md", "nb", "p.md")
    return [
        (f.rule, f.line, f.column, f.message)
        for f in checks.check_page(page, site)
        if f.rule != "meta-missing"
    ]


def nesting_findings(body: str, site=SITE) -> list[tuple[int, int, str]]:
    return [tuple(place) for rule, *place in findings(body, site) if rule == safety.NESTING_TOO_DEEP.id]


def test_depth_counts_quote_markers_and_four_column_indents():
    body = "> " * 10 + " " * 40 + "- ti nivåer inne i ti sitater\n" + "> " * 11 + " " * 40 + "- en til\n"
    assert nesting_findings(body) == [
        (
            7,
            1,
            "lists or block quotes are nested 21 levels deep here "
            "(at most 20): flatten the structure, or raise "
            "extra.helpsite.max_nesting in mkdocs.yml",
        )
    ]


def test_the_nesting_limit_is_the_sites():
    body = "".join("    " * i + "- nivå [](https://example.com/)\n" for i in range(25))
    # past the limit the page is not read: no finding about its links
    assert [(rule, line) for rule, line, _, _ in findings(body)] == [("nesting-too-deep", 27)]
    deeper = dataclasses.replace(SITE, limits=Limits(max_nesting=30))
    assert [(rule, line, column) for rule, line, column, _ in findings(body, deeper)] == [
        ("empty-link", 6 + i, 4 * i + 8) for i in range(25)
    ]


def test_a_page_past_the_size_limit_is_reported_and_not_read():
    body = "Tekst [](https://example.com/) her.\n" * 20  # 720 characters after the H1
    small = dataclasses.replace(SITE, limits=Limits(max_page_characters=700))
    assert findings(body, small) == [
        (
            "page-too-large",
            4,
            1,
            "the page body has 731 characters, more than the checks and the "
            "build read (700): split the page, or raise extra.helpsite.max_page_characters in mkdocs.yml",
        )
    ]
    assert len(findings(body)) == 20


@pytest.mark.parametrize(
    "body",
    [
        "*a " * 3000 + "b" + " a*" * 3000 + "\n",
        "<div markdown>\n\n" * 500 + "[](https://example.com/)\n\n" + "</div>\n\n" * 500,
    ],
)
def test_markup_past_the_engines_recursion_is_a_finding(body):
    assert findings(body) == [
        (
            "markup-too-deep",
            4,
            1,
            "markup or HTML in the page is nested too "
            "deeply for the Markdown engine to read: flatten the emphasis, links "
            "or <div> elements nested in one another",
        )
    ]


def test_tabs_count_as_four_columns():
    assert nesting_findings("\t" * 20 + "- tjue\n") == []
    assert nesting_findings("\t" * 21 + "- tjueen\n")[0][:2] == (6, 1)


@pytest.mark.parametrize("fence", ["```", "~~~~"])
def test_indentation_inside_fenced_code_is_content(fence):
    body = f"{fence}yaml\n" + " " * 200 + "key: value\n" + f"{fence}\n\n" + " " * 84 + "- etter\n"
    assert [line for line, _, _ in nesting_findings(body)] == [10]


def test_only_the_first_too_deep_line_is_reported():
    body = "".join(">" * k + " sitat\n" for k in range(1, 40))
    assert [line for line, _, _ in nesting_findings(body)] == [26]


def test_notice_names_each_finding_in_a_code_block():
    finding = safety.SYMLINK_OUTSIDE.at("nb/x.md", 1, 1, "it is a symbolic link to /etc/passwd, outside")
    assert safety.notice([finding]) == (
        "# Page not published\n\nThis page was not rendered because of:\n\n"
        "```text\nnb/x.md:1:1: symlink-outside: it is a symbolic link to /etc/passwd, outside\n```\n"
    )
