"""One navigation per locale (helpsite/published/navigation.py, hooks/navigation.py), on real built pages.

The site is the repository's, with the articles of tests/fixtures/navigation/ added (a section
index page, a nested section, a second section): nb has some of them translated (its section
index too), de all of them, sv none (its folder emptied), en is the source. Every page of those
locales is read: its navigation entries, their order and languages, its previous/next links and
its breadcrumb (Material's navigation.path, switched on in the copy), against the trees written
out below; and the localization dashboard lists the pages in the same order.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import ROOT, copy_site, mkdocs_build, parse_html

from helpsite.published import navigation

FIXTURES = ROOT / "tests" / "fixtures" / "navigation"

# The expected navigation of each locale: (page path, title, language of the title) for a page,
# (section title, children) for a section. sv has nothing translated, de everything, nb some.
EN = [
    ("index.md", "Microsoft 365 admin help", "en"),
    (
        "Licenses",
        [
            ("licenses/index.md", "About licenses", "en"),
            ("licenses/assign-licenses.md", "Assign licenses", "en"),
            ("licenses/buy-licenses.md", "Buy licenses", "en"),
            ("licenses/transfer-licenses-between-tenants.md", "Transfer licenses between tenants", "en"),
            ("Billing", [("licenses/billing/pay-by-invoice.md", "Pay by invoice", "en")]),
        ],
    ),
    ("Subscriptions", [("subscriptions/cancel-a-subscription.md", "Cancel a subscription", "en")]),
]
NB = [
    ("index.md", "Microsoft 365-administratorhjelp", "nb"),
    (
        "Lisenser",
        [
            ("licenses/index.md", "Om lisenser", "nb"),
            ("licenses/assign-licenses.md", "Assign licenses", "en"),
            ("licenses/buy-licenses.md", "Kjøpe lisenser", "nb"),
            ("licenses/transfer-licenses-between-tenants.md", "Overføre lisenser mellom tenanter", "nb"),
            ("Billing", [("licenses/billing/pay-by-invoice.md", "Betale med faktura", "nb")]),
        ],
    ),
    ("Subscriptions", [("subscriptions/cancel-a-subscription.md", "Cancel a subscription", "en")]),
]
DE = [
    ("index.md", "Microsoft 365-Administratorhilfe", "de"),
    (
        "Lizenzen",
        [
            ("licenses/index.md", "Informationen zu Lizenzen", "de"),
            ("licenses/assign-licenses.md", "Lizenzen zuweisen", "de"),
            ("licenses/buy-licenses.md", "Lizenzen kaufen", "de"),
            (
                "licenses/transfer-licenses-between-tenants.md",
                "Übertragen von Lizenzen zwischen Mandanten",
                "de",
            ),
            ("Billing", [("licenses/billing/pay-by-invoice.md", "Per Rechnung bezahlen", "de")]),
        ],
    ),
    ("Subscriptions", [("subscriptions/cancel-a-subscription.md", "Abonnement kündigen", "de")]),
]
# Nothing translated: the English pages under the section title of sv's nav_translations.
SV = [EN[0], ("Licenser", EN[1][1]), EN[2]]
TREES = {"en": EN, "nb": NB, "de": DE, "sv": SV}
# A fallback's language, named in the reader's (CLDR's names), beside its title.
ENGLISH_IN = {"nb": "engelsk", "sv": "engelska"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_site(tmp_path_factory.mktemp("navigation-project"))
    shutil.copytree(FIXTURES, project / "docs", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.txt"))
    for item in (project / "docs" / "sv").iterdir():  # sv: nothing translated
        shutil.rmtree(item) if item.is_dir() else item.unlink()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("    - navigation.prune\n", "    - navigation.prune\n    - navigation.path\n"),
        encoding="utf-8",
    )
    site_dir = tmp_path_factory.mktemp("navigation-site")
    result = mkdocs_build(project, site_dir)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


# ----------------------------------------------------------------------------
# helpsite.published.navigation
# ----------------------------------------------------------------------------


def test_the_order_is_the_source_sites_index_first_then_pages_then_folders():
    paths = ["z.md", "b/index.md", "a/z.md", "a/b/x.md", "index.md", "a/index.md", "a/a.md", "a/b/README.md"]
    assert sorted(paths, key=navigation.order_key) == [
        "index.md",
        "z.md",
        "a/index.md",
        "a/a.md",
        "a/z.md",
        "a/b/README.md",
        "a/b/x.md",
        "b/index.md",
    ]


def test_pages_of_two_languages_make_one_section_each():
    pages = [
        navigation.NavPage("licenses/z.md", "en"),
        navigation.NavPage("licenses/b/x.md", "nb"),
        navigation.NavPage("index.md", "nb"),
        navigation.NavPage("licenses/a.md", "nb"),
        navigation.NavPage("licenses/b/y.md", "en"),
    ]
    tree = navigation.navigation(pages, lambda folder: folder.upper())
    assert tree == (
        navigation.NavPage("index.md", "nb"),
        navigation.NavSection(
            "licenses",
            "LICENSES",
            (
                navigation.NavPage("licenses/a.md", "nb"),
                navigation.NavPage("licenses/z.md", "en"),
                navigation.NavSection(
                    "licenses/b",
                    "LICENSES/B",
                    (
                        navigation.NavPage("licenses/b/x.md", "nb"),
                        navigation.NavPage("licenses/b/y.md", "en"),
                    ),
                ),
            ),
        ),
    )
    assert [page.page_path for page in navigation.ordered_pages(tree)] == [
        "index.md",
        "licenses/a.md",
        "licenses/z.md",
        "licenses/b/x.md",
        "licenses/b/y.md",
    ]


def test_a_fallback_language_is_named_in_the_readers_language():
    assert navigation.fallback_language("en", "nb") == navigation.FallbackLanguage("en", "engelsk")
    assert navigation.fallback_language("en", "he") == navigation.FallbackLanguage("en", "אנגלית")


# ----------------------------------------------------------------------------
# The built pages
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", TREES)
def test_every_page_shows_the_locales_one_navigation(site, locale):
    tree = TREES[locale]
    for page_path, _, _ in _pages(tree):
        url = _url(locale, page_path)
        document = parse_html(site / url / "index.html")
        shown = _shown_navigation(document, url)
        assert shown == _expected_navigation(tree, locale, page_path), url


@pytest.mark.parametrize("locale", TREES)
def test_previous_and_next_follow_the_navigation(site, locale):
    pages = _pages(TREES[locale])
    for index, (page_path, _, _) in enumerate(pages):
        url = _url(locale, page_path)
        document = parse_html(site / url / "index.html")
        expected = {}
        if index > 0:
            expected["prev"] = _link(locale, pages[index - 1])
        if index < len(pages) - 1:
            expected["next"] = _link(locale, pages[index + 1])
        assert _footer(document, url) == expected, url


@pytest.mark.parametrize("locale", TREES)
def test_the_breadcrumb_names_the_sections_of_the_navigation(site, locale):
    tree = TREES[locale]
    home_title = tree[0][1]
    section, (index_page, *_) = tree[1][0], tree[1][1]
    billing, (invoice,) = tree[1][1][-1]
    document = parse_html(site / _url(locale, invoice[0]) / "index.html")
    crumbs = [
        (" ".join(a.text_content().split()), _resolve(_url(locale, invoice[0]), a.get("href")))
        for a in document.xpath('//nav[@class="md-path"]//a')
    ]
    assert crumbs == [
        (home_title, _url(locale, "index.md")),
        (section, _url(locale, index_page[0])),
        (billing, _url(locale, invoice[0])),
    ]


def test_the_dashboard_lists_the_pages_in_the_navigations_order(site):
    document = parse_html(site / "l10n" / "sv" / "index.html")
    listed = [" ".join(a.text_content().split()) for a in document.xpath("//article//td/a")]
    assert listed == [path for path, _, _ in _pages(EN)]


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _pages(tree) -> list[tuple[str, str, str]]:
    pages = []
    for item in tree:
        pages.extend(_pages(item[1]) if isinstance(item[1], list) else [item])
    return pages


def _resolve(url: str, href: str) -> str:
    """A link's target from the site root, as its page's URL is."""
    return urljoin("http://site/" + url, href).removeprefix("http://site/")


def _url(locale: str, page_path: str) -> str:
    """The page's URL from the site root: nb/licenses/x/."""
    stem = page_path.removesuffix(".md")
    stem = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return ("" if locale == "en" else f"{locale}/") + stem


