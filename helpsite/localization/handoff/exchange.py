"""What goes out to translators and what comes back.

``export`` chooses, for each page of a locale that is missing or stale, the segments a
translator must work on: with the translation's exact English base (its
``ms.openlocfilehash``, found as ``l10n diff`` finds it) only those that changed since, the
unchanged ones carrying their current translation as context; without a base, all of them.
``take_back`` writes a page from a file that came back: the English page the export was made
from, with each segment's characters replaced by its target and every other character as it
was, under the translation's own front matter (or the English one for a new translation),
which records the English hash, the translation type and the handoff date. A page with one bad
unit is not written at all.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import babel.core

from helpsite.core import lasting
from helpsite.core.errors import HelpsiteError
from helpsite.core.site import Site
from helpsite.linting import checks
from helpsite.localization import l10n, l10n_diff
from helpsite.localization.handoff import formats, record
from helpsite.localization.handoff.segments import (
    CLOSE,
    OPEN,
    STANDALONE,
    Code,
    Part,
    Segment,
    join,
    segments,
)
from helpsite.localization.history import HASH_KEY, source_hash
from helpsite.text import page as pages

NEW, CHANGED, UNCHANGED, REPEATED = "new", "changed", "unchanged", "repetitions"
CATEGORIES = (NEW, CHANGED, UNCHANGED, REPEATED)
TRANSLATION_TYPES = ("MT", "HT")
_WORD = re.compile(r"\w+")
CONTENT_LOCALE_KEY = "ms.contentlocale"


class HandoffError(HelpsiteError):
    """Why a page cannot be exported or taken back: every problem found, each naming its file
    (and unit); a command that meets it ends with exit status 2, an import refuses the page."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class PageWork:
    """One page's share of an export: its units and what each is for the word count."""

    file: formats.PageFile
    categories: list[str] = field(default_factory=list)  # per unit: new, changed or unchanged
    words: list[int] = field(default_factory=list)
    reason: str = ""  # why all segments go out, when they do
    segments: list[Segment] = field(default_factory=list)  # the English page's


# ----------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------


def export(site: Site, locale: str, everything: bool = False, today: date | None = None) -> list[PageWork]:
    """The work of every page of ``locale`` that is missing or stale (every page with
    ``everything``), in the order of the site's pages."""
    day = (today or date.today()).strftime(l10n.DATE_FORMAT)
    statuses = []
    for page in l10n.source_pages(site):
        status = l10n.translation_status(site, locale, page)
        if everything or status.status != l10n.CURRENT:
            statuses.append(status)
    bases = l10n_diff.base_texts(site, statuses)
    work = []
    for status in statuses:
        item = _page_work(site, status, bases.get((locale, status.page)), day)
        if isinstance(item, str):
            raise HandoffError([item])
        work.append(item)
    return work


def _page_work(site, status, base, day: str) -> PageWork | str:
    english_path = site.file_for(site.source_locale, status.page)
    try:
        data = english_path.read_bytes()
    except OSError as error:
        return f"{site.display_path(english_path)}: cannot read the file: {error.strerror or error}"
    english = _loaded(site, english_path, data, site.source_locale, status.page)
    if isinstance(english, str):
        return english
    current = _segments(english, site)
    file = formats.PageFile(status.page, site.source_locale, status.locale, source_hash(data), day)
    work = PageWork(file, segments=current)
    aligned: dict[int, tuple[Part, ...]] = {}  # index in current -> its current translation
    if status.status == l10n.CURRENT:
        base = data
    if isinstance(base, bytes):
        translation = site.file_for(status.locale, status.page)
        found = _aligned(site, base, translation, status)
        if isinstance(found, str):
            work.reason = found
        else:
            aligned = _unchanged(found, current)
    else:
        work.reason = base or {
            l10n.MISSING: "no translation yet",
            l10n.UNTRACKED: f"the translation has no {HASH_KEY}",
        }.get(status.status, f"the translation is {status.status}")
    with_base = not work.reason
    for index, segment in enumerate(current):
        context = aligned.get(index)
        unit = formats.Unit(segment.id, segment.kind, segment.parts, line=segment.line)
        if context is not None:
            unit.target = context
            unit.state = "final" if status.translationtype == "HT" else "translated"
            # a current page goes out whole (--all) for review: its translations are the work
            unit.context = status.status != l10n.CURRENT
        file.units.append(unit)
        work.categories.append(UNCHANGED if context is not None else CHANGED if with_base else NEW)
        work.words.append(len(_WORD.findall(segment.text)))
    return work


_SEGMENTED = lasting.cache("handoff.segmented", 1, kept="the page's text is the key")


