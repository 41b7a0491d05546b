"""The link and structure checks, their suggestions from the source locale, and ``helpsite fix``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ARTICLE, ROOT, SEED, build_env, copy_site, mkdocs_build
from expectations import expected

from helpsite.cli import main
from helpsite.core.site import load_site
from helpsite.linting import checks, links
from helpsite.text import markdown

FIXTURES = ROOT / "tests" / "fixtures" / "links"
SITE = load_site(ROOT)
RULES = {"empty-link", "unsafe-link", "unsafe-html", "h1", "link-text-unreviewed"}
SEED_LINKS = [
    (
        29,
        66,
        "https://admin.microsoft.com/Adminportal/Home?source=applauncher#/subscriptions",
        "cancel the subscription",
    ),
    (
        29,
        197,
        "https://www.microsoft.com/microsoft-365/business/compare-all-microsoft-365-business-"
        "products?rtc=2&activetab=tab:primaryr2",
        "purchase a new",
    ),
    (
        30,
        66,
        "https://docs.microsoft.com/microsoft-365/commerce/licenses/buy-licenses#buy-or-remove-"
        "licenses-for-your-business-subscription",
        "remove licenses",
    ),
]


def findings(path, site=SITE, locale="en"):
    """This module's findings for a file, as (line, column, rule, message)."""
    return [
        (f.line, f.column, f.rule, f.message)
        for f in checks.check_file(path, site, locale)
        if f.rule in RULES
    ]


def no_text(href):
    return f"link to {href} has no text: give it text that says where it leads"


@pytest.fixture
def nb_seed_site(tmp_path):
    """A copy of the site whose Norwegian article is the seed as received."""
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    shutil.copyfile(SEED, page)
    return project, page


# ----------------------------------------------------------------------------
# empty-link, unsafe-link, unsafe-html, h1
# ----------------------------------------------------------------------------


def test_empty_link_forms():
    found = findings(FIXTURES / "empty-forms.md")
    assert [(line, column, rule) for line, column, rule, _ in found] == expected(FIXTURES / "empty-forms.md")
    assert len(found) == 21
    assert found[0] == (7, 9, "empty-link", no_text("https://example.com/inline"))


@pytest.mark.parametrize("name", ["not-empty.md", "safe.md", "h1-one.md"])
def test_clean_pages_have_no_finding(name):
    assert findings(FIXTURES / name) == []


def test_unsafe_links_and_html():
    js = "uses a javascript: URL, which runs code or hides content in the link: link to a web page instead"
    assert findings(FIXTURES / "unsafe.md") == [
        (7, 1, "unsafe-link", f"link to javascript:alert(1) {js}"),
        (7, 29, "unsafe-link", f"link to JavaScript:alert(1) {js}"),
        (7, 57, "unsafe-link", "link to vbscript:msgbox " + js.replace("javascript:", "vbscript:")),
        (7, 81, "unsafe-link", "link to data:text/html,hi " + js.replace("javascript:", "data:")),
        (8, 1, "unsafe-link", f"link to java script:alert(1) {js}"),
        (8, 53, "unsafe-link", f"link to javascript:alert(1) {js}"),
        (9, 1, "unsafe-html", "<img onerror=...> runs script: remove the attribute"),
        (9, 64, "unsafe-html", "<a onclick=...> runs script: remove the attribute"),
        (
            11,
            1,
            "unsafe-html",
            "<script> runs code or embeds another site in the page: remove it, "
            "or link to the content instead",
        ),
        (
            13,
            1,
            "unsafe-html",
            "<iframe> runs code or embeds another site in the page: remove it, "
            "or link to the content instead",
        ),
        (
            15,
            1,
            "unsafe-html",
            "<object> runs code or embeds another site in the page: remove it, "
            "or link to the content instead",
        ),
        (
            16,
            1,
            "unsafe-html",
            "<embed> runs code or embeds another site in the page: remove it, or link to the content instead",
        ),
    ]


@pytest.mark.parametrize(
    "href, scheme",
    [
        ("javascript:alert(1)", "javascript"),
        (" JavaScript:alert(1)", "javascript"),
        ("java\tscript:x", "javascript"),
        ("\x01vbscript:x", "vbscript"),
        ("DATA:text/html,x", "data"),
        ("https://example.com/javascript:", None),
        ("#data:", None),
        ("mailto:a@example.com", None),
    ],
)
def test_unsafe_scheme_as_a_browser_reads_it(href, scheme):
    assert links.unsafe_scheme(href) == scheme


