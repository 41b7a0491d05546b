"""The rule catalogue as text, JSON or the generated rules page (``RULES.md``).

``python -m helpsite rules [--format text|json|markdown]``; a test compares the committed
``RULES.md`` with what this module writes now, so the page cannot drift from the rules.
"""

from __future__ import annotations

import json
import re

from helpsite.linting import catalogue, rules
from helpsite.linting.rules import Example, Rule

FORMATS = ("text", "json", "markdown")
COMMAND = "python -m helpsite rules --format markdown > RULES.md"

_FILE_NOTES = {
    "symlink-outside": "a symbolic link to a file outside `docs/` that holds this text",
    "named-pipe": "a named pipe (FIFO), not a regular file",
}


def render(format: str) -> str:
    if format == "json":
        entries = [rule.as_dict() for rule in catalogue.all_rules()]
        return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    if format == "markdown":
        return markdown()
    width = max(len(rule.id) for rule in catalogue.all_rules())
    return "".join(
        f"{rule.id:<{width}}  {rule.severity:<7}  {rule.summary}\n" for rule in catalogue.all_rules()
    )


def markdown() -> str:
    every = list(catalogue.all_rules())
    lines = [
        f"<!-- Generated from the rule registry (helpsite/linting/rules.py) by `{COMMAND}`: "
        "edit the rules, not this page. -->",
        "",
        "# Rules",
        "",
        "Every rule that `python -m helpsite check`, the build (`mkdocs build`, `mkdocs serve`) and "
        "`python -m helpsite linkcheck` (the rules tagged `site`) report. A finding reads "
        "`PATH:LINE:COL: SEVERITY RULE: MESSAGE`. An error fails `mkdocs build --strict` and makes "
        "`check` exit with 1; a warning is shown but fails nothing. Rule ids never change; a "
        "retired id is never given to another rule.",
        "",
        "The examples of rules about a page's body leave its front matter out: each is checked "
        "below this front matter (the Norwegian ones below the same in Norwegian, with "
        "`ms.contentlocale: nb-NO` and `ms.translationtype: MT`). A test runs every example "
        "through the checker: the bad one gives its rule and no other, the good one no finding.",
        "",
        *_fenced(rules.EXAMPLE_FRONT_MATTER["en"], "yaml"),
        "",
        "| Rule | Severity | What it finds |",
        "|---|---|---|",
        *(
            f"| [`{rule.id}`](#{rule.id}) | {rule.severity} | {_cell(_prose(rule.summary))} |"
            for rule in every
        ),
    ]
    for rule in every:
        lines += _section(rule)
    lines += [""] if lines[-1] else []
    return "\n".join(lines)


def _section(rule: Rule) -> list[str]:
    tags = f" · tags: {', '.join(rule.tags)}" if rule.tags else ""
    lines = [
        "",
        f"## `{rule.id}`",
        "",
        f"**{rule.severity.capitalize()}**{tags}",
        "",
        f"**What it finds.** {_prose(rule.summary)}",
        "",
        f"**Why it matters.** {_prose(rule.why)}",
        "",
    ]
    if rule.no_example:
        lines += [f"**Example.** None: {rule.no_example}.", ""]
    else:
        lines += _example("Bad", rule.bad) + _example("Good", rule.good)
    lines += [
        f"**How to fix it.** {_prose(rule.fix)}",
        "",
        f"**Silencing one occurrence.** {_prose(rule.silence)}",
    ]
    return lines


def _example(name: str, example: Example) -> list[str]:
    notes = [f"`docs/{example.path}`"]
    if example.saved_as != "utf-8":
        notes.append(f"saved as {example.saved_as}")
    if example.file in _FILE_NOTES:
        notes.append(_FILE_NOTES[example.file])
    lines = [f"**{name}** ({', '.join(notes)}):", ""]
    if example.file != "named-pipe":
        lines += [*_fenced(example.text, "markdown"), ""]
    if example.base is not None:  # the English page the translation is compared with
        lines += [
            f"made from the English `docs/{example.base_path}`:",
            "",
            *_fenced(example.base, "markdown"),
            "",
        ]
    return lines


def _fenced(text: str, language: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, *text.rstrip("\n").split("\n"), fence]


def _prose(text: str) -> str:
    """Rule text as Markdown: a tag it names (<iframe>) is shown, not read as HTML."""
    return "".join(
        part if part.startswith("`") else part.replace("<", "&lt;") for part in re.split(r"(`[^`]*`)", text)
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
