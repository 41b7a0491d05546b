"""What a translator has to redo: the exact source version of each stale translation and its diff.

A stale translation's ``ms.openlocfilehash`` names the source bytes it was made from; the
newest commit whose version of the source file hashes to it is its *base*, and the unified
diff from the base to the source as it is now is the work. ``made_stale_since`` is the pull
request check: the translations that the source changes since a revision make stale.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from helpsite.core.site import Site
from helpsite.localization import l10n, stale_sections
from helpsite.localization.history import HASH_KEY, History, HistoryError, Version, iso_date, source_hash

ORPHANED = "orphaned"  # a translation whose source page is gone (deleted or renamed)
RECORD_KEYS = ("page", "locale", "status", "base_commit", "diff", "reason")
SINCE_KEYS = ("page", "locale", "status", "change")
HASH_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
CHANGE_WORDS = {"M": "modified", "T": "modified", "R": "renamed", "D": "deleted"}


@dataclass(frozen=True)
class TranslationDiff:
    page: str  # path inside the locale folder
    locale: str
    status: str  # stale, or orphaned
    base_commit: str | None  # the newest commit whose source version the translation was made from
    diff: str | None  # unified diff of the source file from the base to now
    reason: str | None  # why there is no base or no diff
    base_date: str | None = None  # the base commit's date, ISO
    last_change: str | None = None  # the date of the newest commit of the source file, ISO
    # the source page's sections changed since the base, worked out when asked for (the
    # dashboard shows them; ``l10n diff`` does not, and need not parse every version)
    changed_sections: Callable[[], tuple[stale_sections.SectionChange, ...]] = field(
        default=tuple, compare=False, repr=False
    )

    def record(self) -> dict:
        return {key: getattr(self, key) for key in RECORD_KEYS}

    @property
    def sections(self) -> tuple[stale_sections.SectionChange, ...]:
        return self.changed_sections()


@dataclass(frozen=True)
class MadeStale:
    page: str
    locale: str
    status: str  # stale, or orphaned
    change: str  # modified, renamed (from x), deleted

    def record(self) -> dict:
        return {key: getattr(self, key) for key in SINCE_KEYS}


def translation_diffs(
    site: Site, statuses: Iterable[l10n.TranslationStatus], orphans: Iterable[tuple[str, str]] = ()
) -> list[TranslationDiff]:
    """A record for every stale translation among ``statuses`` and every (locale, page) of
    ``orphans``, in that order."""
    stale = [s for s in statuses if s.status == l10n.STALE]
    orphans = list(orphans)
    try:
        history = History(site.docs_dir / site.source_locale)
    except HistoryError as error:
        return [TranslationDiff(s.page, s.locale, l10n.STALE, None, None, str(error)) for s in stale] + [
            TranslationDiff(page, locale, ORPHANED, None, None, str(error)) for locale, page in orphans
        ]
    bases = _Bases(site, history, stale)
    return [bases.diff(s) for s in stale] + [bases.orphan(locale, page) for locale, page in orphans]


def orphans(site: Site, locales: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(locale, page) of every translation without a source page."""
    sources = set(l10n.source_pages(site))
    return [
        (locale, page)
        for locale in (locales or site.translation_locales)
        for page in site.pages(locale)
        if page not in sources
    ]


def made_stale_since(site: Site, revision: str) -> list[MadeStale]:
    """The translations the source changes since ``revision`` make stale or leave without a
    source page: the ones that were current with the source at ``revision``."""
    history = History(site.docs_dir / site.source_locale)
    commit = history.commit_of(revision)
    before = history.tree(commit)
    changes = [c for c in history.changes_since(commit) if c.status in CHANGE_WORDS]
    at_revision = dict(history.contents(before[c.old_path] for c in changes if c.old_path in before))
    found = []
    for change in changes:
        old_page, new_page = _page(history, change.old_path), _page(history, change.path)
        if old_page is None:
            continue
        old_bytes = at_revision.get(before.get(change.old_path, ""))
        renamed = change.status == "R"
        word = CHANGE_WORDS[change.status] + (f" from {old_page}" if renamed else "")
        gone = "deleted" if new_page is None else f"renamed to {new_page}"
        for locale in site.translation_locales:
            if new_page is not None and old_bytes is not None:
                status = l10n.translation_status(site, locale, new_page)
                current_then = source_hash(old_bytes, status.recorded_hash) == status.recorded_hash
                if status.status == l10n.STALE and current_then:
                    found.append(MadeStale(new_page, locale, l10n.STALE, word))
            if (
                new_page != old_page
                and site.file_for(locale, old_page).is_file()
                and not site.file_for(site.source_locale, old_page).is_file()
            ):
                found.append(MadeStale(old_page, locale, ORPHANED, gone))
    return found


