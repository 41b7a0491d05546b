"""A page cut into segments: the words a translator works on, block by block.

The blocks are the ones the site's Markdown engine reads as text (``markdown.block_texts``:
headings, paragraphs, list items, table cells, admonition and details titles), with the
source offsets of each of their lines. Inside a block, everything that must come back as it
was written is an inline *code*, not text: link targets and reference ids, inline code, HTML
tags and comments (``helpsite-disable`` ones too), attribute lists and anchors, entities,
escapes and emphasis marks. The codes are found with Python-Markdown's own inline patterns and
its link processor's bracket matching. A link's text, an image's alt text and a link's title
stay text. Code blocks and HTML blocks are never block texts, so never segments.

Each segment knows the offsets of its text in the page (normalised text: BOM removed, line
ends as ``\\n``) so that taking a translation back replaces exactly those characters: what
stands between two of its lines (the line end and a container's indentation) is kept too.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import markdown as engine
from markdown import inlinepatterns
from markdown.extensions.attr_list import AttrListTreeprocessor

from helpsite.core.site import Site
from helpsite.text import markdown
from helpsite.text import page as pages
from helpsite.text.positions import line_column, line_starts

# Front matter values that are text for readers; the other keys never go out. One place:
# mkdocs.yml's extra: handoff: front_matter: [...] replaces this list.
FRONT_MATTER_KEYS = ("title", "description")
FRONT_MATTER = "front-matter"  # the kind of a front matter value's segment: front-matter:title
OPEN, CLOSE, STANDALONE = "open", "close", "standalone"
# A generated admonition title ("Note") is no text of the page: a title is its line's text.
_TITLE_LINE = re.compile(r"[ \t>]*(?:!!!|\?\?\?\+?)")


@dataclass(frozen=True)
class Code:
    """Source characters a translation must keep: a tag, a link's target, inline code..."""

    id: str  # the number of the code in its segment; a pair's two halves share it
    role: str  # open, close (the two halves of a pair: a link, a tag, emphasis) or standalone
    data: str  # the characters it stands for, as written

    @property
    def key(self) -> tuple[str, str]:
        return (self.role, self.id)


Part = str | Code


@dataclass(frozen=True)
class Segment:
    page: str  # path inside the locale folder
    kind: str  # h1..h6, p, li, td, th, summary, admonition-title, front-matter:title ...
    index: int  # the block's place in the page, counted from 0 (front matter first)
    parts: tuple[Part, ...]  # text and codes, in order; a line break is "\n" in the text
    start: int  # offset of the first character in the page text
    end: int
    separators: tuple[str, ...] = ()  # what stands between its lines in the page, in order
    id: str = ""
    line: int = 1  # the page line where it starts

    @property
    def source(self) -> str:
        """The segment as written, lines joined with "\\n"."""
        return join(self.parts)

    @property
    def text(self) -> str:
        """Only the words: the codes left out (for counting and pseudo-translation)."""
        return "".join(part for part in self.parts if isinstance(part, str))

    @property
    def codes(self) -> tuple[Code, ...]:
        return tuple(part for part in self.parts if isinstance(part, Code))

    @property
    def front_matter_key(self) -> str | None:
        return self.kind.split(":", 1)[1] if self.kind.startswith(FRONT_MATTER + ":") else None

    def written(self, parts: tuple[Part, ...]) -> str:
        """What replaces the segment's characters in the page for these parts: each line
        break put back with the container prefix of the source's (the last one past them)."""
        lines = join(parts).split("\n")
        if not self.separators:
            return " ".join(lines)
        out = [lines[0]]
        for number, line in enumerate(lines[1:]):
            out.append(self.separators[min(number, len(self.separators) - 1)] + line)
        return "".join(out)


def join(parts: tuple[Part, ...]) -> str:
    return "".join(part if isinstance(part, str) else part.data for part in parts)


def front_matter_keys(site: Site | None) -> tuple[str, ...]:
    handoff = (site.extra.get("handoff") or {}) if site is not None else {}
    return tuple(handoff.get("front_matter") or FRONT_MATTER_KEYS)


