"""Translations keep the structure of the English they were made from.

A translation's ``ms.openlocfilehash`` is the hash of the exact English bytes it was made
from (its *base*). Real translations keep that version's links, code, headings, tables,
lists, alerts and images (issue 25: every count and link target of 33 published de-DE pages
of Microsoft's contributor guide equals its base's), so a difference is a defect, and the
check can be exact. Both pages are read by the site's own Markdown engine
(``markdown.outline``), aligned block by block (``difflib`` on the blocks' kinds and the
language-free things they hold), and every difference is reported at the translation's
line and column, quoting the English.

The base is the current English file when the recorded hash is its hash (no git needed);
otherwise the version in the history with that hash (``helpsite.localization.history``: one ``git log``
and one ``git cat-file --batch`` for every version, per process). Where there is none, the
current English is compared and the findings are warnings: the English may have moved on.

What is a locale part of a URL and which front-matter keys a translator translates is set
per site under ``extra: translation_structure:`` in mkdocs.yml (``settings``).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from helpsite.core import lasting
from helpsite.core.findings import Finding
from helpsite.core.site import CONFIG_FILE, ConfigError, Site
from helpsite.linting import rules
from helpsite.localization.history import HASH_KEY, History, HistoryError, source_hash
from helpsite.text import markdown
from helpsite.text import page as pages
from helpsite.text.page import Page

SETTINGS_KEY = "translation_structure"  # under mkdocs.yml's extra:
# A locale segment of a URL path (/en-us/, /nb-no/, /zh-hans/), besides the site's own locales.
DEFAULT_LOCALE_URL_PARTS = (r"[a-z]{2}-(?:[a-z]{2}|hans|hant)",)
# Keys a translator translates; the pipeline's own (ms.openlocfilehash, ...) are only in translations.
DEFAULT_TRANSLATABLE_KEYS = ("title", "description", "keywords", "ms.contentlocale")

_NB = "nb/licenses/transfer-licenses.md"


def _example(body: str, base: str) -> rules.Example:
    return rules.Example(body, path=_NB, base=base)


_NB_TITLE = "# Overføre lisenser\n\n"
_EN_TITLE = "# Transfer licenses\n\n"
_VLSC = "[Volume Licensing Service Center](https://www.microsoft.com/licensing/servicecenter/).\n"
_EN_VLSC = "If you buy through Volume Licensing, contact the " + _VLSC
_NB_VLSC = "Hvis du kjøper gjennom volumlisensiering, kontakter du " + _VLSC
_TAGS = ["localization", "translation-structure"]
_BASE_WHY = (
    " The translation is compared with the exact English it was made from (its "
    "ms.openlocfilehash, found in the git history); without one, with the English as it is now, "
    "and the finding is then a warning."
)


def _compared(id: str, summary: str, *, why: str, fix: str, english: str, bad: str, good: str) -> rules.Rule:
    """A rule that compares a translation with its English base: an error, whose examples are
    the Norwegian page ``bad`` and ``good`` (each after its title) made from ``english``."""
    base = _EN_TITLE + english
    return rules.define(
        id,
        rules.ERROR,
        summary,
        why=why + _BASE_WHY,
        fix=fix,
        bad=_example(_NB_TITLE + bad, base),
        good=_example(_NB_TITLE + good, base),
        tags=_TAGS,
    )


# The rules that compare a translation with its base, one spec each: what it finds, why, how to
# fix it, and its example (the English body, then the translation's wrong and right bodies).
LINK_LOST = _compared(
    "structure-link-lost",
    "A link of the English the translation was made from is missing from the translation.",
    why="Machine translation drops links and keeps their words: readers of the translation lose "
    "the way to the page the English points to.",
    fix="Put the link back around the translated words; the finding quotes the English link.",
    english=_EN_VLSC,
    bad="Hvis du kjøper gjennom volumlisensiering, kontakter du Volume Licensing Service Center.\n",
    good=_NB_VLSC,
)
LINK_ADDED = _compared(
    "structure-link-added",
    "The translation has a link its English base does not have.",
    why="A link the English never had was added by hand or by a tool: it may lead readers of one "
    "language somewhere the writers never chose.",
    fix="Remove the link, or add it to the English first and translate again.",
    english=_EN_VLSC + "\nSee also Microsoft 365.\n",
    bad=_NB_VLSC + "\nSe også [Microsoft 365](https://www.microsoft.com/microsoft-365/).\n",
    good=_NB_VLSC + "\nSe også Microsoft 365.\n",
)
LINK_TARGET = _compared(
    "structure-link-target",
    "A link of the translation leads somewhere other than the English link in its place.",
    why="Translators and machine translation sometimes translate a URL or pick another one; the "
    "locale part of a URL (/en-us/ against /nb-no/) and a link to the translated page of the "
    "English link's page are the same target, and not reported.",
    fix="Use the English link's target (`python -m helpsite fix --write` restores it, marked for review).",
    english=_EN_VLSC,
    bad=_NB_VLSC.replace("licensing/servicecenter", "lisensiering/servicesenter"),
    good=_NB_VLSC,
)
CODE = _compared(
    "structure-code",
    "Inline code or a code block differs from the English base, or is missing or added.",
    why="Code is what readers type: a translated command, parameter or path does not work. Code "
    "is compared byte for byte.",
    fix="Copy the code from the English unchanged (`python -m helpsite fix --write` restores a "
    "code block, marked for review); translate only the prose and comments around it.",
    english="Run `Get-MsolAccountSku` in PowerShell.\n",
    bad="Kjør `Hent-MsolKonto` i PowerShell.\n",
    good="Kjør `Get-MsolAccountSku` i PowerShell.\n",
)
HEADING = _compared(
    "structure-heading",
    "A heading of the English base is missing from the translation, at another level, or added.",
    why="Headings are the page's outline: the table of contents, screen readers' navigation and "
    "links to sections all follow them, in every language alike.",
    fix="Give the translation the English page's headings, at the same levels.",
    english="## Before you begin\n\nYou need an admin role.\n",
    bad="### Før du begynner\n\nDu trenger en administratorrolle.\n",
    good="## Før du begynner\n\nDu trenger en administratorrolle.\n",
)
ANCHOR = _compared(
    "structure-anchor",
    "A heading's explicit id ({#id} or <a name>) differs from the English base's.",
    why="Explicit ids keep deep links working in every locale; a translated id breaks every link "
    "to the section.",
    fix="Write the English heading's id unchanged; translate only the heading's words.",
    english="## Before you begin {#before-you-begin}\n",
    bad="## Før du begynner {#for-du-begynner}\n",
    good="## Før du begynner {#before-you-begin}\n",
)
ALERT = _compared(
    "structure-alert",
    "An alert (> [!NOTE]), admonition (!!! note) or content tab (#tab/id) marker or type differs "
    "from the English base, or is missing.",
    why="The marker is syntax, not prose: a translated one (> [!MERKNAD]) shows readers the raw "
    "marker in a plain quote instead of a note.",
    fix="Write the English marker unchanged and translate the text after it (`python -m helpsite "
    "fix --write` restores a marker, marked for review).",
    english="> [!NOTE]\n> Licenses cannot be moved.\n",
    bad="> [!MERKNAD]\n> Lisenser kan ikke flyttes.\n",
    good="> [!NOTE]\n> Lisenser kan ikke flyttes.\n",
)
TABLE = _compared(
    "structure-table",
    "A table row or cell of the English base is missing from the translation, or added.",
    why="A lost cell shifts every value after it into the wrong column; a lost row drops a fact.",
    fix="Give each row of the translation the English row's cells.",
    english="| Plan | Licenses |\n|---|---|\n| E3 | 25 |\n",
    bad="| Plan | Lisenser |\n|---|---|\n| E3 |\n",
    good="| Plan | Lisenser |\n|---|---|\n| E3 | 25 |\n",
)
LIST = _compared(
    "structure-list",
    "A list item of the English base is missing from the translation, merged with another, or split in two.",
    why="Steps are list items: a merged or lost step is a step readers skip.",
    fix="Give the translation one item for each item of the English list.",
    english="1. Cancel the subscription.\n2. Buy licenses in the other tenant.\n",
    bad="1. Avbryt abonnementet. Kjøp lisenser i den andre tenanten.\n",
    good="1. Avbryt abonnementet.\n2. Kjøp lisenser i den andre tenanten.\n",
)
IMAGE = _compared(
    "structure-image",
    "An image of the English base is missing from the translation, or shows another file.",
    why="Screenshots show readers where to click; a lost one leaves a step unexplained.",
    fix="Put the image back with the English source (a localized screenshot keeps the English "
    "file name in a locale folder); translate its alt text.",
    english="Open the admin center.\n\n![The admin center](media/admin-center.png)\n",
    bad="Åpne administrasjonssenteret.\n",
    good="Åpne administrasjonssenteret.\n\n![Administrasjonssenteret](media/admin-center.png)\n",
)
FRONT_MATTER = rules.define(
    "structure-front-matter",
    rules.ERROR,
    "A front-matter key of the English base that is not translated (ms.topic, ms.service, ...) "
    "differs in the translation or is missing.",
    why="These keys drive the site's metadata, search and ownership in every locale alike; which "
    f"keys are translated is set under extra: {SETTINGS_KEY}: translatable_keys in mkdocs.yml." + _BASE_WHY,
    fix="Copy the English value of the key unchanged.",
    bad=rules.Example(
        rules.EXAMPLE_FRONT_MATTER["nb"].replace("author: cmcatee-MSFT", "author: kari-nordmann")
        + "# Overføre lisenser\n",
        path=_NB,
        whole_file=True,
        base="# Transfer licenses\n",
    ),
    good=_example("# Overføre lisenser\n", "# Transfer licenses\n"),
    tags=_TAGS,
    unsilenceable="the front matter comes before any comment of the page",
)
UNREVIEWED = rules.define(
    "structure-unreviewed",
    rules.WARNING,
    "A link target, code block or alert marker that 'helpsite fix' restored from the English awaits "
    "a translator's review.",
    why="A repair made by a tool is right about the English, not always about the translation: the "
    "link may have been pointed elsewhere on purpose, a comment in the code translated. A warning: "
    "the restored structure serves readers better than the broken one meanwhile.",
    fix="Check the repaired place against the English, then delete the review comment.",
    bad=rules.Example(
        "# Overføre lisenser\n\n> [!NOTE]<!-- helpsite: review alert marker (from en) -->\n"
        "> Lisenser kan ikke flyttes.\n",
        path=_NB,
    ),
    good=rules.Example("# Overføre lisenser\n\n> [!NOTE]\n> Lisenser kan ikke flyttes.\n", path=_NB),
    tags=_TAGS,
)
BASE = rules.define(
    "structure-base",
    rules.WARNING,
    "The English a translation was made from cannot be found or read, so its structure is "
    "compared with the English as it is now, or not at all.",
    why="The structure rules compare a translation with its exact English base. A hash that no "
    "version has, a deleted English page or an English base that cannot be read leaves the "
    "translation unchecked or checked against the wrong version.",
    fix="The message says what is missing: restore or move the English page, fetch the whole git "
    "history, or record the right ms.openlocfilehash with python -m helpsite stamp after "
    "checking the translation.",
    no_example="it needs a git history or a missing English page, which one example page cannot show",
    tags=_TAGS,
)
RULES = (
    LINK_LOST,
    LINK_ADDED,
    LINK_TARGET,
    CODE,
    HEADING,
    ANCHOR,
    ALERT,
    TABLE,
    LIST,
    IMAGE,
    FRONT_MATTER,
    UNREVIEWED,
    BASE,
)


# ----------------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    locale_url_parts: re.Pattern  # a whole path segment that names a locale
    translatable_keys: frozenset[str]
    quick: re.Pattern  # the canonical form's pattern (``quick_skeleton``), with these locale parts
    verbatim_differs: re.Pattern  # what the quick form takes out of the verbatim one


_SETTINGS = lasting.cache("translation_structure.settings", 64)


def settings(site: Site) -> Settings:
    """The site's settings from ``extra: translation_structure:`` in mkdocs.yml.

    They live in mkdocs.yml, beside the locales they go with, rather than in the metadata
    schema: a locale part of a URL is not metadata, and one place serves both.
    """
    cached = _SETTINGS.get(id(site))
    if cached and cached[0] is site:
        return cached[1]
    given = site.extra.get(SETTINGS_KEY) or {}
    where = f"{CONFIG_FILE}: extra.{SETTINGS_KEY}"
    if not isinstance(given, dict):
        raise ConfigError(f"{where} must be a mapping")
    unknown = sorted(set(given) - {"locale_url_parts", "translatable_keys"})
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]} is no setting; the settings are locale_url_parts, translatable_keys"
        )
    parts = given.get("locale_url_parts", list(DEFAULT_LOCALE_URL_PARTS))
    keys = given.get("translatable_keys", list(DEFAULT_TRANSLATABLE_KEYS))
    for name, value in (("locale_url_parts", parts), ("translatable_keys", keys)):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}.{name} must be a list of text")
    alternatives = [*(re.escape(locale) for locale in site.locales), *parts]
    try:
        pattern = re.compile("/(?:" + "|".join(f"(?:{p})" for p in alternatives) + ")(?=/|$)", re.I)
    except re.error as error:
        raise ConfigError(f"{where}.locale_url_parts: not a regular expression: {error}")
    found = Settings(pattern, frozenset(keys), _quick_pattern(alternatives), _verbatim_differs(alternatives))
    _SETTINGS[id(site)] = (site, found)
    return found


def same_target(href: str, settings: Settings) -> str:
    """A link target with what does not change where it leads removed: the case of scheme and
    host, locale segments of the path, a final '/'."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return href.strip()
    path = settings.locale_url_parts.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))


