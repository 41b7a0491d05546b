"""helpsite.localization.strings: each locale's strings file, read again when it changes, and the finding for a
locale without its file or strings."""

from __future__ import annotations

import os

import pytest
from conftest import LOCALES, ROOT, copy_site

from helpsite import cli
from helpsite.core.findings import Finding
from helpsite.core.site import load_site
from helpsite.localization import strings
from helpsite.published import reader

EN = strings.for_site(load_site(ROOT)).table("en")
# The locale these tests add: the first of these the site does not have yet (a site that has added
# French by handbook/add-a-locale.md tests with Italian).
NEW, NAME = next(
    (locale, name)
    for locale, name in (("fr", "Français"), ("it", "Italiano"), ("pt", "Português"))
    if locale not in LOCALES
)


@pytest.fixture
def project(tmp_path):
    """A copy of the site with the NEW locale added to mkdocs.yml (no strings file yet)."""
    project = copy_site(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "        - locale: nb\n",
            f"        - locale: {NEW}\n          name: {NAME}\n          build: true\n        - locale: nb\n",
        ),
        encoding="utf-8",
    )
    return project


def test_a_locale_without_its_file_is_named_with_the_strings_to_translate(project):
    site_strings = strings.SiteStrings(load_site(project))
    assert site_strings.findings() == [
        Finding(
            f"strings/{NEW}.yaml",
            1,
            1,
            "locale-strings",
            "error",
            f"strings/{NEW}.yaml is missing: {NAME} ({NEW}) pages show the site's own texts in the source "
            "language. Create it with the strings of strings/en.yaml, translated: machine_translation, "
            "read_source, fallback, stale, stale_since, stale_sections, section_introduction, "
            "section_added, section_removed, last_updated, not_found_title, not_found_text, "
            "not_found_home, made_with, to_dark, to_light",
        )
    ]
    # until it exists, its pages show the source locale's
    assert site_strings.table(NEW)["fallback"] == EN["fallback"]


def test_strings_a_file_lacks_are_listed_and_shown_from_the_source(project):
    (project / "strings" / f"{NEW}.yaml").write_text(
        "read_source: Lire en anglais\nlast_updated: Dernière mise à jour\n", encoding="utf-8"
    )
    site_strings = strings.SiteStrings(load_site(project))
    (finding,) = site_strings.findings([NEW])
    assert finding.as_text() == (
        f"strings/{NEW}.yaml:1:1: error locale-strings: strings/{NEW}.yaml lacks machine_translation, fallback, "
        "stale, stale_since, stale_sections, section_introduction, section_added, section_removed, "
        "not_found_title, not_found_text, not_found_home, made_with, to_dark, to_light: "
        f"{NAME} ({NEW}) pages show them in the source language. Add them, translated from strings/en.yaml"
    )
    table = site_strings.table(NEW)
    assert (table["read_source"], table["fallback"]) == ("Lire en anglais", EN["fallback"])


@pytest.mark.parametrize(
    "text, problem",
    [
        (
            "fallback: [unclosed\n",
            (2, 1, "cannot be read as YAML: expected ',' or ']', but got '<stream end>'"),
        ),
        ("fallback: ok\nto_dark: yes\n", (2, 10, "to_dark must be a text")),
        ("- a list\n", (1, 1, "must be a mapping of names to texts")),
    ],
)
def test_a_file_that_cannot_be_used_is_a_finding_at_its_line(project, text, problem):
    (project / "strings" / f"{NEW}.yaml").write_text(text, encoding="utf-8")
    findings = strings.SiteStrings(load_site(project)).findings([NEW])
    line, column, message = problem
    assert (findings[0].line, findings[0].column, findings[0].message) == (line, column, message)


def test_a_file_is_read_again_when_it_appears_or_changes(project):
    site_strings = strings.SiteStrings(load_site(project))
    assert site_strings.table(NEW)["read_source"] == EN["read_source"]
    assert site_strings.refresh() is False
    path = project / "strings" / f"{NEW}.yaml"
    path.write_text("read_source: Lire en anglais\n", encoding="utf-8")
    assert site_strings.refresh() is True
    assert site_strings.table(NEW)["read_source"] == "Lire en anglais"
    path.write_text("read_source: Lire la version anglaise\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert site_strings.refresh() is True
    assert site_strings.table(NEW)["read_source"] == "Lire la version anglaise"


def test_a_string_no_file_has_shows_as_its_name(project):
    (project / "strings" / "en.yaml").write_text("read_source: Read in English\n", encoding="utf-8")
    assert strings.SiteStrings(load_site(project)).table(NEW)["fallback"] == "fallback"


def test_check_names_the_missing_file_when_it_checks_the_whole_site(project, capsys):
    assert cli.main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"strings/{NEW}.yaml:1:1: error locale-strings: strings/{NEW}.yaml is missing: {NAME} ({NEW})"
    )
    # a page checked alone says nothing of the site's strings
    page = project / "docs" / "nb" / "index.md"
    assert cli.main(["--root", str(project), "check", str(page)]) == 0


@pytest.mark.parametrize(
    "locale, direction",
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa", "rtl"),
        ("ur", "rtl"),
        ("ckb", "rtl"),
        ("nb", "ltr"),
        ("zz", "ltr"),
    ],
)
def test_the_direction_comes_from_the_language(locale, direction):
    assert reader.direction(locale) == direction
