"""helpsite.linting.translation_structure: translations keep the structure of their exact English base.

The corpus (tests/fixtures/structure/) is two Microsoft Learn-style pages written for these
tests, with nb and de translations. It goes into a real git repository: commit 1 has the first
English version of assign-admin-roles (en/assign-admin-roles.v1.md) and assign-licenses-powershell;
commit 2 changes assign-admin-roles (the English moved on) and adds the translations, whose
``ms.openlocfilehash`` placeholders (SHA1-OF-V1, SHA256-OF-CURRENT, ...) are filled in with the
hash of the English they were made from. So the admin-roles translations find their base only in
the history, the licenses ones in the current file.

corrupt/<locale>/<page>.md are those translations with machine-translation-like corruptions
seeded in, one of each kind; each ends with comments ``<!-- expect: LINE:COLUMN RULE -->``
naming every finding the check must give, and nothing else (``expectations``).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, build_env, copy_site, mkdocs_build
from history_repo import commit, git, write

from helpsite.cli import main
from helpsite.core.findings import ERROR, WARNING
from helpsite.core.site import ConfigError, load_site
from helpsite.linting import catalogue, checks, safety, translation_structure
from helpsite.text import page as pages

FIXTURES = Path(__file__).parent / "fixtures" / "structure"
PAGES = ("assign-admin-roles.md", "assign-licenses-powershell.md")
LOCALES = ("nb", "de")
EXPECT = re.compile(r"<!-- expect: (\d+):(\d+) ([a-z0-9-]+) -->")
STRUCTURE_RULES = {rule.id for rule in translation_structure.RULES}


def expectations(text: str) -> list[tuple[int, int, str]]:
    """The findings a corrupted fixture says it gives: (line, column, rule), in file order."""
    return sorted((int(line), int(column), rule) for line, column, rule in EXPECT.findall(text))


def hashes(english: bytes, name: str) -> dict[str, str]:
    return {
        f"SHA1-OF-{name}": hashlib.sha1(english).hexdigest(),
        f"SHA256-OF-{name}": hashlib.sha256(english).hexdigest(),
    }


def translation(path: Path, filled: dict[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for placeholder, value in filled.items():
        text = text.replace(placeholder, value)
    return text


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return build_repo(tmp_path_factory.mktemp("structure") / "site")


def build_repo(root: Path, whole_site: bool = False) -> Path:
    """The corpus in a git repository at ``root``: see the module's docstring; with
    ``whole_site`` beside the site's own mkdocs.yml, hooks and overrides, to be built."""
    if whole_site:
        copy_site(root)
        shutil.rmtree(root / "docs")
    else:
        root.mkdir()
        shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q")
    v1 = (FIXTURES / "en" / "assign-admin-roles.v1.md").read_bytes()
    licenses = (FIXTURES / "en" / "assign-licenses-powershell.md").read_bytes()
    write(root, "en/assign-admin-roles.md", v1)
    write(root, "en/assign-licenses-powershell.md", licenses)
    commit(root, "English pages", "2026-03-15")
    write(root, "en/assign-admin-roles.md", (FIXTURES / "en" / "assign-admin-roles.md").read_bytes())
    filled = {**hashes(v1, "V1"), **hashes(licenses, "CURRENT")}
    for locale in LOCALES:
        for page in PAGES:
            write(root, f"{locale}/{page}", translation(FIXTURES / locale / page, filled))
    commit(root, "Admin roles: prefer the Privileged Role Administrator; translations", "2026-04-20")
    return root


def structure_findings(root: Path, *paths: str) -> list:
    site = load_site(root)
    return [
        finding
        for finding in checks.check_paths([root / "docs" / path for path in paths], site)
        if finding.rule in STRUCTURE_RULES
    ]


# Learn's content tabs are headings that link to #tab/NAME: this site renders no tabs, so the link
# graph rightly finds no such anchor (helpsite.linting.link_graph); the structure check reads them as tabs.
LEARN_TABS = "#tab/"


