"""Internal links and anchors, known from the source: pages, their anchors, the links between them.

A page's anchors are the ids the build writes into its HTML: heading ids (the site's slugify,
Microsoft Learn's legacy ``<a name>`` anchors, ``_1``... for a repeated heading, as
Python-Markdown's toc makes them), ``{ #id }`` attributes, and ``id=`` and ``<a name>`` in raw
HTML. They come from the site's own Markdown engine (``markdown.render``); a page whose
headings are plain ``#`` lines gets them from a reading of those lines that
tests/test_link_graph.py holds equal to the engine on every page.

A page's internal links are its relative links to Markdown pages and its ``#fragment`` links.
The two rules below check them with the static-i18n fallback in mind (a page missing in a
locale is the English page at the same path). Checking a page reads its link targets first
(``link_candidates``, a scan of the text): only when one of them is broken, or the scan cannot
be sure it saw every link, is the page parsed for the exact links and their places. Targets are
read from their files on demand, each file once per state (``anchors_of_file``).

``LinkGraph`` keeps all of it for a preview, which asks after each save which pages' link
findings may have changed (``LinkGraph.update``).
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions import toc

from helpsite.core import lasting
from helpsite.core.site import Limits, Site
from helpsite.linting import rules
from helpsite.text import frontmatter, markdown, nesting
from helpsite.text import page as pages
from helpsite.text.page import Page

MISSING_PAGE = rules.define(
    "link-to-missing-page",
    rules.ERROR,
    "A relative link leads to a Markdown page that is neither in the page's locale nor in the "
    "source locale (English), whose page the build uses in its place.",
    why="The reader gets a 404. Found from the source, so `python -m helpsite check`, the "
    "pre-commit hook and the preview report it at the link's line before anything is built "
    "(`python -m helpsite linkcheck` finds the same as `broken-link` in the built site).",
    fix="Correct the path, relative to the page that links, to the page's .md file; the "
    "message names the nearest page there is. A link from a translation to a page only "
    "English has is fine: the build publishes the English page in its place.",
    bad="# Transfer licenses\n\nSee [next steps](transfer-licences.md#next-steps).\n\n## Next steps\n",
    good="# Transfer licenses\n\nSee [next steps](transfer-licenses.md#next-steps).\n\n## Next steps\n",
    tags=["links"],
)
MISSING_ANCHOR = rules.define(
    "link-to-missing-anchor",
    rules.ERROR,
    "A link's #fragment is no anchor of the page it leads to (in the linking page's locale, or "
    "the English page the build uses in its place).",
    why="The page opens at its top instead of the section meant. Found from the source, with "
    "the ids the build gives headings (legacy <a name> anchors, the heading's text in "
    "lowercase with '-' for spaces, _1 for a repeated heading) and raw HTML ids (`python -m "
    "helpsite linkcheck` finds the same as `broken-anchor` in the built site).",
    fix="Link to an anchor the page has: the message names the nearest one. Or give the "
    'heading the anchor: `## <a name="next-steps"></a>Next steps`, which stays the same in '
    "every translation.",
    bad="# Transfer licenses\n\nSee [next steps](#next-step).\n\n## Next steps\n",
    good="# Transfer licenses\n\nSee [next steps](#next-steps).\n\n## Next steps\n",
    tags=["links"],
)
RULES = (MISSING_PAGE, MISSING_ANCHOR)

PAGE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class InternalLink:
    """A relative link to a page of the site, or a ``#fragment`` of the page itself."""

    href: str
    target: str | None  # the page's path inside a locale folder; None: the linking page itself
    fragment: str | None
    line: int = 0
    column: int = 0

    @property
    def escapes(self) -> bool:
        """Whether the path leads out of the locale folder (no page of the site is there)."""
        return self.target is not None and (self.target == ".." or self.target.startswith("../"))


def internal_link(href: str, page_path: str | None) -> InternalLink | None:
    """The link as the build resolves it (MkDocs' relative links), None for any other link."""
    return link_in(href, posixpath.dirname(page_path) if page_path is not None else None)


def link_in(href: str, folder: str | None) -> InternalLink | None:
    """``internal_link`` for a page in ``folder`` (a locale folder's subfolder, '' at its top)."""
    found = _target_of(href, folder)
    return None if found is None else InternalLink(href, *found)


