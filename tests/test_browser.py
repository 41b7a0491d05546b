"""The reader-facing parts in a real browser: Chromium on the built site, served from 127.0.0.1."""

from __future__ import annotations

from conftest import ARTICLE, ROOT, copy_site, mkdocs_build, page_url
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.serving import SiteServer
from helpsite.text import page as pages


def article_title(locale: str) -> str:
    path = ROOT / "docs" / locale / (ARTICLE + ".md")
    return pages.read(path, str(path)).meta["title"]


def search(page, query: str) -> list[str]:
    """Enter ``query`` into Material's search box; the result links once the worker has
    answered it. A box with an earlier query in it (and its answer) is left by loading the
    page again.

    The query goes in whole (as a paste does) and is sent once: typed key by key, each key sends
    a query, and a shorter one's answer may show before the whole query's (and an empty query's
    answer shows as "no results" for the text in the box). Material reads the query on keyup
    (End sends one; Playwright sends none for text it inserts, Japanese). A query sent before
    the worker is ready is dropped, not run when it is: while the placeholder shows, the page
    is loaded again and the query entered again."""
    placeholder = page.evaluate(
        "JSON.parse(document.getElementById('__config').textContent)"
        ".translations['search.result.placeholder']"
    )
    answered = "p => document.querySelector('.md-search-result__meta').innerText.trim() !== p"
    if page.input_value("input.md-search__input"):
        page.reload()
    for _ in range(10):
        page.locator(".md-search__input").click()
        page.fill("input.md-search__input", query)
        page.keyboard.press("End")
        try:
            page.wait_for_function(answered, arg=placeholder, timeout=5000)
            break
        except PlaywrightTimeout:
            page.reload()
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def test_norwegian_article_shows_the_mt_notice_and_switches_to_german(browser_page, site_server):
    page = browser_page
    page.goto(site_server + page_url("nb"))
    notice = page.locator("[data-notice=machine-translation]")
    assert notice.inner_text().strip() == "Denne artikkelen er maskinoversatt. Les på engelsk"
    assert notice.locator("a").get_attribute("href") == "/" + page_url("en")

    page.locator(".md-select button").first.hover()
    page.locator(".md-select__link[hreflang=de]").click()
    page.wait_for_url(site_server + page_url("de"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.title().startswith(article_title("de") + " - ")
    assert (
        page.locator("[data-notice=machine-translation]").inner_text().strip()
        == "Dieser Artikel wurde maschinell übersetzt. Auf Englisch lesen"
    )


def test_norwegian_search_finds_norwegian_pages_only(browser_page, site_server):
    page = browser_page
    scripts = []
    page.on("request", lambda request: scripts.append(request.url))
    page.goto(site_server + "nb/")
    # SharePoint is in every translation; the Norwegian site's index holds the Norwegian pages only.
    hits = search(page, "SharePoint")
    assert hits == [site_server + page_url("nb") + "?h=sharepoint"]
    assert site_server + "nb/search/search_index.json" in scripts
    assert site_server + "nb/pagefind/wasm.nb.pagefind" in scripts  # Pagefind's Norwegian stemmer
    assert search(page, "postbokser") == [site_server + page_url("nb") + "?h=postbokser"]


def test_japanese_search_finds_japanese_words(browser_page, site_server):
    page = browser_page
    page.goto(site_server + "ja/")
    hits = search(page, "テナント")
    assert site_server + page_url("ja") + "?h=%E3%83%86%E3%83%8A%E3%83%B3%E3%83%88" in hits
    assert all(hit.startswith(site_server + "ja/") for hit in hits), hits


def test_missing_norwegian_url_gets_the_norwegian_404(browser_page, site_server):
    page = browser_page
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))  # fonts.googleapis.com aside
    response = page.goto(site_server + "nb/finnes/ikke/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("article h1").inner_text() == "Finner ikke siden"
    page.wait_for_load_state("networkidle")
    assert [url for url in failed if url.startswith(site_server)] == []
    page.locator("article a").click()
    page.wait_for_url(site_server + "nb/")


def test_missing_url_outside_a_locale_gets_the_english_404(browser_page, site_server):
    response = browser_page.goto(site_server + "no/such/" + ARTICLE)
    assert response.status == 404
    assert browser_page.locator("article h1").inner_text() == "Page not found"


def test_english_fallback_in_the_arabic_site_reads_left_to_right(browser_page, tmp_path):
    project = copy_site(tmp_path / "project")
    (project / "docs" / "ar" / (ARTICLE + ".md")).unlink()
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    server = SiteServer(tmp_path / "site")
    try:
        browser_page.goto(server.url + page_url("ar"))
        assert (
            browser_page.locator("[data-notice=fallback]").inner_text().strip()
            == "لم تُترجم هذه الصفحة إلى العربية بعد، لذا تُعرض باللغة الإنجليزية."
        )
        item = browser_page.locator("article div[lang=en] ul li").first
        style = item.evaluate(
            "li => [getComputedStyle(li).direction, getComputedStyle(li).marginLeft,"
            " getComputedStyle(li).marginRight]"
        )
        assert style == ["ltr", "20px", "0px"]
    finally:
        server.stop()
