"""Every kind of page, in every locale, passes the checkers readers' advocates use (tests/checkers.py):
axe-core (WCAG 2.1 A/AA and best practice) in light and dark palette at desktop and phone widths,
with search open and the language menu open; the Nu Html Checker on every file; Lighthouse on one
page of each kind. A Material upgrade that brings a fixed failure back fails here.

The site is the real one plus an English-only page (tests/fixtures/accessibility/), so every other
locale has a fallback page, built for the address it is served from (the hreflang links are absolute).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import SiteServer
from checkers import AXE, WCAG_21_AA, axe, lighthouse, missing_tools, nu_errors
from conftest import (
    ARTICLE,
    LOCALES,
    build_env,
    copy_site,
    free_port,
    is_right_to_left,
    mkdocs_build,
    page_file,
    page_url,
    parse_html,
)

pytestmark = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))

FIXTURES = Path(__file__).parent / "fixtures" / "accessibility"
FALLBACK = "licenses/renew-subscriptions"
KINDS = {"home": "", "article": ARTICLE, "fallback": FALLBACK, "404": "missing-page"}
# A word each locale's search finds (a locale the suite does not list: its article title's first word).
SEARCH_WORDS = {
    "en": "licenses",
    "nb": "lisenser",
    "da": "licenser",
    "sv": "licenser",
    "fi": "Microsoft",
    "de": "Lizenzen",
    "ja": "Microsoft",
    "ar": "Microsoft",
}
PALETTES = ("light", "dark")
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


@pytest.fixture(scope="module")
def checked_site(tmp_path_factory) -> tuple[Path, str]:
    """(site folder, base URL it is served at for the module)."""
    work = tmp_path_factory.mktemp("accessibility")
    project = copy_site(work / "project")
    shutil.copy(FIXTURES / "renew-subscriptions.md", project / "docs" / "en" / (FALLBACK + ".md"))
    port = free_port()
    result = mkdocs_build(
        project, work / "site", env=build_env(HELPSITE_SITE_URL=f"http://127.0.0.1:{port}/")
    )
    assert result.returncode == 0, result.stderr
    server = SiteServer(work / "site", port)
    try:
        yield work / "site", server.url
    finally:
        server.stop()


def every_page() -> list[tuple[str, str]]:
    """(locale, path) of every kind of page in every locale, and the status pages (in English:
    /l10n/ and one for each translation locale)."""
    return (
        [(locale, page_url(locale, path)) for locale in LOCALES for path in KINDS.values()]
        + [("en", "l10n/")]
        + [("en", f"l10n/{locale}/") for locale in LOCALES[1:]]
    )


def checked_locales(palette: str, width: str) -> tuple[str, ...]:
    """Every locale in Material's default look (light, desktop); in the other three, the source
    locale and the right-to-left one, to keep the suite short: HELPSITE_ACCESSIBILITY=full checks
    every locale in all four (about four times as long)."""
    if (palette, width) == ("light", "desktop") or os.environ.get("HELPSITE_ACCESSIBILITY") == "full":
        return LOCALES
    return ("en", "ar")


def unnamed_search_dialog(site: Path) -> bool:
    """Material's search dialog has no accessible name (aria-dialog-name) until the search work of
    issue 15 gives it one; until then that one finding is expected (xfail), and only that one."""
    tree = parse_html(site / "index.html")
    (dialog,) = tree.xpath("//*[contains(concat(' ', @class, ' '), ' md-search ')][@role='dialog']")
    return not ({"aria-label", "aria-labelledby", "title"} & set(dialog.attrib))


# ----------------------------------------------------------------------------
# axe-core
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("palette", PALETTES)
def test_no_axe_violation_console_error_or_foreign_request(browser, checked_site, palette, width):
    """One context per palette and width; every kind of page, then search with results and the
    language menu open. Also: nothing logged as an error, nothing asked of another host."""
    base, locales = checked_site[1], checked_locales(palette, width)
    (viewport_width, viewport_height) = WIDTHS[width]
    # bypass_csp: the pages' own policy (helpsite/published/csp.py) refuses the string predicates Playwright
    # evaluates; tests/test_csp.py is where the policy is tested
    context = browser.new_context(
        viewport={"width": viewport_width, "height": viewport_height}, color_scheme=palette, bypass_csp=True
    )
    context.add_init_script(path=str(AXE))
    problems, here = [], {"page": ""}
    # a missing page's own 404 status is logged as a failed load: the answer it should get
    missing = {base + page_url(locale, KINDS["404"]) for locale in LOCALES}
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and m.location.get("url") not in missing
            and problems.append(f"{here['page']} console: {m.text} ({m.location.get('url')})")
        ),
    )
    page.on(
        "request",
        lambda r: (
            urlsplit(r.url).netloc != urlsplit(base).netloc
            and problems.append(f"{here['page']} requested {r.url}")
        ),
    )

    def check(state: str) -> None:
        problems.extend(f"{state}: {v}" for v in axe(page, WCAG_21_AA + ["best-practice"]))

    try:
        for locale, path in every_page():
            if locale in locales:
                here["page"] = path or "/"
                page.goto(base + path)
                assert (
                    page.evaluate("document.body.getAttribute('data-md-color-scheme')")
                    == {"light": "default", "dark": "slate"}[palette]
                )
                check(path or "/")
        for locale in locales:
            here["page"] = f"{page_url(locale, '')} with search results"
            open_search(page, base, locale, width, search_word(checked_site[0], locale))
            check(here["page"])
            here["page"] = f"{page_url(locale, '')} with the language menu open"
            page.goto(base + page_url(locale, ""))
            page.locator(".md-select > button").focus()
            settle(page)
            check(here["page"])
    finally:
        context.close()
    if unnamed_search_dialog(checked_site[0]):
        left = [
            problem
            for problem in problems
            if not problem.endswith(": aria-dialog-name .md-search: Element has no title attribute")
        ]
        assert left == [], "\n".join(left)
        pytest.xfail("only the search dialog's missing name (issue 15) is left")
    assert problems == [], "\n".join(problems)


def search_word(site: Path, locale: str) -> str:
    if locale in SEARCH_WORDS:
        return SEARCH_WORDS[locale]
    # A locale added since (handbook/add-a-locale.md): a word of its article, its title's first.
    # Playwright types a letter a US keyboard lacks (Hebrew, Arabic) as inserted text, without the
    # keyup Material reads the query on, so the word is one of ASCII letters, as a reader with
    # any keyboard can type it.
    article = parse_html(page_file(site, locale))
    words = f"{article.xpath('string(//h1)')} {article.xpath('string(//article)')}".split()
    return next(word for word in words if word.isascii() and word.isalpha() and len(word) > 3)


def open_search(page, base: str, locale: str, width: str, word: str) -> None:
    page.goto(base + page_url(locale, ""))
    if width == "phone":
        page.click("label.md-header__button[for='__search']")
    page.click("input[name='query']")
    page.keyboard.type(word)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    settle(page)


def settle(page) -> None:
    """axe reads colours as drawn: wait until Material's fade-ins (menu, results) have ended."""
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")


