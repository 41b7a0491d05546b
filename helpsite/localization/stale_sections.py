"""Which sections of the English changed since a stale translation was made (issue 25).

A stale translation's ``ms.openlocfilehash`` names the exact English version it was made from
(its base). The base and the English as it is now are read by the site's own Markdown engine
(``markdown.outline``, as the structure rules read them) and aligned block by block; each block
that differs belongs to the section of the nearest heading above it. The translation's notice
and the ``/l10n/`` dashboard then name those sections, each linked to its heading on the English
page, instead of saying that the whole page may have changed.

A section is a heading of level 2 or more and what follows it up to the next heading; what comes
before the first of them (the page's H1 and its introduction) is the *introduction*. Content tabs
(``# [Title](#tab/id)``) are not sections. A section is *changed* when a block of it differs, or
its heading's words do; *added* when its heading is new; *removed* when the English no longer
has its heading. Front matter is no section: a change there alone names none.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from helpsite.core import lasting
from helpsite.core.site import Site
from helpsite.linting import translation_structure as structure
from helpsite.text import markdown

CHANGED, ADDED, REMOVED = "changed", "added", "removed"


@dataclass(frozen=True)
class SectionChange:
    change: str  # changed, added or removed
    title: str | None  # the English heading's words; None: the page's introduction
    anchor: str | None  # the heading's id on the English page now; None: removed, or no id known


def changed_sections(site: Site, shown: str, base: bytes, now: bytes) -> tuple[SectionChange, ...] | None:
    """The sections of the English page ``shown`` that differ between the version ``base`` (a
    translation's base) and ``now``, in the order of the page (removed ones where they were);
    None when either version cannot be read or is past the site's limits for a page."""
    old, new = structure.english_version(site, shown, base), structure.english_version(site, shown, now)
    if old.page is None or new.page is None:
        return None
    old_outline, new_outline = old.outline(site), new.outline(site)
    if any(o.document.refused or o.document.too_deep for o in (old_outline, new_outline)):
        return None
    sections = _Sections(old_outline.blocks, new_outline.blocks, old.page.body, new.page.body)
    return sections.changes(lambda: _headings(site, old), _headings(site, new))


# ----------------------------------------------------------------------------
# The alignment
# ----------------------------------------------------------------------------


class _Sections:
    def __init__(self, old: list, new: list, old_body: str, new_body: str):
        self.old, self.new = old, new
        self.old_keys, self.new_keys = _keys(old, old_body), _keys(new, new_body)
        self.old_section, self.new_section = _section_of(old), _section_of(new)

    def changes(self, old_headings, headings: dict[int, tuple[str, str]]) -> tuple[SectionChange, ...]:
        """``headings``: the English now's (block -> id and words as the page shows them);
        ``old_headings`` gives the base's, asked for only when a section is removed."""
        matcher = difflib.SequenceMatcher(None, self.old_keys, self.new_keys, autojunk=False)
        opcodes = matcher.get_opcodes()
        # sections of the base -> their section now (-1: the introduction), through the headings
        # the alignment pairs: equal ones, and in a changed run the headings of one level in turn
        counterpart = {-1: -1}
        for op, i1, i2, j1, j2 in opcodes:
            if op == "equal":
                counterpart.update(
                    (i, j) for i, j in zip(range(i1, i2), range(j1, j2)) if _is_section(self.old[i])
                )
            elif op == "replace":
                counterpart.update(self._reworded(range(i1, i2), range(j1, j2)))
        paired_now = set(counterpart.values())
        # (section now, 0) for a section of the English now, (the section before it, 1, place)
        # for a removed one: sorted, the list follows the page
        found: dict[tuple, SectionChange] = {}
        for op, i1, i2, j1, j2 in opcodes:
            if op == "equal":
                continue
            for j in range(j1, j2):
                found[(self.new_section[j], 0)] = self._now(self.new_section[j], paired_now, headings)
            for i in range(i1, i2):
                if _is_section(self.old[i]) and i not in counterpart:
                    before = self.new_section[j1 - 1] if j1 else -1
                    title = old_headings().get(i, (None, self.old[i].text))[1]
                    found[(before, 1, i)] = SectionChange(REMOVED, title, None)
                elif self.old_section[i] in counterpart:
                    section = counterpart[self.old_section[i]]
                    found[(section, 0)] = self._now(section, paired_now, headings)
        return tuple(found[key] for key in sorted(found))

    def _now(self, section: int, paired: set[int], headings: dict[int, tuple[str, str]]) -> SectionChange:
        if section == -1:
            return SectionChange(CHANGED, None, None)
        anchor, title = headings.get(section, (None, self.new[section].text))
        return SectionChange(CHANGED if section in paired else ADDED, title, anchor)

    def _reworded(self, old: range, new: range) -> list[tuple[int, int]]:
        """The headings of a run of blocks that changed that are one heading changed: the same
        words at another level, else the same level with other words, in turn (its section is
        changed, not removed and added)."""
        olds = [i for i in old if _is_section(self.old[i])]
        news = [j for j in new if _is_section(self.new[j])]
        pairs = []
        for same in (lambda a, b: a.text == b.text, lambda a, b: a.detail == b.detail):
            k = 0
            for i in list(olds):
                while k < len(news) and not same(self.old[i], self.new[news[k]]):
                    k += 1
                if k == len(news):
                    break
                pairs.append((i, news.pop(k)))
                olds.remove(i)
        return pairs


def _is_section(block) -> bool:
    return block.kind == "heading" and block.detail != "h1"


def _section_of(blocks: list) -> list[int]:
    """For each block, the index of the heading whose section holds it (-1: the introduction)."""
    current, found = -1, []
    for index, block in enumerate(blocks):
        if _is_section(block):
            current = index
        found.append(current)
    return found


_SPACE = re.compile(r"\s+")


def _keys(blocks: list, body: str) -> list[tuple]:
    """What aligns the blocks: each one's kind and its source, from its start to the next
    block's (a container's own marker line; white space collapsed, so rewrapping is no change)."""
    ends = [block.offset for block in blocks[1:]] + [len(body)]
    return [
        (block.kind, block.detail, _SPACE.sub(" ", body[block.offset : end]).strip())
        for block, end in zip(blocks, ends)
    ]


# ----------------------------------------------------------------------------
# Heading ids: where a link to a section lands
# ----------------------------------------------------------------------------

_HEADING = re.compile(r"<h[1-6]\b[^>]*?\sid=\"([^\"]*)\"[^>]*>(.*?)</h[1-6]>", re.S)
_PERMALINK = re.compile(r"<a class=\"headerlink\".*?</a>", re.S)
_TAG = re.compile(r"<[^>]*>")
_HEADINGS = lasting.cache("stale_sections.headings", 1_000)  # by the English version's object


def _headings(site: Site, english) -> dict[int, tuple[str, str]]:
    """Block index -> the id the build gives that heading and its words as the page shows them
    (``Block.text`` is the words the check quotes, not always as a reader sees them): the rendered
    page's headings in order, paired with the outline's (the toc makes ids unique page-wide, so
    they cannot be told from a heading alone). Empty when the two counts differ (headings in raw
    HTML): the sections are then named by the outline's words, without a link."""
    cached = _HEADINGS.get(id(english))
    if cached is not None and cached[0] is english:
        return cached[1]
    blocks = english.outline(site).blocks
    indexes = [index for index, block in enumerate(blocks) if block.kind in ("heading", "tab")]
    rendered = [
        (
            markdown.html_unescape(anchor),
            markdown.visible(markdown.html_unescape(_TAG.sub("", _PERMALINK.sub("", inner)))),
        )
        for anchor, inner in _HEADING.findall(markdown.render(english.page.body, site))
    ]
    found = dict(zip(indexes, rendered)) if len(indexes) == len(rendered) else {}
    if len(_HEADINGS) >= structure.KEEP_ENGLISH:
        _HEADINGS.clear()
    _HEADINGS[id(english)] = (english, found)
    return found
