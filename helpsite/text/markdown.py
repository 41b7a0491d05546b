"""A page body as the site renders it, with the source position of every link and tag.

The site's own Markdown engine decides what is a link: Python-Markdown with the extensions
``mkdocs.yml`` configures (plus MkDocs' built-in ones). Nothing here re-implements Markdown
syntax; three small additions to the engine record where things come from:

- before inline processing, each block's text is tied to the source lines it was cut from
  (block processors only remove container prefixes, so every line of a block's text is
  found on its source line);
- the inline processor tracks, through its placeholders, the offset of every link and
  inline HTML tag it creates in that text;
- each link element and each raw HTML tag gets a ``data-helpsite`` marker, so that reading
  the rendered HTML (what a browser gets) yields the links with their places.

Parsing costs milliseconds, so ``needs_parsing`` first proves cheaply that a body holds
nothing the link and structure checks could report; tests/test_markdown.py shows the
shortcut loses nothing on the real corpus.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from helpsite.core import lasting
from helpsite.core.site import Limits, PythonCall, Site
from helpsite.text import nesting
from helpsite.text.positions import line_column, line_starts

# MkDocs always loads these before the configured ones (mkdocs/config/defaults.py).
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
MARKER = "data-helpsite"
# How the source of a block text is searched for (see _SourceLocator._candidate_lines).
SEARCH_BUDGET = 8  # times the body's length
NEARBY_LINES = 100
NEARBY_CHARACTERS = 20_000
BLOCK_HEAD = 40  # characters of an HTML block searched for first
# Fewer markup characters than can nest past Python's recursion limit (1,000 frames: emphasis
# fails between 600 and 1,000 levels deep, <div markdown> between 170 and 500).
ENGINE_NESTING_MARKS = 300
UNSAFE_TAGS = ("script", "iframe", "object", "embed")


@dataclass(frozen=True)
class Link:
    """An ``<a href>`` a reader gets: its target, visible text and where it is written."""

    href: str
    text: str  # the rendered text, white space collapsed
    image_alt: str  # alt text of images inside the link, joined
    line: int
    column: int
    raw_html: bool  # written as an HTML <a> tag rather than Markdown
    offset: int  # index of the link's first character in the page body

    @property
    def label(self) -> str:
        """What a reader is told about the link: its text, else its images' alt text."""
        return label_text(self.text) or label_text(self.image_alt)


@dataclass(frozen=True)
class Tag:
    """A raw HTML start tag written in the page, with its attributes as a browser reads them."""

    name: str
    attrs: tuple[tuple[str, str | None], ...]
    line: int
    column: int


@dataclass
class Document:
    links: list[Link] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    h1_lines: list[tuple[int, int]] = field(default_factory=list)  # (line, column) of each H1
    parsed: bool = True
    refused: bool = False  # past a limit of the site's (safety.limits reports it): not read
    too_deep: bool = False  # nested past the engine's recursion: not read


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


_MARKUP_ONLY = re.compile(r"[\s*_~`]*")


def visible(text: str) -> str:
    """Text with white space (non-breaking too) collapsed and invisible characters dropped."""
    return " ".join(text.translate({ord(c): None for c in _INVISIBLE}).split())


def label_text(text: str) -> str:
    """What a text tells a reader: nothing when it is only white space and stray markup."""
    text = visible(text)
    return "" if _MARKUP_ONLY.fullmatch(text) else text


# ----------------------------------------------------------------------------
# The shortcut: bodies that cannot hold a finding
# ----------------------------------------------------------------------------

# Each pattern below starts with a plain character, which the regular expression engine finds
# at C speed; a pattern that starts with a class or a line start tries every position (about
# ten times slower on a page). Case-insensitive ones run on the casefolded body.
# A link text made only of white space, markup and tags, or starting with an image.
_EMPTY_LINK_CANDIDATE = re.compile(r"\[(?:[\s*_~`\\" + _INVISIBLE + r"]|&[#\w]+;|<[^>\n]*>)*(?:\]|!\[)")
_RAW_LINK = re.compile(r"<a\b[^>]*\bhref")
# Unsafe targets where a link target can start (also split by white space or hidden in
# character references), unsafe tags, and event handlers (verified below to follow white space).
_UNSAFE_TARGET = r"\s*[\"'<]?\s*(?:j\s*a\s*v\s*a|v\s*b|d\s*a\s*t\s*a\s*:)"
_UNSAFE_CANDIDATES = tuple(
    re.compile(pattern)
    for pattern in (
        r"\]\(" + _UNSAFE_TARGET,
        r"\]:" + _UNSAFE_TARGET,
        r"<" + _UNSAFE_TARGET,
        r"href\s*=" + _UNSAFE_TARGET,
        r"&(?:#|colon;|tab;|newline;)",
        r"<\s*(?:script|iframe|object|embed)",
    )
)
_EVENT_HANDLER = re.compile(r"on\w+\s*=")
# What may stand before a line's first '#' of an H1 (containers: quotes, list markers), before
# a setext underline's '=' and before an HTML block's '<'.
_ATX_H1_MARK = re.compile(r"#(?!#)")
_ATX_H1_PREFIX = re.compile(r"[ \t>*+\-0-9.)]*")
_SETEXT_END = re.compile(r"=[ \t]*$", re.M)
_SETEXT_PREFIX = re.compile(r"[ \t>]*=*")
_HTML_BLOCK_START = re.compile(r"<[A-Za-z!?/]")
_BLOCK_PREFIX = re.compile(r"[ \t>]*")
_FENCE = re.compile(r"^[ \t>]*(?:```|~~~)", re.M)
_FENCE_RUN = re.compile(r"^[ \t>]*(`{3,}|~{3,})", re.M)
_PLAIN_FENCE = re.compile(r"(```|~~~)(?![`~])")


def needs_parsing(body: str) -> bool:
    """False when the body provably has no link to check and its H1s are plain ``#`` lines."""
    folded = body.casefold()
    if (
        _EMPTY_LINK_CANDIDATE.search(body)
        or ("href" in folded and _RAW_LINK.search(folded))
        or any(candidate.search(folded) for candidate in _UNSAFE_CANDIDATES)
        or _has_event_handler(folded)
        or _has_setext_h1(body)
    ):
        return True
    text = _outside_fences(body)
    if text is None:
        return True
    h1s = atx_h1s(text)
    if not h1s:
        return False
    return len(h1s) > 1 or h1s[0][1] != "#" or _has_html_block(text)


def _may_nest_deeply(body: str) -> bool:
    # Inline markup and HTML nested a few hundred levels deep exhaust the engine's recursion,
    # and the build with it; each level takes at least two of these characters.
    return sum(body.count(mark) for mark in "*_[<") >= ENGINE_NESTING_MARKS


