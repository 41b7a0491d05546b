"""helpsite.linkcheck: LinkChecker on the built site, every broken link traced to its Markdown."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT, build_env, copy_site, mkdocs_build
from helpsite import linkcheck
from helpsite.cli import main
from helpsite.site import load_site

FIXTURES = Path(__file__).parent / "fixtures" / "linkcheck"
NB_ARTICLE = f"docs/nb/{ARTICLE}.md"
SITE_URL = "https://help.example.com/m365/"


def linkcheck_cli(project: Path, site_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(project), "linkcheck", str(site_dir),
         "--config", str(ROOT / linkcheck.CONFIG_FILE), *args],
        capture_output=True, text=True, env=build_env(**env), timeout=300)


def broken_project(folder: Path) -> tuple[Path, str]:
    """A copy of the site with the Norwegian article given a broken link and a broken anchor,
    and an English page no locale has translated: (project, the article's original text)."""
    project = copy_site(folder / "project")
    article = project / NB_ARTICLE
    original = article.read_text(encoding="utf-8")
    article.write_text(original + (FIXTURES / "broken-links.md").read_text(encoding="utf-8"),
                       encoding="utf-8")
    shutil.copy(FIXTURES / "english-only.md", project / "docs" / "en" / "english-only.md")
    return project, original


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """The broken copy published under a path of another host, link-checked."""
    project, original = broken_project(tmp_path_factory.mktemp("broken"))
    # not --strict: MkDocs' own link validation would stop the build (test below)
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_SITE_URL=SITE_URL),
                         strict=False)
    assert built.returncode == 0, built.stderr
    result = linkcheck_cli(project, project / "site", "--format", "json", HELPSITE_SITE_URL=SITE_URL)
    return original, result


def broken_findings(original: str, page: str, home: str, folder: str) -> list[dict]:
    """The two findings on the Norwegian article, for the article's and home page's URLs."""
    added = (FIXTURES / "broken-links.md").read_text(encoding="utf-8").splitlines()
    line = len(original.splitlines()) + len(added)
    return [
        {"path": NB_ARTICLE, "line": line, "column": added[-1].index("../index.md#") + 1,
         "rule": "broken-anchor", "severity": "error",
         "message": f"anchor #finnes-ikke is not on {home} (page {page})"},
        {"path": NB_ARTICLE, "line": line, "column": added[-1].index("../finnes-ikke/") + 1,
         "rule": "broken-link", "severity": "error",
         "message": f"link to {folder}finnes-ikke/ is broken: 404 Not Found (page {page})"},
    ]


def test_the_real_site_has_no_broken_link_or_anchor(built_site, capsys):
    assert main(["--root", str(ROOT), "linkcheck", str(built_site)]) == 0
    assert capsys.readouterr().out == ""


def test_broken_link_and_anchor_are_both_named_on_the_norwegian_markdown(broken_site):
    original, result = broken_site
    assert result.returncode == 1, result.stderr
    findings = [f for f in json.loads(result.stdout) if f["path"] == NB_ARTICLE]
    assert findings == broken_findings(original, f"/m365/nb/{ARTICLE}/", "/m365/nb/", "/m365/nb/licenses/")


def test_a_one_locale_build_is_mapped_to_that_locale(tmp_path):
    project, original = broken_project(tmp_path)
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_LOCALE="nb"), strict=False)
    assert built.returncode == 0, built.stderr
    result = linkcheck_cli(project, project / "site", "--format", "json", HELPSITE_LOCALE="nb")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout) == broken_findings(original, f"/{ARTICLE}/", "/", "/licenses/")


def test_a_fallback_page_names_the_english_source_in_every_locale(broken_site):
    _, result = broken_site
    site = load_site(ROOT)
    findings = [f for f in json.loads(result.stdout) if f["path"] == "docs/en/english-only.md"]
    lines = (FIXTURES / "english-only.md").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "(missing/)" in text)
    column = lines[line - 1].index("missing/") + 1
    assert [(f["line"], f["column"], f["rule"]) for f in findings] == [(line, column, "broken-link")] * 8
    assert {f["message"] for f in findings} == {
        f"link to /m365/english-only/missing/ is broken: 404 Not Found (page /m365/english-only/)"
    } | {
        f"link to /m365/{locale}/english-only/missing/ is broken: 404 Not Found "
        f"(page /m365/{locale}/english-only/, no {locale} translation: the English source is shown)"
        for locale in site.translation_locales
    }


def test_external_links_are_checked_only_when_asked_and_never_on_allowed_hosts(tmp_path):
    project = copy_site(tmp_path / "project")
    site_dir = FIXTURES / "external-site"
    assert linkcheck_cli(project, site_dir).returncode == 0
    checked = linkcheck_cli(project, site_dir, "--check-extern")
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "docs/en/index.md:1:1: error broken-link: link to http://localhost:9/gone is broken: ConnectionError")
    assert checked.stdout.rstrip().endswith("(page /, HTML line 3: not written in the Markdown)")
    (project / linkcheck.ALLOW_FILE).write_text("# blocks robots\nlocalhost\n", encoding="utf-8")
    allowed = linkcheck_cli(project, site_dir, "--check-extern")
    assert (allowed.returncode, allowed.stdout) == (0, "")


