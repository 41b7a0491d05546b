"""Site search (helpsite/published/search.py, the worker in overrides/, hooks/localized_site.py) in Chromium
on the real build served from 127.0.0.1: each locale finds its own pages, inflected, unspaced and
Latin-script words among others, through Material's search box and keyboard; the bundle is
fetched only by a query; bad pages and a locale without pages of its own still answer."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ARTICLE, ROOT, copy_site, mkdocs_build, page_url, searched_urls
from test_browser import search
from test_serve import serving

from benchmarks.serving import SiteServer, wait_for
from helpsite.published import search as site_search

HOME = ""

# Each query with the page it must find first, chosen from the texts in docs/<locale>/: a form the
# page does not contain where the language inflects (nb "postboks" for "postbokser", de "Mandant"
# for "Mandanten", fi "postilaatikko" for "postilaatikot"/"postilaatikoiden"), Japanese with no
# spaces (katakana, kanji-kana compounds), and SharePoint inside other scripts.
QUERIES = [
    ("en", "mailbox", ARTICLE),
    ("en", "tenants", ARTICLE),
    ("en", "organizations", HOME),
    ("nb", "postboks", ARTICLE),
    ("nb", "leier", ARTICLE),
    ("nb", "SharePoint", ARTICLE),
    ("da", "postkasse", ARTICLE),
    ("da", "lejer", ARTICLE),
    ("sv", "postlåda", ARTICLE),
    ("sv", "klientorganisation", ARTICLE),
    ("fi", "postilaatikko", ARTICLE),
    ("fi", "vuokraaja", ARTICLE),
    ("fi", "käyttöoikeus", ARTICLE),
    ("de", "Mandant", ARTICLE),
    ("de", "Lizenz", ARTICLE),
    ("de", "SharePoint", ARTICLE),
    ("ja", "テナント", ARTICLE),
    ("ja", "メールボックス移行", ARTICLE),
    ("ja", "管理者", HOME),
    ("ja", "SharePoint", ARTICLE),
    ("ar", "ترخيص", ARTICLE),
    ("ar", "المستأجر", ARTICLE),
    ("ar", "SharePoint", ARTICLE),
]


def result_paths(site_url: str, hits: list[str]) -> list[str]:
    """Each result link as a page path of the site, without Material's ?h= highlight."""
    return [hit.removeprefix(site_url).split("?", 1)[0] for hit in hits]


@pytest.mark.parametrize("locale, query, first", QUERIES)
def test_each_locale_finds_its_page_first(browser_page, site_server, locale, query, first):
    browser_page.goto(site_server + page_url(locale, HOME))
    paths = result_paths(site_server, search(browser_page, query))
    assert paths[:1] == [page_url(locale, first)]
    assert all(path.startswith(page_url(locale, HOME)) for path in paths), paths


def test_the_bundle_is_fetched_when_search_opens_not_by_page_loads(browser_page, site_server):
    fetched = []
    browser_page.on("request", lambda request: fetched.append(request.url.removeprefix(site_server)))
    browser_page.goto(site_server + page_url("de"))
    browser_page.wait_for_load_state("networkidle")
    assert [url for url in fetched if "pagefind" in url] == []
    assert "de/search/search_index.json" in fetched  # Material's settings only: no pages
    # Opening search (no key typed yet) has the worker load Pagefind and the German WebAssembly.
    with browser_page.expect_request(site_server + "de/pagefind/wasm.de.pagefind"):
        browser_page.keyboard.press("/")
    assert browser_page.input_value("input.md-search__input") == ""
    assert [url for url in fetched if "/fragment/" in url or "/index/" in url] == []  # no query yet
    search(browser_page, "Mandant")
    bundle = {url.split("?")[0] for url in fetched if "pagefind" in url}
    assert bundle >= {
        "de/pagefind/pagefind.js",
        "de/pagefind/pagefind-entry.json",
        "de/pagefind/wasm.de.pagefind",
    }
    assert any("/fragment/" in url for url in bundle) and any("/index/" in url for url in bundle)
    assert all(url.startswith("de/pagefind/") for url in bundle), bundle


