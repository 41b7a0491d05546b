"""helpsite.published.linkcheck: the built site's links, each broken one named once on what wrote it;
LinkChecker, the reference, finds the same."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, build_env, copy_site, mkdocs_build

from helpsite.cli import main
from helpsite.core.site import load_site
from helpsite.published import built_links, linkcheck

FIXTURES = Path(__file__).parent / "fixtures" / "linkcheck"
NB_ARTICLE = f"docs/nb/{ARTICLE}.md"
SITE_URL = "https://help.example.com/m365/"
PAGE = f"/m365/nb/{ARTICLE}/"
# Theme breakage put into the copy: a stylesheet mkdocs.yml names, a script a template links.
EXTRA_CSS = "assets/stylesheets/mangler.css"
TEMPLATE_SCRIPT = "assets/javascripts/borte.js"
# and an image a stylesheet of overrides/ names with url(), as the site's folder has it.
STYLESHEET = "overrides/assets/stylesheets/accessibility.css"
STYLESHEET_IMAGE = "assets/images/borte.svg"
# The fixture's expectation on each line: <!-- broken-link URL -->, <!-- broken-anchor URL --> or <!-- ok -->.
EXPECTED = re.compile(r"<!-- (?P<rule>broken-link|broken-anchor) (?P<url>\S+) -->")


def linkcheck_cli(project: Path, site_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "helpsite",
            "--root",
            str(project),
            "linkcheck",
            str(site_dir),
            "--config",
            str(ROOT / linkcheck.CONFIG_FILE),
            *args,
        ],
        capture_output=True,
        text=True,
        env=build_env(**env),
        timeout=600,
    )


def broken_project(folder: Path) -> tuple[Path, str]:
    """A copy of the site with every kind of broken link in the Norwegian article, an English page
    no locale has translated, and a broken stylesheet and script that the theme links on every
    page: (project, the article's original text)."""
    project = copy_site(folder / "project")
    article = project / NB_ARTICLE
    original = article.read_text(encoding="utf-8")
    article.write_text(
        original + (FIXTURES / "broken-kinds.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copy(FIXTURES / "english-only.md", project / "docs" / "en" / "english-only.md")
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write(f"extra_css:\n  - {EXTRA_CSS}\n")
    template = project / "overrides" / "main.html"
    marker = "{% block extrahead %}\n"
    script = f"  <script src=\"{{{{ '{TEMPLATE_SCRIPT}' | url }}}}\"></script>\n"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace(marker, marker + script), encoding="utf-8")
    with open(project / STYLESHEET, "a", encoding="utf-8") as stylesheet:
        stylesheet.write(
            '\n/* url(ikke-en-lenke.png) */\n.borte { background: url("../images/borte.svg"); }\n'
        )
    return project, original


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory) -> tuple[Path, str]:
    """The broken copy built for a site_url with a path on another host: (project, original)."""
    project, original = broken_project(tmp_path_factory.mktemp("broken"))
    # not --strict: MkDocs' own link validation would stop the build (test below)
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_SITE_URL=SITE_URL), strict=False)
    assert built.returncode == 0, built.stderr
    return project, original


@pytest.fixture(scope="module")
def checked(broken_build) -> tuple[int, list[dict]]:
    project, _ = broken_build
    result = linkcheck_cli(project, project / "site", "--format", "json", HELPSITE_SITE_URL=SITE_URL)
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def expected_in_article(original: str, page: str = PAGE, locale_folder: str = "/m365/nb/") -> list[dict]:
    """The fixture's own expectations, placed where the fixture's lines land in the article:
    the column is where the destination starts, after ``](`` or ``="``. With another
    ``locale_folder`` (a one-locale build at the root), links to the published site's address
    are external."""
    first_line = len(original.splitlines()) + 1
    expected = []
    for number, text in enumerate((FIXTURES / "broken-kinds.md").read_text(encoding="utf-8").splitlines()):
        wanted = EXPECTED.search(text)
        if not wanted:
            continue
        if locale_folder != "/m365/nb/" and SITE_URL in text:
            continue
        url = wanted["url"].replace("/m365/nb/", locale_folder, 1)
        if wanted["rule"] == "broken-link":
            message = f"link to {url} is broken: 404 Not Found (page {page})"
        else:
            target, anchor = url.split("#")
            message = f"anchor #{anchor} is not on {target} (page {page})"
        column = re.search(r"\]\(|=\"", text).end() + 1
        expected.append(
            {
                "path": NB_ARTICLE,
                "line": first_line + number,
                "column": column,
                "rule": wanted["rule"],
                "severity": "error",
                "message": message,
            }
        )
    return sorted(expected, key=lambda f: (f["line"], f["column"]))


