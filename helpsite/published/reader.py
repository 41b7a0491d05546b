"""What a reader sees around an article, in the language of the site version they are on.

For each page of each locale's site: the language of its text, the notices above it (machine
translation, English fallback, out-of-date translation), its real language versions as absolute
hreflang alternates, robots, the "last updated" date in the reader's format, the 404 page, the
sitemap and where the locale's search is. Plain data computed from the files in docs/; the
templates in overrides/ only show it and the MkDocs hook only hands it over.

URLs follow MkDocs' directory URLs: ``docs/nb/licenses/x.md`` is ``nb/licenses/x/``, the source
locale is served at the site root.
"""

from __future__ import annotations

import datetime
import json
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date

from helpsite.core import lasting
from helpsite.core.site import Site, with_slash
from helpsite.linting import safety, translation_structure
from helpsite.localization import l10n, stale_sections
from helpsite.localization import strings as site_strings
from helpsite.localization.history import History, HistoryError, blob_id

MACHINE_TRANSLATION, FALLBACK, STALE = "machine-translation", "fallback", "stale"
MS_DATE_FORMAT = "%m/%d/%Y"
X_DEFAULT = "x-default"
NOINDEX = frozenset({"noindex", "none"})  # robots directives that keep a page out of the index


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str  # absolute


@dataclass(frozen=True)
class SectionLink:
    """A section of the source page that changed since a stale translation was made."""

    title: str  # the heading's words (text: the template escapes it), or the introduction's name
    url: str | None  # the source page's heading, from the host's root; None for a removed section
    note: str | None = None  # "new section", "removed": in the reader's language


@dataclass(frozen=True)
class Notice:
    kind: str  # machine-translation, fallback or stale
    text: str
    link_text: str | None = None
    link_url: str | None = None  # path of the source-language page from the host's root
    link_locale: str | None = None
    sections_text: str | None = None  # what leads the list of sections (stale only)
    sections: tuple[SectionLink, ...] = ()

    @property
    def style(self) -> str:
        """Material's admonition type: a fallback informs, the others warn."""
        return "info" if self.kind == FALLBACK else "warning"


@dataclass(frozen=True)
class LastUpdated:
    label: str
    text: str  # in the reader's locale format
    iso: str  # for <time datetime>


@dataclass(frozen=True)
class ReaderPage:
    locale: str  # the site version the reader is on (its UI language)
    content_locale: str  # the language of the article text
    content_dir: str  # ltr or rtl, of the article text
    canonical: str | None  # absolute; a fallback page's is its source page
    robots: str | None  # "noindex, nofollow" as written for <meta name="robots">
    alternates: tuple[Alternate, ...]
    notices: tuple[Notice, ...]
    last_updated: LastUpdated | None
    locale_home: str  # URL of the locale's home page, where its search is
    made_with: site_strings.MadeWith
    strings: dict

    @property
    def content_is_foreign(self) -> bool:
        return self.content_locale != self.locale


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None
    alternates: tuple[Alternate, ...]


# ----------------------------------------------------------------------------
# The localized site
# ----------------------------------------------------------------------------


