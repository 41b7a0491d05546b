"""The rule catalogue: every rule and every page check, from the modules listed here.

Each module that defines rules is imported here by name and listed in ``RULE_MODULES``, in the
order its page checks run (markdownlint's ``lib/rules.mjs``): a module that defines a rule and
is not listed fails ``tests/test_rules.py``, and nothing registers itself on import. The
command line, the build, the suppression comments and the generated ``RULES.md`` read this
catalogue; the rule modules themselves never do (``helpsite.linting.rules`` is what they build on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from helpsite.core import lasting
from helpsite.linting import (
    link_graph,
    links,
    metadata,
    rules,
    safety,
    structure,
    suppressions,
    translation_structure,
)
from helpsite.linting.rules import Rule
from helpsite.localization import l10n, strings
from helpsite.published import linkcheck

# Each has ``RULES`` (its rules) and may have ``CHECKS`` (functions
# ``check(page, site) -> Iterable[Finding]``), run in this order.
RULE_MODULES = (
    metadata,
    translation_structure,  # before the link and heading checks: a page it parses is not parsed again
    links,
    link_graph,
    structure,
    safety,
    linkcheck,
    l10n,
    strings,
    suppressions,
)


def all_rules() -> Iterator[Rule]:
    """Every rule, by id."""
    return iter(sorted(_registry()[0].values(), key=lambda r: r.id))


def get(id: str) -> Rule:
    """The rule with this id (KeyError for an id no module defines)."""
    return _registry()[0][id]


def find(id: str) -> Rule | None:
    """The rule with this id, or None."""
    return _registry()[0].get(id)


def page_checks() -> tuple[Callable, ...]:
    """Every page check, in the order of ``RULE_MODULES``."""
    return _registry()[1]


def _registry() -> tuple[dict[str, Rule], tuple[Callable, ...]]:
    # The metadata rules are data in the schema, which a long preview reads again when it
    # changes (metadata.refresh): the catalogue is made again when they are new.
    if _made.get("metadata") is not metadata.RULES:
        _made.update(metadata=metadata.RULES, registry=_collect())
    return _made["registry"]


_made = lasting.cache("catalogue.made", 2, kept="made again when the metadata schema's rules change")


def _collect() -> tuple[dict[str, Rule], tuple[Callable, ...]]:
    found: dict[str, Rule] = {}
    checks: list[Callable] = []
    listed = [(rule, rules.__name__) for rule in rules.FILE_RULES] + [
        (rule, module.__name__) for module in RULE_MODULES for rule in module.RULES
    ]
    for rule, module in listed:
        if rule.id in found:
            raise ValueError(f"rule {rule.id!r} is defined twice ({module})")
        found[rule.id] = rule
    for module in RULE_MODULES:
        checks.extend(getattr(module, "CHECKS", ()))
    return found, tuple(checks)