def _segments(page: pages.Page, site: Site) -> list[Segment]:
    """A page's segments, once per text: a current translation's base is the English page."""
    key = (page.page_path, page.text)
    if key not in _SEGMENTED:
        _SEGMENTED.clear()  # the last page's only: an export reads each page once
        _SEGMENTED[key] = segments(page, site)
    return _SEGMENTED[key]


def _aligned(site, base: bytes, translation: Path, status) -> list[tuple[Segment, Segment]] | str:
    """(base segment, translation segment) pairs, when the translation has the base's blocks
    one for one (same kinds, in order); else why not."""
    old = _loaded(site, None, base, site.source_locale, status.page)
    translated = _loaded(site, translation, None, status.locale, status.page)
    for loaded in (old, translated):
        if isinstance(loaded, str):
            return loaded
    old_segments, translated_segments = _segments(old, site), _segments(translated, site)
    if [s.kind for s in old_segments] != [s.kind for s in translated_segments]:
        return (
            f"the translation's blocks do not match the English it was made from "
            f"({len(translated_segments)} segments against {len(old_segments)}), so every segment goes out"
        )
    return list(zip(old_segments, translated_segments))


def _unchanged(pairs: list[tuple[Segment, Segment]], current: list[Segment]) -> dict[int, tuple[Part, ...]]:
    """Index in ``current`` -> the translation of a segment whose English is as in the base,
    its codes numbered as the current English's."""
    keys = [(old.kind, old.source) for old, _ in pairs]
    matcher = difflib.SequenceMatcher(None, keys, [(s.kind, s.source) for s in current], autojunk=False)
    found = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag != "equal":
            continue
        for offset in range(i2 - i1):
            parts = _renumbered(pairs[i1 + offset][1], current[j1 + offset])
            if parts is not None:
                found[j1 + offset] = parts
    return found


def _renumbered(translated: Segment, english: Segment) -> tuple[Part, ...] | None:
    """The translation's parts with the English segment's codes, one for one in order; None
    when their codes do not correspond (the translation then goes out again)."""
    ours, theirs = translated.codes, english.codes
    if [c.role for c in ours] != [c.role for c in theirs]:
        return None
    mapping: dict[str, str] = {}
    for mine, english_code in zip(ours, theirs):
        if mapping.setdefault(mine.id, english_code.id) != english_code.id:
            return None
    codes = iter(theirs)
    return tuple(next(codes) if isinstance(part, Code) else part for part in translated.parts)


def write_files(work: list[PageWork], format: str, out: Path, site: Site) -> list[Path]:
    """The exchange files of an export: one XLIFF file with a <file> per page, or a PO file
    per page (PAGE.po under ``out``), and the record of the segments (``record``)."""
    out.mkdir(parents=True, exist_ok=True)
    work = [item for item in work if item.file.units]  # a page without words has no file
    if not work:
        return []
    locale = work[0].file.locale
    record.write(out, site, {w.file.page: (w.file.source_hash, w.segments) for w in work})
    if format == "xliff":
        path = out / f"{locale}.xlf"
        path.write_bytes(formats.xliff_bytes([w.file for w in work]))
        return [path]
    written = []
    for item in work:
        path = out / (item.file.page.removesuffix(".md") + ".po")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(formats.po_text(item.file), encoding="utf-8")
        written.append(path)
    return written


# ----------------------------------------------------------------------------
# Word count: what a vendor quotes on
# ----------------------------------------------------------------------------


def word_count(work: list[PageWork], locale: str) -> dict:
    """Segments and words per category; a segment to translate whose English text an earlier
    one of the export has (in any page) is a repetition, not new or changed."""
    counts = {category: Counter() for category in CATEGORIES}
    seen: set[str] = set()
    for item in work:
        for unit, category, words in zip(item.file.units, item.categories, item.words):
            text = join(unit.source)
            if category != UNCHANGED and text in seen:
                category = REPEATED
            seen.add(text)
            counts[category]["segments"] += 1
            counts[category]["words"] += words
    return {
        "locale": locale,
        "pages": len(work),
        **{category: {"segments": c["segments"], "words": c["words"]} for category, c in counts.items()},
    }


