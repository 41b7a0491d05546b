"""helpsite.safety: nesting depth as Python-Markdown sees it, and the notice that replaces a page."""

from __future__ import annotations

import pytest

from conftest import ROOT
from helpsite import checks, safety
from helpsite import page as pages
from helpsite.site import load_site

SITE = load_site(ROOT)
HEAD = "---\ntitle: Nesting\n---\n# Nesting\n\n"   # the body starts on line 6


def nesting_findings(body: str) -> list[tuple[int, int, str]]:
    page = pages.load((HEAD + body).encode(), "docs/nb/p.md", "nb", "p.md")
    return [(f.line, f.column, f.message) for f in checks.check_page(page, SITE)
            if f.rule == safety.NESTING_TOO_DEEP.id]


def test_depth_counts_quote_markers_and_four_column_indents():
    body = "> " * 10 + " " * 40 + "- ti nivåer inne i ti sitater\n" + "> " * 11 + " " * 40 + "- en til\n"
    assert nesting_findings(body) == [(7, 1, "lists or block quotes are nested 21 levels deep here "
                                             "(at most 20): flatten the structure")]


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
        "```text\nnb/x.md:1:1: symlink-outside: it is a symbolic link to /etc/passwd, outside\n```\n")
