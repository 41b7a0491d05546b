"""helpsite.linting.link_graph: anchors as the build writes them, internal links checked from the source,
and the graph a preview keeps between saves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, build_env, copy_site, mkdocs_build, page_file, parse_html

from benchmarks import synthetic
from helpsite.core.site import load_site
from helpsite.linting import checks, link_graph, rules
from helpsite.linting.link_graph import LinkGraph
from helpsite.text import markdown

FIXTURES = ROOT / "tests" / "fixtures" / "link_graph"
EVERY_HEADING = FIXTURES / "every-heading.md"
FRONT = rules.EXAMPLE_FRONT_MATTER


def built_ids(html_file: Path) -> set[str]:
    """The ids a browser can scroll to in the page's content, read from the built HTML."""
    (article,) = parse_html(html_file).xpath("//article")
    return set(article.xpath(".//@id")) | set(article.xpath(".//a/@name"))


def built_file(site_dir: Path, locale: str, page_path: str) -> Path:
    path = page_path.removesuffix(".md")
    return page_file(site_dir, locale, "" if path == "index" else path.removesuffix("/index"))


def body_of(path: Path, site) -> str:
    return link_graph._source(path, site).body


def engine_ids(body: str, site) -> frozenset[str]:
    reader = link_graph._IdReader()
    reader.feed(markdown.render(body, site))
    return frozenset(reader.ids)


# ----------------------------------------------------------------------------
# Anchors
# ----------------------------------------------------------------------------


def test_the_anchors_of_every_page_of_the_site_are_the_ids_of_its_built_page(built_site):
    site = load_site(ROOT)
    compared = 0
    for locale in site.locales:
        for page_path in site.pages(locale):
            computed = link_graph.anchors_of_file(site.file_for(locale, page_path), site)
            assert computed == built_ids(built_file(built_site, locale, page_path)), f"{locale}/{page_path}"
            compared += 1
    assert compared == len(list((ROOT / "docs").rglob("*.md")))  # every page of every locale


def test_the_anchors_of_every_kind_of_heading_are_the_ids_of_the_built_page(tmp_path):
    project = copy_site(tmp_path / "project")
    shutil.copy(EVERY_HEADING, project / "docs" / "en" / "licenses" / "every-heading.md")
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_LOCALE="en"))
    assert built.returncode == 0, built.stderr
    ids = built_ids(built_file(project / "site", "en", "licenses/every-heading.md"))
    # written out by hand from the fixture: the build's ids must be these, and so must ours
    assert ids == {
        "every-kind-of-heading",  # a legacy <a name> anchor
        "plain-heading",
        "plain-heading_1",  # repeated
        "plain-heading_2",  # 'Plain heading_1', taken already
        "heading-with-bold-code--an-inner-link",
        "överföra-licenser-mellan-klientorganisationer",
        "ライセンスの移行",
        "custom-id",  # { #custom-id }
        "closing-hashes",
        "c",  # 'C#': a closing '#' is no text
        "setext-heading",
        "single-quoted",
        "by-id",
        "spaced-out-heading",
        "_1",  # an empty heading
        "raw-div",
        "inside-a-markdown-block",
        "raw-name",
        "paragraph-id",
        "heading-in-a-list",
        "heading-in-a-quote",
        "heading-in-an-admonition",
    }
    site = load_site(project)
    assert link_graph.anchors_of_file(project / "docs" / "en" / "licenses" / "every-heading.md", site) == ids


def plain_pages(site_root: Path) -> list[Path]:
    return sorted((site_root / "docs").rglob("*.md"))


def test_the_reading_of_plain_headings_agrees_with_the_engine(tmp_path):
    """On the site, on generated pages (all of them read without the engine) and on the
    fixture's headings one by one, with and without a blank line before."""
    site = load_site(ROOT)
    docs = tmp_path / "docs"
    synthetic.generate(docs, 40, site.locales[:3], seed=3)
    bodies = [body_of(path, site) for path in [*plain_pages(ROOT), *sorted(docs.rglob("*.md"))]]
    headings = [
        line for line in body_of(EVERY_HEADING, site).split("\n") if line.lstrip(" >-").startswith("#")
    ]
    bodies += [f"Text\n\n{line}\n\nMore\n" for line in headings] + [f"Text\n{line}\n" for line in headings]
    read = 0
    for body in bodies:
        plain = link_graph.plain_heading_ids(body, site)
        if plain is not None:
            assert plain == engine_ids(body, site), body[:200]
            read += 1
    generated = len(list(docs.rglob("*.md")))
    assert read >= generated + len(plain_pages(ROOT))


