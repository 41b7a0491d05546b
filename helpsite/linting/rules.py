"""The rule registry: every rule's stable id, severity and documentation, defined beside its check.

The command line, the build hooks and the generated rules page (``RULES.md``) all read one
catalogue, ``helpsite.linting.catalogue``, which imports every module that defines rules by name. A
module that checks pages lists its rules in ``RULES`` and its page checks in ``CHECKS``, and is
listed there: nothing registers itself on import. This module is what those modules build on:
each rule is made with ``define``, which insists on the documentation a writer needs (what it finds,
why it matters, a bad and a good example page, how to fix it); a test runs every example
through the checker. Rule ids never change once published; a retired id stays in ``RETIRED``
and cannot be defined again, so an old suppression or CI filter never means a new thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from helpsite.core.findings import ERROR, WARNING, Finding

# Retired rule ids and what became of each: reserved for ever.
RETIRED: dict[str, str] = {}

# How to silence one occurrence of a rule (helpsite.linting.suppressions), for every rule that says
# nothing else; {id} is the rule's id.
SILENCE = (
    "Put `<!-- helpsite-disable-next-line {id} -->` on the line above it, or "
    "`<!-- helpsite-disable {id} -->` and `<!-- helpsite-enable {id} -->` around a block; "
    "`python -m helpsite check --show-suppressed` lists what comments silence."
)
# Rules no comment can silence, by tag, and why.
UNSILENCEABLE = {
    "file": "it is found before the page's text is read",
    "front-matter": "the front matter comes before any comment of the page",
    "site": "it is found on the whole site, not by the page checks that read comments",
    "security": "the build must never publish what it finds",
    "status": "it is found by comparing locales (python -m helpsite l10n), not in one page",
}
NOT_SILENCED = "A comment cannot silence it ({reason}): change the page so that the rule no longer applies."

_ID_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
FILE_KINDS = ("file", "symlink-outside", "named-pipe")

# The front matter the examples of body rules are checked below, by the locale of the example's
# folder: complete, so that an example shows its own rule and nothing else.
EXAMPLE_FRONT_MATTER = {
    "en": """\
---
title: Transfer licenses between tenants
description: Licenses cannot move between Microsoft 365 organizations; cancel in one, buy in the other.
author: cmcatee-MSFT
ms.author: cmcatee
ms.date: 08/13/2021
ms.topic: article
ms.service: o365-administration
---
""",
    "nb": """\
---
title: Overføre lisenser mellom tenanter
description: Lisenser kan ikke flyttes mellom Microsoft 365-organisasjoner; avbryt i én, kjøp i en annen.
author: cmcatee-MSFT
ms.author: cmcatee
ms.date: 08/13/2021
ms.topic: article
ms.service: o365-administration
ms.contentlocale: nb-NO
ms.translationtype: MT
---
""",
}


@dataclass(frozen=True)
class Example:
    """A page that shows a rule at work: what a writer types, and where the file lies.

    ``text`` is the page's body, checked below the ``EXAMPLE_FRONT_MATTER`` of its locale, or
    with ``whole_file`` the complete file, front matter included. ``path`` is inside ``docs/``
    (its first folder is the locale). ``saved_as`` is the file's encoding; ``file`` says what
    kind of file it is: a regular ``file``, a ``symlink-outside`` (a symbolic link to a file
    outside ``docs/`` holding the text) or a ``named-pipe`` (no text at all). ``base`` is the
    body of the English page a translation was made from, for the rules that compare the two:
    placed at ``docs/en/`` with the same path, below the English ``EXAMPLE_FRONT_MATTER``.
    """

    text: str
    path: str = "en/licenses/transfer-licenses.md"
    whole_file: bool = False
    saved_as: str = "utf-8"
    file: str = "file"
    base: str | None = None

    @property
    def base_path(self) -> str | None:
        """Where the English base goes inside ``docs/``, when there is one."""
        return None if self.base is None else "en/" + self.path.split("/", 1)[1]

    def base_bytes(self) -> bytes:
        return (EXAMPLE_FRONT_MATTER["en"] + (self.base or "")).encode("utf-8")

    @property
    def locale(self) -> str:
        return self.path.split("/", 1)[0]

    def page_text(self) -> str:
        """The whole file's text, as the checker reads it."""
        return self.text if self.whole_file else EXAMPLE_FRONT_MATTER[self.locale] + self.text

    def page_bytes(self) -> bytes:
        return self.page_text().encode(self.saved_as)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str  # what it finds, in one sentence
    why: str  # why it matters to a reader or the site
    fix: str  # how a writer fixes it
    bad: Example | None  # a page that gives this rule (None only with ``no_example``)
    good: Example | None  # the same page fixed: none of this rule
    tags: tuple[str, ...] = ()
    silence_text: str | None = None  # how to silence one occurrence, when not ``SILENCE``
    no_example: str | None = None  # why no page can show the rule
    unsilenceable: str | None = None  # why no comment may silence it, beyond its tags'

    @property
    def silenceable(self) -> bool:
        return self.why_not_silenceable is None

    @property
    def why_not_silenceable(self) -> str | None:
        return self.unsilenceable or next((UNSILENCEABLE[t] for t in self.tags if t in UNSILENCEABLE), None)

    @property
    def silence(self) -> str:
        if self.silence_text:
            return self.silence_text
        if not self.silenceable:
            return NOT_SILENCED.format(reason=self.why_not_silenceable)
        return SILENCE.format(id=self.id)

    def at(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        suggestion: str | None = None,
        severity: str | None = None,
    ) -> Finding:
        """A finding of this rule at a place."""
        return Finding(path, line, column, self.id, severity or self.severity, message, suggestion)

    def as_dict(self) -> dict:
        data = {
            "id": self.id,
            "severity": self.severity,
            "summary": self.summary,
            "why": self.why,
            "fix": self.fix,
            "silence": self.silence,
            "tags": list(self.tags),
        }
        for name in ("bad", "good"):
            example = getattr(self, name)
            data[name] = (
                None
                if example is None
                else {
                    "path": f"docs/{example.path}",
                    "text": example.page_text(),
                    "saved_as": example.saved_as,
                    "file": example.file,
                    **({"base": example.base_bytes().decode("utf-8")} if example.base is not None else {}),
                }
            )
        if self.no_example:
            data["no_example"] = self.no_example
        return data


