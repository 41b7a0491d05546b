"""The localization dashboard: what the /l10n/ pages show, as plain data for their templates.

The summary has one bar and one row of totals per locale, so its size grows with the number of
locales, not of pages; each locale has a page of its own that lists only the translations that
need work, each stale one with the source diff since its base, words highlighted within a
changed line. The markup is the templates' (overrides/l10n.html and its partials).

``Dashboard`` is one build's: the pages it adds to the source locale's build, the statuses they
show (worked out when the first of them is read), and what each page's template is handed.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from helpsite.core.site import Site
from helpsite.localization import l10n, l10n_diff
from helpsite.localization.l10n_diff import TranslationDiff
from helpsite.localization.stale_sections import SectionChange

NEEDS_WORK = (l10n.STALE, l10n.INVALID, l10n.UNTRACKED, l10n.MISSING)  # in the order listed
# Words, runs of white space, and runs of other characters: the units a changed line is compared in.
TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]+")

Href = Callable[[str, str], str]  # (locale, page path) -> link to that page
# The dashboard's pages, generated in the source locale's build.
STATUS_PAGE = "l10n.md"
LOCALE_PAGES = "l10n/{locale}.md"


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    x: float  # where the status starts on the bar, in percent
    width: float  # in percent


@dataclass(frozen=True)
class LocaleSummary:
    locale: str
    language: str  # "Norsk bokmål (nb)"
    counts: dict  # status -> number of pages
    total: int
    segments: tuple[Segment, ...]
    needs_work: int
    url: str  # the locale's page

    @property
    def label(self) -> str:
        """The bar's text alternative."""
        return f"{self.language}: " + ", ".join(f"{self.counts[s]} {s}" for s in l10n.STATUSES)


@dataclass(frozen=True)
class Piece:
    text: str
    changed: bool  # a word added or removed within the line


@dataclass(frozen=True)
class DiffLine:
    kind: str  # hunk, context, added, removed or header
    sign: str  # the unified diff's first character
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class WorkItem:
    page: str
    status: str
    source_url: str
    translation_url: str | None  # None when missing
    translationtype: str | None
    problem: str | None = None  # invalid: why the front matter cannot be read
    base_commit: str | None = None
    base_date: str | None = None
    reason: str | None = None  # why there is no base or diff
    diff: tuple[DiffLine, ...] = ()
    sections: tuple[SectionChange, ...] = ()  # of the source page, changed since the base


@dataclass(frozen=True)
class LocaleWork:
    summary: LocaleSummary
    groups: tuple[tuple[str, tuple[WorkItem, ...]], ...]  # (status, its items) in NEEDS_WORK order


@dataclass(frozen=True)
class Summary:
    statuses: tuple[str, ...]  # the columns, in order
    locales: tuple[LocaleSummary, ...]


class Dashboard:
    """One build's localization dashboard: /l10n/ and a page for each translation locale."""

    def __init__(self, site: Site, front: Callable):
        self.site = site
        self._front = front  # a source file's front matter, as the build read it
        self.paths: set[str] = set()  # the dashboard pages the build has (in the source locale's)
        self._views: dict[str, dict] = {}  # page URL -> what its template shows
        self._translations: tuple[list, list] | None = None  # statuses and diffs, once a build

    def pages(self) -> dict[str, str]:
        """The pages (path -> Markdown), with their titles and robots; their tables come when the
        build reads them (``page``)."""
        return {
            path: (
                l10n.status_page(self.site, []) if locale is None else l10n.locale_page(self.site, locale, [])
            )
            for path, locale in self._locales().items()
        }

    def added(self, paths: Iterable[str]) -> None:
        """The build has these pages (the source locale's build, once they are added)."""
        self.paths = set(paths)

    def page(self, path: str, url: str, href: Href) -> str:
        """A page's Markdown, with every translation's status as it is now; what its template
        shows (``l10n_summary`` or ``l10n_work``) is kept for ``view``."""
        if self._translations is None:  # the first dashboard page read: the worker is done
            statuses = l10n.site_status(self.site, front=self._front)
            self._translations = statuses, l10n_diff.translation_diffs(self.site, statuses)
        statuses, diffs = self._translations
        locale = self._locales()[path]

        def locale_url(other: str) -> str:
            return href(self.site.source_locale, LOCALE_PAGES.format(locale=other))

        found = summary(self.site, statuses, locale_url)
        if locale is None:
            text, view = l10n.status_page(self.site, statuses), {"l10n_summary": found}
        else:
            mine = next(s for s in found.locales if s.locale == locale)
            text = l10n.locale_page(self.site, locale, statuses)
            view = {"l10n_work": locale_work(mine, statuses, diffs, self.site.source_locale, href)}
        self._views[url] = view
        return text

    def view(self, url: str) -> dict:
        """What the template of the page at ``url`` shows (nothing for a page not the dashboard's)."""
        return self._views.get(url, {})

    def forget(self) -> None:
        """A source file changed: the statuses are worked out again when a page is read next."""
        self._translations = None

    def _locales(self) -> dict[str, str | None]:
        return {STATUS_PAGE: None} | {
            LOCALE_PAGES.format(locale=locale): locale for locale in self.site.translation_locales
        }


