"""helpsite.linting.rules and helpsite.linting.rules_doc: the one registry, every rule documented, every example true."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import ROOT, build_env, copy_site, mkdocs_build

from helpsite.core.site import load_site
from helpsite.linting import catalogue, checks, rules, rules_doc
from helpsite.published import linkcheck

PAGE_RULES = [rule for rule in catalogue.all_rules() if "site" not in rule.tags and not rule.no_example]
SITE_RULES = [rule for rule in catalogue.all_rules() if "site" in rule.tags and not rule.no_example]


def place(example: rules.Example, project: Path, path: str | None = None) -> Path:
    """The example as a file at docs/<path> (its own path unless another is given)."""
    target = project / "docs" / (path or example.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if example.file == "named-pipe":
        os.mkfifo(target)
    elif example.file == "symlink-outside":
        outside = project / "outside.md"
        outside.write_bytes(example.page_bytes())
        target.symlink_to(outside)
    else:
        target.write_bytes(example.page_bytes())
    if example.base is not None:  # the English page the translation was made from
        base = project / "docs" / example.base_path
        base.parent.mkdir(parents=True, exist_ok=True)
        base.write_bytes(example.base_bytes())
    return target


def check_example(example: rules.Example, folder: Path) -> list[str]:
    """The rules `check` reports for the example, alone in a site with the real mkdocs.yml."""
    folder.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    target = place(example, folder)
    return [finding.rule for finding in checks.check_file(target, load_site(folder))]


@pytest.mark.parametrize("rule", PAGE_RULES, ids=lambda rule: rule.id)
def test_the_bad_example_gives_its_rule_alone_and_the_good_one_nothing(rule, tmp_path):
    found = check_example(rule.bad, tmp_path / "bad")
    assert found and set(found) == {rule.id}
    assert check_example(rule.good, tmp_path / "good") == []


def test_the_examples_of_the_built_site_rules_give_their_rule_alone(tmp_path):
    """One one-locale build holds every example, each under a name of its own, beside the site."""
    project = copy_site(tmp_path / "project")
    placed = {}
    for rule in SITE_RULES:
        for kind in ("bad", "good"):
            example = getattr(rule, kind)
            folder, name = example.path.rsplit("/", 1)
            path = f"{folder}/{name[:-3]}-{rule.id}-{kind}.md"
            place(example, project, path)
            placed[f"docs/{path}"] = (rule.id, kind)
    built = mkdocs_build(project, project / "site", env=build_env(HELPSITE_LOCALE="en"), strict=False)
    assert built.returncode == 0, built.stderr
    findings = linkcheck.check_site(
        load_site(project), project / "site", only_locale="en", config=ROOT / linkcheck.CONFIG_FILE
    )
    found = {path: [f.rule for f in findings if f.path == path] for path in placed}
    assert found == {path: [rule] if kind == "bad" else [] for path, (rule, kind) in placed.items()}


def test_every_rule_is_documented_and_only_internal_error_has_no_example():
    # and the limits whose smallest page is thousands of characters (the bad-input catalogue's)
    assert [rule.id for rule in catalogue.all_rules() if rule.no_example] == [
        "internal-error",
        "locale-strings",  # found on the strings files, not in a page
        "markup-too-deep",
        "page-too-large",
        "structure-base",
        "translation-invalid",
        "translation-missing",
        "translation-stale",
        "translation-untracked",
        "unreadable-page",
    ]
    for rule in catalogue.all_rules():
        assert rule.summary and rule.why and rule.fix and rule.silence, rule.id
        assert rule.summary.endswith("."), rule.id


def test_the_example_front_matter_is_clean_in_each_locale(tmp_path):
    for locale in rules.EXAMPLE_FRONT_MATTER:
        example = rules.Example("# Title\n", path=f"{locale}/page.md")
        assert check_example(example, tmp_path / locale) == []


def test_every_rule_a_module_defines_is_in_the_catalogue():
    # every module of the package, imported: a rule defined in one the catalogue does not list
    # would never run
    listed = {id(rule) for rule in catalogue.all_rules()}
    for path in sorted((ROOT / "helpsite").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if name == "helpsite.__main__":  # runs the command line
            continue
        module = importlib.import_module(name)
        defined = {id(value) for value in vars(module).values() if isinstance(value, rules.Rule)}
        assert defined <= listed, f"{name} defines rules that helpsite/linting/catalogue.py does not list"
    assert {rule.id for rule in rules.FILE_RULES} == {
        "encoding",
        "yaml-invalid",
        "io-error",
        "internal-error",
    }


def test_a_module_left_out_of_the_catalogue_is_found(monkeypatch):
    left_out = tuple(
        module for module in catalogue.RULE_MODULES if module.__name__ != "helpsite.linting.links"
    )
    monkeypatch.setattr(catalogue, "RULE_MODULES", left_out)
    monkeypatch.setattr(catalogue, "_made", {})
    with pytest.raises(
        AssertionError, match="helpsite.linting.links defines rules that helpsite/linting/catalogue.py"
    ):
        test_every_rule_a_module_defines_is_in_the_catalogue()


def test_page_checks_run_in_the_order_of_the_module_list():
    assert [check.__module__ for check in catalogue.page_checks()] == [
        "helpsite.linting.metadata",
        "helpsite.linting.translation_structure",
        "helpsite.linting.links",
        "helpsite.linting.link_graph",
        "helpsite.linting.structure",
        "helpsite.linting.safety",
    ]


def documented(id: str, severity: str = rules.ERROR, **fields) -> rules.Rule:
    """A rule with every field given, but for the ones named."""
    given = {"why": "Because.", "fix": "Do this.", "bad": "# Bad\n", "good": "# Good\n", **fields}
    return rules.define(id, severity, "Something.", **{k: v for k, v in given.items() if v is not None})


def test_a_retired_id_cannot_be_defined_again(monkeypatch):
    monkeypatch.setitem(rules.RETIRED, "empty-alt", "replaced by empty-link in 2026")
    with pytest.raises(ValueError, match=r"rule id 'empty-alt' is retired \(replaced by empty-link"):
        documented("empty-alt")


def test_define_refuses_a_rule_without_its_documentation():
    with pytest.raises(ValueError, match="rule 'no-examples' needs a bad and a good example"):
        documented("no-examples", good=None)
    with pytest.raises(ValueError, match="rule 'blank-why': why is empty"):
        documented("blank-why", why=" ")
    with pytest.raises(ValueError, match="rule id 'Bad_Id': lowercase words joined by '-'"):
        documented("Bad_Id")
    with pytest.raises(ValueError, match="rule 'loud': severity 'fatal' is not 'error' or 'warning'"):
        documented("loud", "fatal")
    with pytest.raises(ValueError, match="example file 'socket' is not one of file, symlink-outside"):
        documented("odd-file", bad={"text": "", "file": "socket"})


def test_an_id_defined_twice_is_refused(monkeypatch):
    twin = types.ModuleType("helpsite.twin")
    twin.RULES = (documented("h1"),)
    monkeypatch.setitem(sys.modules, "helpsite.twin", twin)
    monkeypatch.setattr(catalogue, "RULE_MODULES", (*catalogue.RULE_MODULES, twin))
    with pytest.raises(ValueError, match=r"rule 'h1' is defined twice \(helpsite.twin\)"):
        catalogue._collect()


def test_a_rule_says_how_to_silence_one_occurrence_in_one_place():
    assert catalogue.get("h1").silence == (
        "Put `<!-- helpsite-disable-next-line h1 -->` on the line above it, or `<!-- helpsite-disable h1 -->` "
        "and `<!-- helpsite-enable h1 -->` around a block; `python -m helpsite check --show-suppressed` "
        "lists what comments silence."
    )
    assert catalogue.get("meta-missing").silence == (
        "A comment cannot silence it (the front matter comes before any comment of the page): change the "
        "page so that the rule no longer applies."
    )
    assert not catalogue.get("unsafe-link").silenceable and not catalogue.get("nesting-too-deep").silenceable
    assert documented("quiet", silence="Say so.").silence == "Say so."


def test_the_rules_page_is_generated_from_the_registry():
    committed = (ROOT / "RULES.md").read_text(encoding="utf-8")
    assert committed == rules_doc.markdown(), f"run: {rules_doc.COMMAND}"


def test_the_rules_page_has_a_section_for_every_rule():
    page = rules_doc.markdown()
    sections = [line[4:-1] for line in page.splitlines() if line.startswith("## `")]
    assert sections == sorted(rule.id for rule in catalogue.all_rules())
    assert "**Example.** None: no page should cause it" in page
    assert "(`docs/nb/licenses/transfer-licenses.md`, saved as cp1252):" in page


def run_rules(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpsite", "rules", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=build_env(),
        timeout=60,
    )


def test_the_rules_command_prints_each_format():
    text = run_rules()
    assert text.returncode == 0 and text.stderr == ""
    lines = text.stdout.splitlines()
    # 22 page and site rules, locale-strings, the 4 translation statuses, unused-suppression, 13 translation
    # structure rules
    assert len(lines) == 41
    assert lines[0].split()[:2] == ["broken-anchor", "error"]
    assert "link-text-unreviewed    warning  Link text that 'helpsite fix' copied" in text.stdout
    listed = json.loads(run_rules("--format", "json").stdout)
    assert [entry["id"] for entry in listed] == sorted(entry["id"] for entry in listed)
    empty_link = next(entry for entry in listed if entry["id"] == "empty-link")
    assert empty_link["bad"]["path"] == "docs/nb/licenses/transfer-licenses.md"
    assert "[](https://admin.microsoft.com/)" in empty_link["bad"]["text"]
    assert empty_link["bad"]["text"].startswith("---\ntitle: Overføre lisenser mellom tenanter\n")
    assert run_rules("--format", "markdown").stdout == (ROOT / "RULES.md").read_text(encoding="utf-8")


def test_an_unknown_format_is_a_usage_error():
    result = run_rules("--format", "xml")
    assert result.returncode == 2 and result.stdout == ""
    assert "invalid choice: 'xml'" in result.stderr
