"""handbook/add-a-locale.md, step by step, for two locales the suite does not know: French, and
Hebrew (right to left), in a copy of the project. Only the recipe's files are added: the
entries in mkdocs.yml (tests/fixtures/new-locales/languages.yml), the strings files and the
pages; nothing else changes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import ARTICLE, LOCALES, MKDOCS, ROOT, build_env, copy_site, mkdocs_build, parse_html

from benchmarks.serving import fetch, free_port, stop, wait_for

FIXTURE = ROOT / "tests" / "fixtures" / "new-locales"
NEW = ("fr", "he")
# The recipe adds the entries after the last locale of mkdocs.yml's language list, which ends at
# the first blank line after its last entry.
LAST_ENTRY = "\n        - locale: "
# A site that has added one of them already (as handbook/add-a-locale.md's reader may have, with
# these very files) has no recipe left to follow here.
pytestmark = pytest.mark.skipif(
    bool(set(NEW) & set(LOCALES)), reason=f"{' or '.join(NEW)} is already a locale of this site"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Step 1: the locales' entries in mkdocs.yml, in a copy of the project."""
    project = copy_site(tmp_path_factory.mktemp("new-locales"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entries = (FIXTURE / "languages.yml").read_text(encoding="utf-8").rstrip("\n")
    end = text.index("\n\n", text.rindex(LAST_ENTRY))
    config.write_text(text[:end] + "\n" + entries + text[end:], encoding="utf-8")
    return project


def test_the_recipe_builds_checks_and_serves_french_and_hebrew(project, tmp_path):
    # Step 2: the build passes and names each strings file to create, with the strings it needs.
    built = mkdocs_build(project, tmp_path / "first", strict=False)
    assert built.returncode == 0, built.stderr
    missing = [line for line in built.stderr.splitlines() if "locale-strings" in line]
    assert missing == [
        f"WARNING -  strings/{locale}.yaml:1:1: locale-strings: strings/{locale}.yaml is missing: "
        f"{name} ({locale}) pages show the site's own texts in the source language. Create it with "
        "the strings of strings/en.yaml, translated: machine_translation, read_source, fallback, "
        "stale, stale_since, stale_sections, section_introduction, section_added, section_removed, "
        "last_updated, not_found_title, not_found_text, not_found_home, made_with, to_dark, to_light"
        for locale, name in (("fr", "Français"), ("he", "עברית"))
    ]
    assert mkdocs_build(project, tmp_path / "strict-before").returncode == 1
    check = _check(project)
    assert check.returncode == 1 and check.stdout.startswith("strings/fr.yaml:1:1: error locale-strings:")

    # Steps 3 and 4: the strings files and the pages.
    shutil.copytree(FIXTURE / "strings", project / "strings", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "docs", project / "docs", dirs_exist_ok=True)

    # Step 5: check, the strict build and the preview.
    check = _check(project)
    # the pages are whole translations of the English (its links, lists and headings): no finding
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")
    site = tmp_path / "site"
    strict = mkdocs_build(project, site)
    assert strict.returncode == 0, strict.stderr
    assert "WARNING" not in strict.stderr
    for locale, direction, updated, section in (
        ("fr", None, "Dernière mise à jour", "Licences"),
        ("he", "rtl", "עודכן לאחרונה", "רישיונות"),
    ):
        page = parse_html(site / locale / ARTICLE / "index.html")
        assert (page.get("lang"), page.get("dir")) == (locale, direction)
        assert updated in page.xpath("string(//article)")
        nav = page.xpath('//nav[contains(@class, "md-nav--primary")]//label[@class="md-nav__link"]')
        assert [" ".join(label.text_content().split()) for label in nav] == [section]
    with _preview(project, tmp_path) as base:
        he = fetch(f"{base}he/{ARTICLE}/")
        assert '<html lang="he" class="no-js" dir="rtl">' in he and "עודכן לאחרונה" in he
        with pytest.raises(urllib.error.HTTPError) as missing_page:
            urllib.request.urlopen(f"{base}fr/nowhere/", timeout=10)
        assert missing_page.value.code == 404
        assert "Page introuvable" in missing_page.value.read().decode("utf-8")


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _check(project) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(project), "check"],
        capture_output=True,
        text=True,
        env=build_env(),
        timeout=300,
    )


class _preview:
    """``mkdocs serve`` on the project at a free port of 127.0.0.1, stopped on leaving."""

    def __init__(self, project, work):
        self.project, self.log_path = project, work / "serve.log"

    def __enter__(self) -> str:
        port = free_port()
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(
            [*MKDOCS, "serve", "-f", str(self.project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=build_env(),
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}/"
        if not wait_for(lambda: fetch(base), timeout=180):
            self.__exit__(None, None, None)
            raise AssertionError(self.log_path.read_text(encoding="utf-8"))
        return base

    def __exit__(self, *exc) -> None:
        stop(self.process, timeout=15, group=True)
        self.log.close()
