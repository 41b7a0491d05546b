"""The localization dashboard's data (helpsite/localization/l10n_dashboard.py) and the built /l10n/ pages."""

from __future__ import annotations

from urllib.parse import urljoin

from conftest import ARTICLE, copy_site, mkdocs_build, page_file, parse_html
from history_repo import commit, git
from test_l10n import STATUS_SITE

from helpsite.core.site import load_site
from helpsite.localization import l10n, l10n_dashboard
from helpsite.localization.l10n_dashboard import DiffLine, Piece, Segment

ARTICLE_FILE = f"docs/en/{ARTICLE}.md"


def test_a_bar_per_locale_has_a_segment_per_status_present():
    site = load_site(STATUS_SITE)
    summary = l10n_dashboard.summary(site, l10n.site_status(site), lambda locale: f"{locale}/")
    assert summary.statuses == ("current", "stale", "untracked", "missing", "invalid")
    nb, de = summary.locales
    assert (nb.language, nb.total, nb.needs_work, nb.url) == ("Norsk bokmål (nb)", 3, 2, "nb/")
    assert nb.segments == (
        Segment("current", 1, 0.0, 33.333),
        Segment("stale", 1, 33.333, 33.333),
        Segment("invalid", 1, 66.667, 33.333),
    )
    assert de.segments == (
        Segment("current", 1, 0.0, 33.333),
        Segment("untracked", 1, 33.333, 33.333),
        Segment("missing", 1, 66.667, 33.333),
    )
    assert de.label == "Deutsch (de): 1 current, 0 stale, 1 untracked, 1 missing, 0 invalid"


def test_a_locale_lists_only_the_translations_that_need_work_by_status():
    site = load_site(STATUS_SITE)
    statuses = l10n.site_status(site)
    summary = l10n_dashboard.summary(site, statuses, lambda locale: f"{locale}/")
    work = l10n_dashboard.locale_work(
        summary.locales[1], statuses, [], "en", lambda locale, page: f"/{locale}/{page}"
    )
    assert [
        (status, [(i.page, i.translation_url, i.source_url) for i in items]) for status, items in work.groups
    ] == [
        ("untracked", [("index.md", "/de/index.md", "/en/index.md")]),
        ("missing", [("guide.md", None, "/en/guide.md")]),
    ]


def test_words_that_changed_within_a_line_are_marked():
    old, new = l10n_dashboard.word_diff(
        "Open the admin center and go to Billing.",
        "Open the Microsoft 365 admin center and go to Billing accounts.",
    )
    assert old == (Piece("Open the admin center and go to Billing.", False),)
    assert new == (
        Piece("Open the", False),
        Piece(" Microsoft 365", True),
        Piece(" admin center and go to Billing", False),
        Piece(" accounts", True),
        Piece(".", False),
    )
    old, new = l10n_dashboard.word_diff("Choose Cancel.", "Choose Delete.")
    assert (old, new) == (
        (Piece("Choose ", False), Piece("Cancel", True), Piece(".", False)),
        (Piece("Choose ", False), Piece("Delete", True), Piece(".", False)),
    )


def test_a_diff_pairs_removed_and_added_lines_and_keeps_the_rest_whole():
    lines = l10n_dashboard.diff_lines(
        "--- a/x.md\n+++ b/x.md\n@@ -1,3 +1,3 @@\n keep\n-one two\n-gone\n+one three\n+new\n"
    )
    assert lines == (
        DiffLine("header", "", (Piece("--- a/x.md", False),)),
        DiffLine("header", "", (Piece("+++ b/x.md", False),)),
        DiffLine("hunk", "", (Piece("@@ -1,3 +1,3 @@", False),)),
        DiffLine("context", " ", (Piece("keep", False),)),
        DiffLine("removed", "-", (Piece("one ", False), Piece("two", True))),
        DiffLine("removed", "-", (Piece("gone", True),)),
        DiffLine("added", "+", (Piece("one ", False), Piece("three", True))),
        DiffLine("added", "+", (Piece("new", True),)),
    )


def test_the_built_dashboard_shows_a_stale_translation_with_its_diff_and_the_notice_its_date(tmp_path):
    root = copy_site(tmp_path / "site")
    git(root, "init", "-q")
    first = commit(root, "The site", "2026-01-05")
    article = root / ARTICLE_FILE
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "customer, contact the [Volume", "customer, contact the whole [Volume", 1
        ),
        encoding="utf-8",
    )
    commit(root, "One more word in English", "2026-05-04")
    result = mkdocs_build(root, tmp_path / "built")
    assert result.returncode == 0, result.stderr
    built = tmp_path / "built"

    nb = parse_html(built / "l10n" / "nb" / "index.html")
    assert [h.text_content() for h in nb.xpath("//article//h2")] == ["Stale (1)"]
    (heading,) = nb.xpath("//article//h3")
    assert heading.text_content() == f"{ARTICLE}.md"
    assert urljoin("/l10n/nb/", heading.xpath("a/@href")[0]) == f"/nb/{ARTICLE}/"
    assert nb.xpath("//article//time/@datetime") == ["2026-01-05"]
    assert nb.xpath("//article//code/text()")[0] == first[:12]
    diff = nb.xpath("//pre[@class='l10n-diff']/code")[0]
    assert [
        (span.get("class"), span.text_content()[:30])
        for span in diff.xpath("span")
        if span.get("class") in ("l10n-removed", "l10n-added")
    ] == [
        ("l10n-removed", "-It is **not possible** to tra"),
        ("l10n-added", "+It is **not possible** to tra"),
    ]
    assert diff.xpath(".//ins/text()") == [" whole"] and diff.xpath(".//del") == []
    summary = parse_html(built / "l10n" / "index.html")
    assert summary.xpath("//tbody/tr[1]//rect/@class") == ["l10n-current", "l10n-stale"]

    notice = parse_html(page_file(built, "nb")).xpath("//*[@data-notice='stale']/p")[0]
    assert notice.text_content().startswith(
        "Denne oversettelsen er utdatert: den engelske originalen ble "
        "endret 4. mai 2026, etter at den ble oversatt."
    )