def test_keyboard_opens_search_and_reaches_results_in_a_named_dialog(browser_page, site_server):
    page = browser_page
    page.goto(site_server + page_url("nb"))
    dialog = page.get_by_role("dialog", name="Søk")
    for key in ("/", "s"):
        page.locator("body").click(position={"x": 5, "y": 300})
        page.keyboard.press("Escape")
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.name") == "query"
        assert dialog.is_visible()
    page.keyboard.type("postboks")
    # The answer to the whole word: each key sends a query, and a shorter one's results (for
    # "postbo") may show first and be replaced while the arrow key moves into them.
    page.wait_for_selector('.md-search-result__item > a[href$="?h=postboks"]')
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == site_server + page_url("nb") + "?h=postboks"
    page.keyboard.press("Enter")
    page.wait_for_url(site_server + page_url("nb") + "?h=postboks")


# ----------------------------------------------------------------------------
# The preview
# ----------------------------------------------------------------------------


def test_the_preview_finds_a_word_saved_into_a_page(browser_page, tmp_path):
    """`python3 dev.py serve` (the README's preview) rebuilds the locale's bundle after a save's
    reload: a word new to the site is found through the search box once the new bundle is in."""
    project = copy_site(tmp_path / "project")
    log_path = tmp_path / "serve.log"
    with serving(project, log_path) as (_, base):
        browser_page.goto(base + page_url("nb"))
        assert search(browser_page, "snøskuterløype") == []
        source = project / "docs" / "nb" / f"{ARTICLE}.md"
        text = source.read_text(encoding="utf-8")
        # The open page reloads once the rebuild is served (live reload), as the writer sees it.
        with browser_page.expect_navigation(timeout=120_000):
            source.write_text(
                text.replace("Ellers følger du disse trinnene:", "Ellers følger du snøskuterløype-trinnene:"),
                encoding="utf-8",
            )
        # The differential preview re-indexes after the reload (the old bundle answers meanwhile)
        # and says when the new one is in place; a page opened after that searches it.
        updated = "preview: search for nb updated"
        assert wait_for(lambda: updated in log_path.read_text(), timeout=120), log_path.read_text()
        browser_page.reload()
        found = result_paths(base, search(browser_page, "snøskuterløype"))
        assert found == [page_url("nb", ARTICLE)], log_path.read_text()


def test_the_header_search_box_looks_as_materials(browser_page, site_server, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(site_server + page_url("en"))
    form = page.locator(".md-search__form")
    style = form.evaluate("f => [getComputedStyle(f).height, getComputedStyle(f).borderRadius]")
    assert style == ["36px", "2px"]  # Material's header search box (1.8rem high, 0.1rem corners)
    form.screenshot(path=tmp_path / "search-box.png")
    assert (tmp_path / "search-box.png").stat().st_size > 0


# ----------------------------------------------------------------------------
# Fallbacks and bad input
# ----------------------------------------------------------------------------

HUGE = "huge"
EMPTY = "empty"


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory):
    """The site with Arabic falling back to the English article, Swedish with no pages of its
    own, a page of 1 MB of text (one word only at its end) and a page with no text at all."""
    tmp = tmp_path_factory.mktemp("odd")
    project = copy_site(tmp / "project")
    docs = project / "docs"
    (docs / "ar" / (ARTICLE + ".md")).unlink()
    for page in sorted((docs / "sv").rglob("*.md")):
        page.unlink()
    front = (docs / "en" / (ARTICLE + ".md")).read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
    words = " ".join(f"licensing{n % 997}" for n in range(110_000))
    (docs / "en" / "licenses" / f"{HUGE}.md").write_text(
        front + f"\n# Huge\n\n{words} zebrafinch\n", encoding="utf-8"
    )
    (docs / "en" / "licenses" / f"{EMPTY}.md").write_text(front, encoding="utf-8")
    assert len((docs / "en" / "licenses" / f"{HUGE}.md").read_bytes()) > 1_000_000
    result = mkdocs_build(project, tmp / "site", strict=False)  # the empty page has no H1: an error
    assert result.returncode == 0, result.stderr
    assert f"en/licenses/{EMPTY}.md:1:1: h1:" in result.stderr
    server = SiteServer(tmp / "site")
    try:
        yield tmp / "site", server.url
    finally:
        server.stop()