def test_a_page_that_tells_robots_nofollow_still_has_its_links_checked(tmp_path):
    project = copy_site(tmp_path / "project")
    result = linkcheck_cli(project, FIXTURES / "nofollow-site")
    assert (result.returncode, result.stdout) == (1, (
        "docs/en/index.md:1:1: error broken-link: link to /lisenser/ is broken: 404 Not Found "
        "(page /, HTML line 5: not written in the Markdown)\n"))


def test_a_folder_that_is_not_a_built_site_is_a_usage_error(tmp_path):
    result = linkcheck_cli(ROOT, tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path}: not a built site (no index.html); run `mkdocs build` first\n"


# ----------------------------------------------------------------------------
# Pieces
# ----------------------------------------------------------------------------

def test_source_for_maps_page_urls_to_markdown_and_fallbacks(tmp_path):
    project = copy_site(tmp_path / "project")
    shutil.copy(FIXTURES / "english-only.md", project / "docs" / "en" / "english-only.md")
    site = load_site(project)
    docs = project / "docs"
    assert linkcheck.source_for(site, "") == linkcheck.Source(docs / "en" / "index.md", "en", "index.md", False)
    assert linkcheck.source_for(site, "nb/") == linkcheck.Source(docs / "nb" / "index.md", "nb", "index.md", False)
    assert linkcheck.source_for(site, f"nb/{ARTICLE}/") == linkcheck.Source(
        docs / "nb" / f"{ARTICLE}.md", "nb", f"{ARTICLE}.md", False)
    assert linkcheck.source_for(site, "ja/english-only/") == linkcheck.Source(
        docs / "en" / "english-only.md", "ja", "english-only.md", True)
    assert linkcheck.source_for(site, "nb/no-such-page/") is None
    assert linkcheck.source_for(site, "404.html") is None


def test_parse_csv_reads_linkcheckers_broken_rows():
    rows = linkcheck.parse_csv((FIXTURES / "linkchecker-out.csv").read_text(encoding="utf-8"))
    page = f"http://127.0.0.1:41999/nb/{ARTICLE}/"
    assert rows == [
        linkcheck.Broken(url="http://127.0.0.1:41999/nb/licenses/finnes-ikke/", written="../finnes-ikke/",
                         page=page, line=476, column=57, reason="404 Not Found", anchor=False),
        linkcheck.Broken(url="http://127.0.0.1:41999/nb/#finnes-ikke", written="../../#finnes-ikke",
                         page=page, line=476, column=12,
                         reason="Anchor `finnes-ikke' (decoded: `finnes-ikke') not found. Available anchors: "
                                "`__config', `__drawer', `__nav_3', `__nav_3_label', `__search', `__toc', "
                                "`lisenser', `microsoft-365-administratorhjelp'.",
                         anchor=True),
    ]


def test_the_server_marks_answers_for_linkchecker_and_serves_only_the_site(built_site):
    with linkcheck.serve(built_site, SITE_URL) as base:
        assert base.endswith("/m365/")
        with urllib.request.urlopen(base + "nb/") as response:
            assert response.headers["LinkChecker"] == "helpsite"
            page = response.read().decode("utf-8")
        assert 'rel="canonical" href="http://127.0.0.1:8000/nb/"' in page  # built for another site_url
        for outside in ("", "m365/../../etc/passwd", "m365/%2e%2e/%2e%2e/etc/passwd", "m365/nb/nothing/"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base.removesuffix("m365/") + outside)
            assert refused.value.code == 404
            assert refused.value.headers["LinkChecker"] == "helpsite"


def test_the_server_answers_site_url_in_html_with_its_own_address(built_site):
    with linkcheck.serve(built_site, "http://127.0.0.1:8000/") as base:
        with urllib.request.urlopen(base + "nb/") as response:
            page = response.read().decode("utf-8")
    assert f'rel="canonical" href="{base}nb/"' in page
    assert "127.0.0.1:8000" not in page


def test_parse_csv_refuses_output_without_the_columns_it_needs():
    with pytest.raises(linkcheck.LinkcheckError) as refused:
        linkcheck.parse_csv("urlname;parentname;result;valid\n")
    assert str(refused.value) == ("LinkChecker's CSV output lacks column, line, url, warningstring: "
                                  "keep [csv] parts of linkcheckerrc as it is in the repository")


def test_linkchecker_that_cannot_run_is_an_error_not_a_pass(tmp_path):
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=not-a-number\n", encoding="utf-8")
    with pytest.raises(linkcheck.LinkcheckError) as failed:
        linkcheck.run_linkchecker("http://127.0.0.1:9/", ["http://127.0.0.1:9/"], config)
    assert str(failed.value).startswith("LinkChecker failed (")


def test_the_strict_build_already_refuses_a_broken_relative_link_and_anchor(tmp_path):
    """mkdocs.yml's validation: the build names both before any link check runs."""
    project, _ = broken_project(tmp_path)
    built = mkdocs_build(project, tmp_path / "site", env=build_env(HELPSITE_LOCALE="nb"))
    assert built.returncode == 1
    page = "nb/licenses/transfer-licenses-between-tenants.md"
    assert (f"WARNING -  Doc file '{page}' contains an unrecognized relative link '../finnes-ikke/', "
            "it was left as is.") in built.stderr
    assert (f"WARNING -  Doc file '{page}' contains a link '../index.md#finnes-ikke', but the doc "
            "'nb/index.md' does not contain an anchor '#finnes-ikke'.") in built.stderr