# ----------------------------------------------------------------------------
# Bases
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """The English a translation is compared with, or why there is none."""

    display: str  # how findings name the English file
    page: Page | None  # None: nothing to compare with
    exact: bool  # the version the translation was made from (else the English now)
    problem: str | None = None  # a structure-base message
    english: _English | None = None  # the version read, with its skeleton and outline


class _Versions:
    """Every committed version of the source-locale files, by (path, hash of its bytes): one
    ``git log`` and one ``git cat-file --batch`` for them all, read when a translation first
    needs a version that is not the current file, and again after a commit or checkout."""

    def __init__(self, site: Site):
        self.site = site
        self.history: History | None = None
        self.error: str | None = None
        self.by_hash: dict[tuple[str, str], bytes] = {}
        try:
            self.history = History(site.docs_dir / site.source_locale)
        except HistoryError as error:
            self.error = str(error)
            return
        # a blob may be a version of several files (a page copied): each of them has it
        paths_of: dict[str, set[str]] = {}
        for path in self.history._changes:
            if path.startswith(self.history.prefix + "/"):
                for version in self.history.versions(path):
                    paths_of.setdefault(version.blob, set()).add(path)
        self._read = [
            (paths_of[blob], data) for blob, data in self.history.contents(paths_of) if data is not None
        ]
        self._index(source_hash)
        self._sha256 = False

    def _index(self, digest) -> None:
        for paths, data in self._read:
            hashed = digest(data)
            for path in paths:
                self.by_hash[(path, hashed)] = data

    def find(self, file: str, recorded: str) -> bytes | None:
        if self.history is None:
            return None
        if len(recorded) == 64 and not self._sha256:  # rare: hashed that way only when asked
            self._sha256 = True
            self._index(lambda data: source_hash(data, recorded))
        path = self.history.path_of(file)
        for name in self.history.names(path):
            found = self.by_hash.get((name, recorded))
            if found is not None:
                return found
        return None

    def why_not(self, file: str, recorded: str) -> str:
        shown = self.site.display_path(file)
        if self.history is None:
            return f"the git history cannot be read ({self.error})"
        if self.history.shallow:
            return (
                f"no version of {shown} in this shallow clone hashes to {recorded}: fetch the whole "
                "history (git fetch --unshallow, or fetch-depth: 0 in GitHub Actions)"
            )
        return f"no version of {shown} in its history hashes to {recorded}"