def test_the_reading_of_plain_headings_agrees_with_the_engine_on_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus of Microsoft Learn pages is not here ({CORPUS})")
    site = load_site(ROOT)
    read = 0
    for path in sorted(CORPUS.rglob("*.md")):
        body = body_of(path, site)
        plain = link_graph.plain_heading_ids(body, site)
        if plain is not None:
            assert plain == engine_ids(body, site), path
            read += 1
    assert read > 0


def scanned_and_parsed(body: str, site) -> tuple[set[str], bool, set[str]]:
    """(targets the scan reads, whether it is sure, hrefs of the internal links the engine makes)."""
    targets, sure = link_graph.link_candidates(body)
    parsed = {
        link.href
        for link in markdown.parse(body, 1, site, full=True).links
        if link_graph.internal_link(link.href, "a/page.md") is not None
    }
    return {target for target, _ in targets}, sure, parsed


SCANNED = [  # (body, the internal links the engine makes of it)
    (
        '[a](x.md) [b]( <y z.md> "title") ![c](d.md#e) [d][r]\n\n[r]: ref.md#s\n',
        {"x.md", "y z.md", "ref.md#s"},  # an image is no link
    ),
    ('<a href="raw.md#x">raw</a> <A HREF=upper.md>up</A>\n', {"raw.md#x", "upper.md"}),
    ("`[code](in-code.md)`\n\n    [indented](code.md)\n", set()),  # code: listed by the scan all the same
]
UNSURE = [
    "[a](x\\_y.md)\n",  # an escape
    "[a](x&#46;md)\n",  # a character reference
    "[a](x(1).md)\n",  # parentheses
    "[a](my page.md)\n",  # white space
    "> [r]:\n> ref.md\n\n[a][r]\n",  # a definition in a quote
    '<a href = "x.md" title="the href attribute">x</a> and an href in text\n',
]


@pytest.mark.parametrize(("body", "links"), SCANNED)
def test_the_scan_reads_every_internal_link_the_engine_makes(body, links):
    scanned, sure, parsed = scanned_and_parsed(body, load_site(ROOT))
    assert sure and parsed == links and parsed <= scanned


@pytest.mark.parametrize("body", UNSURE)
def test_the_scan_says_when_it_cannot_be_sure(body):
    assert link_graph.link_candidates(body)[1] is False


def test_where_the_scan_is_sure_it_misses_no_link_of_the_site_or_generated_pages(tmp_path):
    site = load_site(ROOT)
    synthetic.generate(tmp_path / "docs", 40, site.locales[:2], seed=5)
    sure_pages = 0
    for path in [*plain_pages(ROOT), *sorted((tmp_path / "docs").rglob("*.md"))]:
        scanned, sure, parsed = scanned_and_parsed(body_of(path, site), site)
        if sure:
            assert parsed <= scanned, path
            sure_pages += 1
    assert sure_pages == len(plain_pages(ROOT)) + len(list((tmp_path / "docs").rglob("*.md")))


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------