def word_count_text(report: dict) -> str:
    rows = [("", "segments", "words")]
    rows += [
        (category, str(report[category]["segments"]), str(report[category]["words"]))
        for category in CATEGORIES
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{report['locale']}: {report['pages']} pages"]
    lines += [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def word_count_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TakenBack:
    path: Path
    units: int
    changed: bool


def read_files(paths: list[Path], site: Site) -> tuple[list[formats.PageFile], list[str]]:
    """The pages of the exchange files, each with the record of its export's segments where
    one is beside it, and the files that cannot be read (why)."""
    found, problems = [], []
    records: dict[Path | None, dict] = {None: {}}
    for path in paths:
        display = str(path)
        kept = record.find(path)
        if kept not in records:
            records[kept] = record.load(kept, site)
        try:
            if path.suffix in (".xlf", ".xliff"):
                read = formats.read_xliff(path, display)
            elif path.suffix == ".po":
                read = [formats.read_po(path, display)]
            else:
                problems.append(f"{display}: not an exchange file (.xlf, .xliff or .po)")
                continue
            for page in read:
                page.recorded = records[kept].get(page.page)
            found.extend(read)
        except formats.FormatError as error:
            problems.append(str(error))
        except OSError as error:
            problems.append(f"{display}: cannot read the file: {error.strerror or error}")
    return found, problems


def take_back(
    site: Site, file: formats.PageFile, translation_type: str | None = None, today: date | None = None
) -> TakenBack:
    """Write one page that came back; raise HandoffError (and write nothing) on any problem."""
    where = f"{file.where}: {file.page or '(no page)'}"
    if file.locale not in site.translation_locales:
        raise HandoffError(
            [
                f"{where}: the target language {file.locale!r} is not one of the site's translation "
                f"locales ({', '.join(site.translation_locales)})"
            ]
        )
    english_path = site.file_for(site.source_locale, file.page)
    if not file.page or not english_path.is_file():
        raise HandoffError(
            [
                f"{where}: there is no English page {site.display_path(english_path)} any more "
                "(deleted or renamed since the export): nothing written for it"
            ]
        )
    data = english_path.read_bytes()
    if source_hash(data) != file.source_hash:
        data = l10n_diff.source_version(site, file.page, file.source_hash)
        if data is None:
            raise HandoffError(
                [
                    f"{where}: no version of {site.display_path(english_path)} hashes to "
                    f"{file.source_hash!r}, the English the export was made from: export again"
                ]
            )
    english = _loaded(site, None, data, site.source_locale, file.page)
    if isinstance(english, str):
        raise HandoffError([english])
    current = record.segments_of(file.recorded, english, file.source_hash) or segments(english, site)
    problems = []
    targets: dict[str, tuple[Part, ...]] = {}
    by_id = {segment.id: segment for segment in current}
    for unit in file.units:
        segment = by_id.get(unit.id)
        if segment is None:
            problems.append(f"{unit.where}: unit {unit.id}: not a segment of {file.page} as it was exported")
            continue
        problem = target_problem(segment, unit.target)
        if problem:
            problems.append(f"{unit.where}: unit {unit.id}: {problem}")
            continue
        targets[unit.id] = _with_english_codes(unit.target, segment)
    returned = {unit.id for unit in file.units}
    for segment in current:
        if segment.id not in returned:
            problems.append(
                f"{where}: unit {segment.id} (line {segment.line}) is missing from the file: "
                "every segment the export wrote must come back"
            )
    if problems:
        raise HandoffError(problems)
    kind = translation_type or _translation_type(file)
    return _write(site, file, english, data, current, targets, kind, today)


def take_back_all(
    site: Site, files: list[formats.PageFile], translation_type: str | None = None
) -> list[TakenBack | list[str]]:
    """``take_back`` of every page, in order: what was written, or the problems that kept a page
    from being written."""
    return [_take_back_or_problems(site, file, translation_type) for file in files]


def _take_back_or_problems(site: Site, file: formats.PageFile, translation_type: str | None):
    try:
        return take_back(site, file, translation_type)
    except HandoffError as error:
        return error.problems


def target_problem(segment: Segment, target: tuple[Part, ...] | None) -> str | None:
    """Why a target cannot replace its segment: empty, or its codes not the source's."""
    if target is None or not "".join(p for p in target if isinstance(p, str)).strip():
        return "the target is empty"
    source_keys = [c.key for c in segment.codes]
    target_keys = [p.key for p in target if isinstance(p, Code)]
    missing = [k for k in source_keys if k not in target_keys]
    extra = [k for k in target_keys if k not in source_keys]
    doubled = sorted({k for k in target_keys if target_keys.count(k) > 1})
    data = {c.key: c.data for c in segment.codes}
    if missing:
        return "inline code missing from the target: " + ", ".join(_shown(k, data) for k in missing)
    if extra:
        return "inline code in the target that the source does not have: " + ", ".join(
            _shown(k, data) for k in extra
        )
    if doubled:
        return "inline code twice in the target: " + ", ".join(_shown(k, data) for k in doubled)
    open_pairs: list[str] = []
    for role, code_id in target_keys:
        if role == OPEN:
            open_pairs.append(code_id)
        elif role == CLOSE:
            if not open_pairs or open_pairs[-1] != code_id:
                return (
                    f"inline codes reordered: {_shown((CLOSE, code_id), data)} must follow "
                    f"{_shown((OPEN, code_id), data)}, with any pair inside it closed first"
                )
            open_pairs.pop()
    return None


def _shown(key: tuple[str, str], data: dict) -> str:
    role, code_id = key
    mark = {STANDALONE: f"<{code_id}/>", OPEN: f"<{code_id}>", CLOSE: f"</{code_id}>"}[role]
    return f"{mark} ({data[key]!r})" if key in data else mark


def _with_english_codes(target: tuple[Part, ...], segment: Segment) -> tuple[Part, ...]:
    codes = {c.key: c for c in segment.codes}
    return tuple(codes[p.key] if isinstance(p, Code) else p for p in target)


def _translation_type(file: formats.PageFile) -> str:
    worked = [unit for unit in file.units if not unit.context]
    return "HT" if all(unit.state in formats.DONE_STATES for unit in worked) else "MT"


def _write(site, file, english, data, current, targets, kind, today) -> TakenBack:
    text = english.text
    front_values = {}
    for segment in reversed(current):
        parts = targets[segment.id]
        if segment.front_matter_key:
            front_values[segment.front_matter_key] = join(parts)
            continue
        text = text[: segment.start] + segment.written(parts) + text[segment.end :]
    body = text[len(english.text) - len(english.body) :]
    path = site.file_for(file.locale, file.page)
    display = site.display_path(path)
    old = path.read_bytes() if path.is_file() else None
    translation = _loaded(site, path, old, file.locale, file.page) if old is not None else None
    head = translation if isinstance(translation, pages.Page) else english
    head_data = old if head is translation else data
    recorded = head.meta.get(HASH_KEY) if head is translation else None
    bom = pages.UTF8_BOM if head_data.startswith(pages.UTF8_BOM) else b""
    combined = head.text[: len(head.text) - len(head.body)] + body
    if b"\r\n" in head_data:
        combined = combined.replace("\n", "\r\n")
    new = bom + combined.encode("utf-8")
    handoff_day = _date(file.date, today)
    values = dict(front_values)
    values[HASH_KEY] = source_hash(data, recorded if isinstance(recorded, str) else None)
    values[l10n.TYPE_KEY] = kind
    values[l10n.HANDOFF_KEY] = handoff_day
    if head is english or CONTENT_LOCALE_KEY not in head.meta:  # as Microsoft's pipeline writes it
        values[CONTENT_LOCALE_KEY] = content_locale(file.locale)
    try:
        new = l10n.set_front_matter(new, pages.load(new, display, file.locale, file.page), values)
    except l10n.StampError as error:
        raise HandoffError([f"{file.where}: {error}"]) from None
    loaded = pages.load(new, display, file.locale, file.page)
    errors = [f for f in checks.check_page(loaded, site) if f.is_error]
    if errors:
        raise HandoffError(
            [f"{file.where}: {file.page}: the page as taken back fails its checks (not written):"]
            + [f"  {finding.as_text()}" for finding in errors]
        )
    if new != old:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(new)
    return TakenBack(path, len(targets), new != old)


def _date(recorded: str, today: date | None) -> str:
    try:
        return datetime.strptime(recorded, l10n.DATE_FORMAT).strftime(l10n.DATE_FORMAT)
    except ValueError:
        return (today or date.today()).strftime(l10n.DATE_FORMAT)


def content_locale(locale: str) -> str:
    """A locale's language tag with its likeliest region (CLDR's likely subtags): nb-NO."""
    if "-" in locale or "_" in locale:
        return locale.replace("_", "-")
    likely = babel.core.get_global("likely_subtags").get(locale, "")
    region = next((part for part in likely.split("_")[1:] if part.isupper() and len(part) == 2), None)
    return f"{locale}-{region}" if region else locale


def _loaded(site: Site, path: Path | None, data: bytes | None, locale: str, page: str) -> pages.Page | str:
    """A page loaded from bytes (read from ``path`` when None), or why it cannot be used."""
    shown = site.display_path(path) if path is not None else f"{locale}/{page} (a version from history)"
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            return f"{shown}: cannot read the file: {error.strerror or error}"
    loaded = pages.load(data, shown, locale, page)
    if not loaded.readable or not loaded.meta_ok:
        return loaded.problem if loaded.findings else f"{shown}: cannot be read"
    return loaded