_VERSIONS = lasting.cache(
    "translation_structure.versions", 64, kept="each entry checked against the history's state"
)


def _versions(site: Site) -> _Versions:
    folder = _places(site).source_real
    state = _history_state(folder)
    cached = _VERSIONS.get(folder)
    if cached is None or cached[0] != state:
        cached = (state, _Versions(site))
        _VERSIONS[folder] = cached
    return cached[1]


def _history_state(folder: str) -> tuple:
    """What changes when a commit, checkout or fetch changes the history: the reflog of HEAD
    of the nearest repository (a worktree's .git file points to its own), found once."""
    head = _HEADS.get(folder) or _head_log(folder)
    if head is None:
        return ()
    _HEADS[folder] = head
    try:
        stat = head.stat()
    except OSError:
        return (str(head),)
    return (str(head), stat.st_mtime_ns, stat.st_size)


_HEADS = lasting.cache("translation_structure.heads", 64)  # a folder's repository: found once a build


def _head_log(folder: str) -> Path | None:
    here = Path(folder)
    for parent in (here, *here.parents):
        git = parent / ".git"
        if git.is_dir():
            return git / "logs" / "HEAD"
        if git.is_file():
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            return (parent / text.removeprefix("gitdir:").strip()) / "logs" / "HEAD"
    return None


def base_of(site: Site, page: Page) -> Base | None:
    """The English ``page`` (a translation) is compared with; None when it is not a translation
    or names no English at all (no hash and no English page: nothing to say)."""
    if page.locale in (None, site.source_locale) or not page.page_path or not page.meta_ok:
        return None
    if page.display != _in_docs(site, page.locale, page.page_path) and (
        site.page_path(site.root / page.display) != page.page_path
    ):
        return None  # a file checked as a translation (--locale) from outside docs/<locale>/
    source = _source_file(site, page.page_path)
    shown = _in_docs(site, site.source_locale, page.page_path)
    recorded = page.meta.get(HASH_KEY)
    recorded = recorded.strip().lower() if isinstance(recorded, str) and recorded.strip() else None
    now = _current(source)
    if isinstance(now, OSError):
        if not isinstance(now, FileNotFoundError):
            return Base(shown, None, False, f"cannot read {shown}: {now.strerror or now}")
        if recorded is None:
            return None
        return Base(
            shown,
            None,
            False,
            f"there is no English page {shown} (deleted or renamed): "
            "the translation's structure cannot be checked; move or delete the translation",
        )
    data, hashes = now
    problem = None
    if recorded is not None and hashes.get(len(recorded)) == recorded:
        return _loaded(site, shown, data, exact=True, digest=hashes[40])
    if recorded is not None:
        if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", recorded):
            problem = f"{HASH_KEY} {recorded!r} is not a SHA-1 or SHA-256 hash"
        else:
            versions = _versions(site)
            found = versions.find(source, recorded)
            if found is not None:
                return _loaded(site, shown, found, exact=True)
            problem = versions.why_not(source, recorded)
        problem += f": compared with {shown} as it is now, so these findings are warnings"
    base = _loaded(site, shown, data, exact=False, digest=hashes[40])
    return dataclasses.replace(base, problem=base.problem or problem)


@dataclass(frozen=True)
class _Places:
    """Where a site's files are, as strings: a translation's base is found with string
    operations (path arithmetic cost more than the rest of ``base_of``)."""

    shown_docs: str  # how findings name docs/ (``site.display_path``)
    docs: str  # docs/, absolute
    source_real: str  # the source locale's folder, real path (the history's key)