def line_and_column(path: Path, needle: str) -> tuple[int, int]:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return number, text.index(needle) + 1
    raise AssertionError(f"{needle} not in {path}")


def test_the_real_site_has_no_broken_link_or_anchor(built_site, capsys):
    assert main(["--root", str(ROOT), "linkcheck", str(built_site)]) == 0
    assert capsys.readouterr().out == ""


def test_every_kind_of_broken_link_is_named_once_at_its_markdown_line(broken_build, checked):
    _, original = broken_build
    status, findings = checked
    assert status == 1
    assert [f for f in findings if f["path"] == NB_ARTICLE] == expected_in_article(original)


def test_a_fallback_page_is_named_once_on_the_english_file_with_the_locales_that_show_it(checked):
    _, findings = checked
    site = load_site(ROOT)
    line, column = line_and_column(FIXTURES / "english-only.md", "missing/")
    others = ", ".join(site.translation_locales)
    assert [f for f in findings if f["path"] == "docs/en/english-only.md"] == [
        {
            "path": "docs/en/english-only.md",
            "line": line,
            "column": column,
            "rule": "broken-link",
            "severity": "error",
            "message": "link to /m365/english-only/missing/ is broken: 404 Not Found (page /m365/english-only/; "
            f"shown in English in {others}, which have no translation)",
        }
    ]


def test_a_link_the_theme_makes_is_named_once_on_the_setting_or_template_that_makes_it(broken_build, checked):
    project, _ = broken_build
    _, findings = checked
    pages = sorted(p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("*.html"))
    for path, needle in (("mkdocs.yml", EXTRA_CSS), ("overrides/main.html", TEMPLATE_SCRIPT)):
        line, column = line_and_column(project / path, needle)
        html_line, _ = line_and_column(project / "site" / pages[0], needle)
        assert [f for f in findings if f["path"] == path] == [
            {
                "path": path,
                "line": line,
                "column": column,
                "rule": "broken-link",
                "severity": "error",
                "message": f"link to /m365/{needle} is broken: 404 Not Found (made by the theme from this line: "
                f"page /m365/{pages[0]}, HTML line {html_line}, and {len(pages) - 1:,} other pages)",
            }
        ]


def test_a_stylesheets_url_is_named_on_its_line_of_the_stylesheet_in_overrides(broken_build, checked):
    project, _ = broken_build
    _, findings = checked
    line, column = line_and_column(project / STYLESHEET, "../images/borte.svg")
    served = STYLESHEET.removeprefix("overrides/")
    assert (project / "site" / served).read_text(encoding="utf-8").splitlines()[line - 1].count(
        "borte.svg"
    ) == 1
    assert [f for f in findings if f["path"] == STYLESHEET] == [
        {
            "path": STYLESHEET,
            "line": line,
            "column": column,
            "rule": "broken-link",
            "severity": "error",
            "message": f"link to /m365/{STYLESHEET_IMAGE} is broken: 404 Not Found (made by the theme from this "
            f"line: page /m365/{served}, CSS line {line})",
        }
    ]


def test_nothing_else_is_reported(checked):
    _, findings = checked
    assert {f["path"] for f in findings} == {
        NB_ARTICLE,
        "docs/en/english-only.md",
        "mkdocs.yml",
        "overrides/main.html",
        STYLESHEET,
    }