def test_the_clean_translations_give_no_finding_at_all(repo):
    site = load_site(repo)
    found = checks.check_paths([repo / "docs"], site)
    assert [f for f in found if not (f.rule == "link-to-missing-anchor" and LEARN_TABS in f.message)] == []
    assert {f.rule for f in found} <= {"link-to-missing-anchor"}


def corrupted(root: Path, corrupt: str) -> str:
    """Write the corrupted fixture over its clean translation in ``root``; its text."""
    filled = hashes((FIXTURES / "en" / "assign-admin-roles.v1.md").read_bytes(), "V1")
    filled.update(hashes((FIXTURES / "en" / "assign-licenses-powershell.md").read_bytes(), "CURRENT"))
    text = translation(FIXTURES / "corrupt" / corrupt, filled)
    (root / "docs" / corrupt).write_text(text, encoding="utf-8")
    return text


@contextlib.contextmanager
def corrupted_in(root: Path, corrupt: str):
    """The corrupted fixture over its clean translation while the block runs."""
    target = root / "docs" / corrupt
    clean = target.read_bytes()
    try:
        corrupted(root, corrupt)
        yield target
    finally:
        target.write_bytes(clean)


@contextlib.contextmanager
def edited(root: Path, path: str, old: bytes, new: bytes):
    """The translation at docs/<path> with ``old`` replaced by ``new`` while the block runs."""
    target = root / "docs" / path
    clean = target.read_bytes()
    assert old in clean
    try:
        target.write_bytes(clean.replace(old, new))
        yield target
    finally:
        target.write_bytes(clean)


def test_the_base_is_the_exact_english_from_the_history_or_the_current_file(repo):
    site = load_site(repo)
    for locale in LOCALES:
        stale = translation_structure.base_of(
            site, safety.load_file(repo / f"docs/{locale}/{PAGES[0]}", site)
        )
        current = translation_structure.base_of(
            site, safety.load_file(repo / f"docs/{locale}/{PAGES[1]}", site)
        )
        assert stale.exact and stale.problem is None
        assert stale.page.text == (FIXTURES / "en" / "assign-admin-roles.v1.md").read_text(encoding="utf-8")
        assert current.exact and current.problem is None


def test_a_version_two_english_pages_had_is_the_base_of_the_translations_of_both(tmp_path):
    root = build_repo(tmp_path / "site")
    v1 = (FIXTURES / "en" / "assign-admin-roles.v1.md").read_bytes()
    write(root, "en/copied.md", v1)  # the same blob as admin roles' first version
    commit(root, "A copy of the first version", "2026-04-21")
    write(root, "en/copied.md", v1 + b"\nOne more line.\n")
    commit(root, "The copy changed", "2026-04-22")
    site = load_site(root)
    recorded = hashlib.sha1(v1).hexdigest()
    for page in (PAGES[0], "copied.md"):
        assert translation_structure.base_bytes(site, page, recorded) == v1, page


@pytest.mark.parametrize("corrupt", ["nb/assign-admin-roles.md", "de/assign-licenses-powershell.md"])
def test_each_seeded_corruption_is_found_at_its_line_and_column(repo, corrupt):
    with corrupted_in(repo, corrupt) as target:
        text = target.read_text(encoding="utf-8")
        found = structure_findings(repo, corrupt)
    assert [(f.line, f.column, f.rule) for f in found] == expectations(text)
    assert {f.severity for f in found} == {ERROR}  # the exact base: errors
    # every kind the issue names is seeded in one of the two
    assert len(expectations(text)) >= 8


def test_the_two_corrupted_pages_hold_every_kind_of_finding():
    kinds = {
        rule
        for path in (FIXTURES / "corrupt").rglob("*.md")
        for _, _, rule in expectations(path.read_text(encoding="utf-8"))
    }
    assert kinds == STRUCTURE_RULES - {"structure-base", "structure-unreviewed"}