def _target_of(href: str, folder: str | None) -> tuple[str | None, str | None] | None:
    """(target page path, or None for the page itself; fragment or None) of an internal link."""
    if not href.startswith(("#", "?")) and ".md" not in href and ".markdown" not in href:
        return None  # no page's path: nothing below can make it one
    if _ABSOLUTE.match(href):
        return None  # another site, or an absolute path (which MkDocs leaves as it is)
    # what urlsplit would give of a URL without scheme or host, without its cost
    rest, _, fragment = href.partition("#")
    path = rest.partition("?")[0]
    if not path:
        return (None, fragment) if fragment else None
    if folder is None:
        return None
    target = _page_path(folder, path)
    return None if target is None else (target, fragment or None)


@lasting.memo(1 << 16)  # a pure function of its arguments
def _page_path(folder: str, path: str) -> str | None:
    # many pages of a folder link to the same page: its path is worked out once
    path = unquote(path)
    return posixpath.normpath(posixpath.join(folder, path)) if path.endswith(PAGE_SUFFIXES) else None


# ----------------------------------------------------------------------------
# Anchors
# ----------------------------------------------------------------------------


def anchors(body: str, site: Site | None) -> frozenset[str] | None:
    """Every id a browser can scroll to in the page the build makes of this body; None for a
    body the build does not render (past a limit of the site's, or nested past the engine's
    recursion: other rules report it), whose links to it are then not judged."""
    found = plain_heading_ids(body, site)
    if found is not None:
        return found
    limits = site.limits if site is not None else Limits()
    if len(body) > limits.max_page_characters or nesting.too_deep(body, limits.max_nesting):
        return None
    try:
        html = markdown.render(body, site)
    except RecursionError:
        return None
    reader = _IdReader()
    reader.feed(html)
    reader.close()
    return frozenset(reader.ids)


class _IdReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.append(value)


# The extensions this reading of headings knows (mkdocs.yml's, and MkDocs' own): none of them
# makes an id but from a heading, an attribute list or raw HTML, which it leaves to the engine.
_KNOWN_EXTENSIONS = {
    *markdown.MKDOCS_BUILTIN_EXTENSIONS,
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.superfences",
    "helpsite.text.markdown_ext",
    "helpsite.text.external_links",
}
# A '#' after what may stand before a heading in a container: quotes, list markers, indentation.
_CONTAINED_HASH = re.compile(r"\n[ \t>*+\-0-9.)]+#")
_SETEXT_UNDERLINE = re.compile(r"\n[ \t>]*(?:=+|-+)[ \t]*(?=\n|$)")
_LEGACY_ANCHOR = re.compile(r'[ \t]*<a name="([^"&<>]+)"></a>')
_NOT_PLAIN = re.compile(r"[*_`\[\]<>&\\{}\t]")


def plain_heading_ids(body: str, site: Site | None) -> frozenset[str] | None:
    """The ids of a body whose only ids come from plain ``#`` headings (a legacy anchor at the
    start allowed), as the engine gives them; None when only the engine can tell.

    Python-Markdown makes a heading of any line that starts with ``#`` (outside code and HTML),
    takes its text up to a closing run of ``#``, and the toc gives each heading without an id
    the slug of its text, made unique against every id in the page (``toc.unique``)."""
    slug = _heading_slug(site)
    if slug is None or "{" in body:
        return None
    # one-character tests first: they run at memchr's speed on any text, where a longer
    # needle in non-ASCII text costs microseconds
    text = markdown._outside_fences(body) if "`" in body or "~" in body else body
    if text is None:
        return None
    # Each test below looks for a literal first (a line break), at C speed.
    text = "\n" + text
    if _CONTAINED_HASH.search(text) or _SETEXT_UNDERLINE.search(text):
        return None  # a heading in a container, a setext underline or a rule: the engine decides
    legacy: list[str] = []
    slugged: list[str] = []
    start = _heading_start(text, 0)
    while start >= 0:
        if start and text[start - 1] != "\n" and text[text.rfind("\n", 0, start) + 1 : start].strip():
            return None  # continuing a block: the engine decides
        end = text.find("\n", start + 1)
        line = text[start + 1 : end if end >= 0 else len(text)]
        # the text after at most six '#', less a closing run of '#' (HashHeaderProcessor)
        header = line[min(len(line) - len(line.lstrip("#")), 6) :].rstrip("#")
        anchor = _LEGACY_ANCHOR.match(header)
        if anchor:
            legacy.append(anchor.group(1))
            header = header[anchor.end() :]
        if _NOT_PLAIN.search(header):
            return None
        if not anchor:  # the toc names a heading by its text, white space collapsed
            slugged.append(" ".join(header.split()))
        start = _heading_start(text, start + 2)
    if text.count("<") != 2 * len(legacy):
        return None  # raw HTML beyond the legacy anchors
    slugify, separator = slug
    used = set(legacy)
    counters: dict[str, int] = {}
    return frozenset(used | {toc.unique(slugify(name, separator), used, counters) for name in slugged})