def test_axe_would_see_a_link_told_apart_by_colour_alone(browser, checked_site):
    """The control: without the underline of overrides/assets/stylesheets/accessibility.css, axe
    reports the links of the Norwegian article (the failure the CSS fixes)."""
    page = browser.new_page(bypass_csp=True)  # the pages' policy refuses the added style
    try:
        page.goto(checked_site[1] + page_url("nb"))
        page.add_style_tag(content=".md-typeset a:not(.headerlink, .md-button) {text-decoration: none}")
        assert {v.rule for v in axe(page, WCAG_21_AA)} == {"link-in-text-block"}
    finally:
        page.close()


# ----------------------------------------------------------------------------
# Right to left, and the site name in a phone's header
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_direction_is_on_the_root_element_and_the_phone_header_shows_the_whole_site_name(
    browser, checked_site, locale
):
    context = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    try:
        page = context.new_page()
        for path in ("", ARTICLE, "missing-page"):
            page.goto(checked_site[1] + page_url(locale, path))
            assert page.evaluate("[document.documentElement.dir, document.body.dir]") == (
                ["rtl", "rtl"] if is_right_to_left(locale) else ["", "ltr"]
            )
        name = page.locator(".md-header__topic:first-child .md-ellipsis")
        clipped = name.evaluate("e => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight")
        assert not (is_right_to_left(locale) and clipped), locale
    finally:
        context.close()


# ----------------------------------------------------------------------------
# Nu Html Checker
# ----------------------------------------------------------------------------


def test_nu_html_checker_finds_no_error_in_any_page(checked_site):
    site = checked_site[0]
    assert len(list(site.rglob("*.html"))) == len(every_page()) == 4 * len(LOCALES) + 1 + len(LOCALES) - 1
    assert nu_errors(site) == []


def test_nu_html_checker_would_see_materials_toggle_attributes(tmp_path):
    """The control: Material's own markup, as base.html writes it, is an error."""
    page = tmp_path / "page.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>t</title><input class="md-toggle" '
        'data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off"></html>',
        encoding="utf-8",
    )
    # line 1, column 48: where <input starts
    assert [error.split(": ", 1)[0] for error in nu_errors(tmp_path)] == ["page.html:1:48"]


# ----------------------------------------------------------------------------
# Lighthouse
# ----------------------------------------------------------------------------


def test_lighthouse_scores_one_page_of_each_kind_in_full(checked_site):
    """One page of each kind (each in another locale; the whole site: python tests/checkers.py):
    accessibility 1.00, SEO 1.00 unless the page asks for noindex, which fails is-crawlable only
    (the article's front matter says ROBOTS: NOINDEX, NOFOLLOW, and so does /l10n/), no console error."""
    base = checked_site[1]
    pages = {
        "nb/": True,
        "ar/" + ARTICLE + "/": False,
        "da/" + FALLBACK + "/": True,
        "ja/404.html": True,
        "l10n/": False,
    }
    results = lighthouse([base + path for path in pages])
    assert [result["url"] for result in results] == [base + path for path in pages]
    unnamed = unnamed_search_dialog(checked_site[0])
    for result, indexable in zip(results, pages.values()):
        assert result["error"] is None
        assert result["failed"]["accessibility"] == (["aria-dialog-name"] if unnamed else []), result
        assert result["failed"]["seo"] == ([] if indexable else ["is-crawlable"]), result
        assert result["consoleErrors"] == [], result
        if not unnamed:
            assert result["scores"]["accessibility"] == 1, result
    if unnamed:
        pytest.xfail("accessibility 0.96: only the search dialog's missing name (issue 15) is left")