def test_messages_quote_the_english(repo):
    with edited(
        repo,
        f"nb/{PAGES[0]}",
        b"[administrasjonssenteret for Microsoft 365](https://admin.microsoft.com/)",
        b"administrasjonssenteret for Microsoft 365",
    ):
        (found,) = structure_findings(repo, f"nb/{PAGES[0]}")
    assert found.as_text() == (
        f"docs/nb/{PAGES[0]}:21:1: error structure-link-lost: the English links "
        '"Microsoft 365 admin center" to https://admin.microsoft.com/; here the link is gone'
    )


def test_without_its_base_a_translation_is_compared_with_the_english_now_in_warnings(repo):
    recorded = re.search(rb"ms.openlocfilehash: (\w+)", (repo / "docs" / "nb" / PAGES[0]).read_bytes()).group(
        1
    )
    outside = hashlib.sha1(b"a version this repository never had").hexdigest().encode()
    with edited(repo, f"nb/{PAGES[0]}", recorded, outside):
        found = structure_findings(repo, f"nb/{PAGES[0]}")
    # the English moved on (a new ms.date, a paragraph without links or code): its ms.date is
    # reported, as a warning, and the hash that matches no version, on its line
    assert [(f.rule, f.severity, f.line) for f in found] == [
        ("structure-front-matter", WARNING, 7),
        ("structure-base", WARNING, 15),
    ]
    assert f"no version of docs/en/{PAGES[0]} in its history hashes to {outside.decode()}" in found[1].message


def test_a_translation_of_a_deleted_english_page_is_a_clear_finding(repo, tmp_path):
    project = tmp_path / "site"
    shutil.copytree(repo, project)
    (project / "docs" / "en" / PAGES[1]).unlink()
    (found,) = structure_findings(project, f"nb/{PAGES[1]}")
    assert found.rule == "structure-base"
    assert found.message.startswith(f"there is no English page docs/en/{PAGES[1]} (deleted or renamed)")


def test_an_english_base_that_no_longer_parses_is_a_clear_finding(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q")
    broken = b"---\ntitle: [unclosed\n---\n# Assign licenses\n"
    write(root, "en/page.md", broken)
    commit(root, "A broken English page", "2026-01-05")
    write(root, "en/page.md", (FIXTURES / "en" / PAGES[1]).read_bytes())
    write(root, "nb/page.md", translation(FIXTURES / "nb" / PAGES[1], hashes(broken, "CURRENT")))
    commit(root, "Fixed, and translated from the broken one", "2026-01-06")
    (found,) = structure_findings(root, "nb/page.md")
    assert found.rule == "structure-base" and found.severity == WARNING
    assert found.message.startswith(
        "the English base docs/en/page.md (the version it was made from) cannot be read: "
    )


def test_a_one_megabyte_translation_is_checked(repo, tmp_path):
    project = tmp_path / "site"
    shutil.copytree(repo, project)
    english = (project / "docs" / "en" / PAGES[1]).read_text(encoding="utf-8")
    nb = (project / "docs" / "nb" / PAGES[1]).read_text(encoding="utf-8")
    english_head, english_body = english.split("---\n", 2)[1:]
    nb_head, nb_body = nb.split("---\n", 2)[1:]
    repeat = 1_000_000 // len(nb_body) + 1
    big_english = f"---\n{english_head}---\n" + english_body + english_body.replace("# ", "## ", 1) * repeat
    (project / "docs" / "en" / PAGES[1]).write_text(big_english, encoding="utf-8")
    recorded = hashlib.sha1(big_english.encode()).hexdigest()
    nb_head = re.sub(r"ms.openlocfilehash: \w+", f"ms.openlocfilehash: {recorded}", nb_head)
    body = nb_body + nb_body.replace("# ", "## ", 1) * repeat
    seeded = body.rfind("`Get-MgSubscribedSku`")
    body = body[:seeded] + "`Hent-MgAbonnertSku`" + body[seeded + len("`Get-MgSubscribedSku`") :]
    (project / "docs" / "nb" / PAGES[1]).write_text(f"---\n{nb_head}---\n" + body, encoding="utf-8")
    assert len(body) > 1_000_000
    (found,) = structure_findings(project, f"nb/{PAGES[1]}")
    assert found.rule == "structure-code" and found.severity == ERROR
    assert "the English has the code `Get-MgSubscribedSku`; here it is `Hent-MgAbonnertSku`" in found.message


def test_locale_parts_and_translatable_keys_come_from_mkdocs_yml(repo, tmp_path):
    project = tmp_path / "site"
    shutil.copytree(repo, project)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace(
            "translatable_keys: [title, description, keywords, ms.contentlocale]",
            "translatable_keys: [title, description, ms.contentlocale, manager]",
        ).replace('locale_url_parts: ["[a-z]{2}-(?:[a-z]{2}|hans|hant)"]', "locale_url_parts: []"),
        encoding="utf-8",
    )
    nb = project / "docs" / "nb" / PAGES[1]
    nb.write_text(nb.read_text(encoding="utf-8").replace("manager: scotv", "manager: kari"), encoding="utf-8")
    found = structure_findings(project, f"nb/{PAGES[1]}")
    # nb-no is no longer a locale part: each learn.microsoft.com link now leads elsewhere
    assert {f.rule for f in found} == {"structure-link-target"}
    assert len(found) == 2