def segments(page: pages.Page, site: Site | None = None) -> list[Segment]:
    """The translatable segments of a loaded page (readable, its front matter read), in order."""
    found: list[Segment] = []
    offset = len(page.text) - len(page.body)
    for key in front_matter_keys(site):
        value = page.meta.get(key)
        if isinstance(value, str) and value.strip() and (key,) in page.front.value_positions:
            found.append(
                _segment(
                    page.page_path or "",
                    f"{FRONT_MATTER}:{key}",
                    len(found),
                    (value,),
                    0,
                    0,
                    (),
                    page.front.value_positions[(key,)][0],
                )
            )
    starts = None
    for block in markdown.block_texts(page.body, site):
        lines = [(s, e) for s, e in (_trimmed(page.body, s, e) for s, e in block.lines) if e > s]
        if not lines:
            continue
        if block.kind in ("admonition-title", "summary"):
            line_start = page.body.rfind("\n", 0, lines[0][0]) + 1
            if not _TITLE_LINE.match(page.body, line_start):
                continue
        if found and found[-1].end > offset + lines[0][0]:
            continue  # placed before the last one: a text the locator could not place
        text = "\n".join(page.body[s:e] for s, e in lines)
        parts = tuple(inline_parts(text))
        if not any(ch.isalpha() for part in parts if isinstance(part, str) for ch in part):
            continue  # only codes, numbers and marks: nothing to translate
        separators = tuple(page.body[lines[i][1] : lines[i + 1][0]] for i in range(len(lines) - 1))
        if starts is None:
            starts = line_starts(page.text)
        start, end = offset + lines[0][0], offset + lines[-1][1]
        line = line_column(page.text, start, line_starts=starts)[0]
        found.append(
            _segment(page.page_path or "", block.kind, len(found), parts, start, end, separators, line)
        )
    return _with_ids(found)


def _segment(page, kind, index, parts, start, end, separators, line) -> Segment:
    return Segment(page, kind, index, tuple(parts), start, end, tuple(separators), "", line)


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start] in " \t":
        start += 1
    while end > start and body[end - 1] in " \t":
        end -= 1
    return start, end


def _with_ids(found: list[Segment]) -> list[Segment]:
    """Ids from the page, the block's kind and the English text (a translation memory matches
    them across exports); a text repeated in the page gets -2, -3 ..."""
    seen: Counter = Counter()
    result = []
    for segment in found:
        digest = hashlib.sha1(
            "\0".join((segment.page, segment.kind, segment.source)).encode("utf-8")
        ).hexdigest()[:12]
        base = f"{segment.kind.replace(':', '-')}-{digest}"
        seen[base] += 1
        unit_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        result.append(
            Segment(
                segment.page,
                segment.kind,
                segment.index,
                segment.parts,
                segment.start,
                segment.end,
                segment.separators,
                unit_id,
                segment.line,
            )
        )
    return result


# ----------------------------------------------------------------------------
# Inline codes
# ----------------------------------------------------------------------------

# Python-Markdown's own patterns for what stays as written; tried at each position in order.
_CODE_SPAN = re.compile(inlinepatterns.BACKTICK_RE)
_STANDALONE = tuple(
    re.compile(pattern)
    for pattern in (
        inlinepatterns.ESCAPE_RE,
        inlinepatterns.AUTOLINK_RE,
        inlinepatterns.AUTOMAIL_RE,
        inlinepatterns.ENTITY_RE,
        AttrListTreeprocessor.BASE_RE,
    )
)
_HTML_TAG = re.compile(inlinepatterns.HTML_RE)
_CODE_START = re.compile(r"[`\\<&{\[!*_]")  # the characters a code can start with
_EMPHASIS = re.compile(
    r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])|(?<!\w)_{1,3}(?=[^\s_])|(?<=[^\s_])_{1,3}(?!\w)"
)
_REFERENCE = re.compile(r"\s?\[([^\]]*)\]")
_VOID_TAGS = {"br", "img", "hr", "input", "wbr", "meta", "link", "source", "area", "col", "embed"}
# its bracket matching; unescaping a title looks at an inline processor's stash
_LINKS = inlinepatterns.LinkInlineProcessor(inlinepatterns.LINK_RE, engine.Markdown())
_LINKS.md.treeprocessors["inline"].stashed_nodes = {}


def inline_parts(text: str) -> list[Part]:
    """The text cut into words and codes; pairs (a link's brackets, a tag and its end tag,
    emphasis marks) share their number."""
    cutter = _Cutter(text)
    cutter.run()
    return cutter.parts