class LocalizedSite:
    """The reader's view of every page; reads each file's front matter once."""

    def __init__(
        self, site: Site, site_url: str | None = None, meta_of: Callable[[str], dict | None] | None = None
    ):
        self.site = site
        self.site_url = with_slash(site_url or site.site_url)
        self.strings = site_strings.for_site(site)  # the site's own texts, strings/<locale>.yaml
        # a file's front matter (None when unreadable): read here, or by helpsite.building.source_files
        self._meta_of = meta_of or (lambda path: _front_matter(site, path))
        self._front: dict[tuple[str, str], dict | None] = {}
        self._has: dict[tuple[str, str], bool] = {}
        self._urls: dict[tuple, str] = {}
        self._sources: dict[str, bytes | None] = {}
        self._alternates: dict[str, tuple[Alternate, ...]] = {}

    # -- what a page shows -----------------------------------------------------

    def page(
        self, locale: str, page_path: str, content_locale: str, url: str, locale_root: str
    ) -> ReaderPage:
        """The page ``page_path`` as the ``locale`` site shows it, built from the file of
        ``content_locale`` (the source locale when the translation is missing) at ``url``."""
        fallback = content_locale != locale
        indexable = self.is_indexable(content_locale, page_path)
        source_url = self.root_path(self.site.source_locale, page_path)
        own = self.absolute_url(locale, page_path)
        return ReaderPage(
            locale=locale,
            content_locale=content_locale,
            content_dir=direction(content_locale),
            canonical=self.absolute_url(self.site.source_locale, page_path) if fallback else own,
            robots=self.robots(content_locale, page_path),
            alternates=self.alternates(page_path) if indexable else (),
            notices=self._notices(locale, page_path, fallback, source_url),
            last_updated=self._last_updated(locale, content_locale, page_path),
            locale_home=relative_url(url, locale_root),
            made_with=self.strings.made_with(locale),
            strings=self.strings.table(locale),
        )

    def generated(self, locale: str, meta: dict, url: str, locale_root: str) -> ReaderPage:
        """A page the build makes (the /l10n/ status page): no source file, no other versions."""
        return ReaderPage(
            locale=locale,
            content_locale=locale,
            content_dir=direction(locale),
            canonical=None,
            robots=robots_content(meta.get("ROBOTS")),
            alternates=(),
            notices=(),
            last_updated=None,
            locale_home=relative_url(url, locale_root),
            made_with=self.strings.made_with(locale),
            strings=self.strings.table(locale),
        )

    def not_found(self, locale: str, locale_root: str) -> ReaderPage:
        """The locale's 404 page; served at any URL, so its links are absolute."""
        return ReaderPage(
            locale=locale,
            content_locale=locale,
            content_dir=direction(locale),
            canonical=None,
            robots=None,
            alternates=(),
            notices=(),
            last_updated=None,
            locale_home=posixpath.join(urlsplit(self.site_url).path or "/", locale_root),
            made_with=self.strings.made_with(locale),
            strings=self.strings.table(locale),
        )

    def _notices(self, locale: str, page_path: str, fallback: bool, source_url: str) -> tuple[Notice, ...]:
        if locale == self.site.source_locale:
            return ()
        text = self.strings.table(locale)
        if fallback:
            return (Notice(FALLBACK, text["fallback"]),)
        source, meta = self._source_bytes(page_path), self.front(locale, page_path)
        if source is None or meta is None:  # no source page, or front matter that cannot be read
            return ()
        status = l10n.status_from_meta(page_path, locale, meta, source)
        notices = []
        if (status.translationtype or "").upper() == "MT":
            notices.append(
                Notice(
                    MACHINE_TRANSLATION,
                    text["machine_translation"],
                    text["read_source"],
                    source_url,
                    self.site.source_locale,
                )
            )
        if status.status == l10n.STALE:
            changed = self._source_changed(page_path)
            stale = text["stale_since"].format(date=local_date(changed, locale)) if changed else text["stale"]
            sections = self._changed_sections(locale, page_path, status.recorded_hash, source_url)
            notices.append(
                Notice(
                    STALE,
                    stale,
                    text["read_source"],
                    source_url,
                    self.site.source_locale,
                    text["stale_sections"] if sections else None,
                    sections,
                )
            )
        return tuple(notices)

    def _changed_sections(
        self, locale: str, page_path: str, recorded: str, source_url: str
    ) -> tuple[SectionLink, ...]:
        """The sections of the source page that changed since the translation's base, each
        linked to its heading there; none when the base is not known (the notice then says
        that the page changed, as a whole)."""
        source = self._source_bytes(page_path)
        base = translation_structure.base_bytes(self.site, page_path, recorded)
        if source is None or base is None:
            return ()
        shown = self.site.display_path(self.site.file_for(self.site.source_locale, page_path))
        changes = stale_sections.changed_sections(self.site, shown, base, source) or ()
        text = self.strings.table(locale)
        notes = {stale_sections.ADDED: text["section_added"], stale_sections.REMOVED: text["section_removed"]}
        return tuple(
            SectionLink(
                change.title if change.title is not None else text["section_introduction"],
                None
                if change.change == stale_sections.REMOVED
                else source_url + (f"#{change.anchor}" if change.anchor else ""),
                notes.get(change.change),
            )
            for change in changes
        )

    # The date of the source page's newest commit: the English change a stale translation misses.
    # Unknown where a shallow clone's history stops (its first commit seems to add every file),
    # and while the page has changes that are not committed: the change may be one of them, and
    # the history has no date for it (the newest commit may be the one the translation was made from).
    def _source_changed(self, page_path: str) -> datetime.date | None:
        history = self._history
        if history is None:
            return None
        versions = history.versions(history.path_of(self.site.file_for(self.site.source_locale, page_path)))
        if not versions or versions[0].commit in history.cut:
            return None
        source = self._source_bytes(page_path)
        if source is None or blob_id(source, versions[0].blob) != versions[0].blob:
            return None
        return datetime.date.fromisoformat(versions[0].date)

    @cached_property
    def _history(self) -> History | None:
        try:
            return History(self.site.docs_dir / self.site.source_locale)
        except HistoryError:  # no git, or not a checkout: the notice goes without its date
            return None

    def _last_updated(self, locale: str, content_locale: str, page_path: str) -> LastUpdated | None:
        date = ms_date((self.front(content_locale, page_path) or {}).get("ms.date"))
        if date is None:
            return None
        return LastUpdated(
            self.strings.table(locale)["last_updated"], local_date(date, locale), date.isoformat()
        )

    # -- language versions -------------------------------------------------------

    def alternates(self, page_path: str) -> tuple[Alternate, ...]:
        """Every locale that really has the page and lets it be indexed, plus x-default to the
        source page: the same set on every version, so the links are reciprocal."""
        if page_path not in self._alternates:
            real = [
                Alternate(locale, self.absolute_url(locale, page_path))
                for locale in self.site.locales
                if self.is_indexable(locale, page_path)
            ]
            if any(alt.hreflang == self.site.source_locale for alt in real):
                real.append(Alternate(X_DEFAULT, self.absolute_url(self.site.source_locale, page_path)))
            self._alternates[page_path] = tuple(real)
        return self._alternates[page_path]

    @cached_property
    def sitemap(self) -> list[SitemapEntry]:
        """One entry per indexable page of every locale, with the page's alternates; the same
        for every locale's build, so it is made once."""
        entries = []
        for page_path in self.page_paths():
            alternates = self.alternates(page_path)
            for alternate in alternates:
                if alternate.hreflang == X_DEFAULT:
                    continue
                date = ms_date((self.front(alternate.hreflang, page_path) or {}).get("ms.date"))
                entries.append(SitemapEntry(alternate.href, date.isoformat() if date else None, alternates))
        return entries

    def forget_sitemap(self) -> None:
        """A page's date changed (a preview's save): the sitemap is made again when next asked for."""
        self.__dict__.pop("sitemap", None)

    def page_paths(self) -> list[str]:
        """Every page of any locale, as paths inside the locale folder."""
        return sorted({page for locale in self.site.locales for page in self.site.pages(locale)})

    # -- front matter ------------------------------------------------------------

    def has_page(self, locale: str, page_path: str) -> bool:
        key = (locale, page_path)
        if key not in self._has:
            self._has[key] = self.site.file_for(locale, page_path).is_file()
        return self._has[key]

    def front(self, locale: str, page_path: str) -> dict | None:
        key = (locale, page_path)
        if key not in self._front:
            has = self.has_page(locale, page_path)
            self._front[key] = (
                self._meta_of(os.fspath(self.site.file_for(locale, page_path))) if has else None
            )
        return self._front[key]

    def known_front(self, locale: str, page_path: str) -> tuple[bool, dict | None]:
        """The front matter as it was read (True and it), or (False, None) when it was not read."""
        key = (locale, page_path)
        return (True, self._front[key]) if key in self._front else (False, None)

    def forget(self, locale: str, page_path: str) -> None:
        """A page was saved (its body, or its title): its source bytes (its translations' status)
        and its front matter are read again."""
        self._sources.pop(page_path, None)
        key = (locale, page_path)
        if key in self._front:
            self._front[key] = self._meta_of(os.fspath(self.site.file_for(locale, page_path)))

    def came_or_went(self, locale: str, page_path: str) -> None:
        """A page was added or deleted (a preview's save): whether the locale has the page, its
        front matter, the page's language versions, its source bytes and the sitemap are worked
        out again."""
        self._has.pop((locale, page_path), None)
        self._front.pop((locale, page_path), None)
        self._alternates.pop(page_path, None)
        self._sources.pop(page_path, None)  # a source page that came or went: its translations' notices
        self.forget_sitemap()

    def known_alternates(self, page_path: str) -> tuple[Alternate, ...] | None:
        """The page's language versions as its pages were rendered with (None: none was yet)."""
        return self._alternates.get(page_path)

    # The source page's bytes, read once for all its translations' status.
    def _source_bytes(self, page_path: str) -> bytes | None:
        if page_path not in self._sources:
            path = self.site.file_for(self.site.source_locale, page_path)
            self._sources[page_path] = path.read_bytes() if path.is_file() else None
        return self._sources[page_path]

    def robots(self, locale: str, page_path: str) -> str | None:
        return robots_content((self.front(locale, page_path) or {}).get("ROBOTS"))

    def is_indexable(self, locale: str, page_path: str) -> bool:
        if not self.has_page(locale, page_path):
            return False
        return not NOINDEX & set((self.robots(locale, page_path) or "").split(", "))

    # -- URLs --------------------------------------------------------------------

    def page_url(self, locale: str, page_path: str) -> str:
        """Site-relative URL of a page in a locale's site: ``nb/licenses/x/``."""
        return locale_root(self.site, locale) + directory_url(page_path)

    def absolute_url(self, locale: str, page_path: str) -> str:
        key = (locale, page_path)
        if key not in self._urls:
            self._urls[key] = urljoin(self.site_url, self.page_url(locale, page_path))
        return self._urls[key]

    def root_path(self, locale: str, page_path: str) -> str:
        """The page's URL from the host's root, ``/docs/nb/licenses/x/``: right in the full
        site and in a one-locale build (HELPSITE_LOCALE) published into it."""
        key = ("path", locale, page_path)
        if key not in self._urls:
            self._urls[key] = urlsplit(self.absolute_url(locale, page_path)).path
        return self._urls[key]