def test_h1_missing_and_repeated():
    assert findings(FIXTURES / "h1-none.md") == [
        (1, 1, "h1", "the page has no H1: start the body with '# Title'")
    ]
    second = "a second H1 (the first is on line 5): a page has one H1; make this one '##'"
    assert findings(FIXTURES / "h1-two.md") == [(9, 1, "h1", second), (12, 1, "h1", second)]


def test_a_hundred_links_in_one_pass():
    page = FIXTURES / "hundred-links.md"
    found = findings(page)
    text = page.read_text(encoding="utf-8").split("\n")
    expected = [
        (index + 1, line.index("[") + 1, "empty-link", no_text(f"https://example.com/page-{n}"))
        for index, line in enumerate(text)
        if (n := _number(line)) and n % 4 == 0
    ]
    assert len(expected) == 25 and found == expected
    body = page.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert len(markdown.parse(body, 1, SITE).links) == 100


def _number(line):
    head = line.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def test_the_repository_pages_are_clean():
    assert [f for f in checks.check_paths([SITE.docs_dir], SITE) if f.rule in RULES] == []


# ----------------------------------------------------------------------------
# Suggestions from the source locale
# ----------------------------------------------------------------------------


def test_seed_links_get_the_english_text(nb_seed_site):
    project, page = nb_seed_site
    site = load_site(project)
    found = [f for f in checks.check_file(page, site) if f.rule == "empty-link"]
    assert [(f.line, f.column, f.message, f.suggestion) for f in found] == [
        (line, column, f'link to {href} has no text; in en it reads "{text}"', text)
        for line, column, href, text in SEED_LINKS
    ]
    assert found[0].path == "docs/nb/" + ARTICLE + ".md"


@pytest.mark.parametrize(
    "url, same",
    [
        ("HTTPS://Admin.Microsoft.com/Adminportal/Home?source=applauncher#/subscriptions", True),
        (
            "https://www.microsoft.com/nb-no/microsoft-365/business/compare-all-microsoft-365-business-"
            "products/?rtc=2&activetab=tab:primaryr2",
            True,
        ),
        ("https://admin.microsoft.com/adminportal/home?source=applauncher#/subscriptions", False),
    ],
)
def test_urls_match_after_trivial_differences(url, same):
    english = {links.normalise_url(href) for _, _, href, _ in SEED_LINKS}
    assert (links.normalise_url(url) in english) is same


def test_the_source_page_is_read_once_for_all_its_translations(tmp_path, monkeypatch):
    project = copy_site(tmp_path / "project")
    for locale in ("nb", "da", "sv", "fi"):
        shutil.copyfile(SEED, project / "docs" / locale / (ARTICLE + ".md"))
    source = str(project / "docs" / "en" / (ARTICLE + ".md"))
    reads = []
    real_read = links.pages.read
    monkeypatch.setattr(
        links.pages, "read", lambda path, *args: reads.append(str(path)) or real_read(path, *args)
    )
    site = load_site(project)
    folders = [site.docs_dir / locale for locale in ("nb", "da", "sv", "fi")]
    found = [f for f in checks.check_paths(folders, site) if f.rule == "empty-link"]
    assert len(found) == 12 and all(f.suggestion for f in found)
    assert reads.count(source) == 1


def test_no_suggestion_without_a_source_page(tmp_path):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / "orphan.md"
    shutil.copyfile(SEED, page)
    found = [f for f in checks.check_file(page, load_site(project)) if f.rule == "empty-link"]
    assert [(f.line, f.column, f.suggestion) for f in found] == [
        (line, column, None) for line, column, _, _ in SEED_LINKS
    ]
    assert found[0].message == no_text(SEED_LINKS[0][2])


# ----------------------------------------------------------------------------
# helpsite fix
# ----------------------------------------------------------------------------


