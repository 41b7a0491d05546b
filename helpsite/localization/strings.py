"""The site's own texts in each locale's language: the notices above an article, the 404 page,
the footer's "Made with", the palette toggle's name. One file per locale, ``strings/<locale>.yaml``
beside ``docs/``.

Why there: the strings are the site's content, not the package's code, so a new locale is a new
file and no change to ``helpsite/``; a localization manager finds them beside the pages they go
with (``docs/<locale>/``), under the same locale names, and a translation management system picks
them up with the same ``<locale>`` pattern. The source locale's file names every string, with
comments for translators; each other locale's file translates them.

A locale without its file, or a file without some of the strings, is a finding
(``locale-strings``) in ``python -m helpsite check`` and in the build, naming the file to create
and the strings it needs; until it is fixed, those strings show in the source language (a string
the source file lacks too shows as its name). The files are read once and again when they change
(a preview keeps one process across edits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from helpsite.core import lasting
from helpsite.core.datafile import DataFile
from helpsite.core.findings import ERROR, Finding
from helpsite.core.site import Site
from helpsite.linting import rules

FOLDER = "strings"  # beside docs/, in the site's root

LOCALE_STRINGS = rules.define(
    "locale-strings",
    ERROR,
    "A locale has no strings file (strings/<locale>.yaml), or its file lacks strings the site shows.",
    why="The site's own texts on that locale's pages (the notice above an untranslated or "
    "machine-translated article, the 404 page, the footer, the palette toggle) would show in the "
    "source language beside the reader's: the build shows the source locale's strings until the "
    "file has them.",
    fix="Create the file the finding names (copy strings/en.yaml, keep its keys) and translate "
    "every string it lists; keep {generator} and {date} as they are.",
    no_example="It is found on the site's strings files, not in a page",
    tags=["site"],
)
RULES = (LOCALE_STRINGS,)


@dataclass(frozen=True)
class Parsed:
    """One strings file as read: its strings, and what is wrong with it (line, column, text)."""

    table: dict[str, str] = field(default_factory=dict)
    problems: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class MadeWith:
    before: str  # text around the generator link, in the reader's word order
    after: str


class SiteStrings:
    """Every locale's strings of one site, each file read again when it changes (``refresh``)."""

    def __init__(self, site: Site):
        self.site = site
        self.folder = site.root / FOLDER
        self._files = {locale: DataFile(self.path(locale), _parse, optional=True) for locale in site.locales}
        self._tables: dict[str, dict[str, str]] = {}

    def path(self, locale: str) -> Path:
        return self.folder / f"{locale}.yaml"

    def display_path(self, locale: str) -> str:
        return self.site.display_path(self.path(locale))

    def refresh(self) -> bool:
        """Read again the files that changed (or appeared, or went); True if any did."""
        changed = [locale for locale, data in self._files.items() if data.refresh()]
        if changed:
            self._tables.clear()
            self.__dict__.pop("keys", None)
        return bool(changed)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The strings the site shows: those of the source locale's file."""
        return tuple(self._files[self.site.source_locale].value.table)

    def table(self, locale: str) -> dict[str, str]:
        """The locale's strings; the source locale's where it lacks one, the string's name where
        that lacks it too (shared: read, never change)."""
        if locale not in self._tables:
            source = self._parsed(self.site.source_locale).table
            own = self._parsed(locale).table if locale != self.site.source_locale else {}
            self._tables[locale] = _Strings({**source, **own})
        return self._tables[locale]

    def made_with(self, locale: str) -> MadeWith:
        before, _, after = self.table(locale)["made_with"].partition("{generator}")
        return MadeWith(before, after)

    def findings(self, locales: Iterable[str] | None = None) -> list[Finding]:
        """What is wrong with the strings of ``locales`` (None: every locale of the site)."""
        found = []
        for locale in self.site.locales if locales is None else locales:
            found.extend(self._findings(locale))
        return found

    def _findings(self, locale: str) -> list[Finding]:
        path, data = self.display_path(locale), self._files.get(locale)
        name = self._language(locale)
        if data is None or not data.exists:
            keys = self.keys if locale != self.site.source_locale else ()
            wanted = f": {', '.join(keys)}" if keys else ""
            source = self.display_path(self.site.source_locale)
            return [
                LOCALE_STRINGS.at(
                    path,
                    1,
                    1,
                    f"{path} is missing: {name} pages show the site's own texts in the source language. "
                    + (
                        f"Create it with the strings of {source}, translated{wanted}" if keys else "Create it"
                    ),
                )
            ]
        found = [
            LOCALE_STRINGS.at(path, line, column, message) for line, column, message in data.value.problems
        ]
        missing = [key for key in self.keys if key not in data.value.table]
        if missing:
            found.append(
                LOCALE_STRINGS.at(
                    path,
                    1,
                    1,
                    f"{path} lacks {', '.join(missing)}: {name} pages show them in the source language. "
                    f"Add them, translated from {self.display_path(self.site.source_locale)}",
                )
            )
        return found

    def _parsed(self, locale: str) -> Parsed:
        data = self._files.get(locale)
        return data.value if data is not None else Parsed()

    def _language(self, locale: str) -> str:
        language = self.site.language(locale)
        return f"{language.name} ({locale})" if language else locale


_sites = lasting.cache("strings.sites", 16, kept="each reads its files again when they change (refresh)")


def for_site(site: Site) -> SiteStrings:
    """The strings of ``site``, one object a site folder and set of locales for the process (a
    preview's rebuilds share it: ``refresh`` reads again what changed)."""
    key = (site.root.resolve(), site.source_locale, site.locales)
    if key not in _sites:
        _sites[key] = SiteStrings(site)
    return _sites[key]


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


class _Strings(dict):
    # A string no file has shows as its name (the finding says which file lacks it).
    def __missing__(self, key: str) -> str:
        return key


def _parse(text: str | None) -> Parsed:
    if text is None:
        return Parsed()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Parsed(
            problems=((line, column, f"cannot be read as YAML: {getattr(error, 'problem', error)}"),)
        )
    if root is None:
        return Parsed()
    if not isinstance(root, yaml.MappingNode):
        mark = root.start_mark
        return Parsed(problems=((mark.line + 1, mark.column + 1, "must be a mapping of names to texts"),))
    table, problems = {}, []
    for key, value in root.value:
        if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str":
            table[str(key.value)] = value.value
        else:
            mark = value.start_mark
            problems.append((mark.line + 1, mark.column + 1, f"{key.value} must be a text"))
    return Parsed(table, tuple(problems))
