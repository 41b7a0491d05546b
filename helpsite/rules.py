"""The rule registry: every rule's stable id, default severity and one-line summary.

The command line, the build hooks and the generated rule documentation all read this one
table. Rule ids never change once published; a retired rule keeps its id reserved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from helpsite.findings import ERROR, WARNING, Finding


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str
    tags: tuple[str, ...] = ()

    def at(self, path: str, line: int, column: int, message: str, *,
           suggestion: str | None = None, severity: str | None = None) -> Finding:
        """A finding of this rule at a place."""
        return Finding(path, line, column, self.id, severity or self.severity, message, suggestion)


RULES: dict[str, Rule] = {}
# Page checks: each takes a loaded page and the site, and yields findings.
CHECKS: list[Callable] = []


def define(id: str, severity: str, summary: str, tags: Iterable[str] = ()) -> Rule:
    if id in RULES:
        raise ValueError(f"rule {id!r} is defined twice")
    RULES[id] = Rule(id, severity, summary, tuple(tags))
    return RULES[id]


def page_check(fn: Callable) -> Callable:
    """Register a page check: ``fn(page, site) -> Iterable[Finding]``."""
    CHECKS.append(fn)
    return fn


def all_rules() -> Iterator[Rule]:
    return iter(sorted(RULES.values(), key=lambda r: r.id))


# Rules found while a file is read, before any page check runs.
ENCODING = define("encoding", ERROR, "The file is not UTF-8 text.", ["file"])
YAML_INVALID = define("yaml-invalid", ERROR,
                      "The front matter is not valid, safe YAML (syntax, duplicate keys, tags).",
                      ["front-matter"])
IO_ERROR = define("io-error", ERROR, "The file could not be read.", ["file"])
INTERNAL = define("internal-error", ERROR,
                  "A check failed on this file; the file was not fully checked (please report it).",
                  ["file"])
__all__ = ["Rule", "RULES", "CHECKS", "define", "page_check", "all_rules", "ERROR", "WARNING"]