def _places(site: Site) -> _Places:
    cached = _PLACES.get(id(site))
    if cached is None or cached[0] is not site:
        docs = os.path.abspath(site.docs_dir)
        found = _Places(
            site.display_path(site.docs_dir), docs, os.path.realpath(os.path.join(docs, site.source_locale))
        )
        cached = _PLACES[id(site)] = (site, found)
    return cached[1]


def _in_docs(site: Site, locale: str, page_path: str) -> str:
    """How findings name docs/<locale>/<page_path>: ``site.display_path`` of it."""
    shown = _places(site).shown_docs
    return f"{shown}/{locale}/{page_path}" if shown else f"{locale}/{page_path}"


def _source_file(site: Site, page_path: str) -> str:
    """The source-locale file of a page (``site.file_for``), as a string."""
    return os.path.join(_places(site).docs, site.source_locale, page_path)


_PLACES = lasting.cache("translation_structure.places", 16)  # a site's folders: made again each build
_CURRENT = lasting.cache(
    "translation_structure.current", 10_000, kept="each entry checked against its file's state"
)


def _current(source: str) -> tuple[bytes, dict[int, str]] | OSError:
    """The English file's bytes and their SHA-1 and SHA-256 (by length), read again only when
    the file changes: each English page is the base of a translation in every locale."""
    try:
        state = os.stat(source)
        key = (state.st_mtime_ns, state.st_size, state.st_ino)
        cached = _CURRENT.get(source)
        if cached is not None and cached[0] == key:
            return cached[1]
        with open(source, "rb") as file:
            data = file.read()
    except OSError as error:
        return error
    found = (data, {40: source_hash(data), 64: source_hash(data, "0" * 64)})
    if len(_CURRENT) >= KEEP_ENGLISH:
        _CURRENT.clear()
    _CURRENT[source] = (key, found)
    return found


def base_bytes(site: Site, page_path: str, recorded: str) -> bytes | None:
    """The bytes of the English version of ``page_path`` whose hash is ``recorded`` (a
    translation's ``ms.openlocfilehash``): the file as it is now, else a version in its history
    (the versions read in one batch, once per process); None when no version has that hash."""
    recorded = recorded.strip().lower()
    source = _source_file(site, page_path)
    now = _current(source)
    if not isinstance(now, OSError) and now[1].get(len(recorded)) == recorded:
        return now[0]
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", recorded):
        return None
    return _versions(site).find(source, recorded)


def _loaded(site: Site, shown: str, data: bytes, exact: bool, digest: str | None = None) -> Base:
    english = english_version(site, shown, data, digest)
    if english.page is None:
        which = "the version it was made from" if exact else "it"
        return Base(
            shown, None, exact, f"the English base {shown} ({which}) cannot be read: {english.problem}"
        )
    return Base(shown, english.page, exact, english=english)


class _English:
    """One version of an English page, read once however many translations are made from it:
    its page, its skeleton, and (for the translations whose skeleton differs) its outline."""

    def __init__(self, site: Site, shown: str, data: bytes):
        loaded = pages.load(data, shown, site.source_locale)
        self.page = loaded if loaded.readable and loaded.meta_ok else None
        self.problem = "; ".join(f.message for f in loaded.findings) or "it cannot be read"
        self._skeleton: tuple[Settings, tuple | None] | None = None
        self._quick: tuple[Settings, str | None] | None = None
        self._verbatim: tuple[Settings, str | None, bool] | None = None
        self._outline: markdown.Outline | None = None

    def quick(self, config: Settings) -> str | None:
        if self._quick is None or self._quick[0] is not config:
            self._quick = (config, quick_skeleton(self.page.body, config))
        return self._quick[1]

    def verbatim(self, config: Settings) -> tuple[str | None, bool]:
        """The verbatim quick form, and whether it is worth trying on a translation: only where
        it is the quick form (no locale part, no attribute a translator translates: then a
        translation that differs from it need not be the same in the quick form)."""
        if self._verbatim is None or self._verbatim[0] is not config:
            found = quick_skeleton(self.page.body, config, verbatim=True)
            self._verbatim = (config, found, found is not None and not config.verbatim_differs.search(found))
        return self._verbatim[1:]

    def skeleton(self, config: Settings) -> tuple | None:
        if self._skeleton is None or self._skeleton[0] is not config:
            self._skeleton = (config, skeleton(self.page.body, config))
        return self._skeleton[1]

    def outline(self, site: Site) -> markdown.Outline:
        if self._outline is None:
            self._outline = markdown.outline(self.page.body, self.page.body_line, site)
        return self._outline


_ENGLISH = lasting.cache("translation_structure.english", 10_000)  # each made with the build's site
KEEP_ENGLISH = 10_000  # versions kept: every page of a large site, each a few kB


def english_version(site: Site, shown: str, data: bytes, digest: str | None = None) -> _English:
    """One version of the English page ``shown`` (its bytes), read once per process: the
    structure rules and the stale translations' changed sections (``stale_sections``) share it."""
    key = (shown, digest or source_hash(data))
    found = _ENGLISH.get(key)
    if found is None:
        if len(_ENGLISH) >= KEEP_ENGLISH:
            _ENGLISH.clear()
        found = _ENGLISH[key] = _English(site, shown, data)
    return found


# ----------------------------------------------------------------------------
# The skeleton: what a translation may not change, read without the Markdown engine
# ----------------------------------------------------------------------------

# Everything on a line that is not prose: link and image targets, reference labels, code spans,
# HTML tags (and comments), attribute lists, alert markers, table pipes.
_SKELETON_TOKENS = re.compile(
    r"\]\([^\n]*?\)|\]\[[^\]\n]*\]|`+[^`\n]*`+|`+|<[^>\n]*>|\{[^}\n]*\}|\[![^\]\n]*\]|!\[|\|"
)
# A line's containers and markers: indentation, quotes, a list marker, a heading's hashes, an
# admonition, a fence, a reference definition, and the first character after them when it is
# one that can start a block.
_SKELETON_PREFIX = re.compile(
    r"([ \t>]*)((?:[-*+]|\d+[.)])(?=[ \t]|$))?[ \t]*(#{1,6}|!!!|\?\?\?\+?|`{3,}|~{3,}|\[[^\]\n]*\]:)?(.?)"
)
FENCE_LINE = re.compile(r"[ \t>]*(?:[-*+]|\d+[.)])?[ \t]*(`{3,}|~{3,})")