def _entry(locale: str, page, kind: str) -> tuple:
    page_path, title, language = page
    fallback = language != locale
    return (kind, title, language if fallback else None, ENGLISH_IN[locale] if fallback else None)


def _link(locale: str, page) -> tuple:
    return (*_entry(locale, page, "link"), _url(locale, page[0]))


# What Material shows with navigation.prune: the sections on the page's way expanded, the others
# as one link to their first page.
def _expected_navigation(tree, locale: str, current: str) -> list:
    shown = []
    for item in tree:
        title, rest = item[0], item[1]
        if isinstance(rest, list):
            inside = [page[0] for page in _pages(rest)]
            if current in inside:
                shown.append(("section", title, _expected_navigation(rest, locale, current)))
            else:
                shown.append(("pruned", title, _url(locale, inside[0])))
        else:
            shown.append(_link(locale, item))
    return shown


def _shown_navigation(document, url: str) -> list:
    (primary,) = document.xpath('//nav[contains(@class, "md-nav--primary")]/ul')
    return _items(primary, url)


def _items(ul, url: str) -> list:
    shown = []
    for li in ul.xpath("./li"):
        if "md-nav__item--nested" in li.get("class"):
            nested = li.xpath("./nav/ul")
            if nested:
                title = " ".join(li.xpath("./label")[0].text_content().split())
                shown.append(("section", title, _items(nested[0], url)))
            else:
                (link,) = li.xpath("./a")
                title = " ".join(link.text_content().split())
                shown.append(("pruned", title, _resolve(url, link.get("href"))))
        else:
            link = li.xpath("./a")[-1]
            shown.append(_shown_link(link, "md-ellipsis", url))
    return shown


def _shown_link(link, title_class: str, url: str) -> tuple:
    (title,) = link.xpath(f'.//*[@class="{title_class}"]')
    marker = link.xpath('.//span[@class="helpsite-fallback-language"]')
    return (
        "link",
        " ".join(title.text_content().split()),
        title.get("lang"),
        marker[0].text_content().strip() if marker else None,
        _resolve(url, link.get("href")),
    )


def _footer(document, url: str) -> dict:
    links = {}
    for link in document.xpath('//nav[contains(@class, "md-footer__inner")]/a'):
        kind = "prev" if "md-footer__link--prev" in link.get("class") else "next"
        links[kind] = _shown_link(link, "md-ellipsis", url)
    return links


def test_the_expected_trees_cover_every_page_of_the_fixtures():
    """The trees above list every page of the source locale (the repository's and the fixtures')."""
    sources = sorted(
        {path.relative_to(FIXTURES / "en").as_posix() for path in (FIXTURES / "en").rglob("*.md")}
        | {path.relative_to(ROOT / "docs" / "en").as_posix() for path in (ROOT / "docs" / "en").rglob("*.md")}
    )
    for tree in TREES.values():
        assert sorted(path for path, _, _ in _pages(tree)) == sources