def atx_h1s(text: str) -> list[tuple[int, str]]:
    """Lines that could start an H1 (an ATX '#' anywhere in a container): (offset, the line
    up to its '#')."""
    return [
        (start, text[start : match.end()]) for start, match in _led_by(text, _ATX_H1_MARK, _ATX_H1_PREFIX)
    ]


def _has_event_handler(folded: str) -> bool:
    return any(
        match.start() and folded[match.start() - 1].isspace() for match in _EVENT_HANDLER.finditer(folded)
    )


def _has_setext_h1(body: str) -> bool:
    return any(_led_by(body, _SETEXT_END, _SETEXT_PREFIX))


def _has_html_block(text: str) -> bool:
    return any(_led_by(text, _HTML_BLOCK_START, _BLOCK_PREFIX))


# (start of its line, match) for each match of ``pattern`` that only ``prefix`` precedes on its line.
def _led_by(text: str, pattern: re.Pattern, prefix: re.Pattern) -> Iterator[tuple[int, re.Match]]:
    for match in pattern.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if prefix.fullmatch(text, start, match.start()):
            yield start, match


def _outside_fences(body: str) -> str | None:
    """The body with its fenced code blocks blanked out (lines kept), when they are plainly
    written; None when a fence could be read more than one way."""
    if ("```" not in body and "~~~" not in body) or not _FENCE.search(body):
        return body
    kept, fence, previous = [], None, ""
    for line in body.split("\n"):
        if fence is None:
            opening = _PLAIN_FENCE.match(line)
            if opening and not previous.strip():
                fence, line = opening.group(1), ""
            elif _FENCE.match(line):
                return None  # a fence indented, quoted, longer, or interrupting a paragraph
        elif line.rstrip() == fence:
            fence, line = None, ""
        else:
            line = ""
        kept.append(line)
        previous = line
    return None if fence else "\n".join(kept)


def shortcut(body: str, body_line: int) -> Document:
    """The document of a body ``needs_parsing`` accepted: at most one H1, on a ``#`` line."""
    text = _outside_fences(body)
    first = atx_h1s(text)[:1]
    h1s = [(line_column(text, first[0][0], body_line)[0], 1)] if first else []
    return Document(h1_lines=h1s, parsed=False)


# ----------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------


def parse(body: str, body_line: int = 1, site: Site | None = None, full: bool = False) -> Document:
    """Every link, raw tag and H1 of a page body; line numbers count from ``body_line``.

    Unless ``full``, a body without anything to report skips the parser and lists no links.
    """
    limits = site.limits if site is not None else Limits()
    if len(body) > limits.max_page_characters or nesting.too_deep(body, limits.max_nesting):
        return Document(parsed=False, refused=True)
    if not full and not needs_parsing(body) and not _may_nest_deeply(body):
        return shortcut(body, body_line)
    try:
        return _Parser.for_site(site).parse(body, body_line)
    except RecursionError:
        return Document(parsed=False, too_deep=True)


_RECENT = lasting.cache("markdown.recent", 1, kept="the page object itself is the key")


def page_document(page, site: Site | None) -> Document:
    """The parsed body of a loaded page, shared by the checks that run on it."""
    cached = _RECENT.get(id(page))
    if cached and cached[0] is page and cached[1] is page.body:
        return cached[2]
    document = parse(page.body, page.body_line, site)
    _RECENT.clear()
    _RECENT[id(page)] = (page, page.body, document)
    return document


def may_nest_too_deeply(body: str, site: Site | None = None) -> bool:
    """Whether inline markup or HTML in the body may nest deeper than the engine recurses
    through (``helpsite.linting.structure``'s ``MARKUP_TOO_DEEP``), told without the check's parse: False is certain,
    True says only the parse can tell. What the build asks before it renders a page whose
    check has not finished.

    Only the engine's block parse runs (about a tenth of a conversion): inline markup nests
    within the text of one element (a paragraph, a table cell, a list item), each level with
    at least one of the marks ``_may_nest_deeply`` counts, so an element at depth d whose
    text has fewer than ``ENGINE_NESTING_MARKS - d`` of them cannot reach the limit. A block
    structure nested too deep fails here already (RecursionError): True.
    """
    if not _may_nest_deeply(body):
        return False
    md = _Parser.for_site(site).plain
    md.reset()
    try:
        lines = body.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        root = md.parser.parseDocument(lines).getroot()
    except RecursionError:
        return True
    finally:
        md.reset()
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        for text in (element.text, element.tail):
            if text and depth + sum(text.count(mark) for mark in "*_[<") >= ENGINE_NESTING_MARKS:
                return True
        stack.extend((child, depth + 1) for child in element)
    return False


def render(body: str, site: Site | None = None) -> str:
    """The body as the site renders it, without any marker (for comparisons)."""
    md = _Parser.for_site(site).plain
    md.reset()
    return md.convert(body)


def site_extensions(site: Site | None) -> tuple[list[str], dict]:
    """The Markdown extensions and their settings as MkDocs loads them for this site."""
    names, configs = list(MKDOCS_BUILTIN_EXTENSIONS), {}
    for item in site.markdown_extensions if site is not None else ():
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        # options a safe loader cannot build (python tags) only shape ids, not links; the
        # toc's slugify is made as the build makes it, for the ids of headings
        configs[name] = {
            key: made
            for key, value in (options or {}).items()
            if (made := _known_call(value) if isinstance(value, PythonCall) else value) is not None
        }
    return names, configs


# The functions mkdocs.yml may name with !!python/object/apply, which the checks make too:
# they only turn a heading's text into its id.
KNOWN_CALLS = {
    "pymdownx.slugs.slugify": ("pymdownx.slugs", "slugify"),
    "markdown.extensions.toc.slugify_unicode": ("markdown.extensions.toc", "slugify_unicode"),
}


def _known_call(call: PythonCall):
    if call.name not in KNOWN_CALLS:
        return None
    module, name = KNOWN_CALLS[call.name]
    return getattr(importlib.import_module(module), name)(*call.args, **dict(call.kwds))


