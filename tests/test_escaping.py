"""Every text reaches the reader as text (helpsite/published/escaping.py, issue 28), in a real browser.

A copy of the site gets a payload in every field that reaches a page: front matter (title,
description, author), mkdocs.yml (site_name, site_description, a locale's site_name, copyright
and nav_translations) and the reader's strings (the copy's strings/de.yaml
changed). It is built without hosting/ (so its pages carry no policy either), served from a
plain static server on 127.0.0.1 that sends no Content-Security-Policy, and every page (and a missing URL per locale, and a search) is opened
in Chromium. Each payload calls ``pwned(name)``, a function the page is given: not one call is
allowed, and each payload is read back as the text it was, or named as a finding.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_site, mkdocs_build
from markupsafe import escape

from benchmarks.serving import SiteServer
from helpsite import cli
from helpsite.core.site import markup_settings
from helpsite.published import escaping

# field -> payload; each calls pwned() with the field's name if it ever runs
TITLE = 'Licenses <script>pwned("en title")</script>'
DESCRIPTION = 'x"><script>pwned("en description")</script>'
AUTHOR = "x\"><img src=x onerror=pwned('en author')>"
NB_TITLE = '<img src=x onerror=pwned("nb title")>'
SITE_NAME = 'Help <script>pwned("site_name")</script>'
SITE_DESCRIPTION = '"><script>pwned("site_description")</script>'
NB_SITE_NAME = "<img src=x onerror=pwned('nb site_name')>"
DA_COPYRIGHT = "<img src=x onerror=pwned('da copyright')> © Microsoft"
SV_NAV = '<svg onload=pwned("sv nav_translations")>'
FI_COPYRIGHT = '<a href="javascript:pwned(1)">CC BY 4.0</a>'
DE_STRINGS = {
    "fallback": '<img src=x onerror=pwned("de fallback")>',
    "not_found_title": '<script>pwned("de not_found_title")</script>',
    "last_updated": "<b onmouseover=pwned('de last_updated')>Updated</b>",
    "made_with": '<img src=x onerror=pwned("de made_with")> {generator}',
}
# headings whose text is markup written as text (character references): Python-Markdown's HTML
H1_TEXT = 'Hostile <img src=x onerror=pwned("en h1")> fields'
H2_TEXT = '<script>pwned("en h2")</script> steps'
HEADING_TITLE = 'Title from <img src=x onerror=pwned("h1 title")> the H1'
EN_BODY = f"# {escape(H1_TEXT)}\n\nA page whose fields are hostile.\n\n## {escape(H2_TEXT)}\n\nSteps.\n"
HEADING_BODY = f"# {escape(HEADING_TITLE)}\n\nA hostile page whose title is its H1.\n"
NB_BODY = "# Fiendtlige felt\n\nEn side med fiendtlige felt.\n"
LOCALES_SHOWN = ("en", "nb", "da", "sv", "fi", "de")


def hostile_config(text: str) -> str:
    """mkdocs.yml with the payloads in its settings (edited as YAML text: the file's other tags stay)."""
    # the site-wide name and the source locale's (mkdocs-static-i18n's, which wins)
    text = text.replace("site_name: Microsoft 365 admin help", f"site_name: {_quoted(SITE_NAME)}")
    text = re.sub(r"site_description: .*", f"site_description: {_quoted(SITE_DESCRIPTION)}", text, count=1)
    text = text.replace("site_name: Microsoft 365-administratorhjelp", f"site_name: {_quoted(NB_SITE_NAME)}")
    text = text.replace(
        "copyright: Artikelindhold © Microsoft, CC BY 4.0", f"copyright: {_quoted(DA_COPYRIGHT)}"
    )
    text = text.replace(
        "copyright: Artikkelien sisältö © Microsoft, CC BY 4.0", f"copyright: {_quoted(FI_COPYRIGHT)}"
    )
    return text.replace(
        "            Licenses: Licenser\n        - locale: fi",
        f"            Licenses: {_quoted(SV_NAV)}\n        - locale: fi",
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _article(locale: str, fields: dict[str, str | None], body: str) -> str:
    """The article's front matter in ``locale`` with ``fields`` replaced (None: left out), and ``body``."""
    source = (ROOT / "docs" / locale / "licenses" / "transfer-licenses-between-tenants.md").read_text()
    head = source.split("\n---\n", 1)[0]
    for name, value in fields.items():
        line = "" if value is None else f"\n{name}: {_quoted(value)}"
        head = re.sub(rf"\n{re.escape(name)}: .*", lambda _, line=line: line, head, count=1)
    return head + "\n---\n" + body


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, str, Path]:
    """The hostile site built (without --strict: its copyright findings are errors): (site, log,
    project)."""
    project = copy_site(tmp_path_factory.mktemp("hostile") / "project")
    shutil.rmtree(project / "hosting")  # no policy in the pages either: the escaping alone is tested
    config = project / "mkdocs.yml"
    config.write_text(hostile_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    licenses = project / "docs" / "{}" / "licenses" / "hostile-fields.md"
    Path(str(licenses).format("en")).write_text(
        _article("en", {"title": TITLE, "description": DESCRIPTION, "author": AUTHOR}, EN_BODY),
        encoding="utf-8",
    )
    heading = _article("en", {"title": None}, HEADING_BODY)
    (project / "docs" / "en" / "licenses" / "hostile-heading.md").write_text(heading, encoding="utf-8")
    Path(str(licenses).format("nb")).write_text(
        _article("nb", {"title": NB_TITLE}, NB_BODY), encoding="utf-8"
    )
    # the reader's strings are the site's: de's changed in the copy's strings/de.yaml
    strings_file = project / "strings" / "de.yaml"
    strings = yaml.safe_load(strings_file.read_text(encoding="utf-8"))
    strings.update(DE_STRINGS)
    strings_file.write_text(yaml.safe_dump(strings, allow_unicode=True), encoding="utf-8")
    site = project / "site"
    result = mkdocs_build(project, site, strict=False)
    assert result.returncode == 0, result.stderr
    return site, result.stderr, project


def test_the_copyright_settings_that_run_code_are_findings_at_their_line(hostile):
    _, log, project = hostile
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    da = next(n for n, line in enumerate(lines, 1) if "copyright" in line and "da copyright" in line)
    fi = next(n for n, line in enumerate(lines, 1) if "copyright" in line and "javascript:" in line)
    warnings = [line for line in log.splitlines() if "unsafe-html" in line]
    assert warnings == [
        f"WARNING -  mkdocs.yml:{da}:22: unsafe-html: plugins.i18n.languages[da].copyright holds "
        "<img onerror=...>, which runs script: remove it",
        f"WARNING -  mkdocs.yml:{fi}:22: unsafe-html: plugins.i18n.languages[fi].copyright holds "
        '<a href="javascript:pwned(1)">, a URL that runs script: remove it',
    ]


def test_check_names_the_same_settings(hostile, capsys):
    project = hostile[2]
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    da, fi = (n for n, line in enumerate(lines, 1) if "copyright" in line and "pwned" in line)
    assert cli.main(["--root", str(project), "check", str(project / "mkdocs.yml")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"mkdocs.yml:{da}:22: error unsafe-html: plugins.i18n.languages[da].copyright holds "
        "<img onerror=...>, which runs script: remove it",
        f"mkdocs.yml:{fi}:22: error unsafe-html: plugins.i18n.languages[fi].copyright holds "
        '<a href="javascript:pwned(1)">, a URL that runs script: remove it',
    ]
    # the settings read with their places: the site-wide copyright, then each locale's
    assert [(s.key, s.line) for s in markup_settings(project)][:2] == [
        ("copyright", 7),
        (
            "plugins.i18n.languages[nb].copyright",
            lines.index("          copyright: Artikkelinnhold © Microsoft, CC BY 4.0") + 1,
        ),
    ]
    assert cli.main(["--root", str(ROOT), "check", str(ROOT / "mkdocs.yml")]) == 0


@pytest.fixture(scope="module")
def plain_host(hostile):
    """The hostile build on a static server that sends no Content-Security-Policy."""
    server = SiteServer(hostile[0])
    try:
        yield server.url
    finally:
        server.stop()


def _visit(browser, url: str, actions=None) -> tuple[list[str], dict]:
    """Open ``url`` in a fresh context; the pwned() calls it made and what ``actions`` returned."""
    calls: list[str] = []
    context = browser.new_context()
    origin = "/".join(url.split("/")[:3]) + "/"
    context.route(lambda target: not target.startswith(origin), lambda route: route.abort())
    context.expose_function("pwned", lambda name: calls.append(str(name)))
    page = context.new_page()
    try:
        response = page.goto(url)
        assert "content-security-policy" not in response.headers
        found = actions(page) if actions else {}
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return calls, found


def test_no_payload_runs_on_any_page(browser, hostile, plain_host):
    site = hostile[0]
    pages = sorted(str(path.relative_to(site).parent) for path in site.rglob("index.html"))
    urls = [plain_host + ("" if page == "." else page + "/") for page in pages]
    urls += [
        plain_host + ("" if locale == "en" else f"{locale}/") + "no-such-page/" for locale in LOCALES_SHOWN
    ]
    assert len(urls) >= 30
    assert "Content-Security-Policy" not in (site / "index.html").read_text(encoding="utf-8")
    ran = {url: calls for url in urls if (calls := _visit(browser, url)[0])}
    assert ran == {}


# What a reader sees of each field (None where the page has no such element).
_READ_TEXTS = """() => {
  const text = selector => document.querySelector(selector)?.innerText.trim() ?? null;
  const attribute = (selector, name) => document.querySelector(selector)?.getAttribute(name) ?? null;
  return {
    title: document.title,
    description: attribute("meta[name=description]", "content"),
    author: attribute("meta[name=author]", "content"),
    header: text(".md-header__topic .md-ellipsis"),
    copyright: text(".md-copyright__highlight"),
    nav: [...document.querySelectorAll(".md-nav--primary > .md-nav__list > li > a")].map(a => a.innerText.trim()),
    notices: [...document.querySelectorAll(".helpsite-notice")].map(n => n.innerText.trim()),
    footer: text(".md-copyright"),
    h1: text("article h1"),
    toc: [...document.querySelectorAll(".md-nav--secondary .md-nav__link")].map(a => a.innerText.trim()),
  };
}"""


def _texts(page) -> dict:
    return page.evaluate(_READ_TEXTS)


@pytest.mark.parametrize(
    "path, expected",
    [
        (
            "licenses/hostile-fields/",
            {
                "title": f"{TITLE} - {SITE_NAME}",
                "description": DESCRIPTION,
                "author": AUTHOR,
                "header": SITE_NAME,
            },
        ),
        ("licenses/hostile-heading/", {"title": f"{HEADING_TITLE} - {SITE_NAME}", "h1": HEADING_TITLE + "¶"}),
        ("nb/licenses/hostile-fields/", {"title": f"{NB_TITLE} - {NB_SITE_NAME}", "header": NB_SITE_NAME}),
        ("da/", {"copyright": DA_COPYRIGHT}),
        ("da/no-such-page/", {"copyright": DA_COPYRIGHT, "description": SITE_DESCRIPTION}),
        ("fi/", {"copyright": FI_COPYRIGHT}),
        # the home page, then the Licenses section's one link (navigation.prune): sv's own article
        # and the English fallbacks are one section (helpsite/published/navigation.py)
        ("sv/", {"nav": ["Hjälp för Microsoft 365-administratörer", SV_NAV]}),
        ("de/licenses/hostile-fields/", {"title": f"{TITLE} - Microsoft 365-Administratorhilfe"}),
        ("de/no-such-page/", {"h1": DE_STRINGS["not_found_title"]}),
    ],
)
def test_each_payload_is_shown_as_the_text_it_was(browser, plain_host, path, expected):
    calls, texts = _visit(browser, plain_host + path, _texts)
    assert calls == []
    assert {key: texts[key] for key in expected} == expected


def test_the_reader_strings_are_text(browser, plain_host):
    calls, texts = _visit(browser, plain_host + "de/licenses/hostile-fields/", _texts)
    assert calls == []
    assert texts["notices"][0].startswith(DE_STRINGS["fallback"])
    assert texts["footer"].endswith(DE_STRINGS["made_with"].replace("{generator}", "Material for MkDocs"))


def test_search_shows_the_hostile_title_as_text(browser, plain_host):
    def search(page):
        page.click("input[name='query']")
        page.keyboard.type("hostile")  # both pages: their titles as Pagefind gives them (text)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        return {"results": page.locator(".md-search-result__item").all_inner_texts()}

    calls, found = _visit(browser, plain_host, search)
    assert calls == []
    titles = sorted(result.split("\n")[0] for result in found["results"])
    assert titles == [H1_TEXT, HEADING_TITLE], found


@pytest.mark.parametrize(
    "value, shown",
    [
        ('Content © <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>', "markup"),
        ("Content © Microsoft, CC BY 4.0", "markup"),
        ("<script>x()</script>", "text"),
        ('<a href=" JaVaScRiPt:x()">x</a>', "text"),
        ("<span onclick=x()>x</span>", "text"),
    ],
)
def test_a_copyright_is_markup_only_when_it_runs_nothing(value, shown):
    result = escaping.markup_setting(value)
    assert str(result) == (value if shown == "markup" else str(escape(value)))


@pytest.mark.parametrize(
    "meta, rendered, title, expected",
    [
        ("R&D <b>", None, "R&D <b>", "R&amp;D &lt;b&gt;"),  # the front matter's: text
        (None, "R&amp;D", "R&amp;D", "R&amp;D"),  # Python-Markdown's HTML text of the H1
        (None, None, "Hostile <fields>", "Hostile &lt;fields&gt;"),  # a file's name
    ],
)
def test_a_page_title_is_html_whatever_its_source(meta, rendered, title, expected):
    assert str(escaping.page_title(meta, rendered, title)) == expected
