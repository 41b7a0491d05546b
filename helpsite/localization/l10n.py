"""Translation freshness from the metadata Microsoft's localization pipeline writes.

``ms.openlocfilehash`` is the hash of the raw bytes of the source-locale file a translation
was made from: SHA-1 (40 hex digits) or, in newer files, SHA-256 (64). A translation is
current while that hash equals the hash of the source file now. ``stamp`` records that a
translation has caught up, editing only the lines of the keys it sets.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

from helpsite.core.errors import EXIT_FINDINGS, HelpsiteError
from helpsite.core.findings import Finding
from helpsite.core.site import Site
from helpsite.linting import rules
from helpsite.localization.history import HASH_KEY, source_hash
from helpsite.text import page as pages

CURRENT, STALE, UNTRACKED, MISSING = "current", "stale", "untracked", "missing"
INVALID = "invalid"  # the translation's front matter cannot be read, so its hash is unknown
STATUSES = (CURRENT, STALE, UNTRACKED, MISSING, INVALID)
COMMIT_KEY = "ms.sourcegitcommit"
HANDOFF_KEY = "ms.lasthandoff"
TYPE_KEY = "ms.translationtype"
DATE_FORMAT = "%m/%d/%Y"  # Microsoft Learn's MM/DD/YYYY
RECORD_KEYS = ("page", "locale", "status", "translationtype", "source_hash", "recorded_hash")
COMMIT_RE = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class TranslationStatus:
    page: str  # path inside the locale folder: licenses/x.md
    locale: str
    status: str  # current, stale, untracked, missing or invalid
    translationtype: str | None  # MT, HT, or None when unknown
    source_hash: str  # hash of the source file now, in the recorded form
    recorded_hash: str | None
    problem: str | None = None  # why the status is invalid, as PATH:LINE:COL: ...
    lasthandoff: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def record(self) -> dict:
        """The machine-readable record: the keys the JSON output promises."""
        return {key: getattr(self, key) for key in RECORD_KEYS}


# (front matter or None, why it cannot be read) of a file
FrontReader = Callable[[str], tuple[dict | None, str | None]]


def translation_status(
    site: Site,
    locale: str,
    page_path: str,
    source_bytes: bytes | SourceUnreadable | None = None,
    front: FrontReader | None = None,
) -> TranslationStatus:
    """How a translation stands against its source; ``source_bytes`` saves a read, ``front``
    gives a file's front matter read already (helpsite.building.source_files)."""
    if source_bytes is None:
        source_bytes = read_source(site, page_path)
    if isinstance(source_bytes, SourceUnreadable):
        return TranslationStatus(page_path, locale, INVALID, None, "", None, problem=source_bytes.problem)
    translation = site.file_for(locale, page_path)
    if not translation.is_file():
        return TranslationStatus(page_path, locale, MISSING, None, source_hash(source_bytes), None)
    meta, problem = front(os.fspath(translation)) if front else read_front(site, translation)
    if meta is None:
        return TranslationStatus(
            page_path, locale, INVALID, None, source_hash(source_bytes), None, problem=problem
        )
    return status_from_meta(page_path, locale, meta, source_bytes)


@dataclass(frozen=True)
class SourceUnreadable:
    problem: str  # PATH: cannot read the file: why


def read_source(site: Site, page_path: str) -> bytes | SourceUnreadable:
    """The source page's bytes, or why they cannot be read (its translations are then invalid)."""
    path = site.file_for(site.source_locale, page_path)
    try:
        return path.read_bytes()
    except OSError as error:
        return SourceUnreadable(f"{site.display_path(path)}: cannot read the file: {error.strerror or error}")


def read_front(site: Site, path: Path) -> tuple[dict | None, str | None]:
    """A file's front matter, or None and why it cannot be read."""
    loaded = pages.read(path, site.display_path(path), site.locale_of(path), site.page_path(path))
    if loaded.meta_ok:
        return loaded.meta, None
    return None, loaded.problem


def status_from_meta(page_path: str, locale: str, meta: dict, source_bytes: bytes) -> TranslationStatus:
    """The status of a translation whose front matter has been read already."""
    recorded = _text(meta.get(HASH_KEY)).lower() or None
    kind = _text(meta.get(TYPE_KEY)) or None
    current = source_hash(source_bytes, recorded)
    if recorded is None:
        status = UNTRACKED
    else:
        status = CURRENT if recorded == current else STALE
    return TranslationStatus(
        page_path, locale, status, kind, current, recorded, lasthandoff=_text(meta.get(HANDOFF_KEY)) or None
    )


