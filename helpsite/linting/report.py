"""Findings printed for a reader or a machine: ``--format text|json|github|sarif``.

``github`` is GitHub Actions' workflow commands, one ``::error file=..,line=..,col=..,title=RULE::``
line per finding, so that each shows on its line of a pull request's diff (as
``ruff --output-format github``). ``sarif`` is a SARIF 2.1.0 log with the fields GitHub code
scanning reads, for ``github/codeql-action/upload-sarif``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from helpsite.core.findings import ERROR, Finding, to_json
from helpsite.linting import catalogue, rules

FORMATS = ("text", "json", "github", "sarif")
TOOL = "helpsite"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "helpsite/v1"


def render(findings: Iterable[Finding], format: str, suppressed: Iterable[Finding] = ()) -> str:
    """The findings in one of ``FORMATS``, as the text to print (no final newline).

    ``suppressed`` findings (``check --show-suppressed``) are listed too, marked as such: they
    never fail a run, and SARIF says they were suppressed in the source.
    """
    findings, suppressed = list(findings), list(suppressed)
    if format == "json":
        return to_json(findings, suppressed)
    if format == "github":
        return "\n".join(
            [github_command(f) for f in findings] + [github_command(f, "notice") for f in suppressed]
        )
    if format == "sarif":
        return json.dumps(sarif_log(findings, suppressed), ensure_ascii=False, indent=2)
    return "\n".join(
        [f.as_text() for f in findings]
        + [f"{f.path}:{f.line}:{f.column}: suppressed {f.rule}: {f.message}" for f in suppressed]
    )


# ----------------------------------------------------------------------------
# GitHub workflow commands
# ----------------------------------------------------------------------------


def github_command(finding: Finding, command: str | None = None) -> str:
    """One workflow command; an error finding is an ``error`` annotation, others ``warning``."""
    command = command or ("error" if finding.severity == ERROR else "warning")
    properties = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", finding.path),
            ("line", finding.line),
            ("col", finding.column),
            ("title", finding.rule),
        )
    )
    return f"::{command} {properties}::{escape_data(finding.message)}"


# As @actions/core's command.ts: the message ends at a newline, a property also at ':' and ','.
def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


# ----------------------------------------------------------------------------
# SARIF 2.1.0
# ----------------------------------------------------------------------------


def sarif_log(findings: list[Finding], suppressed: list[Finding] = ()) -> dict:
    """A log with one run: every rule of the registry, then one result per finding."""
    silenced = len(findings)
    every_rule = list(catalogue.all_rules())
    index = {rule.id: number for number, rule in enumerate(every_rule)}
    seen: dict[tuple, int] = {}
    results = []
    for number, finding in enumerate([*findings, *suppressed]):
        # The same finding twice in a file stays two alerts; a line moved above it keeps its alert.
        key = (finding.path, finding.rule, finding.message)
        seen[key] = seen.get(key, 0) + 1
        result = {
            "ruleId": finding.rule,
            "level": "error" if finding.severity == ERROR else "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.path),
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT: _fingerprint(*key, seen[key])},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        if number >= silenced:
            result["suppressions"] = [{"kind": "inSource"}]
        if finding.suggestion:
            result["properties"] = {"suggestion": finding.suggestion}
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": _version(),
                        "rules": [_rule(rule) for rule in every_rule],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def _rule(rule: rules.Rule) -> dict:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": "\n".join((rule.summary, rule.why, f"Fix: {rule.fix}", rule.silence)),
            "markdown": "\n\n".join(
                (
                    rule.summary,
                    rule.why,
                    f"**Fix.** {rule.fix}",
                    f"**Silencing one occurrence.** {rule.silence}",
                )
            ),
        },
        "defaultConfiguration": {"level": "error" if rule.severity == ERROR else "warning"},
        "properties": {"tags": list(rule.tags)},
    }


def _artifact(path: str) -> dict:
    """A path below the working folder is relative to the checkout (%SRCROOT%), as code
    scanning wants; any other is a file: URI."""
    if not os.path.isabs(path):
        return {"uri": quote(path.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(path).as_uri()}


def _fingerprint(path: str, rule: str, message: str, occurrence: int) -> str:
    digest = hashlib.sha256("\0".join((path, rule, message)).encode()).hexdigest()[:32]
    return f"{digest}:{occurrence}"


def _version() -> str:
    try:
        return metadata.version(TOOL)
    except metadata.PackageNotFoundError:  # run from a checkout that was not installed
        return "0+unknown"
