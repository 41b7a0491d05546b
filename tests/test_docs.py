"""The contributor documentation: the README stays a front door, every relative link of it and
of ``handbook/`` leads somewhere (file and heading), and the performance page's figures are the
ones ``python -m benchmarks.report`` writes from ``bench-results/`` (and the accessibility page's).

Links are read as a renderer reads them: Python-Markdown (with superfences, for code blocks in
lists, as GitHub shows them) turns each page into HTML and
lxml gives its ``<a href>``s, so a link shown inside code is not a link. Anchors are GitHub's
heading slugs, computed here on their own rules, not by the code under test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import pytest
from conftest import ROOT
from lxml import html

from benchmarks import report

README_LINES = 250
PAGES = [ROOT / "README.md", *sorted((ROOT / "handbook").glob("*.md"))]


def rendered(path: Path):
    return html.fromstring(
        "<div>"
        + markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "pymdownx.superfences"])
        + "</div>"
    )


def github_slugs(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped,
    spaces to hyphens, a repeated slug numbered from 1."""
    slugs: set[str] = set()
    for heading in rendered(path).iter("h1", "h2", "h3", "h4", "h5", "h6"):
        slug = re.sub(r"[^\w\- ]", "", heading.text_content().strip().lower()).replace(" ", "-")
        numbered, n = slug, 0
        while numbered in slugs:
            n += 1
            numbered = f"{slug}-{n}"
        slugs.add(numbered)
    return slugs


def relative_links(path: Path) -> list[str]:
    return [
        href
        for href in rendered(path).xpath("//a/@href")
        if not urlsplit(href).scheme and not href.startswith("//")
    ]


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_LINES, f"README.md has {lines} lines; move the detail into handbook/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading(page):
    broken = []
    for href in relative_links(page):
        parts = urlsplit(href)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if parts.path and not target.exists():
            broken.append(f"{href}: no file {target.relative_to(ROOT)}")
        elif parts.fragment and target.suffix == ".md" and parts.fragment not in github_slugs(target):
            broken.append(f"{href}: no heading #{parts.fragment} in {target.relative_to(ROOT)}")
    assert broken == []


def test_the_link_check_sees_a_broken_link_and_anchor(tmp_path):
    # The control: the same reading finds what is broken, and skips a link shown as code.
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n## Two words\n\n[ok](#two-words) [gone](missing.md) [anchor](#nowhere) `[code](x.md)`\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["#two-words", "missing.md", "#nowhere"]
    assert github_slugs(page) == {"title", "two-words"}


@pytest.mark.parametrize("page", report.PAGES, ids=lambda p: p.name)
def test_the_figures_are_what_the_generator_writes(page):
    committed = page.read_text(encoding="utf-8")
    assert "<!-- figures: " in committed
    assert committed == report.render(committed, report.RESULTS), f"run: {report.COMMAND}"


def test_the_generator_fills_each_place_from_its_file_and_names_it(tmp_path):
    (tmp_path / "l.json").write_text(
        '{"command": "python -m helpsite bench --linkcheck", "started": "2026-12-01T22:08:01+00:00",'
        ' "machine": {"cpus": 2}, "sizes": [{"articles": 50, "locales": 8, "linkcheck": {"pages": 409,'
        ' "helpsite": {"seconds": 1.47, "cpu_seconds": 2.0, "pages_per_second": 278.2, "peak_rss_mb": 41.8,'
        ' "links": null}, "lychee": {"seconds": 1.4, "cpu_seconds": 1.5, "pages_per_second": 292.1,'
        ' "peak_rss_mb": 38.3, "links": 38887}, "helpsite_vs_lychee": 1.05}}]}',
        encoding="utf-8",
    )
    page = "Intro.\n\n<!-- figures: linkcheck l.json -->\nold\n<!-- end figures -->\n\nOutro.\n"
    assert report.render(page, tmp_path) == (
        "Intro.\n\n<!-- figures: linkcheck l.json -->\n"
        "From [`bench-results/l.json`](../bench-results/l.json) (2026-12-01, 2 cores): "
        "`python -m benchmarks --linkcheck`\n\n"
        "**50 articles × 8 locales** (409 pages): this check ÷ lychee (wall) **1.05**.\n\n"
        "| tool | wall | CPU | pages/s | peak RSS | links (lychee's count) |\n"
        "|---|---|---|---|---|---|\n"
        "| this check | 1.47 s | 2.00 s | 278.2 | 41.8 MB |  |\n"
        "| lychee | 1.40 s | 1.50 s | 292.1 | 38.3 MB | 38,887 |\n"
        "\n<!-- end figures -->\n\nOutro.\n"
    )
    with pytest.raises(report.ReportError, match=r"line 3: no results file bench-results/gone.json"):
        report.render("a\n\n<!-- figures: builds gone.json -->\n<!-- end figures -->\n", tmp_path)
    with pytest.raises(
        report.ReportError, match=r"line 1: figures of kind accessibility come from 2 file\(s\), not 1"
    ):
        report.render("<!-- figures: accessibility l.json -->\n<!-- end figures -->\n", tmp_path)
    with pytest.raises(report.ReportError, match=r"line 1: unknown kind of figures 'graphs'"):
        report.render("<!-- figures: graphs l.json -->\n<!-- end figures -->\n", tmp_path)


def test_the_generator_command_says_when_the_page_drifted(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.report", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")