def quick_skeleton(body: str, config: Settings, verbatim: bool = False) -> str | None:
    """The skeleton's first, cheaper form: the body with its prose deleted by regular
    expressions alone (no Python per line), which is what makes the check cheap on a large site.

    Fenced code is kept whole, and so is every line indented four columns or more after a blank
    line (code, or a list's text: such a page goes on to ``skeleton``); of the other lines, the
    prefix (marked non-blank), link targets without their locale part, code spans, tags as
    written, attribute lists, alert markers, image marks and table pipes; a setext underline or
    thematic break as its character. Blank lines, and the paragraphs of plain prose between
    them, count as one blank line. None: a body this form cannot vouch
    for (a code span over lines, a reference definition, a fence left open, a line that starts
    with a tag with attributes: its source or target would be lost with the line's start).

    ``verbatim``: link targets and tags kept as they are written (one capturing group: the
    engine hands back strings, not a tuple of groups per match, at less than half the cost).
    Stricter than the default form, so that equal verbatim forms are equal default forms.
    """
    if "]:" in body and _REFERENCE_DEFINITION.search(body):
        return None
    pieces, position = [], 0
    fenced = "```" in body or "~~~" in body
    while fenced and (fence := _FENCE_OPEN.search(body, position)) is not None:
        run = fence.group(1)
        closing = re.compile(r"^[ \t>]*%s{%d,}[ \t]*$" % (re.escape(run[0]), len(run)), re.M).search(
            body, fence.end()
        )
        if closing is None:
            return None
        pieces += [
            _quick_text(body[position : fence.start()], config, verbatim),
            "\0",
            body[fence.start() : closing.end()],
            "\0",
        ]
        position = closing.end()
    pieces.append(_quick_text(body[position:], config, verbatim))
    if None in pieces:
        return None
    return "".join(pieces)


def _quick_text(text: str, config: Settings, verbatim: bool = False) -> str | None:
    if "`" in text and any(line.count("`") % 2 for line in text.split("\n") if "`" in line):
        return None  # a code span over lines (or one of two backticks: let the next form tell)
    marked = _NON_BLANK.sub("\n\x01", "\n\n" + text)
    # findall and join: a template substitution would expand each match in Python (3.11)
    if verbatim:
        canonical = "".join(_VERBATIM.findall(marked))
    else:
        canonical = "".join(map("".join, config.quick.findall(marked)))
    if "<" in canonical and _TAG_LINE.search(canonical):
        return None  # a tag's source or target at a line's start is not in this form
    return _BLANK_RUN.sub("\n\n", canonical)