def _heading_start(text: str, position: int) -> int:
    """The line break before the next line that starts with '#' from ``position`` on, or -1."""
    position = text.find("#", position)
    while position > 0 and text[position - 1] != "\n":
        position = text.find("#", position + 1)
    return position - 1 if position > 0 else -1


# The site's extensions as written -> what _heading_slug made of them
_SLUG = lasting.cache("link_graph.slug", 1, kept="the extensions' list itself is compared")


def _heading_slug(site: Site | None):
    """The toc's slugify and separator, None when an extension may make ids otherwise."""
    written = site.markdown_extensions if site is not None else ()
    cached = _SLUG.get(id(written))
    if cached is None or cached[0] is not written:
        names, configs = markdown.site_extensions(site)
        toc_config = configs.get("toc", {})
        known = set(names) <= _KNOWN_EXTENSIONS
        made = (toc_config.get("slugify", toc.slugify), toc_config.get("separator", "-")) if known else None
        cached = _SLUG[id(written)] = (written, made)
    return cached[1]


_ANCHORS = lasting.cache(
    "link_graph.anchors", 200_000, kept="each entry checked against its file's modification time and size"
)


def anchors_of_file(path, site: Site | None, stamp: tuple[int, int] | None = None) -> frozenset[str] | None:
    """The anchors of the page in a file, None when there is no readable page; each file is read
    once while it stays the same (its modification time and size: ``stamp``, when known)."""
    key = path if isinstance(path, str) and os.path.isabs(path) else os.path.abspath(path)
    stamp = stamp or _stamp(key)
    if stamp is None:
        _ANCHORS.pop(key, None)
        return None
    cached = _ANCHORS.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    body = _body(key)
    found = None if body is None else anchors(body[0], site)
    _ANCHORS[key] = (stamp, found)
    return found


def _stamp(path: str) -> tuple[int, int] | None:
    """A regular file's modification time and size, None when there is no such file."""
    try:
        state = os.stat(path)
    except OSError:
        return None
    return (state.st_mtime_ns, state.st_size) if stat.S_ISREG(state.st_mode) else None


def _source(path, site: Site) -> Page | None:
    """The page in a file with its body, its front matter left unread; None when there is none."""
    found = _body(path)
    if found is None:
        return None
    body, body_line = found
    return Page(
        str(path), site.locale_of(path), site.page_path(path), body=body, body_line=body_line, readable=True
    )


def _body(path) -> tuple[str, int] | None:
    """The body of the page in a file and its first line; None when the file cannot be read."""
    try:
        data = pages._read_regular_file(path)
    except OSError:
        return None
    text, _ = pages.decode(data, str(path))
    if text is None:
        return None
    try:
        _, body, body_line = frontmatter.split(text)
    except frontmatter.FrontMatterError:
        return text, 1
    return body, body_line


# ----------------------------------------------------------------------------
# Links
# ----------------------------------------------------------------------------

# Where a link target is written: after '](' (inline links and images), after '[label]:' at a
# line's start (reference definitions), as an href attribute (raw HTML, attribute lists).
_INLINE_TARGET = re.compile(
    r"\]\([ \t]*\n?[ \t]*(?:<([^<>\n]*)>|([^\s<>()]*))"
    r"(?:[ \t]*\n?[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\n?[ \t]*\)"
)
_DEFINITION_OPENING = re.compile(r"\][ ]*:")
_DEFINITION = re.compile(r"[ ]{0,3}\[[^\[\]\n]*\][ ]*:[ ]*\n?[ ]*<?([^\s>]+)>?")
_HREF_OPENING = re.compile(r"href", re.I)
_HREF = re.compile(r"href[ \t\n]*=[ \t\n]*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))", re.I)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:|[/\\]")


