"""--format text|json|github|sarif: the same findings for a reader, a pull request and code scanning."""

from __future__ import annotations

import json

import jsonschema
from conftest import ARTICLE, ROOT, copy_site

from helpsite.cli import build_parser, main
from helpsite.core.findings import Finding
from helpsite.linting import report

FIXTURES = ROOT / "tests" / "fixtures"
SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-2.1.0-rtm.5.json").read_text())
PAGE = FIXTURES / "suppressions" / "suppressed.md"
SHOWN = "tests/fixtures/suppressions/suppressed.md"


def test_github_commands_escape_as_the_actions_toolkit_does():
    finding = Finding("docs/a,b:c.md", 3, 7, "empty-link", "error", "50% done\r\nnext: a, b")
    assert report.github_command(finding) == (
        "::error file=docs/a%2Cb%3Ac.md,line=3,col=7,title=empty-link::50%25 done%0D%0Anext: a, b"
    )
    warning = Finding("docs/x.md", 1, 1, "meta-invalid", "warning", "short")
    assert report.github_command(warning) == "::warning file=docs/x.md,line=1,col=1,title=meta-invalid::short"


def test_check_as_github_commands(capsys):
    assert main(["check", "--locale", "en", "--format", "github", str(PAGE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"::error file={SHOWN},line=14,col=29,title=empty-link::link to "
        "https://example.com/after has no text: give it text that says where it leads"
    )
    assert len(lines) == 12 and all(line.startswith("::error file=") for line in lines)


def sarif_of(capsys, *args):
    assert main(list(args)) == 1
    return json.loads(capsys.readouterr().out)


def test_sarif_is_valid_and_has_what_code_scanning_reads(capsys):
    log = sarif_of(capsys, "check", "--locale", "en", "--format", "sarif", "--show-suppressed", str(PAGE))
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "helpsite" and driver["version"] == "0.1.0"
    ids = [rule["id"] for rule in driver["rules"]]
    assert {"empty-link", "unused-suppression", "yaml-invalid"} <= set(ids)
    empty_link = driver["rules"][ids.index("empty-link")]
    assert empty_link["help"]["text"].endswith(
        "Put `<!-- helpsite-disable-next-line empty-link -->` on the line above it, or "
        "`<!-- helpsite-disable empty-link -->` and `<!-- helpsite-enable empty-link -->` around a block; "
        "`python -m helpsite check --show-suppressed` lists what comments silence."
    )
    broken = driver["rules"][ids.index("broken-link")]
    assert broken["help"]["text"].endswith("in linkcheck-allow.txt.")
    assert broken["help"]["text"].split("\n")[-1].startswith("A comment cannot silence it")
    first = run["results"][0]
    assert first["ruleId"] == "empty-link" and ids[first["ruleIndex"]] == "empty-link"
    assert first["level"] == "error"
    assert first["message"] == {
        "text": "link to https://example.com/after has no text: give it text that says where it leads"
    }
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": SHOWN, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 14, "startColumn": 29},
            }
        }
    ]
    fingerprints = [r["partialFingerprints"]["helpsite/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints) == 12 + 5
    silenced = [r for r in run["results"] if "suppressions" in r]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in silenced] == [
        13,
        17,
        18,
        23,
        44,
    ]
    assert all(r["suppressions"] == [{"kind": "inSource"}] for r in silenced)


def test_fingerprints_survive_a_line_moved_above(tmp_path, capsys):
    moved = tmp_path / "suppressed.md"
    moved.write_text(PAGE.read_text())
    before = sarif_of(capsys, "check", "--locale", "en", "--format", "sarif", str(moved))
    moved.write_text(
        PAGE.read_text().replace("# Suppressed findings\n", "# Suppressed findings\n\nA new line.\n")
    )
    after = sarif_of(capsys, "check", "--locale", "en", "--format", "sarif", str(moved))
    prints = [
        [r["partialFingerprints"]["helpsite/v1"] for r in log["runs"][0]["results"]]
        for log in (before, after)
    ]
    assert len(prints[0]) == 12 and prints[0] == prints[1]
    lines = [
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]]
        for log in (before, after)
    ]
    assert lines[1] == [line + 2 for line in lines[0]]


def test_every_command_takes_every_format():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in ("check", "l10n", "linkcheck"):
        [option] = [a for a in commands[name]._actions if "--format" in a.option_strings]
        assert tuple(option.choices) == ("text", "json", "github", "sarif")


def test_l10n_statuses_as_findings(tmp_path, capsys):
    project = copy_site(tmp_path / "project")
    source = project / "docs" / "en" / (ARTICLE + ".md")
    source.write_text(source.read_text() + "\nA new sentence in the source.\n")
    (project / "docs" / "da" / (ARTICLE + ".md")).unlink()
    assert main(["--root", str(project), "l10n", "--format", "github", "--fail-on", "missing"]) == 1
    lines = capsys.readouterr().out.splitlines()
    hash_lines = {}
    for locale in ("nb", "sv", "fi", "de", "ja", "ar"):
        text = (project / "docs" / locale / (ARTICLE + ".md")).read_text().splitlines()
        hash_lines[locale] = next(
            n for n, line in enumerate(text, 1) if line.startswith("ms.openlocfilehash:")
        )
    assert (
        f"::error file=docs/en/{ARTICLE}.md,line=1,col=1,title=translation-missing::no Dansk (da) "
        "translation: da readers get this page"
    ) in lines
    stale = [line for line in lines if "title=translation-stale" in line]
    assert [line.split(",")[1] for line in stale] == [f"line={hash_lines[locale]}" for locale in hash_lines]
    assert all(line.startswith("::warning file=docs/") for line in stale)