def test_a_bad_setting_names_its_key(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("locale_url_parts:", "locale_url_part:"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"extra.translation_structure.locale_url_part is no setting"):
        translation_structure.settings(load_site(root))


def test_the_real_translations_of_this_site_keep_their_structure():
    site = load_site(ROOT)
    assert [f for f in checks.check_paths([ROOT / "docs"], site) if f.rule in STRUCTURE_RULES] == []


def test_a_rule_can_be_silenced_inline(repo):
    added = b"<!-- helpsite-disable-next-line structure-link-added -->\nDu trenger [dette](https://aka.ms/x):"
    with edited(repo, f"nb/{PAGES[0]}", b"Du trenger:", added) as target:
        outcome = checks.checked_paths([target], load_site(repo))
    assert [f.rule for f in outcome.findings if LEARN_TABS not in f.message] == []
    assert [f.rule for f in outcome.suppressed] == ["structure-link-added"]
    assert catalogue.get("structure-link-added").silenceable


def test_check_reports_them_for_github_and_code_scanning(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    with corrupted_in(repo, f"nb/{PAGES[0]}"):
        assert main(["check", "--format", "github", f"docs/nb/{PAGES[0]}"]) == 1
        github = capsys.readouterr().out.splitlines()
        assert main(["check", "--format", "sarif", f"docs/nb/{PAGES[0]}"]) == 1
        sarif = json.loads(capsys.readouterr().out)
    assert (
        f"::error file=docs/nb/{PAGES[0]},line=37,col=25,title=structure-link-target::the English links "
        '"Active users" to https://admin.microsoft.com/Adminportal/Home#/users; here the link leads to '
        "https://admin.microsoft.com/Adminportal/Home#/brukere"
    ) in github
    [run] = sarif["runs"]
    placed = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]
    ]
    assert ("structure-link-target", 37) in placed and len(placed) == len(github)


def test_the_build_fails_on_them_and_names_the_place(tmp_path):
    project = build_repo(tmp_path / "project", whole_site=True)
    corrupted(project, f"nb/{PAGES[0]}")
    built = mkdocs_build(project, tmp_path / "site", env=build_env(HELPSITE_LOCALE="nb"))
    assert built.returncode == 1
    assert (
        f'WARNING -  nb/{PAGES[0]}:37:25: structure-link-target: the English links "Active users"'
        in built.stderr
    )


def single_corruptions(clean: str, corrupt: str) -> list[str]:
    """The clean text with one of the corrupted text's changes made, for each change (the
    expectation comments left out)."""
    before = clean.splitlines(keepends=True)
    after = [line for line in corrupt.splitlines(keepends=True) if not line.startswith("<!-- ")]
    while after and not after[-1].strip():
        after.pop()
    after[-1] = after[-1].rstrip("\n") + "\n"
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        "".join(before[:i1] + after[j1:j2] + before[i2:])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