def test_linkchecker_the_reference_finds_the_same_broken_urls_and_findings(
    broken_build, checked, monkeypatch
):
    project, _ = broken_build
    monkeypatch.setenv("HELPSITE_SITE_URL", SITE_URL)
    site = load_site(project)
    config = ROOT / linkcheck.CONFIG_FILE
    crawled = linkcheck.crawl(project / "site", SITE_URL, config)
    scanned = built_links.scan(project / "site", SITE_URL).broken
    # LinkChecker checks each URL once (so reports a theme link broken on every page on one),
    # but reads the article again as linked with ?utgave=2 and reports the links to its own
    # anchors a second time, in that URL; told on the Markdown, each is still one finding.
    crawled_urls, scanned_urls = {b.link.url for b in crawled}, {b.link.url for b in scanned}
    again = crawled_urls - scanned_urls
    assert scanned_urls <= crawled_urls
    assert {url.replace(f"{PAGE}?utgave=2#", f"{PAGE}#") for url in again} == {
        f"https://help.example.com{PAGE}#{anchor}" for anchor in ("ingen-overskrift", "description", "query")
    }
    _, findings = checked
    reference = linkcheck.Report(site, project / "site").findings(crawled)
    assert [(f.path, f.line, f.column, f.rule) for f in reference] == [
        (f["path"], f["line"], f["column"], f["rule"]) for f in findings
    ]


def test_a_one_locale_build_is_mapped_to_that_locale(tmp_path):
    project, original = broken_project(tmp_path)
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_LOCALE="nb"), strict=False)
    assert built.returncode == 0, built.stderr
    result = linkcheck_cli(project, project / "site", "--format", "json", HELPSITE_LOCALE="nb")
    assert result.returncode == 1, result.stderr
    findings = [f for f in json.loads(result.stdout) if f["path"] == NB_ARTICLE]
    assert findings == expected_in_article(original, f"/{ARTICLE}/", "/")


def test_an_unreadable_page_is_a_finding_not_a_crash(built_site, tmp_path):
    site_dir = tmp_path / "site"
    shutil.copytree(built_site, site_dir)
    (site_dir / "nb" / ARTICLE / "index.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = linkcheck_cli(ROOT, site_dir)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"{NB_ARTICLE}:1:1: error unreadable-page: page /nb/{ARTICLE}/ was not checked: "
        "not text: a NUL byte at byte 8\n"
    )


def test_external_links_are_checked_only_when_asked_and_never_on_allowed_hosts(tmp_path):
    project = copy_site(tmp_path / "project")
    site_dir = FIXTURES / "external-site"
    assert linkcheck_cli(project, site_dir).returncode == 0
    checked = linkcheck_cli(project, site_dir, "--check-extern")
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "docs/en/index.md:1:1: error broken-link: link to http://localhost:9/gone is broken: ConnectionError"
    )
    assert checked.stdout.endswith(
        "(page /, HTML line 4: not written in the Markdown, mkdocs.yml or overrides/)\n"
    )
    (project / linkcheck.ALLOW_FILE).write_text("# blocks robots\nlocalhost\n", encoding="utf-8")
    allowed = linkcheck_cli(project, site_dir, "--check-extern")
    assert (allowed.returncode, allowed.stdout) == (0, "")


def test_a_page_that_tells_robots_nofollow_still_has_its_links_checked_by_both(tmp_path):
    project = copy_site(tmp_path / "project")
    expected = (
        "docs/en/index.md:1:1: error broken-link: link to /lisenser/ is broken: 404 Not Found "
        "(page /, HTML line 6: not written in the Markdown, mkdocs.yml or overrides/)\n"
    )
    for engine in ((), ("--reference",)):
        result = linkcheck_cli(project, FIXTURES / "nofollow-site", *engine)
        assert (result.returncode, result.stdout) == (1, expected)


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda folder: folder / "missing", "{folder}: no such folder; run `mkdocs build` first"),
        (lambda folder: folder, "{folder}: the folder is empty, not a built site; run `mkdocs build` first"),
        (
            lambda folder: (folder / "notes.txt").write_text("x") and folder,
            "{folder}: not a built site (no index.html); run `mkdocs build` first",
        ),
        (
            lambda folder: (folder / "index.html").write_text("<p>a page</p>") and folder,
            '{folder}/index.html: not a MkDocs build (no <meta name="generator" content="mkdocs-..."> in it); '
            "run `mkdocs build` first",
        ),
    ],
)
def test_a_folder_that_is_not_a_built_site_is_a_usage_error(tmp_path, make, problem):
    folder = make(tmp_path)
    result = linkcheck_cli(ROOT, folder)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == problem.format(folder=folder) + "\n"


# ----------------------------------------------------------------------------
# Pieces
# ----------------------------------------------------------------------------