class _Parser:
    _cache: dict[tuple, _Parser] = {}

    @classmethod
    def for_site(cls, site: Site | None) -> _Parser:
        # by the extensions as configured: a preview whose mkdocs.yml changes them gets a new parser
        key = (site.root.resolve(), repr(site.markdown_extensions)) if site else None
        if key not in cls._cache:
            cls._cache[key] = cls(*site_extensions(site))
        return cls._cache[key]

    def __init__(self, extensions: list[str], configs: dict):
        self.plain = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.locator = _SourceLocator(self.md)
        self.md.treeprocessors.register(self.locator, "helpsite_locate", 25)
        self.inline = _TrackingInline(self.md, self.locator)
        self.md.treeprocessors.register(self.inline, "inline", 20)

    def parse(self, body: str, body_line: int) -> Document:
        self.md.reset()
        self.locator.start(body)
        html = self.md.convert(body)
        try:
            reader = _HtmlReader.read(html, self.locator)
        except AssertionError:  # html.parser gives up on a malformed '<![' section
            reader = _HtmlReader.read(html.replace("<![", "&lt;!["), self.locator)
        reader.links.sort(key=lambda item: item[3])  # in source order, not closing order
        place = self.locator.place
        return Document(
            links=[
                Link(href, text, alt, *place(offset, body_line), raw, offset)
                for href, text, alt, offset, raw in reader.links
            ],
            tags=[Tag(name, attrs, *place(offset, body_line)) for name, attrs, offset in reader.tags],
            h1_lines=[place(offset, body_line) for offset in self.locator.h1_offsets],
        )


# ----------------------------------------------------------------------------
# Source positions
# ----------------------------------------------------------------------------


class _Located(str):
    """A block's text, knowing the body offset where each of its lines starts."""

    line_offsets: list[int]  # offset in the block text where each line starts
    origins: list[tuple[int, int]]  # (body line, column with tabs expanded) of each line