class _Cutter:
    def __init__(self, text: str):
        self.text = text
        self.parts: list[Part] = []
        self.number = 0
        self.open_tags: list[tuple[str, str]] = []  # (tag name, code id)
        self.open_emphasis: list[tuple[str, str]] = []  # (marks, code id)
        self.links: list[tuple[int, str]] = []  # (offset of the link text's end, code id)

    def run(self) -> None:
        text, index, plain = self.text, 0, 0
        while index < len(text):
            if self.links and index == self.links[-1][0]:
                self._words(plain, index)
                index = plain = self._link_end(index)
                continue
            candidate = _CODE_START.search(text, index)
            following = candidate.start() if candidate else len(text)
            if self.links and self.links[-1][0] < following:
                following = self.links[-1][0]
            if following != index:  # words up to the next character that may start a code
                index = following
                continue
            words = self.text[plain:index]
            mark = len(self.parts)
            found = self._code_at(index)
            if found is None:
                index += 1
                continue
            if words:  # the words before the code the step just read
                if mark and isinstance(self.parts[mark - 1], str):
                    self.parts[mark - 1] += words
                else:
                    self.parts.insert(mark, words)
            index = plain = found
        self._words(plain, len(text))
        self._unpair()

    def _words(self, start: int, end: int) -> None:
        if end > start:
            if self.parts and isinstance(self.parts[-1], str):
                self.parts[-1] += self.text[start:end]
            else:
                self.parts.append(self.text[start:end])

    def _new(self) -> str:
        self.number += 1
        return str(self.number)

    def _add(self, role: str, code_id: str, data: str) -> None:
        self.parts.append(Code(code_id, role, data))

    def _code_at(self, index: int) -> int | None:
        """Read a code starting at ``index``, returning where it ends, or None."""
        text, char = self.text, self.text[index]
        if char == "`":
            match = _CODE_SPAN.match(text, index)
            if match and match.group(0) == "`":
                ticks = re.match(r"`+", text[index:]).group(0)
                close = re.compile(r"(?<!`)%s(?!`)" % ticks).search(text, index + len(ticks))
                if close:
                    self._add(STANDALONE, self._new(), text[index : close.end()])
                    return close.end()
                self._add(STANDALONE, self._new(), ticks)
                return index + len(ticks)
        if char in "\\<&{":
            for pattern in _STANDALONE:
                match = pattern.match(text, index)
                if match:
                    self._add(STANDALONE, self._new(), match.group(0))
                    return match.end()
        if char == "<":
            match = _HTML_TAG.match(text, index)
            if match:
                self._tag(match.group(0))
                return match.end()
        if char == "[" or (char == "!" and text.startswith("![", index)):
            opening = 1 if char == "[" else 2
            _, end, handled = _LINKS.getText(text, index + opening)
            if handled and self._link_tail(end) is not None:
                code_id = self._new()
                self._add(OPEN, code_id, text[index : index + opening])
                self.links.append((end - 1, code_id))
                return index + opening
        if char in "*_":
            match = _EMPHASIS.match(text, index)
            if match:
                self._emphasis(match.group(0))
                return match.end()
        return None

    def _tag(self, tag: str) -> None:
        name = re.match(r"</?([A-Za-z][\w:-]*)", tag)
        if tag.startswith("<!") or tag.startswith("<?") or name is None or tag.endswith("/>"):
            self._add(STANDALONE, self._new(), tag)
            return
        tag_name = name.group(1).lower()
        if tag.startswith("</"):
            for depth in range(len(self.open_tags) - 1, -1, -1):
                if self.open_tags[depth][0] == tag_name:
                    code_id = self.open_tags[depth][1]
                    del self.open_tags[depth:]
                    self._add(CLOSE, code_id, tag)
                    return
            self._add(STANDALONE, self._new(), tag)
        elif tag_name in _VOID_TAGS:
            self._add(STANDALONE, self._new(), tag)
        else:
            code_id = self._new()
            self.open_tags.append((tag_name, code_id))
            self._add(OPEN, code_id, tag)

    def _emphasis(self, marks: str) -> None:
        if self.open_emphasis and self.open_emphasis[-1][0] == marks:
            self._add(CLOSE, self.open_emphasis.pop()[1], marks)
        else:
            code_id = self._new()
            self.open_emphasis.append((marks, code_id))
            self._add(OPEN, code_id, marks)

    def _link_tail(self, end: int) -> int | None:
        """Where a link's target ends (after ``](...)``, ``][ref]`` or ``]``), given the
        offset just after its text's ``]``; None when the brackets are no link."""
        text = self.text
        if end < len(text) and text[end] == "(":
            _, _, after, handled = _LINKS.getLink(text, end)
            return after if handled else None
        reference = _REFERENCE.match(text, end)
        if reference:
            return reference.end()
        return end  # [text] alone: a shortcut reference (the engine decides; kept either way)

    def _link_end(self, index: int) -> int:
        """At a link's closing ``]``: its target as a closing code, a title as text between."""
        _, code_id = self.links.pop()
        text = self.text
        end = self._link_tail(index + 1)
        tail = text[index:end]
        title = re.search(r"""\s+(["'])(.+)\1\s*\)$|\s+\((.+)\)\s*\)$""", tail)
        if title and text[index + 1 : index + 2] == "(":
            group = 2 if title.group(2) is not None else 3
            self._add(CLOSE, code_id, tail[: title.start(group)])
            self.parts.append(tail[title.start(group) : title.end(group)])
            self._add(STANDALONE, self._new(), tail[title.end(group) :])
        else:
            self._add(CLOSE, code_id, tail)
        return end

    def _unpair(self) -> None:
        """Halves left without their other half (an emphasis mark that was a literal star,
        a tag never closed) are standalone codes."""
        opened = {p.id for p in self.parts if isinstance(p, Code) and p.role == OPEN}
        closed = {p.id for p in self.parts if isinstance(p, Code) and p.role == CLOSE}
        lone = opened ^ closed
        if lone:
            self.parts = [
                Code(p.id, STANDALONE, p.data) if isinstance(p, Code) and p.id in lone else p
                for p in self.parts
            ]