@pytest.mark.parametrize("corrupt", ["nb/assign-admin-roles.md", "de/assign-licenses-powershell.md"])
def test_the_skeleton_shortcut_misses_no_seeded_corruption(repo, corrupt):
    """Where the outlines differ, so do the skeletons: each change of the corrupted page alone."""
    site = load_site(repo)
    clean = (repo / "docs" / corrupt).read_text(encoding="utf-8")
    text = corrupted(repo, corrupt)
    (repo / "docs" / corrupt).write_text(clean, encoding="utf-8")
    variants = single_corruptions(clean, text)
    assert len(variants) >= 6
    config = translation_structure.settings(site)
    in_body = 0
    for variant in variants:
        page = pages.load(variant.encode("utf-8"), f"docs/{corrupt}", *corrupt.split("/", 1))
        base = translation_structure.base_of(site, page)
        found = list(translation_structure.outline_findings(page, base, site, config))
        if found:
            in_body += 1
            assert not translation_structure.same_skeleton(page.body, base.english, config), found
            quick = translation_structure.quick_skeleton(page.body, config)
            assert quick is None or quick != base.english.quick(config), found
            verbatim = translation_structure.quick_skeleton(page.body, config, verbatim=True)
            assert verbatim is None or verbatim != base.english.verbatim(config)[0], found
        else:  # a change of the front matter only
            assert page.body == pages.load(clean.encode("utf-8"), corrupt).body
    assert in_body >= len(variants) - 2  # at most the two changes of the front matter


@pytest.mark.parametrize(
    "english, translated, rule",
    [
        (
            '<img src="media/a.png" alt="The center">',
            '<img src="media/b.png" alt="Senteret">',
            "structure-image",
        ),
        (
            '<a href="https://example.org/a">Sign in</a>',
            '<a href="https://example.org/b">Logg inn</a>',
            "structure-link-target",
        ),
        (
            "[Sign in](https://example.org/en-us/a)",
            "[Logg inn](https://example.org/nb-no/b)",
            "structure-link-target",
        ),
    ],
)
def test_a_changed_target_at_a_line_start_is_not_told_equal_by_a_skeleton(repo, english, translated, rule):
    """A raw HTML line's start once kept only its "<" in the quick form: a changed source was
    told equal. Neither quick form may call such a pair equal, and the outlines find it."""
    site = load_site(repo)
    config = translation_structure.settings(site)
    data = f"# Title\n\nText.\n\n{english}\n\nMore text.\n".encode()
    english_page = translation_structure.english_version(site, "docs/en/x.md", data)
    page = pages.load(
        f"# Tittel\n\nTekst.\n\n{translated}\n\nMer tekst.\n".encode(), "docs/nb/x.md", "nb", "x.md"
    )
    assert not translation_structure.same_skeleton(page.body, english_page, config)
    base = translation_structure.Base("docs/en/x.md", english_page.page, True, english=english_page)
    found = list(translation_structure.outline_findings(page, base, site, config))
    assert [(f.line, f.rule) for f in found] == [(5, rule)]


def test_the_verbatim_skeleton_falls_back_to_the_locale_free_one(repo):
    """The verbatim form is tried only where the English holds no locale part and no translated
    attribute; a translation whose link gains a locale part then differs from it verbatim, and
    the locale-free form still tells the pair equal (no outline, no finding)."""
    site = load_site(repo)
    config = translation_structure.settings(site)
    data = b"# Title\n\nSee [the center](https://example.org/admin/) and ![The center](media/a.png).\n"
    english = translation_structure.english_version(site, "docs/en/y.md", data)
    assert english.verbatim(config) == (english.quick(config), True)
    body = "# Tittel\n\nSe [senteret](https://example.org/nb-no/admin/) og ![Senteret](media/a.png).\n"
    assert translation_structure.quick_skeleton(body, config, verbatim=True) != english.verbatim(config)[0]
    assert translation_structure.same_skeleton(body, english, config)
    # an English with a locale part: the verbatim form is not tried
    localized = translation_structure.english_version(
        site, "docs/en/z.md", data.replace(b"/admin/", b"/en-us/admin/")
    )
    assert localized.verbatim(config)[1] is False
    assert translation_structure.same_skeleton(body, localized, config)