class _SourceLocator(Treeprocessor):
    """Ties every block text to the body lines it came from, in document order."""

    def start(self, body: str) -> None:
        self.body = body
        self.lowered: str | None = None
        # the parser's view of the body: tabs expanded, as NormalizeWhitespace does
        raw_lines = body.split("\n")
        self.lines = [line.expandtabs(self.md.tab_length) for line in raw_lines]
        self.raw_lines = raw_lines
        self.line_starts = line_starts(body)
        # as the parser ends the body: an HTML block on the last line is stashed with its "\n"
        self.expanded = "\n".join(self.lines) + "\n"
        self.expanded_starts = line_starts(self.expanded)
        self.tab_stops: dict[int, tuple[list[int], list[int]]] = {}
        # texts the block parser made or rewrote are searched for in vain: all such searches
        # together read at most this much of the body, then each looks only nearby
        self.search_budget = SEARCH_BUDGET * (len(body) + 1)
        self.absent: dict[str, int] = {}  # text -> offset after which it does not occur
        self.cursor = (0, 0)
        self.markers: list[int | None] = []  # marker number -> body offset (None: guess it)
        self.raw_markers: set[int] = set()  # markers of tags written as raw HTML
        self.h1_offsets: list[int] = []

    def run(self, root: Element) -> None:
        for element in root.iter():
            stashed = util.HTML_PLACEHOLDER_RE.fullmatch(element.text.strip()) if element.text else None
            if stashed:
                self._pass_stashed(int(stashed.group(1)))
            elif element.text and not isinstance(element.text, _Located):
                located = self.locate(element.text)  # code text only moves the cursor past it
                if not isinstance(element.text, util.AtomicString):
                    element.text = located
            if element.tag == "h1":
                self.h1_offsets.append(self._heading_offset(element))
            if element.tail and element.tail.strip() and not isinstance(element.tail, util.AtomicString):
                element.tail = self.locate(element.tail)
        self._mark_block_html()

    def _pass_stashed(self, index: int) -> None:
        """Move the cursor past the source of a stashed block: its raw HTML, or else the fenced
        code an extension stashed highlighted (text in it is not the next block's)."""
        stash = self.md.htmlStash.rawHtmlBlocks
        html = stash[index] if index < len(stash) else None
        if not isinstance(html, str):
            return
        line, column = self.cursor
        start = self.expanded_starts[min(line, len(self.lines) - 1)] + column
        found = self._block_start(html, start)
        if found >= 0:
            end = found + len(html)
        else:
            opening = _FENCE_RUN.search(self.expanded, start)
            if opening is None:
                return
            after = self.expanded.find("\n", opening.end()) + 1
            fence = opening.group(1)
            closing = (
                re.compile(r"^[ \t>]*%s{%d,}[ \t]*$" % (re.escape(fence[0]), len(fence)), re.M).search(
                    self.expanded, after
                )
                if after
                else None
            )
            end = closing.end() if closing else len(self.expanded) - 1
        end_line = bisect.bisect_right(self.expanded_starts, end) - 1
        self.cursor = (min(end_line, len(self.lines) - 1), end - self.expanded_starts[end_line])

    def _heading_offset(self, heading: Element) -> int:
        # the '#' that opens the heading's line, else the line's first character
        located = heading.text
        if isinstance(located, _Located):
            offset = self.offset_in(located, 0)
        else:
            offset = self.line_starts[min(self.cursor[0], len(self.line_starts) - 1)]
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        hashes = self.body.rfind("#", start, offset)
        if hashes >= 0:
            while hashes > start and self.body[hashes - 1] == "#":
                hashes -= 1
            return hashes
        return start + len(self.raw_lines[line]) - len(self.raw_lines[line].lstrip())

    def locate(self, text: str) -> str:
        """The text as a _Located string when its lines are found in order in the body."""
        pieces = text.split("\n")
        line, column = self.cursor
        for start_line in self._candidate_lines(pieces, line, column):
            origins = self._match(pieces, start_line, column if start_line == line else 0)
            if origins is not None:
                located = _Located(text)
                located.origins = origins
                located.line_offsets = [0]
                for piece in pieces[:-1]:
                    located.line_offsets.append(located.line_offsets[-1] + len(piece) + 1)
                end_line = start_line + len(pieces) - 1
                self.cursor = (end_line, origins[-1][1] + len(pieces[-1]))
                return located
        return text

    def _candidate_lines(self, pieces: list[str], line: int, column: int) -> Iterator[int]:
        """The lines from ``line`` on where the text could start, in order: where one of its
        pieces occurs (found at C speed), or, for a text of blank lines and stashed HTML only,
        the next few lines."""
        anchor = next(
            (index for index, piece in enumerate(pieces) if piece.strip() and util.STX not in piece), None
        )
        if anchor is None:
            yield from range(line, min(line + NEARBY_LINES, len(self.lines)))
            return
        fragment = pieces[anchor].strip()
        position = self.expanded_starts[min(line + anchor, len(self.lines) - 1)]
        if anchor == 0:
            position += column
        if self.absent.get(fragment, len(self.expanded) + 1) <= position:
            return
        end = len(self.expanded)
        if self.search_budget < end - position:
            end = position + max(self.search_budget, NEARBY_CHARACTERS)
        while True:
            found = self.expanded.find(fragment, position, end)
            self.search_budget -= (found if found >= 0 else end) - position
            if found < 0:
                if end == len(self.expanded):
                    self.absent[fragment] = position
                return
            found_line = bisect.bisect_right(self.expanded_starts, found) - 1
            if found_line - anchor >= line:
                yield found_line - anchor
            if found_line + 1 >= len(self.lines):
                return
            position = self.expanded_starts[found_line + 1]

    def _match(self, pieces: list[str], first: int, column: int) -> list[int] | None:
        if first + len(pieces) > len(self.lines):
            return None
        origins = []
        for index, piece in enumerate(pieces):
            line = self.lines[first + index]
            found = self._find(line, piece, column if index == 0 else 0)
            if found < 0:
                return None
            origins.append((first + index, found))
        return origins

    @staticmethod
    def _find(line: str, piece: str, column: int) -> int:
        stripped = piece.strip()
        if not stripped:
            return column if not line[column:].strip() or not piece else -1
        if util.STX in piece:  # holds stashed HTML: match the text between placeholders
            pattern = ".*?".join(re.escape(p) for p in re.split(r"\x02[^\x03]*\x03", piece))
            match = re.compile(pattern).search(line, column)
            return match.start() if match else -1
        # block processors cut prefixes and trailing space: prefer the piece as the line's end
        end = len(line.rstrip())
        if line.rstrip().endswith(piece.rstrip()) and end - len(piece.rstrip()) >= column:
            return end - len(piece.rstrip())
        return line.find(piece, column)

    def _raw_column(self, index: int, expanded: int) -> int:
        """The column of the file's line for a column the parser sees (tabs expanded)."""
        tabs, after = self._tabs(index)
        if not tabs:
            return expanded
        # the first column whose expanded column reaches ``expanded``
        last = bisect.bisect_right(after, expanded) - 1
        raw_start, expanded_start = (tabs[last] + 1, after[last]) if last >= 0 else (0, 0)
        column = raw_start + expanded - expanded_start
        if last + 1 < len(tabs) and column > tabs[last + 1]:
            column = tabs[last + 1] + 1  # inside the next tab's width: just after it
        return min(column, len(self.raw_lines[index]))

    def _expanded_column(self, index: int, raw_column: int) -> int:
        """The column the parser sees (tabs expanded) for a column of the file's line."""
        tabs, after = self._tabs(index)
        before = bisect.bisect_left(tabs, raw_column)
        return raw_column if before == 0 else after[before - 1] + raw_column - tabs[before - 1] - 1

    def _tabs(self, index: int) -> tuple[list[int], list[int]]:
        """The tabs of a line: their columns, and the expanded column just after each."""
        if index not in self.tab_stops:
            raw, tabs, after = self.raw_lines[index], [], []
            position = raw.find("\t")
            while position >= 0:
                width = (after[-1] + position - tabs[-1] - 1) if tabs else position
                tabs.append(position)
                after.append((width // self.md.tab_length + 1) * self.md.tab_length)
                position = raw.find("\t", position + 1)
            self.tab_stops[index] = (tabs, after)
        return self.tab_stops[index]

    def offset_in(self, text: str, index: int) -> int | None:
        """The body offset of ``index`` in a located block text."""
        if not isinstance(text, _Located):
            return None
        line = bisect.bisect_right(text.line_offsets, index) - 1
        body_line, column = text.origins[line]
        return self.line_starts[body_line] + self._raw_column(
            body_line, column + index - text.line_offsets[line]
        )

    def mark(self, offset: int | None, raw: bool = False) -> str:
        """A new marker number for the body offset ``offset``."""
        self.markers.append(offset)
        if raw:
            self.raw_markers.add(len(self.markers) - 1)
        return str(len(self.markers) - 1)

    def mark_html(self, html: str, offset: int, count: int = 0) -> str:
        """Raw HTML with a marker in each start tag (the first ``count`` if not 0), for the
        tags to be found in the output."""

        def marked(match: re.Match) -> str:
            number = self.mark(self._advance(html, offset, match.start()), raw=True)
            return f'{match.group(0)} {MARKER}="{number}"'

        return re.sub(r"<[A-Za-z][\w:-]*", marked, html, count=count)

    def _advance(self, html: str, offset: int | None, index: int) -> int | None:
        # the stash holds the source text as the parser saw it: tabs expanded
        if offset is None:
            return None
        if "\t" not in self.body[offset : offset + len(html) + 40]:
            return offset + index
        line = bisect.bisect_right(self.line_starts, offset) - 1
        before = html[:index]
        line += before.count("\n")
        start = before.rfind("\n") + 1
        column = self._expanded_column(line, offset - self.line_starts[line]) if start == 0 else 0
        return self.line_starts[line] + self._raw_column(line, column + len(before) - start)

    def _mark_block_html(self) -> None:
        # HTML blocks were stashed before block parsing, in document order (after the code
        # blocks an extension stashed as highlighted HTML, which the body does not hold)
        stash = self.md.htmlStash.rawHtmlBlocks
        position = 0
        for index, html in enumerate(stash):
            if not isinstance(html, str):
                continue
            found = self._block_start(html, position)
            if found < 0:
                continue
            position = found + len(html)
            line = bisect.bisect_right(self.expanded_starts, found) - 1
            column = found - self.expanded_starts[line]
            offset = self.line_starts[line] + self._raw_column(line, column)
            stash[index] = self.mark_html(html, offset)

    def _block_start(self, html: str, position: int) -> int:
        """Where an HTML block's text starts a line (after container prefixes) from ``position``
        on, or -1; the same text inside a line is in code or a paragraph."""
        head = html[:BLOCK_HEAD]
        if self.absent.get(head, len(self.expanded) + 1) <= position:
            return -1  # a highlighted code block like one already looked for in vain
        found = self.expanded.find(head, position)
        while found >= 0:
            line_start = self.expanded.rfind("\n", 0, found) + 1
            if self.expanded.startswith(html, found) and _BLOCK_PREFIX.fullmatch(
                self.expanded, line_start, found
            ):
                return found
            found = self.expanded.find(head, found + 1)
        self.absent[head] = position
        return -1

    def guess(self, tag: str, attrs: tuple, after: int) -> int:
        """Where a tag from text the block parser rewrote most likely starts: the first
        ``[`` or ``<tag`` before its URL, else the next ``<tag``, after the previous one."""
        if self.lowered is None:
            # ASCII letters only, one character for one (str.lower turns some into two)
            self.lowered = self.body.encode("latin-1", "replace").lower().decode("latin-1")
        lowered = self.lowered
        href = dict(attrs).get("href") if tag == "a" else None
        found = self.body.find(href, after) if href else -1
        if found >= 0:
            start = max(self.body.rfind("\n", 0, found) + 1, after)
            opening = max(self.body.rfind("[", start, found), lowered.rfind("<a", start, found))
            return opening if opening >= 0 else found
        found = lowered.find("<" + tag, after)
        return found if found >= 0 else min(after, len(self.body))

    def place(self, offset: int, body_line: int) -> tuple[int, int]:
        """(line, column), both 1-based, of a body offset; the body starts at ``body_line``."""
        return line_column(self.body, offset, body_line, line_starts=self.line_starts)


# Python-Markdown's own steps, called directly: these run once per pattern and text
_HANDLE_INLINE = InlineProcessor._InlineProcessor__handleInline
_APPLY_PATTERN = InlineProcessor._InlineProcessor__applyPattern


class _TrackingInline(InlineProcessor):
    """Python-Markdown's inline processor, also noting where each link and HTML tag starts."""

    def __init__(self, md, locator: _SourceLocator):
        super().__init__(md)
        self.locator = locator
        self.frames: list[_Frame] = []
        self.lengths: dict[str, int] = {}  # placeholder -> length of the text it replaced
        for pattern in md.inlinePatterns:
            pattern.handleMatch = self._watch(pattern.handleMatch)

    def run(self, tree, ancestors=None):
        self.lengths = {}
        return super().run(tree, ancestors)

    def _watch(self, handle):
        def handle_match(m, data):
            result = handle(m, data)
            if self.frames and result[1] is not None:
                self.frames[-1].match = (data, result[1], result[2])
            return result

        return handle_match

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, _Located):
            frame = _Frame(self, data, 0)
        elif self.frames and self.frames[-1].match:
            # the text of an element a pattern just made: a piece of the text it matched
            parent = self.frames[-1]
            outer, start, end = parent.match
            found = outer.find(data, start, end)
            frame = (
                _Frame(self, parent.located, parent.peek(outer, found))
                if found >= 0
                else _Frame(self, None, 0)
            )
        else:
            frame = _Frame(self, None, 0)
        self.frames.append(frame)
        try:
            return _HANDLE_INLINE(self, data, patternIndex)
        finally:
            self.frames.pop()

    def _InlineProcessor__applyPattern(self, pattern, data, patternIndex, startIndex=0):
        frame = self.frames[-1]  # __handleInline, the only caller, pushed it
        frame.applying = patternIndex
        before = len(self.stashed_nodes)
        new, matched, index = _APPLY_PATTERN(self, pattern, data, patternIndex, startIndex)
        if len(self.stashed_nodes) == before:
            return new, matched, index
        key = "%04d" % (len(self.stashed_nodes) - 1)  # as InlineProcessor.__makePlaceholder
        placeholder = util.INLINE_PLACEHOLDER % key
        start = index - len(placeholder)
        end = len(data) - len(new) + index
        self.lengths[placeholder] = self._original_length(data[start:end])
        node = self.stashed_nodes[key]
        original = frame.original(data, start, patternIndex)
        offset = self.locator.offset_in(frame.located, original) if frame.located is not None else None
        frame.advance(start + len(placeholder), self.lengths[placeholder] - len(placeholder))
        # offset None: a text the block parser rewrote; the reader guesses the place
        if isinstance(node, Element) and node.tag == "a":
            node.set(MARKER, self.locator.mark(offset))
        elif isinstance(node, str) and (html := util.HTML_PLACEHOLDER_RE.fullmatch(node)):
            stash = self.md.htmlStash.rawHtmlBlocks
            key = int(html.group(1))
            # one tag; anything after its start may be text the tag swallowed, already marked
            stash[key] = self.locator.mark_html(stash[key], offset, count=1)
        return new, matched, index

    def _original_length(self, text: str) -> int:
        length = len(text)
        for match in util.INLINE_PLACEHOLDER_RE.finditer(text):
            length += self.lengths.get(match.group(0), len(match.group(0))) - len(match.group(0))
        return length


class _Frame:
    """One text the inline processor works on: its block text and where it starts in it."""

    def __init__(self, inline: _TrackingInline, located: _Located | None, base: int):
        self.inline, self.located, self.base = inline, located, base
        self.match: tuple[str, int, int] | None = None
        self.applying: int | None = None  # the pattern being applied to the text
        # each pattern scans left to right: remember how far, to stay linear on long texts
        self.pattern: int | None = None
        self.position = self.shift = 0

    def original(self, data: str, index: int, pattern: int) -> int:
        """Offset in the block text of ``index`` in ``data`` (placeholders undone)."""
        if pattern != self.pattern or index < self.position:
            self.pattern, self.position, self.shift = pattern, 0, 0
        self.shift += self.inline._original_length(data[self.position : index]) - (index - self.position)
        self.position = index
        return self.base + index + self.shift

    def peek(self, data: str, index: int) -> int:
        """As ``original`` for the pattern being applied, leaving the scan where it is: the
        place of a text inside the match the pattern is making."""
        position, shift = self.position, self.shift
        if self.applying != self.pattern or index < position:
            position, shift = 0, 0
        unplaced = self.inline._original_length(data[position:index]) - (index - position)
        return self.base + index + shift + unplaced

    def advance(self, position: int, shift: int) -> None:
        """Past a new placeholder ending at ``position`` that stands for ``shift`` more characters."""
        if self.position <= position:
            self.position, self.shift = position, self.shift + shift


# ----------------------------------------------------------------------------
# Reading the rendered HTML
# ----------------------------------------------------------------------------


class _HtmlReader(HTMLParser):
    """Collects the marked links (with the text a reader sees) and raw tags of the output."""

    def __init__(self, locator: _SourceLocator):
        super().__init__(convert_charrefs=True)
        self.locator = locator
        self.open: list[list] = []  # [href, text parts, alt parts, offset, raw]
        self.links: list[tuple] = []
        self.tags: list[tuple] = []
        self.last = 0  # just after the last place seen: guesses go beyond it

    @classmethod
    def read(cls, html: str, locator: _SourceLocator) -> _HtmlReader:
        reader = cls(locator)
        reader.feed(html)
        reader.close()
        return reader

    def handle_starttag(self, tag, attrs):
        marker = next((value for name, value in attrs if name == MARKER), None)
        attrs = tuple((name, value) for name, value in attrs if name != MARKER)
        known = marker is not None and marker.isdigit() and int(marker) < len(self.locator.markers)
        offset = self.locator.markers[int(marker)] if known else None
        if known and offset is None:
            offset = self.locator.guess(tag, attrs, self.last)
        if offset is not None:
            self.last = offset + 1
        raw = known and int(marker) in self.locator.raw_markers
        if raw:
            self.tags.append((tag, attrs, offset))
        if tag == "img" and self.open:
            alt = dict(attrs).get("alt") or ""
            for link in self.open:
                if link is not None:
                    link[2].append(alt)
        if tag == "a":
            while self.open:  # as in HTML5: a link starting inside a link ends that link
                self._finish(self.open.pop())
        if tag == "a" and offset is not None and any(name == "href" for name, _ in attrs):
            self.open.append([dict(attrs)["href"] or "", [], [], offset, raw])
        elif tag == "a" and any(name == "href" for name, _ in attrs):
            self.open.append(None)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_data(self, data):
        for link in self.open:
            if link is not None:
                link[1].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self.open:
            self._finish(self.open.pop())

    def close(self):
        super().close()
        while self.open:  # an <a> never closed runs to the end, as in a browser
            self._finish(self.open.pop())

    def _finish(self, link):
        if link is not None:
            href, text, alt, offset, raw = link
            self.links.append((href, visible("".join(text)), " ".join(alt), offset, raw))


# ----------------------------------------------------------------------------
# Block texts: what a translation handoff cuts into segments (helpsite.localization.handoff)
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockText:
    """The text of one block element before inline processing, and where each of its lines
    stands in the body: what the engine reads as that element's own words."""

    kind: str  # the element: h1..h6, p, li, td, th, dt, dd, summary, admonition-title
    lines: tuple[tuple[int, int], ...]  # (start, end) body offsets of each line of the text


def block_texts(body: str, site: Site | None = None) -> list[BlockText]:
    """Every located block text of a body, in document order. Code (fenced or indented) and
    HTML blocks are not block texts: the engine keeps them as they are written."""
    return _BlockTexts.for_site(site).read(body)


class _BlockTexts(_Parser):
    """The engine with the locator and a collector of block texts (cached per site as
    ``_Parser``, in a cache of its own)."""

    _cache: dict[tuple, _BlockTexts] = {}

    def __init__(self, extensions: list[str], configs: dict):
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.locator = _SourceLocator(self.md)
        self.md.treeprocessors.register(self.locator, "helpsite_locate", 25)
        self.collector = _BlockCollector(self.md, self.locator)
        self.md.treeprocessors.register(self.collector, "helpsite_blocks", 24)
        # the HTML blocks as written, before the locator marks their tags
        self.md.treeprocessors.register(_KeepStash(self.md, self.collector), "helpsite_stash", 26)
        # only the block texts are wanted: no inline processing, no later tree steps
        for name in [item.name for item in self.md.treeprocessors._priority if item.priority < 24]:
            self.md.treeprocessors.deregister(name)

    def read(self, body: str) -> list[BlockText]:
        self.md.reset()
        self.locator.start(body)
        self.collector.found = []
        # the engine's steps up to the block texts (Markdown.convert's first half): no
        # serialising, no postprocessors
        lines = body.split("\n")
        for preprocessor in self.md.preprocessors:
            lines = preprocessor.run(lines)
        root = self.md.parser.parseDocument(lines).getroot()
        for treeprocessor in self.md.treeprocessors:
            root = treeprocessor.run(root) or root
        self.collector.html_blocks()
        return sorted(self.collector.found, key=lambda block: block.lines[0][0])


class _BlockCollector(Treeprocessor):
    def __init__(self, md, locator: _SourceLocator):
        super().__init__(md)
        self.locator = locator
        self.found: list[BlockText] = []

    def run(self, root: Element) -> None:
        self._walk(root)

    def html_blocks(self) -> None:
        """HTML blocks with words between their tags (not code, not a script or style), found
        where the locator finds them: each line of the block as written."""
        locator, position = self.locator, 0
        for html in self.stash:
            if not isinstance(html, str):
                continue
            found = locator._block_start(html, position)
            if found < 0:
                continue
            position = found + len(html)
            if _NOT_TEXT_HTML.search(html) or not re.search(r">[^<]*[^\W\d_]", "<x>" + html):
                continue
            first = bisect.bisect_right(locator.expanded_starts, found) - 1
            column = found - locator.expanded_starts[first]
            lines = []
            for number, piece in enumerate(html.rstrip("\n").split("\n")):
                line = first + number
                start = column if number == 0 else 0
                raw_start = locator._raw_column(line, start)
                raw_end = locator._raw_column(line, start + len(piece))
                lines.append((locator.line_starts[line] + raw_start, locator.line_starts[line] + raw_end))
            self.found.append(BlockText("html", tuple(lines)))

    def _walk(self, element: Element) -> None:
        kind = _block_kind(element)
        self._add(kind, element.text)
        for child in element:
            self._walk(child)
            self._add(kind, child.tail)

    def _add(self, kind: str, text) -> None:
        if not isinstance(text, _Located):
            return
        locator, body = self.locator, self.locator.body
        lines = []
        for index, start in enumerate(text.line_offsets):
            end = text.line_offsets[index + 1] - 1 if index + 1 < len(text.line_offsets) else len(text)
            piece = text[start:end]
            first = locator.offset_in(text, start)
            if util.STX in piece:  # stashed inline HTML stands for more text: to the line's end
                last = body.find("\n", first)
                last = len(body) if last < 0 else last
            else:
                last = locator.offset_in(text, end) if piece else first
            lines.append((first, last))
        self.found.append(BlockText(kind, tuple(lines)))


class _KeepStash(Treeprocessor):
    def __init__(self, md, collector: _BlockCollector):
        super().__init__(md)
        self.collector = collector

    def run(self, root: Element) -> None:
        self.collector.stash = list(self.md.htmlStash.rawHtmlBlocks)


# HTML whose text is not prose: code, scripts, styles
_NOT_TEXT_HTML = re.compile(r"<(?:pre|code|script|style|textarea)\b", re.I)


def _block_kind(element: Element) -> str:
    classes = (element.get("class") or "").split()
    if "admonition-title" in classes:
        return "admonition-title"
    return element.tag


# Outlines: the blocks of a body, for comparing a translation with its source
# ----------------------------------------------------------------------------

BLOCK_MARK = "data-helpsite-block"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ALERT = re.compile(r"\s*\[!([^\]\s]+)\]")
_TAB_HREF = "#tab/"
_CODE_BLOCK_HTML = re.compile(r"\s*<(?:div|pre)\b[^>]*>\s*(?:<pre\b|<span></span><code|<code)", re.I)


@dataclass(frozen=True)
class Inline:
    """A link, a code span or an image inside a block: what must survive translation unchanged."""

    kind: str  # "link", "code" or "image"
    value: str  # the link's href, the code's text, the image's src
    text: str  # the link's label, the image's alt text ("" for code)
    line: int
    column: int
    offset: int


@dataclass
class Block:
    """One block of a body, in document order; containers come before what they hold."""

    kind: str  # heading, paragraph, item, row, code, quote, alert, admonition, tab, html
    detail: str  # a heading's level (h2), an alert's or admonition's type, a tab's id, an HTML tag
    line: int
    column: int
    offset: int
    text: str = ""  # its visible text, shortened: what a message quotes
    anchor: str | None = None  # an explicit heading id ({#id} or <a name>)
    code: str | None = None  # a code block's text
    cells: int = 0  # a table row's cells
    inlines: list[Inline] = field(default_factory=list)


@dataclass
class Outline:
    blocks: list[Block] = field(default_factory=list)
    document: Document = field(default_factory=Document)


def outline(body: str, body_line: int = 1, site: Site | None = None) -> Outline:
    """The blocks of a body with their links, code and images, each at its source position,
    as the site's engine reads them. A body past the site's limits or nested too deep has no
    blocks (its ``document`` says which)."""
    limits = site.limits if site is not None else Limits()
    if len(body) > limits.max_page_characters or nesting.too_deep(body, limits.max_nesting):
        return Outline(document=Document(parsed=False, refused=True))
    parser = _OutlineParser.for_site(site)
    try:
        document = parser.parse(body, body_line)
    except RecursionError:
        return Outline(document=Document(parsed=False, too_deep=True))
    return Outline(parser.blocks(document, body_line), document)


class _OutlineLocator(_SourceLocator):
    """The source locator, also keeping where code texts and stashed blocks were found."""

    def start(self, body: str) -> None:
        super().start(body)
        self.located_code: dict[int, str] = {}  # id of an AtomicString -> its located copy
        self.stashed_from: dict[int, int] = {}  # stash index -> body offset where the search began

    def locate(self, text: str) -> str:
        located = super().locate(text)
        if isinstance(text, util.AtomicString):
            self.located_code[id(text)] = located
        return located

    def _pass_stashed(self, index: int) -> None:
        # where the stashed block starts: its raw HTML, else the fence of its code
        line, column = self.cursor
        start = self.expanded_starts[min(line, len(self.lines) - 1)] + column
        stash = self.md.htmlStash.rawHtmlBlocks
        html = stash[index] if index < len(stash) and isinstance(stash[index], str) else None
        found = self._block_start(html, start) if html is not None else -1
        if found < 0:
            fence = _FENCE_RUN.search(self.expanded, start)
            found = fence.start(1) if fence else start
        found_line = bisect.bisect_right(self.expanded_starts, found) - 1
        self.stashed_from[index] = self.line_starts[found_line] + self._raw_column(
            found_line, found - self.expanded_starts[found_line]
        )
        super()._pass_stashed(index)


class _BlockOffsets(Treeprocessor):
    """Before inline processing (the block texts still know their source): mark each block
    element and note where it starts."""

    def __init__(self, md, locator: _OutlineLocator):
        super().__init__(md)
        self.locator = locator
        self.offsets: list[int | None] = []
        self.stashed: dict[int, int] = {}  # block number -> stash index of its content

    def run(self, root: Element) -> None:
        self.offsets, self.stashed = [], {}
        for element, parent in _with_parents(root):
            if not _is_block(element, parent):
                continue
            number = len(self.offsets)
            element.set(BLOCK_MARK, str(number))
            self.offsets.append(self._offset(element))
            text = (element.text or "").strip()
            stashed = util.HTML_PLACEHOLDER_RE.fullmatch(text) if element.tag == "p" else None
            if stashed:
                self.stashed[number] = int(stashed.group(1))

    def _offset(self, element: Element) -> int | None:
        for node in element.iter():
            text = node.text
            if node.tag in _HEADINGS and isinstance(text, _Located):
                return self.locator._heading_offset(node)
            if isinstance(text, util.AtomicString):
                text = self.locator.located_code.get(id(text), text)
            if isinstance(text, _Located) and text.strip():
                return self.locator.offset_in(text, len(text) - len(text.lstrip()))
        return None


def _with_parents(root: Element) -> Iterator[tuple[Element, Element]]:
    stack = [(child, root) for child in reversed(root)]
    while stack:
        element, parent = stack.pop()
        yield element, parent
        stack.extend((child, element) for child in reversed(element))


def _is_block(element: Element, parent: Element) -> bool:
    tag, classes = element.tag, (element.get("class") or "").split()
    if tag in _HEADINGS or tag in ("li", "tr", "pre", "blockquote", "details"):
        return True
    if tag == "div" and "admonition" in classes:
        return True
    # a list item's paragraphs are the item; an admonition's title is the admonition's
    return tag == "p" and parent.tag != "li" and "admonition-title" not in classes


class _BlockReader(Treeprocessor):
    """After inline processing and the explicit ids, before toc gives every heading one:
    what each marked block is (tag, class, id) and its own text."""

    def __init__(self, md):
        super().__init__(md)
        self.found: list[tuple[Element, tuple[str, str, str | None, str]]] = []

    def run(self, root: Element) -> None:
        # the text now: toc adds permalinks to headings next
        self.found = [
            (element, (element.tag, element.get("class") or "", element.get("id"), _own_text(element)))
            for element in root.iter()
            if element.get(BLOCK_MARK) is not None
        ]


class _OutlineParser(_Parser):
    _cache: dict[tuple, _OutlineParser] = {}

    def __init__(self, extensions: list[str], configs: dict):
        super().__init__(extensions, configs)
        self.locator = _OutlineLocator(self.md)
        self.inline.locator = self.locator
        self.md.treeprocessors.register(self.locator, "helpsite_locate", 25)
        self.offsets = _BlockOffsets(self.md, self.locator)
        self.md.treeprocessors.register(self.offsets, "helpsite_blocks", 24)
        self.reader = _BlockReader(self.md)
        self.md.treeprocessors.register(self.reader, "helpsite_block_reader", 6)

    def blocks(self, document: Document, body_line: int) -> list[Block]:
        body, stash = self.locator.body, self.md.htmlStash.rawHtmlBlocks
        blocks: list[Block] = []
        previous = 0
        for number, (element, (tag, classes, explicit_id, text)) in enumerate(self.reader.found):
            offset = self.offsets.offsets[number]
            html = None
            if number in self.offsets.stashed:
                index = self.offsets.stashed[number]
                html = stash[index] if index < len(stash) and isinstance(stash[index], str) else ""
                offset = self.locator.stashed_from.get(index, previous)
            if tag in ("div", "details") or offset is None:
                offset = _marker_after(body, previous, tag, classes)
            offset = max(offset, previous)
            previous = offset
            block = Block(*_kind(element, tag, classes, html), *self.locator.place(offset, body_line), offset)
            block.text = text
            if block.kind == "heading":
                block.anchor = explicit_id
            elif block.kind == "code":
                block.code = _code_text(element, html)
            elif block.kind == "row":
                block.cells = _row_cells(body, offset)
            if html is not None and block.kind == "html":
                block.text = _short(visible(html))
            blocks.append(block)
            self._inlines(block, element)
        self._assign_links(blocks, document, body_line)
        return blocks

    def _inlines(self, block: Block, element: Element) -> None:
        """The code spans and Markdown images of the block's own text (not its sub-blocks'),
        placed by finding them in its source after the block's start."""
        body, cursor = self.locator.body, block.offset
        stack = list(reversed(element))
        while stack:
            node = stack.pop()
            if block.kind == "code" or node.get(BLOCK_MARK) is not None or _is_nested_block(node):
                continue
            if node.tag == "code":
                text = html_unescape(node.text or "")
                found = body.find(text, cursor) if text else -1
                at = found if found >= 0 else cursor
                while found > 0 and body[at - 1] == "`":
                    at -= 1
                cursor = max(cursor, found + len(text)) if found >= 0 else cursor
                block.inlines.append(Inline("code", text, "", *self.locator.place(at, 1), at))
                continue
            if node.tag == "img":
                src = node.get("src") or ""
                found = body.find(src, cursor) if src else -1
                at = body.rfind("![", cursor, found) if found >= 0 else -1
                at = at if at >= 0 else (found if found >= 0 else cursor)
                cursor = max(cursor, found + len(src)) if found >= 0 else cursor
                block.inlines.append(
                    Inline("image", src, node.get("alt") or "", *self.locator.place(at, 1), at)
                )
            stack.extend(reversed(node))

    def _assign_links(self, blocks: list[Block], document: Document, body_line: int) -> None:
        """Links (Markdown and raw HTML) and raw <img> tags go to the block they start in."""
        if not blocks:
            return
        starts = [block.offset for block in blocks]
        items = [
            (link.offset, Inline("link", link.href, link.label, link.line, link.column, link.offset))
            for link in document.links
        ]
        for tag in document.tags:
            if tag.name == "img":
                offset = self.locator.line_starts[tag.line - body_line] + tag.column - 1
                attrs = dict(tag.attrs)
                items.append(
                    (
                        offset,
                        Inline(
                            "image",
                            attrs.get("src") or "",
                            attrs.get("alt") or "",
                            tag.line,
                            tag.column,
                            offset,
                        ),
                    )
                )
        for offset, item in items:
            index = max(bisect.bisect_right(starts, offset) - 1, 0)
            blocks[index].inlines.append(item)
        for block in blocks:
            block.inlines.sort(key=lambda item: item.offset)
        # code and Markdown images were placed from line 1: move them to the body's lines
        if body_line != 1:
            for block in blocks:
                block.inlines = [
                    Inline(i.kind, i.value, i.text, i.line + body_line - 1, i.column, i.offset)
                    if i.kind == "code" or (i.kind == "image" and not _is_raw_img(document, i))
                    else i
                    for i in block.inlines
                ]


def _row_cells(body: str, offset: int) -> int:
    """The cells a table row's source line writes: the engine pads a short row with empty cells,
    so the rendered row cannot tell a lost cell."""
    start = body.rfind("\n", 0, offset) + 1
    end = body.find("\n", offset)
    line = body[start : end if end >= 0 else len(body)].strip()
    # a pipe inside a code span or escaped does not divide cells
    line = re.sub(r"(`+).*?\1", "x", line.replace("\\|", "x"))
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return line.count("|") + 1


def _own_text(element: Element) -> str:
    """The visible text of a block, without the blocks inside it, shortened for a message."""
    parts, stack = [], [(element, True)]
    while stack:
        node, own = stack.pop()
        if node is not element and (node.get(BLOCK_MARK) is not None or _is_nested_block(node)):
            continue
        if own:
            parts.append(node.text or "")
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(node))
        elif node is not element:
            parts.append(node.tail or "")
    text = re.sub(r"\x02[^\x03]*\x03", "", "".join(parts).replace(util.AMP_SUBSTITUTE, "&"))
    return _short(visible(html_unescape(text)))