_FENCE_OPEN = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]+)?(`{3,}|~{3,})", re.M)
_NON_BLANK = re.compile(r"\n(?=[ \t]*\S)")  # a line break before a line that is not blank
# A blank line, with the blank lines and the paragraphs of plain prose that follow it (only a
# whole paragraph: a plain line next to a table row or a list item may be part of it).
_BLANK_RUN = re.compile(r"\n\n(?:\n|(?:\x01\n)+(?:\n|\Z))*")


# ``quick_skeleton``'s patterns, in pieces. Prose: dropped.
_PROSE = r"[^\n\x01\]`<{!|]+"
# A line break; a line indented like code after a blank line, and the indented lines after it; a
# setext underline or thematic break; else a line's start: containers, list marker, heading,
# admonition and its type, HTML (with its tag's name where attributes follow: ``_TAG_LINE``).
_LINE = (
    r"\n|(?<=\n\n)\x01(?:[ \t]{0,3}>[ \t]?)*(?: {4}|\t)[^\n]*"
    r"(?:\n\x01(?:[ \t]{0,3}>[ \t]?)*(?: {4}|\t)[^\n]*)*"
    r"|\x01[ \t>]*[-=*_](?:[ \t]*[-=*_])*[ \t]*$"
    r"|\x01[ \t>]*(?:(?:[-*+]|\d+[.)])(?=[ \t]|$))?[ \t]*"
    r"(?:#{1,6}(?=[ \t]|$)|(?:!!!|\?\?\?\+?)[ \t]*[\w-]*|<(?:[A-Za-z][\w-]*(?=[ \t]))?)?"
)
# Tokens written as they are (a "[" is prose: an alert marker is kept from its "!", an image
# from "![").
_TOKENS = r"``[^\n]*?``|`[^`\n]*`|<[^>\n]*>|\{[^}\n]*\}|!\[|![A-Za-z][\w-]*\]|\]\[[^\]\n]*\]|\|"
_DROPPED = r"[\]`<{!]"  # marks that make nothing here
# The verbatim form: link targets and tags as written, everything kept in one group.
_VERBATIM = re.compile(rf"{_PROSE}|({_LINE}|{_TOKENS}|\]\([^)\n]*\)?)|{_DROPPED}", re.M)
# A line that starts with a tag with attributes (its name kept by ``_LINE``, the rest dropped
# with the prose), or whose first token is such a tag: the line by line form tells.
_TAG_LINE = re.compile(r"\x01[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]*)?<[A-Za-z][\w-]*(?![\w>-])")
_TRANSLATED_ATTRIBUTE = r"""\s(?:alt|title|aria-label)\s*=\s*(?:"[^"\n]*"|'[^'\n]*')"""


def _locale_part(locales: list[str]) -> str:
    return "/(?:" + "|".join(f"(?:{p})" for p in locales) + ")(?=[/)#?])"


def _quick_pattern(locales: list[str]) -> re.Pattern:
    """``quick_skeleton``'s one pattern: each alternative keeps what its groups capture and
    drops the rest of its match; prose matches no group and goes. Prose is tried first: most
    matches are prose, and each alternative tried in vain costs as much as a run of prose."""
    return re.compile(
        "|".join(
            (
                _PROSE,
                f"({_LINE})",
                # a tag less the one attribute a translator translates
                rf"(<[^>\n]*?){_TRANSLATED_ATTRIBUTE}([^>\n]*>)",
                f"({_TOKENS})",
                # a link target without its locale part, else as it is
                rf"(\]\()(?:([^)\n]*?){_locale_part(locales)}([^)\n]*\)?)|([^)\n]*\)?))",
                _DROPPED,
            )
        ),
        re.M,
    )


def _verbatim_differs(locales: list[str]) -> re.Pattern:
    """What the default form takes out of a verbatim one: where a verbatim form has neither, it
    is the default form."""
    return re.compile(f"{_locale_part(locales)}|{_TRANSLATED_ATTRIBUTE}")


def skeleton(body: str, config: Settings) -> tuple | None:
    """A body's structure as plain text, cheaply: where two bodies' skeletons are equal, their
    outlines hold the same blocks with the same links, code, ids, markers and images, so the
    comparison can stop there (``structure_findings``); where they differ, or a skeleton is
    None (a body this reading cannot vouch for), the outlines decide.

    Each line gives its prefix (indentation, quotes, list marker, heading level, admonition and
    its type, fence, what its first character makes of it) and its tokens (link targets with
    their locale parts taken out, code spans, tags, attribute lists, alert markers, table
    pipes); a line inside a fence, or indented like code after a blank line, is kept whole,
    since code is compared byte for byte. Blank lines, and paragraphs of plain words between
    them, only separate blocks: a run of them counts once. A translation that wraps its lines
    differently only costs the full comparison.
    """
    if "]:" in body and _REFERENCE_DEFINITION.search(body):
        return None  # [words] may then be a link, and its words are translated
    parts: list = []
    append = parts.append
    find_tokens, match_prefix = _SKELETON_TOKENS.findall, _SKELETON_PREFIX.match
    fence: str | None = None
    blank = True  # the line before was blank (or the body starts)
    code = False  # the line before was indented code
    plain: list = []  # plain lines of a paragraph that may prove plain throughout
    for line in body.split("\n"):
        if fence is not None:
            append(line)
            closing = FENCE_LINE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            continue
        if not line or line.isspace():
            if plain:  # a paragraph of plain words only: part of the separator before it
                plain.clear()
            elif not blank:
                append("")
            blank = True
            continue
        if line[0] in " \t>":
            inside = _QUOTES.sub("", line, count=1).expandtabs(4) if ">" in line[:8] else line.expandtabs(4)
            indent = len(inside) - len(inside.lstrip())
            if indent >= 4 and (blank or code) and not _continues_container(parts, indent):
                append(line)  # indented code, perhaps: kept whole
                code, blank = True, False
                continue
        code = False
        prefix = match_prefix(line)
        indentation, item, marker, first = prefix.groups("")
        tokens = find_tokens(line) if _TOKEN_START.search(line) else ()
        if not tokens and not indentation and not item and not marker and first not in _BLOCK_CHARACTERS:
            if blank or plain:
                plain.append(line)  # kept aside until the paragraph proves to hold more
                blank = False
                continue
        if plain:
            parts.extend(("", None, "", "text", ()) for _ in plain)
            plain.clear()
        blank = False
        if tokens:
            if any(token.strip("`") == "" for token in tokens) and not marker.startswith(("`", "~")):
                return None  # a code span that runs over lines: its text is not on this one
            tokens = _without_locales(tokens, config)
        if marker in _ADMONITIONS:
            marker += " " + (line[prefix.end(3) :].split() or [""])[0]  # its type, not its title
        elif marker.startswith(("`", "~")):
            fence = marker
        append((indentation, item, marker, _line_kind(line, first), tokens))
    if plain:
        parts.extend(("", None, "", "text", ()) for _ in plain)
    return tuple(parts)


# What can make a line other than text when it starts it (besides markers and tokens): an HTML
# block, a setext underline, a thematic break; "" is the end of the line.
_BLOCK_CHARACTERS = ("", "<", "=", "-", "_", "*")
_TOKEN_START = re.compile(r"[`<{|\]]|\[!|!\[")


def _without_locales(tokens: list[str], config: Settings) -> tuple[str, ...]:
    """Link targets with their locale parts taken out, and tags without the attributes a
    translator translates (one substitution each for the line)."""
    joined = "\0".join(tokens)
    if "](" in joined:
        joined = config.locale_url_parts.sub("/", joined)
    if "<" in joined:
        joined = _TRANSLATED_ATTRIBUTES.sub("", joined)
    return tuple(joined.split("\0"))


_TRANSLATED_ATTRIBUTES = re.compile(r"""\s(?:alt|title|aria-label)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)""", re.I)


def _line_kind(line: str, first: str) -> str:
    """What a line's first character after its markers can make of it: a thematic break, a
    setext underline, an HTML block, or text (whatever letter, digit or emphasis it starts with)."""
    if first in "-*_=" and first and (_BREAK.fullmatch(line) or _UNDERLINE.fullmatch(line)):
        return "underline" if _UNDERLINE.fullmatch(line) else "break"
    return "html" if first == "<" else "text"


_BREAK = re.compile(r"[ \t>]*([-*_])(?:[ \t]*\1){2,}[ \t]*")
_UNDERLINE = re.compile(r"[ \t>]*(?:=+|-+)[ \t]*")
_REFERENCE_DEFINITION = re.compile(r"^[ \t>]*\[[^\]\n]+\]:", re.M)
_QUOTES = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
_ADMONITIONS = ("!!!", "???", "???+")


def _continues_container(parts: list, indent: int) -> bool:
    """Whether an indented line after a blank one continues the list item or admonition above it
    (Python-Markdown: their blocks are indented four columns per level), not code."""
    for part in reversed(parts):
        if part == "":
            continue
        if isinstance(part, str):
            return False  # below code or a fence: no container known
        opener = len(part[0].expandtabs(4))
        if part[1] or part[2].split(" ", 1)[0] in _ADMONITIONS:
            return indent < opener + 8
        if opener < 4:
            return False  # below text that is in no container
    return False


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------


def structure_findings(page: Page, site: Site) -> Iterator[Finding]:
    if not page.readable:
        return
    if REVIEW_PREFIX in page.body:
        yield from _unreviewed(page)
    base = base_of(site, page)
    if base is None:
        return
    if base.problem:
        # on the hash that names the base, else the front matter's end
        place = page.front.key_positions.get((HASH_KEY,), (max(page.body_line - 1, 1), 1))
        yield BASE.at(page.display, *place, base.problem)
    if base.page is None:
        return
    severity = None if base.exact else rules.WARNING
    config = settings(site)
    for finding in _compare(page, base, site, config):
        yield finding if severity is None else dataclasses.replace(finding, severity=severity)


CHECKS = (structure_findings,)


def _compare(page: Page, base: Base, site: Site, config: Settings) -> Iterator[Finding]:
    yield from _front_matter(page, base, config)
    if same_skeleton(page.body, base.english, config):
        return  # the same structure, told without the Markdown engine: nothing to report
    yield from outline_findings(page, base, site, config)


def same_skeleton(body: str, english: _English, config: Settings) -> bool:
    """Whether a translation's body has its English's skeleton: by the quick form, else by the
    line by line one (see ``quick_skeleton`` and ``skeleton``)."""
    verbatim, worth_it = english.verbatim(config)
    if worth_it and verbatim == quick_skeleton(body, config, verbatim=True):
        return True
    quick = english.quick(config)
    if quick is not None and quick == quick_skeleton(body, config):
        return True
    theirs = english.skeleton(config)
    return theirs is not None and theirs == skeleton(body, config)


def outline_findings(page: Page, base: Base, site: Site, config: Settings) -> Iterator[Finding]:
    """The differences between the outlines of a translation's body and its base's."""
    english = base.english.outline(site)
    if english.document.refused or english.document.too_deep:
        yield BASE.at(
            page.display,
            page.body_line,
            1,
            f"the English base {base.display} is past the site's "
            "limits for a page (too large or nested too deeply): its structure is not compared",
        )
        return
    here = markdown.page_outline(page, site)  # the link and heading checks read its document
    if here.document.refused or here.document.too_deep:
        return  # safety.limits and structure report the page itself
    yield from Comparison(page.display, english.blocks, here.blocks, config).findings()


def _front_matter(page: Page, base: Base, config: Settings) -> Iterator[Finding]:
    first = (page.body_line - 1, 1) if page.front.present else (1, 1)
    for key, value in base.page.meta.items():
        if key in config.translatable_keys:
            continue
        if key not in page.meta:
            yield FRONT_MATTER.at(
                page.display, *first, f"the English has {key}: {_value(value)}; here the key is missing"
            )
        elif page.meta[key] != value:
            line, column = page.front.key_positions.get((key,), first)
            yield FRONT_MATTER.at(
                page.display,
                line,
                column,
                f"the English has {key}: {_value(value)}; here it is {_value(page.meta[key])}: "
                f"{key} is not translated (extra.{SETTINGS_KEY}.translatable_keys in mkdocs.yml)",
            )


def _value(value) -> str:
    return repr(value) if not isinstance(value, str) else f'"{value}"'


# Block kinds that a lost or added block is reported as, by rule and noun.
def _described(block) -> str:
    """How a message names a block the other document lacks (one of ``_LOST``'s kinds)."""
    noun = _LOST[block.kind][1]
    if block.kind == "code":
        return f"{noun} {_quote_code(block.code or '')}"
    if block.kind in ("alert", "admonition", "tab"):
        return f"{noun} {_marker(block)}"
    what = f'{noun} "{block.text}"' if block.text else noun
    return f"{what} ({block.detail})" if block.kind == "heading" else what


_LOST = {
    "heading": (HEADING, "the heading"),
    "item": (LIST, "the list item"),
    "row": (TABLE, "the table row"),
    "code": (CODE, "the code block"),
    "alert": (ALERT, "the alert"),
    "admonition": (ALERT, "the admonition"),
    "tab": (ALERT, "the content tab"),
}


class Comparison:
    """The blocks of an English base and of its translation, aligned, and their differences."""

    def __init__(self, display: str, english: list, here: list, config: Settings):
        self.display, self.english, self.here, self.config = display, english, here, config
        # what ``fix`` can restore from the English: (kind, English block or item, the translation's)
        self.repairable: list[tuple[str, object, object]] = []

    def key(self, block, strict: bool) -> tuple:
        """What aligns blocks: first their kind and what they hold that no translation changes
        (so that the right list item is found missing); then, where that found no match, their
        kind's family alone (a tab that lost its marker is still in a heading's place)."""
        if not strict:
            return (_FAMILY.get(block.kind, block.kind),)
        return (block.kind, tuple(sorted(self._held(block))))

    def findings(self) -> Iterator[Finding]:
        yield from self._align(0, len(self.english), 0, len(self.here), strict=True)

    def _align(self, e1: int, e2: int, t1: int, t2: int, strict: bool) -> Iterator[Finding]:
        english = [self.key(b, strict) for b in self.english[e1:e2]]
        here = [self.key(b, strict) for b in self.here[t1:t2]]
        matcher = difflib.SequenceMatcher(None, english, here, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            i1, i2, j1, j2 = i1 + e1, i2 + e1, j1 + t1, j2 + t1
            if op == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    yield from self._pair(self.english[i], self.here[j])
            elif op == "replace" and strict:
                yield from self._align(i1, i2, j1, j2, strict=False)
            else:
                yield from self._unpaired(i1, i2, j1, j2)

    def _at(self, j: int):
        """The translation's block at index j, or its last one (a place for what is missing)."""
        if not self.here:
            return None
        return self.here[min(j, len(self.here) - 1)]

    def _unpaired(self, i1: int, i2: int, j1: int, j2: int) -> Iterator[Finding]:
        lost, added = self.english[i1:i2], self.here[j1:j2]
        # blocks of the same kind in the same place are the same block, changed
        paired = 0
        while paired < min(len(lost), len(added)) and _same_family(lost[paired], added[paired]):
            yield from self._pair(lost[paired], added[paired])
            paired += 1
        lost, added = lost[paired:], added[paired:]
        j1 += paired
        for block in lost:
            # a lost item or row is shown on the one before it, where it was merged or dropped
            before = self.here[j1 - 1] if j1 > 0 else None
            place = before if before is not None and before.kind == block.kind else self._at(j1)
            yield from self._lost(block, place, merged=self._merged(block, j1))
        for block in added:
            yield from self._added(block)

    def _merged(self, block, j: int) -> bool:
        """Whether a lost list item's links and code are in the translation's item before it."""
        if block.kind != "item" or not block.inlines or j == 0:
            return False
        before = self.here[j - 1]
        return before.kind == "item" and not (Counter(self._held(block)) - Counter(self._held(before)))

    def _held(self, block) -> list:
        return [
            (i.kind, same_target(i.value, self.config) if i.kind == "link" else i.value)
            for i in block.inlines
        ]

    def _lost(self, block, place, merged: bool = False) -> Iterator[Finding]:
        line, column = (place.line, place.column) if place is not None else (1, 1)
        if block.kind in _LOST:
            rule, what = _LOST[block.kind][0], _described(block)
            how = "merged into the item before it" if merged else "missing"
            if block.kind == "item" and not merged:
                how = "missing (or merged into the item before it)"
            yield rule.at(
                self.display, line, column, f"the English has {what} here; in the translation it is {how}"
            )
            if block.kind in ("code", "alert", "admonition", "tab", "item", "row"):
                return
        for item in block.inlines:
            yield from self._item_lost(item, line, column)

    def _added(self, block) -> Iterator[Finding]:
        if block.kind in _LOST:
            rule, what = _LOST[block.kind][0], _described(block)
            split = " (an English item split in two?)" if block.kind == "item" else ""
            yield rule.at(
                self.display,
                block.line,
                block.column,
                f"the translation adds {what} here; the English has none in this place{split}",
            )
            if block.kind in ("code", "alert", "admonition", "tab", "item", "row"):
                return
        for item in block.inlines:
            yield from self._item_added(item)

    def _pair(self, english, here) -> Iterator[Finding]:
        """One English block and the translation's block in its place."""
        at = (self.display, here.line, here.column)
        if english.kind != here.kind:  # of one family: the marker is lost, or was made
            marked = english if english.kind in ("alert", "tab") else here
            what = f"the {'alert' if marked.kind == 'alert' else 'content tab'} {_marker(marked)}"
            yield ALERT.at(
                *at,
                f"the English has {what} here; in the translation it is a plain "
                f"{'quote' if marked.kind == 'alert' else 'heading'}: markers are not translated"
                if marked is english
                else f"the English has no {what.split(' ', 1)[1]} here: the translation adds it",
                suggestion=english.detail if marked is english else None,
            )
            yield from self._inlines(english, here)
            return
        kind = english.kind
        if kind == "heading" and english.detail != here.detail:
            yield HEADING.at(
                *at,
                f'the English heading "{english.text}" is an {english.detail}; here it is an {here.detail}',
            )
        if kind == "heading" and english.anchor != here.anchor:
            yield ANCHOR.at(
                *at,
                f'the English heading "{english.text}" has the id {english.anchor!r}; here it is {here.anchor!r}',
            )
        if kind in ("alert", "admonition", "tab") and english.detail != here.detail:
            if kind in ("alert", "admonition"):
                self.repairable.append((kind, english, here))
            yield ALERT.at(
                *at,
                f"the English has {_marker(english)}; here it is {_marker(here)}: markers are not translated",
                suggestion=english.detail,
            )
        if kind == "code" and english.code != here.code:
            self.repairable.append(("code", english, here))
            yield CODE.at(
                *at,
                f"the code block differs from the English ({_first_difference(english.code or '', here.code or '')}): "
                "code is copied unchanged",
                suggestion=english.code,
            )
        if kind == "row" and english.cells != here.cells:
            more = "lost" if english.cells > here.cells else "added"
            yield TABLE.at(
                *at,
                f'the English row "{english.text}" has {english.cells} cells; here it has {here.cells} (a cell {more})',
            )
        yield from self._inlines(english, here)

    def _inlines(self, english, here) -> Iterator[Finding]:
        for kind in ("link", "code", "image"):
            # a tab's marker is its link: structure-alert reports it
            theirs = [i for i in english.inlines if i.kind == kind and not _is_tab_link(english, i)]
            ours = [i for i in here.inlines if i.kind == kind and not _is_tab_link(here, i)]
            norm = (lambda i: same_target(i.value, self.config)) if kind == "link" else (lambda i: i.value)
            left = Counter(norm(i) for i in ours)
            unmatched_english = []
            for item in theirs:
                if left[norm(item)]:
                    left[norm(item)] -= 1
                else:
                    unmatched_english.append(item)
            unmatched_here = []
            wanted = Counter(norm(i) for i in theirs)
            for item in ours:
                if wanted[norm(item)]:
                    wanted[norm(item)] -= 1
                else:
                    unmatched_here.append(item)
            for old, new in zip(unmatched_english, unmatched_here):
                yield from self._item_changed(old, new)
            for old in unmatched_english[len(unmatched_here) :]:
                yield from self._item_lost(old, here.line, here.column)
            for new in unmatched_here[len(unmatched_english) :]:
                yield from self._item_added(new)

    def _item_changed(self, old, new) -> Iterator[Finding]:
        at = (self.display, new.line, new.column)
        if old.kind == "link":
            self.repairable.append(("link", old, new))
            yield LINK_TARGET.at(
                *at,
                f'the English links "{old.text}" to {old.value}; here the link leads to {new.value}',
                suggestion=old.value,
            )
        elif old.kind == "code":
            yield CODE.at(
                *at,
                f"the English has the code {_quote_code(old.value)}; here it is {_quote_code(new.value)}: "
                "code is copied unchanged",
                suggestion=old.value,
            )
        else:
            yield IMAGE.at(
                *at,
                f'the English shows the image {old.value} ("{old.text}"); here it shows {new.value}',
                suggestion=old.value,
            )

    def _item_lost(self, old, line: int, column: int) -> Iterator[Finding]:
        at = (self.display, line, column)
        if old.kind == "link":
            yield LINK_LOST.at(*at, f'the English links "{old.text}" to {old.value}; here the link is gone')
        elif old.kind == "code":
            yield CODE.at(*at, f"the English has the code {_quote_code(old.value)}; here it is gone")
        else:
            yield IMAGE.at(*at, f'the English shows the image {old.value} ("{old.text}"); here it is gone')

    def _item_added(self, new) -> Iterator[Finding]:
        at = (self.display, new.line, new.column)
        if new.kind == "link":
            yield LINK_ADDED.at(*at, f'the English has no link to {new.value} here ("{new.text}")')
        elif new.kind == "code":
            yield CODE.at(*at, f"the English has no code {_quote_code(new.value)} here")
        else:
            yield IMAGE.at(*at, f"the English has no image {new.value} here")


# Kinds one block can turn into when a translation loses or makes its marker.
_FAMILY = {"tab": "heading", "alert": "quote"}


def _same_family(english, here) -> bool:
    return _FAMILY.get(english.kind, english.kind) == _FAMILY.get(here.kind, here.kind)


def _is_tab_link(block, item) -> bool:
    return block.kind in ("tab", "heading") and item.kind == "link" and item.value.startswith("#")


def _marker(block) -> str:
    if block.kind == "alert":
        return f"> [!{block.detail}]"
    if block.kind == "tab":
        return f"#tab/{block.detail}"
    return f"!!! {block.detail}"


def _quote_code(code: str) -> str:
    shown = code if len(code) <= 60 else code[:59] + "…"
    return "`" + shown.replace("\n", "⏎") + "`"


def _first_difference(old: str, new: str) -> str:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for number, (a, b) in enumerate(zip(old_lines, new_lines), 1):
        if a != b:
            return f"line {number} of the code: the English has {_quote_code(a)}, here {_quote_code(b)}"
    return f"the English has {len(old_lines)} lines, here {len(new_lines)}"


# ----------------------------------------------------------------------------
# Repairs: what ``python -m helpsite fix`` restores from the English
# ----------------------------------------------------------------------------

REVIEW_PREFIX = "<!-- helpsite: review "
REVIEW_MARK = "<!-- helpsite: review {what} (from {locale}) -->"
REVIEW_MARK_RE = re.compile(
    r"<!-- helpsite: review (link target|code block|alert marker|admonition type) \(from ([\w-]+)\) -->"
)


def _unreviewed(page: Page) -> Iterator[Finding]:
    for match, line, column in pages.placed_matches(REVIEW_MARK_RE, page):
        yield UNREVIEWED.at(
            page.display,
            line,
            column,
            f"the {match.group(1)} was restored from the {match.group(2)} page by 'helpsite fix': check "
            "it, then delete this comment",
        )