def test_a_locale_with_no_pages_of_its_own_searches_the_english_ones(browser_page, odd_site):
    site, url = odd_site
    assert searched_urls(site / "sv") == [
        "/",
        f"/licenses/{EMPTY}/",
        f"/licenses/{HUGE}/",
        "/" + ARTICLE + "/",
    ]
    browser_page.goto(url + "sv/")
    assert result_paths(url, search(browser_page, "mailboxes")) == ["sv/" + ARTICLE + "/"]
    title = browser_page.locator(".md-search-result__item h1 span")
    assert [title.get_attribute("lang"), title.get_attribute("dir")] == ["en", "ltr"]


def test_an_english_fallback_reads_left_to_right_among_arabic_results(browser_page, odd_site):
    site, url = odd_site
    browser_page.goto(url + "ar/")
    assert result_paths(url, search(browser_page, "mailboxes")) == ["ar/" + ARTICLE + "/"]
    result = browser_page.locator(".md-search-result__item article")
    assert result.evaluate("a => getComputedStyle(a).direction") == "rtl"
    excerpt = result.locator("p span[lang=en]")
    assert excerpt.evaluate("s => getComputedStyle(s).direction") == "ltr"
    assert "<mark>mailboxes</mark>" in excerpt.inner_html()


def test_a_page_of_a_megabyte_is_found_by_its_last_word(browser_page, odd_site):
    site, url = odd_site
    browser_page.goto(url)
    assert result_paths(url, search(browser_page, "zebrafinch")) == [f"licenses/{HUGE}/"]
    assert f"/licenses/{EMPTY}/" in searched_urls(site)  # a page with no text is indexed too


def test_a_query_nothing_matches_answers_with_no_results(browser_page, odd_site):
    site, url = odd_site
    browser_page.goto(url + "sv/")
    assert search(browser_page, "qqxqq") == []
    assert browser_page.inner_text(".md-search-result__meta").strip() == "Inga sökresultat"


# ----------------------------------------------------------------------------
# The module
# ----------------------------------------------------------------------------


def test_the_same_pages_give_the_same_bundle_in_any_order(tmp_path):
    pages = [
        site_search.Page(f"p{n}/", f"<article><h1 id='p{n}'>Side {n}</h1><p>tekst {n}</p></article>")
        for n in range(5)
    ]
    site_search.write_bundle(pages, "nb", tmp_path / "a")
    site_search.write_bundle(list(reversed(pages)), "nb", tmp_path / "b")
    files = sorted(path.relative_to(tmp_path / "a") for path in (tmp_path / "a").rglob("*") if path.is_file())
    assert files == sorted(
        path.relative_to(tmp_path / "b") for path in (tmp_path / "b").rglob("*") if path.is_file()
    )
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert not any("ui" in f.name for f in files)  # Pagefind's own search UIs are not shipped


def test_no_pages_leave_no_bundle_and_replace_an_old_one(tmp_path):
    site_search.write_bundle(
        [site_search.Page("x/", "<article><h1>X</h1><p>x</p></article>")], "sv", tmp_path
    )
    assert json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())["languages"]["sv"]
    site_search.write_bundle([], "sv", tmp_path)  # Pagefind refuses an empty folder
    assert not (tmp_path / "pagefind").exists()


def test_the_article_is_what_pagefind_reads():
    html = "<html><nav>menu</nav><main><article class='x'><h1>T</h1></article></main></html>"
    assert site_search.article(html) == "<html><body><article class='x'><h1>T</h1></article></body></html>"
    assert site_search.article("<p>no article</p>") == "<p>no article</p>"


def test_the_dialog_gets_its_name_escaped():
    header = '<div class="md-search" data-md-component="search" role="dialog"><input></div>'
    assert site_search.named_dialog(header, 'Søk "x"') == (
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Søk &quot;x&quot;">'
        "<input></div>"
    )


def test_settings_point_the_worker_at_the_locales_bundle():
    settings = site_search.settings("nb/", "[\\s\\-]+", ["stopWordFilter"], {"title": {"boost": 1}})
    assert settings == {
        "config": {
            "lang": ["en"],
            "separator": "[\\s\\-]+",
            "pipeline": ["stopWordFilter"],
            "fields": {"title": {"boost": 1}},
            "bundle": "nb/pagefind/",
        },
        "docs": [],
    }
    assert re.fullmatch(r"assets/javascripts/helpsite/[\w-]+\.js", site_search.WORKER)
    assert (ROOT / "overrides" / site_search.WORKER).is_file()