def define(
    id: str,
    severity: str,
    summary: str,
    *,
    why: str,
    fix: str,
    bad: Example | str | Mapping | None = None,
    good: Example | str | Mapping | None = None,
    tags: Iterable[str] = (),
    silence: str | None = None,
    no_example: str | None = None,
    unsilenceable: str | None = None,
) -> Rule:
    """A rule with its documentation; list it in its module's ``RULES`` to register it.

    ``bad`` and ``good`` are an ``Example``, the body text of an English example page, or the
    ``Example`` fields as a mapping (as the metadata schema writes them).
    """
    if not _ID_RE.fullmatch(id):
        raise ValueError(f"rule id {id!r}: lowercase words joined by '-'")
    if id in RETIRED:
        raise ValueError(f"rule id {id!r} is retired ({RETIRED[id]}): choose a new id")
    if severity not in (ERROR, WARNING):
        raise ValueError(f"rule {id!r}: severity {severity!r} is not {ERROR!r} or {WARNING!r}")
    bad, good = _example(bad), _example(good)
    if (bad is None or good is None) and not no_example:
        raise ValueError(f"rule {id!r} needs a bad and a good example (or no_example: why none can be)")
    for name, text in (("summary", summary), ("why", why), ("fix", fix)):
        if not text.strip():
            raise ValueError(f"rule {id!r}: {name} is empty")
    return Rule(id, severity, summary, why, fix, bad, good, tuple(tags), silence, no_example, unsilenceable)


def _example(value: Example | str | Mapping | None) -> Example | None:
    if value is None or isinstance(value, Example):
        return value
    example = Example(value) if isinstance(value, str) else Example(**value)
    if example.file not in FILE_KINDS:
        raise ValueError(f"example file {example.file!r} is not one of {', '.join(FILE_KINDS)}")
    return example


# ----------------------------------------------------------------------------
# The registry
# ----------------------------------------------------------------------------


# ----------------------------------------------------------------------------
# Rules found while a file is read, before any page check runs
# ----------------------------------------------------------------------------

ENCODING = define(
    "encoding",
    ERROR,
    "The file is not UTF-8 text (another encoding, UTF-16, or a NUL byte).",
    why="MkDocs reads every page as UTF-8: a page saved in another encoding fails the build or "
    "shows readers broken letters (Lisensene m\ufffd overf\ufffdres).",
    fix="Save the file as UTF-8 (with or without a byte-order mark) in your editor.",
    bad=Example(
        "# Overføre lisenser\n\nLisensene må overføres.\n",
        path="nb/licenses/transfer-licenses.md",
        saved_as="cp1252",
    ),
    good=Example("# Overføre lisenser\n\nLisensene må overføres.\n", path="nb/licenses/transfer-licenses.md"),
    tags=["file"],
)
YAML_INVALID = define(
    "yaml-invalid",
    ERROR,
    "The front matter is not valid, safe YAML (syntax, duplicate keys, tags).",
    why="MkDocs would publish broken front matter as the page's text, and a key written twice "
    "silently loses one value; YAML tags and aliases can run code or blow up in size.",
    fix="Correct the line the finding names: quote a value that holds ': ', write each key once, "
    "and leave out tags (!!python/...) and aliases (&a, *a).",
    bad=Example(
        EXAMPLE_FRONT_MATTER["en"].replace("ms.topic: article\n", "ms.topic: article\nms.date: 08/14/2021\n")
        + "# Transfer licenses\n",
        whole_file=True,
    ),
    good=Example(EXAMPLE_FRONT_MATTER["en"] + "# Transfer licenses\n", whole_file=True),
    tags=["front-matter"],
)
IO_ERROR = define(
    "io-error",
    ERROR,
    "The file could not be read (no permission, a folder or a named pipe named *.md).",
    why="A page that cannot be read is not published; `python -m helpsite check` exits with 2.",
    fix="Make the file a regular, readable file (or remove it): `ls -l` shows what it is.",
    bad=Example("", file="named-pipe"),
    good=Example("# Transfer licenses\n"),
    tags=["file"],
)
INTERNAL = define(
    "internal-error",
    ERROR,
    "A check failed on this file; the file was not fully checked (please report it).",
    why="It is a bug in the checks, not in the page: the other checks still ran, but this one "
    "could not say whether the page is fine.",
    fix="Report it with the file that causes it; the message names the check and its error. "
    "Until it is fixed, review the page by hand for what that check looks for.",
    no_example="no page should cause it: it reports a bug in a check, which is fixed when found",
    tags=["file"],
)

FILE_RULES = (ENCODING, YAML_INVALID, IO_ERROR, INTERNAL)