def source_pages(site: Site) -> list[str]:
    """Every page of the source locale, as paths inside the locale folder."""
    return site.pages(site.source_locale)


def site_status(site: Site, front: FrontReader | None = None) -> list[TranslationStatus]:
    """One status for every source page in every translation locale."""
    statuses = []
    for page_path in source_pages(site):
        data = read_source(site, page_path)
        for locale in site.translation_locales:
            statuses.append(translation_status(site, locale, page_path, data, front))
    return statuses


def totals(statuses: Iterable[TranslationStatus]) -> dict[str, Counter]:
    """How many pages of each status every locale has, locales in the order met."""
    counts: dict[str, Counter] = {}
    for status in statuses:
        counts.setdefault(status.locale, Counter())[status.status] += 1
    return counts


# ----------------------------------------------------------------------------
# Reports: the command line's table and JSON, the site's status page
# ----------------------------------------------------------------------------


def status_text(statuses: list[TranslationStatus]) -> str:
    """A table of every page in every locale, then the totals per locale."""
    rows = [("page", "locale", "status", "type")]
    rows += [(s.page, s.locale, s.status, s.translationtype or "-") for s in statuses]
    counts = totals(statuses)
    all_counts = sum(counts.values(), Counter())
    sums = [("locale", *STATUSES, "pages")]
    sums += [
        (locale, *(str(c[s]) for s in STATUSES), str(c.total()))
        for locale, c in [*counts.items(), ("all", all_counts)]
    ]
    return _columns(rows) + "\n\n" + _columns(sums, numeric=True) + "\n"


def status_json(statuses: list[TranslationStatus]) -> str:
    return json.dumps([s.record() for s in statuses], ensure_ascii=False, indent=2)


# The statuses as findings, for annotations and code scanning (``l10n --format github|sarif``);
# tagged "status": found by comparing locales, not by the page checks (no comment silences them).
_NO_PAGE_EXAMPLE = (
    "it compares a translation with its source page in another locale, with "
    "python -m helpsite l10n, not one page"
)
STATUS_RULES = {
    STALE: rules.define(
        "translation-stale",
        rules.WARNING,
        "The source page has changed since the translation was made.",
        why="Readers of the translation may get instructions the source page no longer gives.",
        fix="Update the translation, then record that with python -m helpsite stamp.",
        no_example=_NO_PAGE_EXAMPLE,
        tags=["localization", "status"],
    ),
    UNTRACKED: rules.define(
        "translation-untracked",
        rules.WARNING,
        f"The translation has no {HASH_KEY}.",
        why="Without the hash of the source it was made from, nobody can tell whether it is current.",
        fix="Check the translation against its source page, then record it with python -m helpsite stamp.",
        no_example=_NO_PAGE_EXAMPLE,
        tags=["localization", "status"],
    ),
    MISSING: rules.define(
        "translation-missing",
        rules.WARNING,
        "A page has no translation in a locale.",
        why="Readers of that locale get the source page in the source language.",
        fix="Translate the page into docs/<locale>/ at the same path.",
        no_example=_NO_PAGE_EXAMPLE,
        tags=["localization", "status"],
    ),
    INVALID: rules.define(
        "translation-invalid",
        rules.WARNING,
        "The translation's front matter cannot be read.",
        why="Its freshness is unknown, and the build does not publish the page.",
        fix="Correct the front matter: python -m helpsite check names the line.",
        no_example=_NO_PAGE_EXAMPLE,
        tags=["localization", "status"],
    ),
}
RULES = tuple(STATUS_RULES.values())


def status_findings(
    site: Site, statuses: Iterable[TranslationStatus], fail_on: Iterable[str] = ()
) -> list[Finding]:
    """A finding for every translation that is not current, on its file (a missing one on the
    source page); an error where its status is one ``--fail-on`` names, else a warning."""
    fail_on = set(fail_on)
    findings = []
    for status in statuses:
        if status.status not in STATUS_RULES:
            continue
        rule = STATUS_RULES[status.status]
        severity = rules.ERROR if status.status in fail_on else rules.WARNING
        language = language_name(site, status.locale)
        if status.status == MISSING:
            path, place = site.file_for(site.source_locale, status.page), (1, 1)
            message = f"no {language} translation: {status.locale} readers get this page"
        else:
            path = site.file_for(status.locale, status.page)
            place = (1, 1)
            message = STATUS_LEGEND[status.status]
            if status.status == STALE:
                loaded = pages.read(path, site.display_path(path), status.locale, status.page)
                place = loaded.front.key_positions.get((HASH_KEY,), place)
                message = (
                    f"the {site.source_locale} page has changed since this translation was made "
                    f"(recorded {HASH_KEY} {status.recorded_hash}, now {status.source_hash}): update "
                    "it, then record that with python -m helpsite stamp"
                )
        findings.append(rule.at(site.display_path(path), *place, message, severity=severity))
    return findings