# ----------------------------------------------------------------------------
# Reports
# ----------------------------------------------------------------------------


def diffs_json(diffs: list[TranslationDiff]) -> str:
    return json.dumps([d.record() for d in diffs], ensure_ascii=False, indent=2)


def diffs_text(diffs: list[TranslationDiff]) -> str:
    """Per translation a line naming its base (or why there is none), then the diff."""
    parts = []
    for d in diffs:
        where = f"{d.locale}/{d.page}: {d.status}"
        if d.base_commit:
            where += f": made from {d.base_commit[:12]} ({d.base_date})"
        parts.append(where + (f": {d.reason}" if d.reason else "") + "\n" + (d.diff or ""))
    return "".join(parts)


def since_json(found: list[MadeStale]) -> str:
    return json.dumps([m.record() for m in found], ensure_ascii=False, indent=2)


def since_text(found: list[MadeStale], revision: str) -> str:
    """Lunaria's pull request comment, as text: each changed page and the locales it affects."""
    if not found:
        return f"No translation is made stale by the source changes since {revision}.\n"
    by_page: dict[tuple[str, str, str], list[str]] = {}
    for m in found:
        by_page.setdefault((m.page, m.status, m.change), []).append(m.locale)
    lines = [
        f"The source changes since {revision} make {len(found)} translation"
        f"{'s' if len(found) != 1 else ''} out of date:",
        "",
    ]
    for (page, status, change), locales in by_page.items():
        what = "stale in" if status == l10n.STALE else "left without a source page in"
        lines.append(f"- {page} ({change}): {what} {', '.join(locales)}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------
# Finding bases
# ----------------------------------------------------------------------------


class _Bases:
    """The bases and diffs of a site's stale translations, from two passes over git's objects:
    the hash of every version of their source files, then the bytes of the bases found."""

    def __init__(self, site: Site, history: History, stale: list[l10n.TranslationStatus]):
        self.site, self.history = site, history
        pages = dict.fromkeys(s.page for s in stale)
        self.paths = {page: history.path_of(site.file_for(site.source_locale, page)) for page in pages}
        self.versions = {page: history.versions(path) for page, path in self.paths.items()}
        lengths: dict[str, set[int]] = {}
        for s in stale:
            if HASH_RE.fullmatch(s.recorded_hash or ""):
                for version in self.versions[s.page]:
                    lengths.setdefault(version.blob, set()).add(len(s.recorded_hash))
        self.hashes = {
            (blob, digits): source_hash(data, "0" * digits)
            for blob, data in history.contents(lengths)
            if data is not None
            for digits in lengths[blob]
        }
        self.found = {(s.locale, s.page): self._base(s) for s in stale}
        bases = {found.blob for found in self.found.values() if isinstance(found, Version)}
        self.texts = dict(history.contents(bases))
        self._diffs: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._changed: dict[tuple[str, str], tuple[stale_sections.SectionChange, ...]] = {}

    def diff(self, status: l10n.TranslationStatus) -> TranslationDiff:
        versions = self.versions[status.page]
        base = self.found[(status.locale, status.page)]
        if isinstance(base, str):
            diff, reason, base, sections = None, base, None, tuple
        else:
            diff, reason = self._diff(self.paths[status.page], base)
            sections = functools.partial(self._sections, self.paths[status.page], base)
        return TranslationDiff(
            status.page,
            status.locale,
            l10n.STALE,
            base and base.commit,
            diff,
            reason,
            base and base.date,
            versions[0].date if versions else None,
            sections,
        )

    def orphan(self, locale: str, page: str) -> TranslationDiff:
        source = self.site.file_for(self.site.source_locale, page)
        shown = self.site.display_path(source)
        left = self.history.left(self.history.path_of(source))
        if left is None:
            reason = f"there is no source page {shown}, and its history has none either"
        elif left.to is None:
            reason = f"{shown} was deleted in {left.change.commit[:12]} ({iso_date(left.change.time)})"
        else:
            moved = self.site.display_path(self.history.file_of(left.to))
            reason = (
                f"{shown} was renamed to {moved} in {left.change.commit[:12]} "
                f"({iso_date(left.change.time)}): move the translation with it"
            )
        return TranslationDiff(page, locale, ORPHANED, None, None, reason)

    # The base of a translation, or why there is none.
    def _base(self, status: l10n.TranslationStatus) -> Version | str:
        recorded = status.recorded_hash or ""
        if not HASH_RE.fullmatch(recorded):
            return (
                f"{HASH_KEY} {recorded!r} is neither a SHA-1 (40 hex digits) "
                "nor a SHA-256 (64), so no version can match it"
            )
        digits = len(recorded)
        base = next(
            (v for v in self.versions[status.page] if self.hashes.get((v.blob, digits)) == recorded), None
        )
        return base or self._no_base(status.page, recorded)

    def _no_base(self, page: str, recorded: str) -> str:
        path = self.paths[page]
        shown = self.site.display_path(self.history.file_of(path))
        names = self.history.names(path)
        followed = f" (renames followed: {', '.join(names[1:])})" if len(names) > 1 else ""
        if self.history.shallow:
            cut = self.history.boundary()
            return (
                f"no version of {shown} in this shallow clone hashes to {recorded}{followed}: "
                f"the history is cut at {cut[:12] if cut else 'its oldest commit'}; fetch all of it "
                "(git fetch --unshallow, or fetch-depth: 0 in GitHub Actions)"
            )
        if not self.versions[page]:
            return f"{shown} has no commit in this repository, so there is no version to compare"
        return (
            f"no version of {shown} in its history hashes to {recorded}{followed}: a hash from "
            "outside this repository, or a rename git did not detect"
        )

    def _diff(self, path: str, base: Version) -> tuple[str | None, str | None]:
        key = (path, base.blob)
        if key not in self._diffs:
            self._diffs[key] = self._make_diff(path, base)
        return self._diffs[key]

    def _sections(self, path: str, base: Version) -> tuple[stale_sections.SectionChange, ...]:
        key = (path, base.blob)
        if key not in self._changed:
            try:
                now = self.history.file_of(path).read_bytes()
            except OSError:
                now = None
            old = self.texts.get(base.blob)
            shown = self.site.display_path(self.history.file_of(path))
            found = stale_sections.changed_sections(self.site, shown, old, now) if old and now else None
            self._changed[key] = found or ()
        return self._changed[key]

    def _make_diff(self, path: str, base: Version) -> tuple[str | None, str | None]:
        shown = self.site.display_path(self.history.file_of(path))
        try:
            now = self.history.file_of(path).read_bytes()
        except OSError as error:
            return None, f"cannot read {shown}: {error.strerror or error}"
        try:
            old, new = self.texts[base.blob].decode("utf-8"), now.decode("utf-8")
        except UnicodeDecodeError:
            return None, f"{shown} is not UTF-8 text (a binary file?), so there is no line diff"
        return unified_diff(old, new, f"a/{base.path}", f"b/{path}"), None


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """``diff -u`` of two texts, with git's mark for a last line without a line break."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_name, new_name
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _page(history: History, path: str | None) -> str | None:
    prefix = history.prefix + "/"
    if path is None or not path.startswith(prefix) or not path.endswith(".md"):
        return None
    return path[len(prefix) :]


def base_texts(site: Site, statuses: Iterable[l10n.TranslationStatus]) -> dict[tuple[str, str], bytes | str]:
    """For each stale translation among ``statuses``, (locale, page) -> the bytes of the source
    version it was made from (its base), or why no base is known."""
    stale = [s for s in statuses if s.status == l10n.STALE]
    if not stale:
        return {}
    try:
        history = History(site.docs_dir / site.source_locale)
    except HistoryError as error:
        return {(s.locale, s.page): str(error) for s in stale}
    bases = _Bases(site, history, stale)
    return {
        key: bases.texts.get(found.blob) or "the base's bytes are not in this clone"
        if isinstance(found, Version)
        else found
        for key, found in bases.found.items()
    }


def source_version(site: Site, page: str, sha1: str) -> bytes | None:
    """The bytes of the version of a source page whose SHA-1 is ``sha1``, from its history."""
    try:
        history = History(site.docs_dir / site.source_locale)
    except HistoryError:
        return None
    versions = history.versions(history.path_of(site.file_for(site.source_locale, page)))
    for _, data in history.contents(dict.fromkeys(v.blob for v in versions)):
        if data is not None and source_hash(data) == sha1:
            return data
    return None