def run_fix(project, *args, capsys):
    status = main(["--root", str(project), "fix", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_fix_shows_a_diff_and_changes_nothing(nb_seed_site, capsys):
    project, page = nb_seed_site
    before, stamp = page.read_bytes(), page.stat().st_mtime_ns
    status, out, _ = run_fix(project, page, capsys=capsys)
    assert status == 1
    assert page.read_bytes() == before and page.stat().st_mtime_ns == stamp
    assert (
        "+- Hvis du ikke lenger planlegger å bruke leieren du vil overføre "
        "[cancel the subscription<!-- helpsite: review link text (from en) -->](https://admin" in out
    )
    assert out.count("<!-- helpsite: review link text (from en) -->") == 3


def test_fix_writes_marks_for_review_and_is_idempotent(nb_seed_site, capsys):
    project, page = nb_seed_site
    crlf = b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n")
    page.write_bytes(crlf)
    status, _, _ = run_fix(project, "--write", page, capsys=capsys)
    assert status == 0
    repaired = page.read_bytes()
    expected = crlf
    for _, _, href, text in SEED_LINKS:
        expected = expected.replace(
            f"[]({href})".encode(), f"[{text}<!-- helpsite: review link text (from en) -->]({href})".encode()
        )
    assert repaired == expected  # BOM, CRLF and every other byte kept
    site = load_site(project)
    assert [
        (f.line, f.column, f.rule, f.severity) for f in checks.check_file(page, site) if f.rule in RULES
    ] == [
        (29, 90, "link-text-unreviewed", "warning"),
        (29, 280, "link-text-unreviewed", "warning"),
        (30, 82, "link-text-unreviewed", "warning"),
    ]
    assert run_fix(project, "--write", page, capsys=capsys)[0] == 0
    assert run_fix(project, page, capsys=capsys)[:2] == (0, "")
    assert page.read_bytes() == repaired


def test_fix_leaves_alone_what_it_cannot_parse_or_justify(nb_seed_site, capsys):
    project, page = nb_seed_site
    broken = SEED.read_bytes().replace(b"ms.audience: Admin", b"ms.audience: [Admin")
    page.write_bytes(broken)
    status, out, err = run_fix(project, "--write", page, capsys=capsys)
    assert page.read_bytes() == broken and out == ""
    assert "left alone, it cannot be parsed" in err
    markup = SEED.read_bytes().replace(b"[](https://admin", b"[** **](https://admin")
    page.write_bytes(markup)
    run_fix(project, "--write", page, capsys=capsys)
    text = page.read_text(encoding="utf-8")
    assert "[** **](https://admin" in text and text.count("review link text") == 2


def test_fix_fills_raw_html_links(tmp_path, capsys):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    english = SEED_LINKS[0][2]
    text = SEED.read_text(encoding="utf-8").replace(f"[]({english})", f'<a href="{english}"></a>')
    page.write_text(text, encoding="utf-8")
    run_fix(project, "--write", page, capsys=capsys)
    assert (
        f'<a href="{english}">cancel the subscription<!-- helpsite: review link text (from en) --></a>'
        in page.read_text(encoding="utf-8")
    )


def test_fix_keeps_how_the_page_reads(tmp_path, capsys):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    english = SEED_LINKS[2][2]
    text = SEED.read_text(encoding="utf-8") + f"\n\n[]({english}) og&nbsp;mer.\n"
    page.write_text(text, encoding="utf-8")
    before = markdown.render(text.split("---\n", 2)[2], SITE)
    run_fix(project, "--write", page, capsys=capsys)
    after = markdown.render(page.read_text(encoding="utf-8").split("---\n", 2)[2], SITE)
    mark = "<!-- helpsite: review link text (from en) -->"
    for _, _, href, link_text in SEED_LINKS:
        href = href.replace("&", "&amp;")
        before = before.replace(
            f'"{href}" rel="noopener"></a>', f'"{href}" rel="noopener">{link_text}{mark}</a>'
        )
    assert after == before and "og&nbsp;mer" in after


@pytest.mark.parametrize("text", ["a|b [c] *d* _e_", "A & B &amp; <tag> \\ `code`", "ok"])
def test_filled_in_text_reads_as_the_source_text(text):
    for body in (
        f"[{links._escape_markdown(text)}](u)",
        f"| x |\n|---|\n| [{links._escape_markdown(text)}](u) |",
    ):
        (link,) = markdown.parse(body, 1, SITE, full=True).links
        assert link.label == text


# ----------------------------------------------------------------------------
# The build
# ----------------------------------------------------------------------------


def test_build_log_shows_empty_links_and_strict_fails(nb_seed_site, tmp_path):
    project, _ = nb_seed_site
    result = mkdocs_build(project, tmp_path / "site", env=build_env(HELPSITE_LOCALE="nb"))
    assert result.returncode == 1
    for line, column, href, text in SEED_LINKS:
        assert (
            f"WARNING -  nb/{ARTICLE}.md:{line}:{column}: empty-link: link to {href} has no text; "
            f'in en it reads "{text}"\n'
        ) in result.stderr


def test_command_line_reports_and_exits_1(nb_seed_site):
    project, page = nb_seed_site
    result = subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(project), "check", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=project,
    )
    assert result.returncode == 1
    assert '"suggestion": "cancel the subscription"' in result.stdout