# The generated pages' metadata: valid Microsoft Learn front matter, kept out of search
# engines (ROBOTS) and the site search (Material's search.exclude), with the full width of
# the page (Material's hide); overrides/l10n.html shows the dashboard under the text.
STATUS_PAGE_META = {
    "title": "Localization status",
    "description": "Which translations of the help are current, stale, untracked, missing or "
    "invalid, locale by locale, and what changed in the source of each stale one.",
    "author": "helpsite",
    "ms.author": "helpsite",
    "ms.topic": "reference",
    "ms.service": "o365-administration",
    "ROBOTS": "NOINDEX",
    "search": {"exclude": True},
    "hide": ["navigation", "toc"],
    "template": "l10n.html",
}

STATUS_LEGEND = {
    CURRENT: "the translation was made from the source page as it is now.",
    STALE: "the source page has changed since the translation was made: update the "
    "translation, then record that with `python -m helpsite stamp`.",
    UNTRACKED: f"the translation has no `{HASH_KEY}`, so its freshness is unknown.",
    MISSING: "there is no translation: readers get the source page.",
    INVALID: "the translation's front matter cannot be read: `python -m helpsite check` says why.",
}


def status_page(site: Site, statuses: list[TranslationStatus], today: date | None = None) -> str:
    """The summary page's Markdown: its front matter, title, and what the statuses mean.

    ``ms.date`` is the newest ``ms.lasthandoff`` of the translations, so the page is the same
    on every build of the same content.
    """
    source = site.language(site.source_locale)
    return _generated_page(
        STATUS_PAGE_META["title"],
        statuses,
        today,
        [
            f"Each translation compared with the {source.name if source else site.source_locale} page "
            f"it was translated from: the `{HASH_KEY}` it records against a hash of the source file "
            "as it is now. Each locale's page lists the translations that need work, and for a stale "
            "one what changed in the source since the version it was made from.",
            "",
            "## What the statuses mean",
            "",
            *(f"- **{status}**: {text}" for status, text in STATUS_LEGEND.items()),
        ],
    )


def locale_page(site: Site, locale: str, statuses: list[TranslationStatus], today: date | None = None) -> str:
    """A locale's page: its title and what it lists (the template adds the list)."""
    return _generated_page(
        f"Localization status: {language_name(site, locale)}",
        [s for s in statuses if s.locale == locale],
        today,
        [
            "The translations of this locale that need work: stale ones with the source diff since "
            "the version they were made from (removed words struck through, added ones marked), then "
            "invalid, untracked and missing ones. MT is a machine translation, HT a human one.",
        ],
    )


def _generated_page(
    title: str, statuses: list[TranslationStatus], today: date | None, body: list[str]
) -> str:
    meta = dict(STATUS_PAGE_META, title=title, **{"ms.date": _newest_handoff(statuses, today)})
    lines = [
        "---",
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip("\n"),
        "---",
        f"# {title}",
        "",
        *body,
    ]
    return "\n".join(lines) + "\n"