# ----------------------------------------------------------------------------
# Search
# ----------------------------------------------------------------------------


@lasting.memo(256)  # one markup per page depth and locale: the same for most pages
def with_search_base(markup: str, base: str, worker: str) -> str:
    """Material's ``#__config`` script with ``base`` (where it fetches search/search_index.json
    and resolves result links) set to the locale's root instead of the site root, and its
    search worker replaced by ``worker`` (the site's, which asks the locale's Pagefind bundle)."""

    def replace(match: re.Match) -> str:
        config = json.loads(match.group(2))
        config["base"] = base
        config["search"] = worker
        return match.group(1) + json.dumps(config, sort_keys=True).replace("</", "<\\/") + match.group(3)

    return _CONFIG_SCRIPT.sub(replace, markup, count=1)


_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

# A palette toggle switches to the next palette; its name says to which (Material's schemes).
_TO_SCHEME = {"slate": "to_dark", "default": "to_light"}


def palette(options, table: dict):
    """The theme's palette options with each toggle named in the locale's language, as its
    strings ``table`` says it (a toggle to a scheme it has no name for keeps the name it has). A
    copy: the options of mkdocs.yml are shared by every locale's build."""
    if not isinstance(options, list):
        return options
    named = []
    for index, option in enumerate(options):
        following = options[(index + 1) % len(options)]
        key = _TO_SCHEME.get((following.get("scheme") or "default") if isinstance(following, dict) else None)
        if isinstance(option, dict) and isinstance(option.get("toggle"), dict) and key:
            option = {**option, "toggle": {**option["toggle"], "name": table[key]}}
        named.append(option)
    return named


