"""The localized site on the built HTML: alternates, robots, sitemap, notices, dates, per-locale
search and 404 pages, stable anchors (hooks/localized_site.py, helpsite/published/reader.py, overrides/)."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import pytest
from babel.dates import format_date
from conftest import (
    ARTICLE,
    LOCALES,
    ROOT,
    build_env,
    copy_site,
    mkdocs_build,
    page_file,
    page_url,
    parse_html,
    reader_strings,
    searched_urls,
)
from lxml import etree

from helpsite.published import reader
from helpsite.text import page as pages

SITE_URL = os.environ.get("HELPSITE_SITE_URL") or "http://127.0.0.1:8000/"
SITE_PATH = urlsplit(SITE_URL).path
TRANSLATIONS = LOCALES[1:]
FIXTURES = ROOT / "tests" / "fixtures" / "localized"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def front(locale: str, path: str = ARTICLE) -> dict:
    file = ROOT / "docs" / locale / (path + ".md")
    return pages.read(file, str(file)).meta


def alternates(tree) -> list[tuple[str, str]]:
    """The hreflang links, rel read as HTML reads it: a set of tokens (overrides/main.html)."""
    return [
        (link.get("hreflang"), link.get("href"))
        for link in tree.xpath("//head/link[@hreflang]")
        if "alternate" in link.get("rel").split()
    ]


def home_alternates(site_url: str, locales=LOCALES) -> list[tuple[str, str]]:
    return [(locale, site_url + page_url(locale, "")) for locale in locales] + [("x-default", site_url)]


def notices(tree) -> list[tuple[str, str]]:
    return [
        (div.get("data-notice"), " ".join(div.text_content().split()))
        for div in tree.xpath("//article//div[contains(@class, 'helpsite-notice')]")
    ]


def search_config(tree) -> dict:
    return json.loads(tree.xpath("string(//script[@id='__config'])"))


# ----------------------------------------------------------------------------
# hreflang, robots, sitemap
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_home_page_lists_every_real_version_absolute_with_x_default(built_site, locale):
    tree = parse_html(page_file(built_site, locale, ""))
    assert alternates(tree) == home_alternates(SITE_URL)
    assert tree.xpath("//link[@rel='canonical']/@href") == [SITE_URL + page_url(locale, "")]
    assert tree.xpath("//meta[@name='robots']") == []


@pytest.mark.parametrize("locale", LOCALES)
def test_noindex_article_has_robots_meta_and_no_alternates(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    assert front(locale)["ROBOTS"] == "NOINDEX, NOFOLLOW"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
    assert alternates(tree) == []


def test_sitemap_has_the_indexable_pages_with_their_alternates(built_site):
    tree = etree.parse(str(built_site / "sitemap.xml"))
    urls = tree.xpath("/s:urlset/s:url", namespaces=SITEMAP)
    assert [url.findtext("s:loc", namespaces=SITEMAP) for url in urls] == [
        SITE_URL + page_url(locale, "") for locale in LOCALES
    ]
    for url in urls:
        assert url.findtext("s:lastmod", namespaces=SITEMAP) == "2026-11-25"
        assert [
            (link.get("hreflang"), link.get("href")) for link in url.xpath("x:link", namespaces=SITEMAP)
        ] == home_alternates(SITE_URL)


# ----------------------------------------------------------------------------
# Notices, dates, meta, footer
# ----------------------------------------------------------------------------


def test_norwegian_article_says_it_is_machine_translated(built_site):
    tree = parse_html(page_file(built_site, "nb"))
    assert notices(tree) == [("machine-translation", "Denne artikkelen er maskinoversatt. Les på engelsk")]
    (link,) = tree.xpath("//div[@data-notice='machine-translation']//a")
    assert link.get("href") == SITE_PATH + page_url("en")
    assert link.get("hreflang") == "en"


@pytest.mark.parametrize("locale", TRANSLATIONS)
def test_machine_translation_notice_is_in_the_page_language(built_site, locale):
    text = reader_strings(locale)
    for path in (ARTICLE, ""):
        tree = parse_html(page_file(built_site, locale, path))
        if front(locale, path or "index")["ms.translationtype"] != "MT":
            # a human translation (HT) says nothing of how it was made
            assert notices(tree) == []
            continue
        assert notices(tree) == [
            ("machine-translation", f"{text['machine_translation']} {text['read_source']}")
        ]
        (href,) = tree.xpath("//div[@data-notice='machine-translation']//a/@href")
        assert href == SITE_PATH + page_url("en", path)


def test_source_pages_have_no_notice(built_site):
    assert notices(parse_html(page_file(built_site, "en"))) == []
    assert notices(parse_html(page_file(built_site, "en", ""))) == []


# Written out for the locales the site had; a locale added since (handbook/add-a-locale.md) is
# told by its strings file's label and CLDR's medium date format (Babel), see last_updated().
LAST_UPDATED = {
    "en": "Last updated: Aug 13, 2021",
    "nb": "Sist oppdatert: 13. aug. 2021",
    "da": "Sidst opdateret: 13. aug. 2021",
    "sv": "Senast uppdaterad: 13 aug. 2021",
    "fi": "Päivitetty viimeksi: 13.8.2021",
    "de": "Zuletzt aktualisiert: 13.08.2021",
    "ja": "最終更新日: 2021/08/13",
    "ar": "آخر تحديث: 13\u200f/08\u200f/2021",
}


@pytest.mark.parametrize("locale", LOCALES)
def test_last_updated_is_ms_date_in_the_reader_format(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    (fact,) = tree.xpath("//article//aside[@class='md-source-file']")
    day = datetime.strptime(front(locale)["ms.date"], "%m/%d/%Y").date()
    assert " ".join(fact.text_content().split()) == last_updated(locale, day)
    assert fact.xpath(".//time/@datetime") == [day.isoformat()]


def last_updated(locale: str, day: date) -> str:
    if locale in LAST_UPDATED:
        assert day == date(2021, 8, 13), "LAST_UPDATED is written for the seed's ms.date"
        return LAST_UPDATED[locale]
    return f"{reader_strings(locale)['last_updated']}: {format_date(day, 'medium', locale=locale.replace('-', '_'))}"


@pytest.mark.parametrize("locale", LOCALES)
def test_description_becomes_the_meta_description(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    assert tree.xpath("//meta[@name='description']/@content") == [front(locale)["description"]]


def test_footer_copyright_is_localized(built_site):
    def footer(locale):
        tree = parse_html(page_file(built_site, locale))
        return " ".join(tree.xpath("string(//div[@class='md-copyright'])").split())

    assert footer("en") == "Article content © Microsoft, CC BY 4.0 Made with Material for MkDocs"
    assert footer("nb") == "Artikkelinnhold © Microsoft, CC BY 4.0 Laget med Material for MkDocs"
    assert footer("ja") == "記事の内容 © Microsoft、CC BY 4.0 Material for MkDocs で作成"


def palette_names(tree) -> list[tuple[str, str]]:
    """Each palette option's accessible name and its toggle's tooltip, in page order."""
    form = tree.xpath("//form[@data-md-component='palette']")[0]
    return [
        (option.get("aria-label"), form.xpath(f"string(label[@for='{option.get('id')}']/@title)"))
        for option in form.xpath("input[@name='__palette']")
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_palette_toggle_is_named_in_the_page_language(built_site, locale):
    to_dark, to_light = reader_strings(locale)["to_dark"], reader_strings(locale)["to_light"]
    # The light palette's toggle leads to the dark one (its label is for the dark option) and back.
    assert palette_names(parse_html(page_file(built_site, locale))) == [
        (to_dark, to_light),
        (to_light, to_dark),
    ]
    if locale != "en":
        assert to_dark != reader_strings("en")["to_dark"]
    assert palette_names(parse_html(built_site / page_url(locale, "") / "404.html")) == [
        (to_dark, to_light),
        (to_light, to_dark),
    ]


def test_a_palette_without_names_for_its_schemes_keeps_them():
    options = [
        {"scheme": "default", "toggle": {"icon": "i", "name": "Dark"}},
        {"scheme": "sepia", "toggle": {"icon": "j", "name": "Sepia"}},
        {"scheme": "slate"},
    ]
    assert reader.palette(options, reader_strings("nb")) == [
        {"scheme": "default", "toggle": {"icon": "i", "name": "Dark"}},
        {"scheme": "sepia", "toggle": {"icon": "j", "name": "Bytt til mørk modus"}},
        {"scheme": "slate"},
    ]
    assert options[1]["toggle"]["name"] == "Sepia"  # mkdocs.yml's options are not changed
    assert reader.palette({"scheme": "slate"}, reader_strings("nb")) == {"scheme": "slate"}


# ----------------------------------------------------------------------------
# Search and 404 per locale
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_has_its_own_search_bundle(built_site, locale):
    root = page_url(locale, "")
    settings = json.loads((built_site / root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert settings["config"]["bundle"] == root + "pagefind/"
    assert settings["docs"] == []  # the pages are in the bundle, fetched only by a query
    entry = json.loads((built_site / root / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == [locale]
    assert searched_urls(built_site / root) == ["/", "/" + ARTICLE + "/"]


def test_japanese_index_splits_words_as_material_does_for_japanese(built_site):
    index = json.loads((built_site / "ja" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["separator"] == "[\\s\\-\u3000、。，．]+"
    assert index["config"]["pipeline"] == ["stemmer"]


@pytest.mark.parametrize("locale", LOCALES)
def test_pages_search_their_locale_index(built_site, locale):
    for path in (ARTICLE, ""):
        here = "/" + page_url(locale, path)
        base = search_config(parse_html(page_file(built_site, locale, path)))["base"]
        assert urljoin(here, base.rstrip("/") + "/") == "/" + page_url(locale, "")


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_has_its_own_404_page(built_site, locale):
    root = page_url(locale, "")
    tree = parse_html(built_site / root / "404.html")
    assert tree.get("lang") == locale
    assert tree.xpath("string(//article//h1)") == reader_strings(locale)["not_found_title"]
    assert tree.xpath("//article//a/@href") == ["/" + root]
    assert search_config(tree)["base"] == "/" + root
    assert tree.xpath("//a[contains(@class, 'md-select__link')]/@href") == [
        "/" + page_url(other, "") for other in LOCALES
    ]
    assert tree.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/assets/")


# ----------------------------------------------------------------------------
# A changed copy: a missing translation, a changed source, headings, a site_url with a path
# ----------------------------------------------------------------------------

CHANGED_URL = "https://help.example.org/docs/"


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("changed")
    project = copy_site(work / "project")
    (project / "docs" / "da" / "index.md").unlink()
    source = project / "docs" / "en" / (ARTICLE + ".md")
    source.write_text(
        source.read_text(encoding="utf-8") + "\nA paragraph added after translation.\n", encoding="utf-8"
    )
    shutil.copy(FIXTURES / "headings-nb.md", project / "docs" / "nb" / "headings.md")
    shutil.copy(FIXTURES / "headings-ja.md", project / "docs" / "ja" / "headings.md")
    result = mkdocs_build(project, work / "site", env=build_env(HELPSITE_SITE_URL=CHANGED_URL))
    assert result.returncode == 0, result.stderr
    return work / "site"


def test_missing_translation_shows_english_with_a_localized_notice(changed_site):
    tree = parse_html(page_file(changed_site, "da", ""))
    assert tree.get("lang") == "da"
    assert notices(tree) == [("fallback", reader_strings("da")["fallback"])]
    assert notices(tree) == [
        ("fallback", "Denne side er endnu ikke oversat til dansk, så den vises på engelsk.")
    ]
    (content,) = tree.xpath("//article/div[@lang]")
    assert (content.get("lang"), content.get("dir")) == ("en", "ltr")
    assert content.xpath("string(.//h1)").startswith("Microsoft 365 admin help")


def test_fallback_page_points_search_engines_at_the_real_versions(changed_site):
    real = [locale for locale in LOCALES if locale != "da"]
    for locale in LOCALES:
        tree = parse_html(page_file(changed_site, locale, ""))
        assert alternates(tree) == home_alternates(CHANGED_URL, real)
    da = parse_html(page_file(changed_site, "da", ""))
    assert da.xpath("//link[@rel='canonical']/@href") == [CHANGED_URL]
    sitemap = etree.parse(str(changed_site / "sitemap.xml"))
    locs = sitemap.xpath("/s:urlset/s:url/s:loc/text()", namespaces=SITEMAP)
    assert locs == [
        CHANGED_URL + "nb/headings/",
        CHANGED_URL + "ja/headings/",
        *(CHANGED_URL + page_url(locale, "") for locale in real),
    ]


def test_out_of_date_translation_says_so(changed_site):
    assert [kind for kind, _ in notices(parse_html(page_file(changed_site, "nb")))] == [
        "machine-translation",
        "stale",
    ]
    assert notices(parse_html(page_file(changed_site, "nb")))[1] == (
        "stale",
        "Denne oversettelsen er utdatert: den engelske originalen er endret siden den ble oversatt. "
        "Les på engelsk",
    )
    (href,) = parse_html(page_file(changed_site, "nb")).xpath("//div[@data-notice='stale']//a/@href")
    assert href == "/docs/" + page_url("en")
    assert notices(parse_html(page_file(changed_site, "en"))) == []


def test_404_under_a_site_url_path_searches_its_locale(changed_site):
    tree = parse_html(changed_site / "nb" / "404.html")
    assert search_config(tree)["base"] == "/docs/nb/"
    assert tree.xpath("//article//a/@href") == ["/docs/nb/"]


def test_heading_ids_keep_explicit_ids_legacy_anchors_and_non_ascii_letters(changed_site):
    nb = parse_html(page_file(changed_site, "nb", "headings"))
    assert nb.xpath("//article//*[self::h1 or self::h2]/@id") == [
        "headings-and-anchors",
        "lisenser-for-små-bedrifter",
        "transfer-to-a-new-tenant",
        "explicit-anchor",
    ]
    assert [h.text_content().rstrip("¶") for h in nb.xpath("//article//h2")] == [
        "Lisenser for små bedrifter",
        "Overføring til en ny tenant",
        "Eget anker vinner",
    ]
    ja = parse_html(page_file(changed_site, "ja", "headings"))
    assert ja.xpath("//article//*[self::h1 or self::h2]/@id") == [
        "headings-and-anchors",
        "ライセンスの移行",
        "move-between-tenants",
    ]
    assert re.fullmatch(r"#ライセンスの移行", ja.xpath("//article//h2/a[@class='headerlink']/@href")[0])


def test_one_locale_build_has_that_locales_search_and_404_at_its_root(tmp_path):
    result = mkdocs_build(ROOT, tmp_path / "site", env=build_env(HELPSITE_LOCALE="nb"))
    assert result.returncode == 0, result.stderr
    settings = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert settings["config"]["bundle"] == "pagefind/"
    entry = json.loads((tmp_path / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["nb"]
    assert parse_html(tmp_path / "site" / "404.html").xpath("string(//article//h1)") == "Finner ikke siden"
    article = parse_html(tmp_path / "site" / ARTICLE / "index.html")
    assert article.xpath("//div[@data-notice='machine-translation']//a/@href") == [SITE_PATH + ARTICLE + "/"]