def link_candidates(body: str) -> tuple[list[tuple[str, int]], bool]:
    """Every relative link target written in a body with its offset, and whether that is sure to
    include the href of every internal link the engine would make: not so when a target is
    written with escapes, character references or parentheses, or where a link opens in a form
    this scan does not read.

    A target in code is listed too: the scan does not know code; the parse does."""
    found: list[tuple[str, int]] = []
    sure = True
    for opening, form in _target_forms(body):
        match = form(body, opening)
        if match is None:
            sure = False
            continue
        target = match.group(match.lastindex) if match.lastindex else ""  # the form's one target
        if _ABSOLUTE.match(target):
            continue
        if "&" in target or "\\" in target:
            sure = False
        found.append((target, opening))
    return found, sure


def _target_forms(body: str) -> list[tuple[int, Callable]]:
    """Where a link target may be written, and how to read it there (None: not in a form read)."""
    forms = []
    others = 0  # ']' not opening an inline target: maybe a definition's
    position = body.find("]")
    while position >= 0:
        if body.startswith("(", position + 1):
            forms.append((position, _INLINE_TARGET.match))
        else:
            others += 1
        position = body.find("]", position + 1)
    if others:
        forms.extend((opening.start(), _definition) for opening in _DEFINITION_OPENING.finditer(body))
    if "=" in body and "href" in body.lower():
        forms.extend((opening.start(), _HREF.match) for opening in _HREF_OPENING.finditer(body))
    return forms


def _definition(body: str, position: int) -> re.Match | None:
    line_start = body.rfind("\n", 0, position) + 1
    match = _DEFINITION.match(body, line_start)
    # the label holds no ']': the first one closes it
    return match if match and line_start + match.group(0).index("]") == position else None


def internal_links(page: Page, site: Site) -> list[InternalLink]:
    """The page's internal links as the engine reads them, at their line and column."""
    document = markdown.parse(page.body, page.body_line, site, full=True)
    found = []
    for link in document.links:
        internal = internal_link(link.href, page.page_path)
        if internal is not None:
            found.append(
                InternalLink(internal.href, internal.target, internal.fragment, link.line, link.column)
            )
    return found


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------


def link_target_findings(page: Page, site: Site) -> Iterator:
    if not page.readable or page.locale is None or page.page_path is None:
        return
    own = [_remember(page, site) or _UNKNOWN]

    def own_anchors() -> frozenset[str] | None:  # the engine's, only when a link needs them
        if own[0] is _UNKNOWN:
            own[0] = anchors(page.body, site)
        return own[0]

    targets, sure = link_candidates(page.body)
    if sure and _all_work(targets, page, site, own_anchors):
        return
    for link in internal_links(page, site):
        problem = _problem(link, page, site, own_anchors)
        if problem is not None:
            rule, message, suggestion = problem
            yield rule.at(page.display, link.line, link.column, message, suggestion=suggestion)


CHECKS = (link_target_findings,)


def _all_work(targets: list[tuple[str, int]], page: Page, site: Site, own_anchors) -> bool:
    """Whether every target scanned is a page there is, with the anchor linked to: the common
    case, told in as few steps as can be (one dictionary look-up a link, once its target is known)."""
    files = _run(site)
    folder = posixpath.dirname(page.page_path)
    for href, _ in targets:
        found = _target_of(href, folder)
        if found is None:
            continue
        target, fragment = found
        if target is None:
            available = own_anchors()
            if available is not None and not _has_anchor(available, fragment):
                return False
            continue
        if target.startswith("../") or target == "..":
            return False
        published = files.get((page.locale, target), _UNKNOWN)
        if published is _UNKNOWN:
            published = resolved_file(site, page.locale, target)
        if published is None:
            return False
        if fragment is None:
            continue
        cached = _ANCHORS.get(published[0])
        available = cached[1] if cached is not None and cached[0] == published[1] else None
        if available is None:
            available = anchors_of_file(published[0], site, published[1])
        if available is not None and not _has_anchor(available, fragment):
            return False
    return True


