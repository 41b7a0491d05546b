"""Which sections of the English changed since a stale translation's base (helpsite/localization/stale_sections.py),
on the English of tests/fixtures/structure/ and on the built pages: the translation's notice and
the /l10n/ dashboard.

The repository is test_translation_structure's (the admin-roles English changed after its
translations: a reworded introduction, a sentence added to "Roles you can assign"), with two more
pages made from the same English version: one whose English then changed in one section, one
whose English gained a section.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urljoin

import pytest
from conftest import ROOT, mkdocs_build, page_file, parse_html, reader_strings
from history_repo import commit
from test_translation_structure import FIXTURES, build_repo, translation

from helpsite.core.site import load_site
from helpsite.localization.stale_sections import ADDED, CHANGED, REMOVED, SectionChange, changed_sections

V1 = (FIXTURES / "en" / "assign-admin-roles.v1.md").read_bytes()
SHOWN = "docs/en/assign-admin-roles.md"
ONE_SECTION = (b"You need:\n", b"You need all of these:\n")  # in "Before you begin"
NEW_SECTION = (
    b"## Roles you can assign\n",
    b"## Check a user's &lt;script&gt; roles\n\nSelect the user: the **Roles** line lists them.\n\n## Roles you can assign\n",
)


def edited(*edits: tuple[bytes, bytes]) -> bytes:
    text = V1
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def site():
    return load_site(ROOT)  # the site's Markdown extensions and toc: the ids the build gives


@pytest.mark.parametrize(
    "edits, expected",
    [
        ([ONE_SECTION], (SectionChange(CHANGED, "Before you begin", "before-you-begin"),)),
        (
            [ONE_SECTION, (b"| Global Reader |", b"| Global Reader (read only) |")],
            (
                SectionChange(CHANGED, "Before you begin", "before-you-begin"),
                SectionChange(CHANGED, "Roles you can assign", "roles-you-can-assign"),
            ),
        ),
        (
            [NEW_SECTION],
            (SectionChange(ADDED, "Check a user's <script> roles", "check-a-users--roles"),),
        ),
        (
            [(b"access to the [Microsoft", b"access to the whole [Microsoft")],
            (SectionChange(CHANGED, None, None),),
        ),
        (
            [(b"## Roles you can assign\n", b"### Roles you can assign\n")],
            (SectionChange(CHANGED, "Roles you can assign", "roles-you-can-assign"),),
        ),
        (
            [(b"## Assign a role\n", b"## Give a role\n")],
            (SectionChange(CHANGED, "Give a role", "give-a-role"),),
        ),
        ([(b"ms.date: 03/15/2026", b"ms.date: 04/01/2026")], ()),  # front matter only
        ([(b"You need:\n", b"You\nneed:\n")], ()),  # lines wrapped again: the same text
    ],
    ids=[
        "one",
        "two",
        "added",
        "introduction",
        "heading-level",
        "heading-words",
        "front-matter",
        "rewrapped",
    ],
)
def test_the_sections_that_changed_are_named_with_their_ids(site, edits, expected):
    assert changed_sections(site, SHOWN, V1, edited(*edits)) == expected


def test_a_removed_section_is_named_where_it_was_and_has_no_link(site):
    start = V1.index(b"## Roles you can assign")
    now = V1[:start] + V1[V1.index(b"!!! warning") :]  # its heading and table gone, the warning kept
    assert changed_sections(site, SHOWN, V1, now) == (SectionChange(REMOVED, "Roles you can assign", None),)
    assert changed_sections(site, SHOWN, now, V1) == (
        SectionChange(ADDED, "Roles you can assign", "roles-you-can-assign"),
    )


def test_a_version_that_cannot_be_read_names_no_section(site):
    assert changed_sections(site, SHOWN, b"---\ntitle: [unclosed\n---\n# Old\n", V1) is None


# ----------------------------------------------------------------------------
# The built site
# ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("stale-sections")
    root = build_repo(work / "project", whole_site=True)
    nb = translation(FIXTURES / "nb" / "assign-admin-roles.md", {"SHA1-OF-V1": hashlib.sha1(V1).hexdigest()})
    for name in ("one-section", "new-section"):
        (root / "docs" / "en" / f"{name}.md").write_bytes(V1)
        (root / "docs" / "nb" / f"{name}.md").write_text(nb, encoding="utf-8")
    commit(root, "Two more pages, made from the same English", "2026-04-21")
    (root / "docs" / "en" / "one-section.md").write_bytes(edited(ONE_SECTION))
    (root / "docs" / "en" / "new-section.md").write_bytes(edited(NEW_SECTION))
    commit(root, "English: one section changed, one added", "2026-04-22")
    result = mkdocs_build(root, work / "site", strict=False)
    assert result.returncode == 0, result.stderr
    return work / "site"


def notice_sections(site_dir, page: str) -> tuple[str, list[tuple[str, str | None]]]:
    (notice,) = parse_html(page_file(site_dir, "nb", page)).xpath("//*[@data-notice='stale']")
    assert notice.xpath(".//script") == []  # a heading's words are text, whatever they say
    lead = notice.xpath("p[2]")[0].text_content()
    items = [
        (" ".join(li.text_content().split()), (li.xpath("a/@href") or [None])[0])
        for li in notice.xpath("ul/li")
    ]
    return lead, items


def english_ids(site_dir, page: str) -> set[str]:
    return set(parse_html(page_file(site_dir, "en", page)).xpath("//article//*/@id"))


@pytest.mark.parametrize(
    "page, expected",
    [
        ("one-section", [("Before you begin", "/one-section/#before-you-begin")]),
        (
            "new-section",
            [("Check a user's <script> roles (ny del)", "/new-section/#check-a-users--roles")],
        ),
        (
            "assign-admin-roles",
            [
                ("Innledning", "/assign-admin-roles/"),
                ("Roles you can assign", "/assign-admin-roles/#roles-you-can-assign"),
            ],
        ),
    ],
)
def test_a_stale_translations_notice_names_the_english_sections_that_changed(built, page, expected):
    lead, items = notice_sections(built, page)
    assert lead == reader_strings("nb")["stale_sections"]
    assert items == expected
    for _, href in items:  # each link lands on the English page's heading
        path, _, anchor = href.partition("#")
        assert path == f"/{page}/"
        assert not anchor or anchor in english_ids(built, page)


def test_the_dashboard_row_of_a_stale_translation_names_them_too(built):
    tree = parse_html(built / "l10n" / "nb" / "index.html")
    rows = {}
    for heading in tree.xpath("//article//h3"):
        sections = heading.xpath("following-sibling::ul[@class='l10n-sections'][1]")
        rows[heading.text_content()] = [
            (" ".join(li.text_content().split()), urljoin("/l10n/nb/", li.xpath("a/@href")[0]))
            for li in sections[0].xpath("li")
        ]
    assert tree.xpath("//article//ul//script") == []
    assert rows == {
        "assign-admin-roles.md": [
            ("Introduction", "/assign-admin-roles/"),
            ("Roles you can assign", "/assign-admin-roles/#roles-you-can-assign"),
        ],
        "new-section.md": [
            ("Check a user's <script> roles (new section)", "/new-section/#check-a-users--roles")
        ],
        "one-section.md": [("Before you begin", "/one-section/#before-you-begin")],
    }