@lasting.memo(256)  # CLDR's, for the process
def direction(locale: str) -> str:
    """The script direction of the locale's language, as CLDR (Babel) has it: "rtl" for he, ar,
    fa, ur, ...; "ltr" for a locale CLDR does not know."""
    try:
        order = Locale.parse(locale.replace("-", "_")).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


# The reader's medium date format ("13. aug. 2021"); ISO for a locale Babel does not know.
@lasting.memo(4096)  # a pure function of its arguments
def local_date(date: datetime.date, locale: str) -> str:
    try:
        return format_date(date, "medium", locale=locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return date.isoformat()


# Microsoft Learn writes ms.date as MM/DD/YYYY; YAML may already have made it a date.
def ms_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return _parse_ms_date(value.strip())
    return None


@lasting.memo(4096)  # pages share their dates
def _parse_ms_date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text, MS_DATE_FORMAT).date()
    except ValueError:
        return None


# "NOINDEX, NOFOLLOW" -> "noindex, nofollow"; anything but directive words is dropped.
def robots_content(value) -> str | None:
    if not isinstance(value, str):
        return None
    words = [word.strip().lower() for word in value.split(",")]
    words = [word for word in words if re.fullmatch(r"[a-z-]+", word)]
    return ", ".join(words) or None


def locale_root(site: Site, locale: str) -> str:
    """Where a locale's site lives, relative to the site root: ``""`` or ``nb/``."""
    return "" if locale == site.source_locale else f"{locale}/"


def directory_url(page_path: str) -> str:
    """``licenses/x.md`` -> ``licenses/x/``; ``index.md`` -> ``""``."""
    stem = page_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relative_url(from_url: str, to_url: str) -> str:
    """The relative link from a directory URL to another, as MkDocs writes base_url (what
    ``posixpath.relpath`` gives, without its look at the current folder)."""
    start = [part for part in posixpath.dirname(from_url).split("/") if part not in ("", ".")]
    target = [part for part in (to_url or "").split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def not_found_page(site_dir: Path, url_path: str) -> Path:
    """The 404 page a host answers a missing URL with (README, "404 per locale"): /nb/anything
    gets nb/404.html when the locale has one, anything else the root 404.html."""
    first = url_path.lstrip("/").split("/", 1)[0]
    localized = site_dir / first / "404.html"
    return localized if first and localized.is_file() else site_dir / "404.html"


def _front_matter(site: Site, path: str) -> dict | None:
    """A file's front matter read here (None when it cannot be read): the views made outside a
    build; a build passes what its source files read (``Build.source_files.meta``)."""
    loaded = safety.load_file(path, site)
    return loaded.meta if loaded.meta_ok else None