def test_source_for_maps_page_urls_to_markdown_and_fallbacks(tmp_path):
    project = copy_site(tmp_path / "project")
    shutil.copy(FIXTURES / "english-only.md", project / "docs" / "en" / "english-only.md")
    site = load_site(project)
    docs = project / "docs"
    assert linkcheck.source_for(site, "") == linkcheck.Source(
        docs / "en" / "index.md", "en", "index.md", False
    )
    assert linkcheck.source_for(site, "nb/") == linkcheck.Source(
        docs / "nb" / "index.md", "nb", "index.md", False
    )
    assert linkcheck.source_for(site, f"nb/{ARTICLE}/") == linkcheck.Source(
        docs / "nb" / f"{ARTICLE}.md", "nb", f"{ARTICLE}.md", False
    )
    assert linkcheck.source_for(site, "ja/english-only/") == linkcheck.Source(
        docs / "en" / "english-only.md", "ja", "english-only.md", True
    )
    assert linkcheck.source_for(site, "nb/no-such-page/") is None
    assert linkcheck.source_for(site, "404.html") is None


def test_parse_csv_reads_linkcheckers_broken_rows():
    rows = linkcheck.parse_csv((FIXTURES / "linkchecker-out.csv").read_text(encoding="utf-8"))
    page = f"http://127.0.0.1:41999/nb/{ARTICLE}/"
    assert rows == [
        linkcheck.Row(
            url="http://127.0.0.1:41999/nb/licenses/finnes-ikke/",
            written="../finnes-ikke/",
            page=page,
            line=476,
            column=57,
            reason="404 Not Found",
            anchor=False,
        ),
        linkcheck.Row(
            url="http://127.0.0.1:41999/nb/#finnes-ikke",
            written="../../#finnes-ikke",
            page=page,
            line=476,
            column=12,
            reason="Anchor `finnes-ikke' (decoded: `finnes-ikke') not found. Available anchors: "
            "`__config', `__drawer', `__nav_3', `__nav_3_label', `__search', `__toc', "
            "`lisenser', `microsoft-365-administratorhjelp'.",
            anchor=True,
        ),
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
    assert str(refused.value) == (
        "LinkChecker's CSV output lacks column, line, url, warningstring: "
        "keep [csv] parts of linkcheckerrc as it is in the repository"
    )


def test_linkchecker_that_cannot_run_is_an_error_not_a_pass(tmp_path):
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=not-a-number\n", encoding="utf-8")
    with pytest.raises(linkcheck.LinkcheckError) as failed:
        linkcheck.run_linkchecker(["http://127.0.0.1:9/"], config)
    assert str(failed.value).startswith("LinkChecker failed (")


def test_the_strict_build_already_refuses_a_broken_relative_link_and_anchor(tmp_path):
    """mkdocs.yml's validation and the page check: the build names both before any link check
    runs, a broken #anchor once (the page check's, at its line; MkDocs' own is INFO)."""
    project, original = broken_project(tmp_path)
    built = mkdocs_build(project, tmp_path / "site", env=build_env(HELPSITE_LOCALE="nb"))
    assert built.returncode == 1
    page = "nb/licenses/transfer-licenses-between-tenants.md"
    assert (
        f"WARNING -  Doc file '{page}' contains an unrecognized relative link '../finnes-ikke/', "
        "it was left as is."
    ) in built.stderr
    line = len(original.splitlines()) + 5  # the fixture's fifth line
    assert (
        f"WARNING -  {page}:{line}:3: link-to-missing-anchor: link to ../index.md#finnes-ikke: "
        "docs/nb/index.md has no anchor #finnes-ikke"
    ) in built.stderr
    assert (
        f"INFO    -  Doc file '{page}' contains a link '../index.md#finnes-ikke', but the doc "
        "'nb/index.md' does not contain an anchor '#finnes-ikke'."
    ) in built.stderr


def test_linkchecker_has_its_plugins_listed_before_it_drops_root():
    # Run as root, LinkChecker lists its plugins as the user nobody, who may not read a 0700
    # checkout: without them it checks no anchor. helpsite.published.linkchecker_run lists them first.
    from linkcheck import plugins

    from helpsite.published import linkchecker_run

    listed = {plugin.__name__ for plugin in plugins.get_plugin_classes(linkchecker_run._PLUGINS)}
    assert "AnchorCheck" in listed
    assert plugins.get_plugin_modules is linkchecker_run._plugin_modules