_UNKNOWN = object()


def resolved_file(site: Site, locale: str, target: str) -> tuple[str, tuple[int, int]] | None:
    """The file the build publishes at ``target`` in ``locale`` and its stamp: its own, else the
    source locale's (static-i18n's fallback), None when neither has it. Looked at once a run."""
    files = _run(site)
    key = (locale, target)
    if key not in files:
        files[key] = None
        docs = site._docs_abs
        for candidate in (locale, site.source_locale) if locale != site.source_locale else (locale,):
            path = os.path.join(docs, candidate, target)
            stamp = _stamp(path)
            if stamp is not None:
                files[key] = (path, stamp)
                break
    return files[key]


# What one run has seen of the files: a run is the life of one Site object (a check command, a
# build, a worker's task), after which the files may change (a preview's next build).
_RUN: list = [None, {}]


def _run(site: Site) -> dict:
    if _RUN[0] is not site:
        _RUN[:] = [site, {}]
    return _RUN[1]


def _remember(page: Page, site: Site) -> frozenset[str] | None:
    """The anchors of the page being checked, from the text in hand, when its plain headings
    tell them: when others link to it, its file is not read again (a page that needs the
    engine is rendered only when a link needs its anchors). None when they are not known here,
    or the page is not the file at its place (a locale given on the command line)."""
    if not page.display.endswith(f"{page.locale}/{page.page_path}"):
        return None
    path = os.path.join(site._docs_abs, page.locale, page.page_path)
    stamp = _stamp(path)
    if stamp is None:
        return None
    cached = _ANCHORS.get(path)
    if cached is None or cached[0] != stamp:
        found = plain_heading_ids(page.body, site)
        if found is None:
            return None
        cached = _ANCHORS[path] = (stamp, found)
    return cached[1]


def _problem(link: InternalLink, page: Page, site: Site, own_anchors):
    """(rule, message, suggestion) for a broken link, None for a link that works."""
    if link.target is None:
        path, available = None, own_anchors()
    else:
        found = None if link.escapes else resolved_file(site, page.locale, link.target)
        if found is None:
            return _missing_page(link, page, site)
        if link.fragment is None:
            return None
        path, stamp = found
        cached = _ANCHORS.get(path)
        available = (
            cached[1] if cached is not None and cached[0] == stamp else anchors_of_file(path, site, stamp)
        )
    if link.fragment is None or available is None or _has_anchor(available, link.fragment):
        return None
    where = "this page" if path is None else site.display_path(Path(path))
    nearest = difflib.get_close_matches(link.fragment, sorted(available), n=1)
    message = f"link to {link.href}: {where} has no anchor #{link.fragment}"
    if nearest:
        message += f"; the nearest is #{nearest[0]}"
    return MISSING_ANCHOR, message, (f"#{nearest[0]}" if nearest else None)


def _has_anchor(available: frozenset[str], fragment: str) -> bool:
    return fragment in available or unquote(fragment) in available


def _missing_page(link: InternalLink, page: Page, site: Site):
    locales = dict.fromkeys((page.locale, site.source_locale))
    if link.escapes:
        message = f"link to {link.href} leads out of the {page.locale} folder, where no page is"
        return MISSING_PAGE, message, None
    elsewhere = [
        loc for loc in site.locales if loc not in locales and site.file_for(loc, link.target).is_file()
    ]
    message = f"link to {link.href}: {link.target} is no page in {' or '.join(locales)}"
    if elsewhere:
        message += f" (only in {', '.join(elsewhere)})"
    known = sorted({p for loc in locales for p in _pages(site, loc)} - {page.page_path})
    nearest = difflib.get_close_matches(link.target, known, n=1)
    suggestion = None
    if nearest:
        suggestion = posixpath.relpath(nearest[0], posixpath.dirname(page.page_path) or ".")
        message += f"; the nearest is {suggestion}"
    return MISSING_PAGE, message, suggestion


_PAGES = lasting.cache("link_graph.pages", 1_000)  # a new file is listed at the next build