def summary(
    site: Site, statuses: Iterable[l10n.TranslationStatus], locale_url: Callable[[str], str]
) -> Summary:
    """One bar and row of totals per translation locale, in the site's order."""
    counts = l10n.totals(statuses)
    found = []
    for locale in site.translation_locales:
        count = counts.get(locale, Counter())
        total = count.total()
        segments, x = [], 0.0
        for status in l10n.STATUSES:
            width = 100 * count[status] / total if total else 0
            if width:
                segments.append(Segment(status, count[status], round(x, 3), round(width, 3)))
            x += width
        found.append(
            LocaleSummary(
                locale,
                l10n.language_name(site, locale),
                {s: count[s] for s in l10n.STATUSES},
                total,
                tuple(segments),
                sum(count[s] for s in NEEDS_WORK),
                locale_url(locale),
            )
        )
    return Summary(l10n.STATUSES, tuple(found))


def locale_work(
    summary: LocaleSummary,
    statuses: Iterable[l10n.TranslationStatus],
    diffs: Iterable[TranslationDiff],
    source_locale: str,
    href: Href,
) -> LocaleWork:
    """The translations of ``summary``'s locale that need work, grouped by status."""
    locale = summary.locale
    by_page = {d.page: d for d in diffs if d.locale == locale}
    groups: dict[str, list[WorkItem]] = {status: [] for status in NEEDS_WORK}
    for s in statuses:
        if s.locale != locale or s.status not in groups:
            continue
        d = by_page.get(s.page)
        groups[s.status].append(
            WorkItem(
                s.page,
                s.status,
                href(source_locale, s.page),
                None if s.status == l10n.MISSING else href(locale, s.page),
                s.translationtype,
                s.problem,
                d and d.base_commit,
                d and d.base_date,
                d and d.reason,
                diff_lines(d.diff) if d and d.diff else (),
                d.sections if d else (),
            )
        )
    return LocaleWork(summary, tuple((status, tuple(items)) for status, items in groups.items() if items))


def diff_lines(diff: str) -> tuple[DiffLine, ...]:
    """A unified diff as lines to show, with the words that changed within a changed line marked.

    A run of removed lines followed by a run of added lines is a change: its lines are paired in
    order and compared word by word (difflib), so a one-word edit shows as that word.
    """
    lines = diff.splitlines()
    head = 2 if [line[:4] for line in lines[:2]] == ["--- ", "+++ "] else 0
    shown = [DiffLine("header", "", (Piece(line, False),)) for line in lines[:head]]
    i = head
    while i < len(lines):
        line = lines[i]
        if line.startswith("@@"):
            shown.append(DiffLine("hunk", "", (Piece(line, False),)))
        elif line.startswith("-"):
            removed = _run_of(lines, i, "-")
            added = _run_of(lines, i + len(removed), "+")
            shown += _changed(removed, added)
            i += len(removed) + len(added)
            continue
        elif line.startswith("+"):
            shown.append(DiffLine("added", "+", (Piece(line[1:], False),)))
        elif line.startswith("\\"):
            shown.append(DiffLine("context", "", (Piece(line, False),)))
        else:
            shown.append(DiffLine("context", " ", (Piece(line[1:], False),)))
        i += 1
    return tuple(shown)


def _run_of(lines: list[str], start: int, sign: str) -> list[str]:
    run = []
    while start + len(run) < len(lines) and lines[start + len(run)].startswith(sign):
        run.append(lines[start + len(run)][1:])
    return run


def _changed(removed: list[str], added: list[str]) -> list[DiffLine]:
    old_lines = [(Piece(text, False),) for text in removed]
    new_lines = [(Piece(text, False),) for text in added]
    for k in range(min(len(removed), len(added))):
        old_lines[k], new_lines[k] = word_diff(removed[k], added[k])
    return [DiffLine("removed", "-", pieces) for pieces in old_lines] + [
        DiffLine("added", "+", pieces) for pieces in new_lines
    ]


def word_diff(old: str, new: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Both lines as pieces, the words only one of them has marked as changed."""
    a, b = TOKEN_RE.findall(old), TOKEN_RE.findall(new)
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        _add(old_pieces, "".join(a[i1:i2]), op != "equal")
        _add(new_pieces, "".join(b[j1:j2]), op != "equal")
    return tuple(old_pieces), tuple(new_pieces)


# Append text to the pieces, joined to the last one when both are changed or both are not.
def _add(pieces: list[Piece], text: str, changed: bool) -> None:
    if not text:
        return
    if pieces and pieces[-1].changed == changed:
        pieces[-1] = Piece(pieces[-1].text + text, changed)
    else:
        pieces.append(Piece(text, changed))