def _is_raw_img(document: Document, item: Inline) -> bool:
    return any(
        tag.name == "img" and tag.line == item.line and tag.column == item.column for tag in document.tags
    )


def _is_nested_block(node: Element) -> bool:
    return node.tag in ("ul", "ol", "table", "blockquote", "details") or (
        node.tag == "div" and "admonition" in (node.get("class") or "")
    )


def _kind(element: Element, tag: str, classes: str, html: str | None) -> tuple[str, str]:
    if tag in _HEADINGS:
        tab = next(
            (a.get("href") for a in element.iter("a") if (a.get("href") or "").startswith(_TAB_HREF)), None
        )
        return ("tab", tab[len(_TAB_HREF) :]) if tab else ("heading", tag)
    if tag == "li":
        return "item", ""
    if tag == "tr":
        return "row", ""
    if tag == "pre":
        return "code", ""
    if tag == "blockquote":
        first = next(iter(element), None)
        alert = _ALERT.match(first.text or "") if first is not None and first.tag == "p" else None
        return ("alert", alert.group(1)) if alert else ("quote", "")
    if tag in ("div", "details"):
        kinds = [c for c in classes.split() if c != "admonition"]
        return "admonition", " ".join(kinds)
    if html is not None:
        if _CODE_BLOCK_HTML.match(html):
            return "code", ""
        name = re.match(r"\s*<([A-Za-z][\w-]*)", html)
        return "html", name.group(1).lower() if name else ""
    return "paragraph", ""


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _code_text(element: Element, html: str | None) -> str:
    if html is None:
        return html_unescape("".join(element.itertext()))
    reader = _TextOf()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts)


def html_unescape(text: str) -> str:
    import html as _html

    return _html.unescape(text)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _block_text_start(body: str, offset: int) -> int:
    """The first character of a block at or after ``offset``, past white space and quote marks."""
    match = re.compile(r"[ \t\n>]*").match(body, offset)
    return min(match.end(), len(body))


def _marker_after(body: str, offset: int, tag: str, classes: str) -> int:
    """Where an admonition (``!!!``/``???``) starts after ``offset``, else the next text."""
    if tag in ("div", "details"):
        found = re.compile(r"^[ \t>]*(!!!|\?\?\?\+?)", re.M).search(body, offset)
        if found:
            return found.start(1)
    return _block_text_start(body, offset)


def page_outline(page, site: Site | None) -> Outline:
    """The outline of a loaded page; its document is the one ``page_document`` gives the link
    and heading checks of the same page afterwards, so that a page is parsed once for all."""
    found = outline(page.body, page.body_line, site)
    _RECENT.clear()
    _RECENT[id(page)] = (page, page.body, found.document)
    return found