def _pages(site: Site, locale: str) -> list[str]:
    # listed once a run, for suggestions only
    key = (str(site.docs_dir), locale)
    if key not in _PAGES:
        _PAGES[key] = site.pages(locale) if (site.docs_dir / locale).is_dir() else []
    return _PAGES[key]


# ----------------------------------------------------------------------------
# The graph a preview keeps
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    anchors: frozenset[str]
    links: tuple[InternalLink, ...]  # to other pages; a page's links to itself change with it


class LinkGraph:
    """The site's pages, their anchors and the links between them, kept between saves.

    Made once from every page of every locale; ``update(path)`` after a file is saved, created
    or deleted answers which pages' link findings may have changed. A page's links are the
    targets ``link_candidates`` reads (the exact parse when it is not sure), so a link written
    in a code sample counts too: the answer may hold a page more, never one less.
    """

    def __init__(self, site: Site):
        self.site = site
        self._nodes: dict[Path, _Node] = {}
        self._linked_from: dict[tuple[str, str], set[Path]] = {}  # (locale, target) -> pages
        for locale in site.locales:
            for page_path in site.pages(locale) if (site.docs_dir / locale).is_dir() else ():
                path = site.file_for(locale, page_path)
                self._set(path, self._read(path))

    def pages_linking_to(self, locale: str, target: str) -> set[Path]:
        """The pages of ``locale`` with a link to ``target`` (a page path inside a locale)."""
        return set(self._linked_from.get((locale, target), ()))

    def anchors(self, path: Path) -> frozenset[str] | None:
        node = self._nodes.get(self._key(path))
        return node.anchors if node else None

    def update(self, path: Path) -> set[Path]:
        """Read the file again (saved, created, or deleted) and answer the pages whose link
        findings may have changed: the file itself, and each page with a link whose target
        or #fragment was found before and is not now, or the other way round."""
        path = self._key(path)
        locale, target = self.site.locale_of(path), self.site.page_path(path)
        if locale is None or target is None or not target.endswith(PAGE_SUFFIXES):
            return set()  # no page of a locale: no link of these rules leads to it
        before = self._status_of_links_to(target)
        self._set(path, self._read(path))
        after = self._status_of_links_to(target)
        return (
            {path}
            | {page for page, status in after.items() if before.get(page) != status}
            | {page for page in before if page not in after}
        )

    def _status_of_links_to(self, target: str) -> dict[Path, tuple]:
        """For each page linking to ``target``, what its findings for those links would name:
        None for a link that works, else the file it leads to (None too: no file at all)."""
        status: dict[Path, tuple] = {}
        for locale in self.site.locales:
            resolved = self._resolved(locale, target)
            node = self._nodes.get(resolved) if resolved else None
            for page in self._linked_from.get((locale, target), ()):
                status[page] = tuple(
                    None
                    if node is not None
                    and (link.fragment is None or _has_anchor(node.anchors, link.fragment))
                    else ("broken", resolved)
                    for link in self._nodes[page].links
                    if link.target == target
                )
        return status

    def _resolved(self, locale: str, target: str) -> Path | None:
        for candidate in dict.fromkeys((locale, self.site.source_locale)):
            path = self._key(self.site.file_for(candidate, target))
            if path in self._nodes:
                return path
        return None

    def _key(self, path: Path) -> Path:
        return Path(os.path.abspath(path))

    def _read(self, path: Path) -> _Node | None:
        page = _source(path, self.site)
        if page is None:
            return _Node(frozenset(), ()) if Path(path).is_file() else None
        targets, sure = link_candidates(page.body)
        if sure:
            links = [internal_link(target, page.page_path) for target, _ in targets]
        else:
            links = internal_links(page, self.site)
        return _Node(
            anchors(page.body, self.site) or frozenset(),
            tuple(link for link in links if link is not None and link.target not in (None, page.page_path)),
        )

    def _set(self, path: Path, node: _Node | None) -> None:
        path = self._key(path)
        locale = self.site.locale_of(path)
        old = self._nodes.pop(path, None)
        for link in old.links if old else ():
            self._linked_from.get((locale, link.target), set()).discard(path)
        if node is None:
            return
        self._nodes[path] = node
        for link in node.links:
            self._linked_from.setdefault((locale, link.target), set()).add(path)