def test_the_clean_translations_are_told_by_their_skeleton_alone(repo):
    """The shortcut is what makes the check cheap: every clean pair takes it."""
    site = load_site(repo)
    config = translation_structure.settings(site)
    for root, folder in ((repo, repo / "docs"), (ROOT, ROOT / "docs")):
        site = load_site(root)
        for path in sorted(folder.glob("*/**/*.md")):
            page = safety.load_file(path, site)
            base = translation_structure.base_of(site, page)
            if base is None:
                continue
            assert base.exact and translation_structure.same_skeleton(page.body, base.english, config), path
    # the quick form alone tells the fixtures (whose lists hold no second paragraph)
    for page_path in PAGES:
        for locale in LOCALES:
            page = safety.load_file(repo / "docs" / locale / page_path, load_site(repo))
            base = translation_structure.base_of(load_site(repo), page)
            assert translation_structure.quick_skeleton(page.body, config) == base.english.quick(config)


def test_fix_restores_link_targets_code_blocks_and_markers_marked_for_review(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    with corrupted_in(repo, f"nb/{PAGES[0]}") as target:
        before = Counter(f.rule for f in structure_findings(repo, f"nb/{PAGES[0]}"))
        assert main(["fix", "--write", f"docs/nb/{PAGES[0]}"]) == 0
        after = structure_findings(repo, f"nb/{PAGES[0]}")
        repaired = target.read_text(encoding="utf-8")
        assert main(["fix", f"docs/nb/{PAGES[0]}"]) == 0  # a second run changes nothing
        again = capsys.readouterr().out
    assert "> [!NOTE]<!-- helpsite: review alert marker (from en) -->\n" in repaired
    assert (
        "[Aktive brukere<!-- helpsite: review link target (from en) -->]"
        "(https://admin.microsoft.com/Adminportal/Home#/users)" in repaired
    )
    assert "$role = Get-MgDirectoryRole -Filter \"displayName eq 'Global Reader'\"\n" in repaired
    assert "```\n<!-- helpsite: review code block (from en) -->\n" in repaired
    assert (
        '<!-- helpsite: review admonition type (from en) -->\n\n!!! warning "Påloggingsrisiko"\n' in repaired
    )
    # what fix repaired is gone (an alert marker, an admonition type, a code block, a link target),
    # each repair is marked; what it cannot repair is still reported
    left = Counter(f.rule for f in after if f.rule != "structure-unreviewed")
    assert before - left == Counter({"structure-alert": 2, "structure-code": 1, "structure-link-target": 1})
    assert left["structure-link-lost"] == 1 and left["structure-table"] == 1
    assert [f.rule for f in after].count("structure-unreviewed") == 4
    assert {f.severity for f in after if f.rule == "structure-unreviewed"} == {WARNING}
    assert again == ""


def test_the_benchmark_checks_a_generated_site_without_and_with_the_rules(tmp_path, capsys):
    from benchmarks import structure as benchmark

    out = tmp_path / "structure.json"
    assert (
        benchmark.main(["--articles", "3", "--repeat", "1", "--out", str(out), "--work", str(tmp_path)]) == 0
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [run["variant"] for run in report["runs"]] == ["without", "with"]
    assert report["site"]["files"] == 3 * 8 + 8
    without, with_rules = report["runs"]
    assert not any(rule.startswith("structure-") for rule in without["findings"])
    # the same findings but the structure rules' (the generated translations that lost a link's
    # text also shift their random links: real differences the rules report)
    assert {k: v for k, v in with_rules["findings"].items() if not k.startswith("structure-")} == without[
        "findings"
    ]
    assert report["ratio_with_to_without"] > 0 and report["cpu_ratio_with_to_without"] > 0
