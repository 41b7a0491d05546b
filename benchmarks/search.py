"""``--search``: each locale's search in Chromium (4x CPU throttling): the first result of a few
queries from the articles' titles, the bytes a session fetches, and what indexing adds to the build.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import serving
from helpsite.localization.l10n_dashboard import LOCALE_PAGES


def time_search(
    site_dir: Path, locales: Sequence[str], queries: int = 3, throttling: float = 4, browser=None
) -> dict:
    """Each locale's search as a reader meets it: the built site on 127.0.0.1, headless Chromium
    with its CPU slowed ``throttling`` times (a mid-range phone), the search box opened with
    ``/`` on the home page and ``queries`` words typed one after another (the first words of
    article titles of the locale). Per locale: seconds from the first key to the first result
    of each query, the bytes of search files fetched with the page and of everything the
    session fetched after it. It drives only Material's search box, so it measures any engine
    behind it (the README compares Material's lunr index with it). ``browser``: a Playwright
    Chromium already running (the tests'), else one is started."""
    if browser is None:
        from playwright.sync_api import sync_playwright  # a test dependency: only for this measure

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=serving.CHROMIUM, args=serving.CHROMIUM_ARGS
            )
            try:
                return time_search(site_dir, locales, queries, throttling, chromium)
            finally:
                chromium.close()
    server = serving.SiteServer(site_dir)
    result: dict = {"throttling": throttling, "locales": {}}
    try:
        for locale in locales:
            root = "" if locale == locales[0] else f"{locale}/"
            words = _title_words(site_dir / root, queries)
            result["locales"][locale] = _search_session(browser, server.url + root, words, throttling)
    finally:
        server.stop()
    return result


def time_indexing(site_dir: Path, locales: Sequence[str], build_seconds: float) -> dict:
    """The time Pagefind takes to index each locale's built pages again, one locale after
    another with nothing beside it, against the build's wall time: what indexing would add if
    the build did not overlap it with the next locale's build (the build's own cost is the
    ratio of ``project`` to ``project_without_search``)."""
    from helpsite.published import search as site_search

    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-search-") as temp:
        for locale in locales:
            root = site_dir if locale == locales[0] else site_dir / locale
            others = {site_dir / other for other in locales[1:]} if locale == locales[0] else set()
            pages = [
                site_search.Page(
                    path.parent.relative_to(root).as_posix() + "/", path.read_text(encoding="utf-8")
                )
                for path in sorted(root.rglob("index.html"))
                if not others.intersection(path.parents) and "l10n" not in path.parts
            ]
            started = time.perf_counter()
            site_search.write_bundle(pages, locale, Path(temp, locale))
            seconds += time.perf_counter() - started
    return {"seconds": round(seconds, 2), "share_of_build": round(seconds / build_seconds, 4)}


def _title_words(locale_dir: Path, count: int) -> list[str]:
    """The first word of ``count`` article titles of a locale, spread over its sections."""
    words: list[str] = []
    dashboard = locale_dir / Path(LOCALE_PAGES).parts[0]  # /l10n/<locale>/: not searched
    articles = [page for page in sorted(locale_dir.glob("*/*/index.html")) if page.parent.parent != dashboard]
    for page in articles[::7]:
        text = page.read_text(encoding="utf-8")
        start = text.find(">", text.find("<h1")) + 1
        title = text[start : text.find("<", start)].split()
        if title and title[0] not in words:
            words.append(title[0])
        if len(words) == count:
            break
    return words


def _search_session(browser, home: str, words: list[str], throttling: float) -> dict:
    context = browser.new_context()
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttling})
    finished = []  # every request, the search worker's included
    page.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(home)
        page.wait_for_load_state("networkidle")
        at_load = len(finished)
        page.keyboard.press("/")
        seconds = []
        for word in words:
            page.fill("input.md-search__input", "")
            page.wait_for_selector(".md-search-result__item", state="detached")
            started = time.perf_counter()
            page.keyboard.type(word)
            page.keyboard.press("End")  # Material reads the query on keyup; non-Latin text sends none
            _wait_for_results(page, word, started + 300)
            seconds.append(round(time.perf_counter() - started, 3))
        page.wait_for_load_state("networkidle")  # the last fragments in flight are counted too

        def transferred(requests) -> int:
            return sum(
                size["responseBodySize"] + size["responseHeadersSize"]
                for size in (request.sizes() for request in requests)
            )

        search_at_load = [
            request for request in finished[:at_load] if any(part in request.url for part in _SEARCH_FILES)
        ]
        return {
            "queries": words,
            "first_result_seconds": seconds,
            "search_bytes_at_page_load": transferred(search_at_load),
            "search_files_at_page_load": sorted(urlsplit(request.url).path for request in search_at_load),
            "session_bytes": transferred(finished[at_load:]),
            "session_requests": len(finished) - at_load,
        }
    finally:
        context.close()


# What a search engine fetches: Material's index (or settings), its worker and lunr's languages,
# the Pagefind bundle, the site's own worker and the page's script that has it load the bundle.
_SEARCH_FILES = ("/search/", "/workers/search", "/lunr/", "/pagefind/", "search-worker", "search-preload")


def _wait_for_results(page, word: str, deadline: float) -> None:
    """Until the first result shows. Material drops a query typed before its worker is ready
    (lunr builds its index in the browser first) and then shows its placeholder: the query is
    typed again, as a reader would, and the time still counts from the first key."""
    placeholder = page.evaluate(
        "JSON.parse(document.getElementById('__config').textContent)"
        ".translations['search.result.placeholder']"
    )
    while page.locator(".md-search-result__item").count() == 0:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no search result for {word!r} in {page.url}")
        if page.inner_text(".md-search-result__meta").strip() == placeholder:
            page.fill("input.md-search__input", word)
            page.keyboard.press("End")
        page.wait_for_timeout(50)
