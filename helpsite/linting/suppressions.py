"""Inline suppression, as markdownlint's comments: an HTML comment in a page silences a rule.

    <!-- helpsite-disable-next-line empty-link -->      the line after the comment
    <!-- helpsite-disable empty-link unsafe-link -->    from here ...
    <!-- helpsite-enable empty-link -->                 ... to here (or to the end of the page)

A comment is invisible to readers and the site's Markdown keeps it a comment, so the link
checks never read it as text. A comment only counts where the page renders it as a comment:
one shown inside code (a page that documents the feature) is an example, not a directive.
A directive that silences nothing, names no rule or an unknown one, or enables what was not
disabled is itself a finding (``unused-suppression``), so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from helpsite.core.findings import Finding
from helpsite.core.site import Site
from helpsite.linting import rules
from helpsite.text import markdown
from helpsite.text.page import Page
from helpsite.text.positions import line_column

UNUSED_SUPPRESSION = rules.define(
    "unused-suppression",
    rules.ERROR,
    "A helpsite-disable comment silences no finding, names no rule or one no comment can silence, "
    "or a helpsite-enable comment ends nothing that was disabled.",
    why="A comment left behind after the page was fixed would silently hide the next real "
    "problem on that line; one that names the wrong rule never worked.",
    fix="Delete the comment, or correct the rule id it names (RULES.md lists them, and says which "
    "ones a comment can silence).",
    bad="# Transfer licenses\n\n<!-- helpsite-disable-next-line empty-link -->\n"
    "See [the admin center](https://admin.microsoft.com/).\n",
    good="# Transfer licenses\n\nSee [the admin center](https://admin.microsoft.com/).\n",
    unsilenceable="it is about the comments themselves",
    tags=["suppression"],
)
RULES = (UNUSED_SUPPRESSION,)

PREFIX = "helpsite-"
DIRECTIVE = re.compile(r"<!--[ \t]*helpsite-(disable-next-line|disable|enable)(?![\w-])(.*?)-->", re.S)
RULE_NAME = re.compile(r"[^\s,]+")
# Stands in for each directive while the body is rendered: the ones that come out as comments
# are the ones the page really has.
_PROBE = "<!-- helpsite-probe-{} -->"
_PROBE_RE = re.compile(r"<!-- helpsite-probe-(\d+) -->")


@dataclass
class Suppression:
    """One rule silenced over a range of lines, by the directive at (line, column)."""

    kind: str
    rule: str
    line: int
    column: int
    first: int
    last: int | None  # None: to the end of the page
    used: int = 0

    def covers(self, finding: Finding) -> bool:
        return (
            finding.rule == self.rule
            and finding.line >= self.first
            and (self.last is None or finding.line <= self.last)
        )


@dataclass
class Outcome:
    findings: list[Finding]
    suppressed: list[Finding] = field(default_factory=list)


def apply(
    page: Page, site: Site, findings: Iterable[Finding], rule_of: Callable[[str], rules.Rule | None]
) -> Outcome:
    """The findings left after the page's directives, those they silenced, and the
    ``unused-suppression`` findings about the directives; ``rule_of`` finds the rule a directive
    names (the catalogue's, ``helpsite.linting.catalogue.find``)."""
    findings = list(findings)
    if PREFIX not in page.body or not page.readable:
        return Outcome(findings)
    suppressions, problems = _read(page, site, rule_of)
    outcome = Outcome([], [])
    for finding in findings:
        covering = [s for s in suppressions if s.covers(finding)]
        for suppression in covering:
            suppression.used += 1
        (outcome.suppressed if covering else outcome.findings).append(finding)
    problems += [
        UNUSED_SUPPRESSION.at(
            page.display,
            s.line,
            s.column,
            f"helpsite-{s.kind} {s.rule}: no {s.rule} finding here to silence: delete the comment",
        )
        for s in suppressions
        if not s.used
    ]
    outcome.findings = sorted(
        outcome.findings + problems, key=lambda f: (f.line, f.column, f.rule, f.message)
    )
    return outcome


def _read(
    page: Page, site: Site, rule_of: Callable[[str], rules.Rule | None]
) -> tuple[list[Suppression], list[Finding]]:
    suppressions: list[Suppression] = []
    problems: list[Finding] = []
    open_blocks: dict[str, Suppression] = {}
    for match in _directives(page.body, site):
        kind, names = match.group(1), list(RULE_NAME.finditer(match.group(2)))
        line, column = line_column(page.body, match.start(), page.body_line)
        if not names:
            problems.append(
                UNUSED_SUPPRESSION.at(
                    page.display,
                    line,
                    column,
                    f"helpsite-{kind} names no rule: add the id of the rule to silence",
                )
            )
        end_line = line_column(page.body, match.end() - 1, page.body_line)[0]
        for name in names:
            rule = name.group()
            at = line_column(page.body, match.start(2) + name.start(), page.body_line)
            known = rule_of(rule)
            if known is None or not known.silenceable:
                reason = (
                    f"a comment cannot silence it: {known.why_not_silenceable}"
                    if known
                    else "no rule has this id"
                )
                problems.append(UNUSED_SUPPRESSION.at(page.display, *at, f"helpsite-{kind} {rule}: {reason}"))
            elif kind == "disable-next-line":
                suppressions.append(Suppression(kind, rule, *at, end_line + 1, end_line + 1))
            elif kind == "disable":
                if rule not in open_blocks:  # a second disable inside the block adds nothing
                    open_blocks[rule] = Suppression(kind, rule, *at, line, None)
                    suppressions.append(open_blocks[rule])
                else:
                    problems.append(
                        UNUSED_SUPPRESSION.at(
                            page.display,
                            *at,
                            f"helpsite-disable {rule}: already disabled on line {open_blocks[rule].line}",
                        )
                    )
            elif rule in open_blocks:
                open_blocks.pop(rule).last = end_line
            else:
                problems.append(
                    UNUSED_SUPPRESSION.at(
                        page.display,
                        *at,
                        f"helpsite-enable {rule}: {rule} was not disabled above: delete the comment",
                    )
                )
    return suppressions, problems


def _directives(body: str, site: Site) -> list[re.Match]:
    """The directive comments the page renders as comments (not those shown in code)."""
    found = list(DIRECTIVE.finditer(body))
    if not found:
        return []
    probed, end = [], 0
    for number, match in enumerate(found):
        probed += [body[end : match.start()], _PROBE.format(number)]
        end = match.end()
    rendered = markdown.render("".join(probed) + body[end:], site)
    real = {int(number) for number in _PROBE_RE.findall(rendered)}
    return [match for number, match in enumerate(found) if number in real]