def write(project: Path, path: str, body: str, locale: str | None = None) -> Path:
    target = project / "docs" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(FRONT[locale or path.split("/")[0]] + body, encoding="utf-8")
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    """A site with the real mkdocs.yml: an English page with anchors, a page only English has."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    write(tmp_path, "en/a/target.md", '# Target\n\n## Next steps\n\n## <a name="legacy"></a>Legacy\n')
    write(tmp_path, "nb/a/target.md", "# Mål\n\n## Neste trinn\n")
    write(tmp_path, "en/a/only-en.md", "# Only English\n\n## Before you begin\n")
    write(tmp_path, "nb/a/only-nb.md", "# Bare norsk\n")
    return tmp_path


def found(project: Path, *paths: str) -> list[tuple]:
    site = load_site(project)
    findings = checks.check_paths([project / "docs" / path for path in paths], site)
    return [(f.path, f.line, f.column, f.rule, f.message, f.suggestion) for f in findings]


LINE = len(FRONT["nb"].splitlines()) + 1  # the body's first line in a Norwegian page


def test_broken_links_are_found_at_their_line_and_column_with_the_nearest_anchor(project):
    write(
        project,
        "nb/a/page.md",
        "# Side\n\n"
        "Se [mål](target.md#neste-trin), [engelsk](only-en.md#before-you-begin),\n"
        "[borte](only-no.md), [her](#sid) og [ut](../../x.md).\n",
    )
    assert found(project, "nb/a/page.md") == [
        (
            "docs/nb/a/page.md",
            LINE + 2,
            4,
            "link-to-missing-anchor",
            "link to target.md#neste-trin: docs/nb/a/target.md has no anchor #neste-trin; "
            "the nearest is #neste-trinn",
            "#neste-trinn",
        ),
        (
            "docs/nb/a/page.md",
            LINE + 3,
            1,
            "link-to-missing-page",
            "link to only-no.md: a/only-no.md is no page in nb or en; the nearest is only-nb.md",
            "only-nb.md",
        ),
        (
            "docs/nb/a/page.md",
            LINE + 3,
            22,
            "link-to-missing-anchor",
            "link to #sid: this page has no anchor #sid; the nearest is #side",
            "#side",
        ),
        (
            "docs/nb/a/page.md",
            LINE + 3,
            37,
            "link-to-missing-page",
            "link to ../../x.md leads out of the nb folder, where no page is",
            None,
        ),
    ]


def test_a_page_only_another_translation_has_is_missing_and_named(project):
    write(project, "en/a/page.md", "# Page\n\nSee [Norwegian](only-nb.md) and [legacy](target.md#legacy).\n")
    line = len(FRONT["en"].splitlines()) + 3
    assert found(project, "en/a/page.md") == [
        (
            "docs/en/a/page.md",
            line,
            5,
            "link-to-missing-page",
            "link to only-nb.md: a/only-nb.md is no page in en (only in nb); the nearest is only-en.md",
            "only-en.md",
        )
    ]


def test_links_the_scan_cannot_be_sure_of_are_parsed(project):
    """Escapes, references, raw HTML and code: the parse decides what is a link."""
    write(
        project,
        "nb/a/page.md",
        "# Side\n\n"
        '[escaped](only\\-en.md#x) [reference][r] <a href="target.md#nope">raw</a>\n'
        "`[code](gone.md)`\n\n"
        "[r]: target.md#neste-trinn-x\n",
    )
    assert [(line - LINE, column, rule) for _, line, column, rule, *_ in found(project, "nb/a/page.md")] == [
        (2, 1, "link-to-missing-anchor"),
        (2, 26, "link-to-missing-anchor"),
        (2, 41, "link-to-missing-anchor"),
    ]


def test_a_comment_silences_one_link(project):
    write(
        project,
        "nb/a/page.md",
        "# Side\n\n<!-- helpsite-disable-next-line link-to-missing-page -->\n[borte](gone.md)\n\n[borte](gone.md)\n",
    )
    assert [(line - LINE, rule) for _, line, _, rule, *_ in found(project, "nb/a/page.md")] == [
        (5, "link-to-missing-page")
    ]


def test_working_links_give_nothing_and_each_target_is_read_once(project, monkeypatch):
    read = []
    original = link_graph._body
    monkeypatch.setattr(link_graph, "_body", lambda path: read.append(path) or original(path))
    for name in ("one", "two"):
        write(
            project,
            f"nb/a/{name}.md",
            "# Side\n\n[a](target.md#neste-trinn) [b](only-en.md#before-you-begin)\n",
        )
    assert found(project, "nb/a/one.md", "nb/a/two.md") == []
    assert sorted(Path(path).relative_to(project / "docs").as_posix() for path in read) == [
        "en/a/only-en.md",
        "nb/a/target.md",
    ]


def test_a_changed_target_is_read_again(project):
    write(project, "nb/a/page.md", "# Side\n\n[a](target.md#nytt)\n")
    assert [f[3] for f in found(project, "nb/a/page.md")] == ["link-to-missing-anchor"]
    write(project, "nb/a/target.md", "# Mål\n\n## Nytt og mer\n\n## Nytt\n")
    assert found(project, "nb/a/page.md") == []


# ----------------------------------------------------------------------------
# The graph a preview keeps
# ----------------------------------------------------------------------------


def test_the_graph_answers_which_pages_a_save_may_change(project):
    docs = project / "docs"
    links_en = write(project, "en/a/links.md", "# Links\n\n[a](target.md#next-steps) [b](other.md)\n")
    links_nb = write(project, "nb/a/links.md", "# Lenker\n\n[a](target.md#neste-trinn) [b](only-en.md)\n")
    fallback = write(project, "nb/a/fallback.md", "# Reserve\n\n[a](only-en.md#before-you-begin)\n")
    graph = LinkGraph(load_site(project))
    assert graph.pages_linking_to("nb", "a/only-en.md") == {links_nb, fallback}
    target_en = docs / "en/a/target.md"

    # a save that changes no anchor another page links to: the page alone
    write(project, "en/a/target.md", "# Target\n\n## Next steps\n\nMore text.\n")
    assert graph.update(target_en) == {target_en}
    # the anchor an English page links to goes: that page
    write(project, "en/a/target.md", "# Target\n\n## Later steps\n")
    assert graph.update(target_en) == {target_en, links_en}
    # English only-en.md loses the anchor the Norwegian fallback page links to
    only_en = docs / "en/a/only-en.md"
    write(project, "en/a/only-en.md", "# Only English\n")
    assert graph.update(only_en) == {only_en, fallback}
    # a missing page created: the page linking to it
    other = write(project, "en/a/other.md", "# Other\n")
    assert graph.update(other) == {other, links_en}
    # a Norwegian only-en.md now stands in the English one's place: the broken anchor's finding
    # names another file; the link without an anchor works as before
    only_en_nb = write(project, "nb/a/only-en.md", "# Bare engelsk\n")
    assert graph.update(only_en_nb) == {only_en_nb, fallback}
    # deleted again: the English page is back in its place
    only_en_nb.unlink()
    assert graph.update(only_en_nb) == {only_en_nb, fallback}
    other.unlink()
    assert graph.update(other) == {other, links_en}
    assert graph.anchors(other) is None and graph.anchors(target_en) == {"target", "later-steps"}
    # a file that is no page, and one outside the locale folders: nothing to answer
    image = docs / "en" / "a" / "picture.png"
    image.write_bytes(b"\x89PNG")
    assert graph.update(image) == set() and graph.update(project / "mkdocs.yml") == set()


def test_the_source_check_finds_what_the_built_site_check_expects_of_page_links(tmp_path):
    """The link check's fixture says, link by link, what the built site gives: each broken
    #anchor is link-to-missing-anchor here, each broken link to a .md page link-to-missing-page."""
    from test_linkcheck import EXPECTED, NB_ARTICLE, broken_project
    from test_linkcheck import FIXTURES as LINKCHECK_FIXTURES

    project, original = broken_project(tmp_path)
    first = len(original.splitlines()) + 1
    expected = []
    for number, text in enumerate(
        (LINKCHECK_FIXTURES / "broken-kinds.md").read_text(encoding="utf-8").splitlines()
    ):
        wanted = EXPECTED.search(text)
        if wanted and wanted.group(1) == "broken-anchor":
            expected.append((first + number, "link-to-missing-anchor"))
        elif wanted and wanted.group(1) == "broken-link" and ".md)" in text:
            expected.append((first + number, "link-to-missing-page"))
    findings = checks.check_file(project / NB_ARTICLE, load_site(project))
    found = [(f.line, f.rule) for f in findings if f.rule in {r.id for r in link_graph.RULES}]
    assert found == expected and len(expected) == 6
