"""The built site: every locale's article, language, direction, selector and stable anchor."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urljoin

import pytest
from conftest import (
    ARTICLE,
    LOCALES,
    ROOT,
    build_env,
    is_right_to_left,
    mkdocs_build,
    page_file,
    page_url,
    parse_html,
)

from helpsite.core.site import Limits, load_site


def test_strict_build_logs_no_warning(real_build):
    log = real_build[1]
    assert not re.search(r"^(WARNING|ERROR)", log, re.M), log


@pytest.mark.parametrize("locale", LOCALES)
def test_article_page_exists_in_every_locale(built_site, locale):
    assert page_file(built_site, locale).is_file()
    assert page_file(built_site, locale, "").is_file()


@pytest.mark.parametrize("locale", LOCALES)
def test_html_lang_and_direction(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    assert tree.get("lang") == locale
    assert tree.find("body").get("dir") == ("rtl" if is_right_to_left(locale) else "ltr")


@pytest.mark.parametrize("locale", LOCALES)
def test_heading_keeps_the_seed_anchor(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    (h1,) = tree.xpath("//article//h1")
    assert h1.get("id") == "transfer-licenses-between-tenants"
    assert not h1.xpath(".//a[@name]")


@pytest.mark.parametrize("locale", LOCALES)
def test_language_selector_leads_to_the_same_article(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    here = "/" + page_url(locale)
    links = {
        a.get("hreflang"): urljoin(here, a.get("href"))
        for a in tree.xpath("//a[contains(@class, 'md-select__link')][@hreflang]")
    }
    assert links == {other: "/" + page_url(other) for other in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_home_page_leads_to_the_article(built_site, locale):
    tree = parse_html(page_file(built_site, locale, ""))
    here = "/" + page_url(locale, "")
    targets = {urljoin(here, a.get("href")) for a in tree.xpath("//article//a[@href]")}
    assert "/" + page_url(locale) in targets


def test_site_name_and_ui_strings_are_translated(built_site):
    nb = parse_html(page_file(built_site, "nb"))
    assert nb.xpath("string(//title)").endswith("Microsoft 365-administratorhjelp")
    assert nb.xpath("//input[@name='query']/@placeholder") == ["Søk"]
    ja = parse_html(page_file(built_site, "ja"))
    assert ja.xpath("//input[@name='query']/@placeholder") == ["検索"]


def test_norwegian_article_has_its_links_restored(built_site):
    tree = parse_html(page_file(built_site, "nb"))
    texts = {
        a.get("href"): a.text_content().strip()
        for a in tree.xpath("//article//a[@href]")
        if a.get("href", "").startswith("https://")
    }
    assert (
        texts["https://admin.microsoft.com/Adminportal/Home?source=applauncher#/subscriptions"]
        == "avbryte abonnementet"
    )
    assert all(texts.values()), texts


def test_build_with_a_broken_page_fails_strict(tmp_path):
    from conftest import copy_site

    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "ms.date: 08/13/2021\n", "ms.date: 08/13/2021\nms.date: 08/14/2021\n"
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(project, tmp_path / "site", env=build_env())
    assert result.returncode == 1
    assert (
        "nb/licenses/transfer-licenses-between-tenants.md:8:1: yaml-invalid: duplicate key 'ms.date' (first on line 7): keep one of them\n"
        in result.stderr
    )


# ----------------------------------------------------------------------------
# helpsite.core.site: the limits set in mkdocs.yml
# ----------------------------------------------------------------------------


def test_limits_are_read_from_extra_helpsite(tmp_path):
    assert load_site(ROOT).limits == Limits(max_nesting=20, max_page_characters=10_000_000)
    (tmp_path / "mkdocs.yml").write_text("extra:\n  helpsite:\n    max_nesting: 30\n", encoding="utf-8")
    assert load_site(tmp_path).limits == Limits(max_nesting=30)


@pytest.mark.parametrize(
    "setting, message",
    [
        (
            "max_nesting: twenty",
            "mkdocs.yml: extra.helpsite.max_nesting must be a whole number above 0, not 'twenty'",
        ),
        (
            "max_page_characters: 0",
            "mkdocs.yml: extra.helpsite.max_page_characters must be a whole number above 0, not 0",
        ),
        (
            "max_depth: 3",
            "mkdocs.yml: extra.helpsite.max_depth is no setting; the settings are max_nesting, "
            "max_page_characters",
        ),
    ],
)
def test_a_limit_that_is_no_whole_number_is_a_usage_error(tmp_path, setting, message):
    (tmp_path / "mkdocs.yml").write_text(f"extra:\n  helpsite:\n    {setting}\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(tmp_path), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