def _columns(rows: list[tuple[str, ...]], numeric: bool = False) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def cell(i: int, text: str, width: int) -> str:
        return text.rjust(width) if numeric and i > 0 else text.ljust(width)

    return "\n".join(
        "  ".join(cell(i, c, w) for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows
    )


def language_name(site: Site, locale: str) -> str:
    """A locale's name and code: "Norsk bokmål (nb)"."""
    language = site.language(locale)
    return f"{language.name} ({locale})" if language and language.name != locale else locale


def _newest_handoff(statuses: Iterable[TranslationStatus], today: date | None) -> str:
    dates = []
    for s in statuses:
        try:
            dates.append(datetime.strptime(s.lasthandoff or "", DATE_FORMAT).date())
        except ValueError:
            continue
    newest = max(dates) if dates else (today or date.today())
    return newest.strftime(DATE_FORMAT)


# ----------------------------------------------------------------------------
# Stamping a translation as current
# ----------------------------------------------------------------------------


class StampError(HelpsiteError):
    """A file ``stamp`` refuses; the message names the file."""


class UncommittedSource(StampError):
    """The source page has changes that are not committed: stamping against them records a
    version no commit holds, so it is done only when asked (``allow_uncommitted=True``)."""

    exit_code = EXIT_FINDINGS


@dataclass(frozen=True)
class Stamped:
    path: Path
    values: dict  # the keys set, in the order given
    changed: bool  # False when the file already said exactly this
    notes: tuple[str, ...]  # things the translator should know, e.g. an uncommitted source


def stamp(
    site: Site,
    path: Path,
    commit: str | None = None,
    today: date | None = None,
    allow_uncommitted: bool = False,
) -> Stamped:
    """Record in a translation that it is current with its source page as it is now.

    A source page with changes that are not committed is refused (``UncommittedSource``), unless
    ``allow_uncommitted``: then the hash of the file as it is is recorded, and no commit (none holds
    that version; a commit recorded before is taken out)."""
    path = Path(path)
    display = site.display_path(path)
    locale = site.locale_of(path)
    if locale not in site.translation_locales:
        raise StampError(
            f"{display}: not a translation: stamp takes pages under "
            f"{site.display_path(site.docs_dir)}/<locale>/ for the locales "
            f"{', '.join(site.translation_locales)}"
        )
    source = site.source_file_for(path)
    shown_source = site.display_path(source)
    if not source.is_file():
        raise StampError(f"{display}: there is no source page {shown_source} to stamp it against")
    try:
        data, source_bytes = path.read_bytes(), source.read_bytes()
    except OSError as error:
        raise StampError(f"{error.filename}: cannot read the file: {error.strerror or error}")
    loaded = pages.load(data, display, locale, site.page_path(path))
    if not loaded.meta_ok:
        raise StampError(f"{loaded.problem} (not stamped)")
    values = {HASH_KEY: source_hash(source_bytes, _text(loaded.meta.get(HASH_KEY)) or None)}
    notes, removed = [], ()
    refusal = uncommitted(site, path)
    if refusal is not None and not allow_uncommitted:
        raise refusal
    if refusal is not None:
        removed = (COMMIT_KEY,) if COMMIT_KEY in loaded.meta else ()
        notes.append(
            f"{display}: stamped against {shown_source} as it is now, not committed: {HASH_KEY} is "
            f"that file's hash, and {COMMIT_KEY} is {'taken out' if removed else 'not set'} (no commit holds it)"
        )
        commit = None
    elif commit is None:
        commit = source_commit(source)
        if commit is None:
            notes.append(
                f"{display}: {COMMIT_KEY} left as it was: {shown_source} has no git "
                "commit here (give --commit SHA)"
            )
    if commit is not None:
        values[COMMIT_KEY] = commit
    values[HANDOFF_KEY] = (today or date.today()).strftime(DATE_FORMAT)
    new = set_front_matter(data, loaded, values, removed)
    if new != data:
        try:
            path.write_bytes(new)
        except OSError as error:
            raise StampError(f"{display}: cannot write the file: {error.strerror or error}")
    return Stamped(path, values, new != data, tuple(notes))


def uncommitted(site: Site, path: Path) -> UncommittedSource | None:
    """Why a translation is not stamped while its source page has changes that are not
    committed, saying what to commit (None: it has none, or it is no translation of a page)."""
    path = Path(path)
    if site.locale_of(path) not in site.translation_locales:
        return None
    source = site.source_file_for(path)
    if source is None or not source.is_file() or not has_uncommitted_changes(source):
        return None
    shown_source = site.display_path(source)
    return UncommittedSource(
        f"{site.display_path(path)}: not stamped: its source {shown_source} has changes that are not "
        f"committed. Commit them first (git commit {shown_source}), then stamp; or stamp against the "
        "file as it is now with --uncommitted"
    )


def has_uncommitted_changes(source: Path) -> bool:
    """Whether git sees changes of ``source`` that are not committed (staged or not, or the file
    not committed at all); False outside a git checkout."""
    return bool(_git(source.parent, "status", "--porcelain", "--", source.name))


def source_commit(source: Path) -> str | None:
    """The last commit that changed ``source``, or None outside a git checkout."""
    sha = _git(source.parent, "log", "-1", "--format=%H", "--", source.name)
    return sha if sha and COMMIT_RE.fullmatch(sha) else None


def set_front_matter(
    data: bytes, loaded: pages.Page, values: dict[str, str], removed: Iterable[str] = ()
) -> bytes:
    """``data`` with these top-level keys set, the ``removed`` ones taken out (their lines), and
    every other byte kept.

    A key's value is replaced in place on its line (its quoting kept); a key that is absent
    is added before the closing ``---``, with the file's line ending. ``loaded`` is ``data``
    as ``pages.load`` read it: its key and value positions say where to edit.
    """
    removed = tuple(removed)
    bom = pages.UTF8_BOM if data.startswith(pages.UTF8_BOM) else b""
    lines = _LINE_RE.findall(data[len(bom) :].decode("utf-8"))
    eol = _ending(lines[0]) if lines and _ending(lines[0]) else "\n"
    front = loaded.front
    added = [
        f"{key}: {_scalar(value)}{eol}" for key, value in values.items() if (key,) not in front.key_positions
    ]
    if not front.present:
        lines[:0] = ["---" + eol, *added, "---" + eol]
    else:
        top = [pos for key, pos in front.key_positions.items() if len(key) == 1]
        if any(column != 1 for _, column in top):
            raise StampError(
                f"{loaded.display}:{front.first_line + 1}:1: the front matter is not "
                "a block of 'key: value' lines, so stamp cannot edit it"
            )
        for key, value in values.items():
            if (key,) in front.key_positions:
                _replace_value(lines, loaded, key, value)
        lines[front.last_line - 1 : front.last_line - 1] = added
        # from the last line up, so the lines above keep their numbers
        for key in sorted(removed, key=lambda key: front.key_positions[(key,)][0], reverse=True):
            _remove_key(lines, loaded, key)
    result = bom + "".join(lines).encode("utf-8")
    _verify(result, loaded, values, removed)
    return result


# Lines as pages.load counts them (it normalises \r\n and \r to \n), endings kept.
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


# Put ``value`` where ``key``'s one-line scalar value stands, in the same quoting style.
def _replace_value(lines: list[str], loaded: pages.Page, key: str, value: str) -> None:
    front, shown = loaded.front, loaded.display
    (key_line, key_column) = front.key_positions[(key,)]
    (line, start), (end_line, end) = front.value_positions[(key,)], front.value_ends[(key,)]
    if not lines[key_line - 1][key_column - 1 :].startswith(key):
        raise StampError(
            f"{shown}:{key_line}:{key_column}: cannot find '{key}' on its line "
            "(an unusual line break in the front matter?): set it by hand"
        )
    if isinstance(loaded.meta.get(key), (list, dict)) or line != end_line:
        raise StampError(
            f"{shown}:{line}:{start}: '{key}' must be one value on one line "
            "for stamp to set it: write it so, or set it by hand"
        )
    text = lines[line - 1]
    old = text[start - 1 : end - 1]
    if old.startswith('"'):
        new = json.dumps(value)
    elif old.startswith("'"):
        new = "'" + value.replace("'", "''") + "'"
    else:
        new = _scalar(value)
    if not old:  # an empty value: keep a space after the colon and before a comment
        before, after = text[: start - 1], text[start - 1 :]
        new = ("" if before[-1:].isspace() else " ") + new + (" " if after[:1] == "#" else "")
    lines[line - 1] = text[: start - 1] + new + text[end - 1 :]


# libyaml's safe loader where PyYAML has it: an import sets a value for each of thousands of pages
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A value as a YAML scalar: plain when YAML reads it back as that same text, else quoted.
def _scalar(value: str) -> str:
    try:
        plain = yaml.load(f"k: {value}", Loader=_SAFE_LOADER) == {"k": value}
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)


# The edit must leave every other key's value as it was: check by reading it back.
# Take out ``key``'s line (a one-line value: what stamp itself writes).
def _remove_key(lines: list[str], loaded: pages.Page, key: str) -> None:
    (key_line, _), (end_line, _) = loaded.front.key_positions[(key,)], loaded.front.value_ends[(key,)]
    if end_line != key_line:
        raise StampError(
            f"{loaded.display}:{key_line}:1: '{key}' must be on one line to be taken out: do it by hand"
        )
    del lines[key_line - 1]


def _verify(result: bytes, before: pages.Page, values: dict[str, str], removed: tuple[str, ...] = ()) -> None:
    after = pages.load(result, before.display)
    expected = {key: value for key, value in dict(before.meta, **values).items() if key not in removed}
    if not after.meta_ok or after.meta != expected or after.body != before.body:
        raise StampError(
            f"{before.display}: stamp could not set {', '.join(values)} without "
            "changing something else: set them by hand"
        )


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
