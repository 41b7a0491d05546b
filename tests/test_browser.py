"""The reader-facing parts in a real browser: Chromium on the built site, served from 127.0.0.1."""

from __future__ import annotations

from conftest import ARTICLE, ROOT, copy_site, mkdocs_build, page_url

from helpsite import page as pages
from helpsite.serving import SiteServer


def article_title(locale: str) -> str:
    path = ROOT / "docs" / locale / (ARTICLE + ".md")
    return pages.read(path, str(path)).meta["title"]


def search(page, query: str) -> list[str]:
    """Type into Material's search box; the result links once the worker has answered.

    Material reads the query on keyup, which Playwright does not send for characters it inserts
    as text (Japanese); End sends one. A query typed before the worker has built its index is not
    run again when it is ready, so it is typed again while the placeholder shows."""
    placeholder = page.evaluate(
        "JSON.parse(document.getElementById('__config').textContent)"
        ".translations['search.result.placeholder']"
    )
    page.locator(".md-search__input").click()
    for _ in range(40):
        page.fill("input.md-search__input", "")
        page.keyboard.type(query)
        page.keyboard.press("End")
        page.wait_for_timeout(500)
        if page.inner_text(".md-search-result__meta").strip() != placeholder:
            break
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
