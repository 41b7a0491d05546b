"""What ``python -m helpsite fix`` restores of a translation's structure from its English base
(``helpsite.linting.translation_structure`` finds what differs): link targets, code blocks, alert
markers and admonition types, each followed by a review mark; on top of the link-text repairs
of ``helpsite.linting.links``. Nothing is changed without an exact base, or when the result does not
check out."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from helpsite.core.site import Site
from helpsite.linting import links
from helpsite.linting.translation_structure import (
    ALERT,
    CODE,
    FENCE_LINE,
    LINK_TARGET,
    REVIEW_MARK,
    Base,
    Comparison,
    Settings,
    base_of,
    same_skeleton,
    settings,
)
from helpsite.text import markdown
from helpsite.text import page as pages
from helpsite.text.page import Page


def repair(repaired: links.Repair, site: Site, locale: str | None = None) -> links.Repair:
    """``repaired`` (the link-text repairs of a file) with the structure restored from the
    English base on top: link targets, code blocks, alert markers and admonition types, each
    followed by a review mark. Nothing is changed without an exact base, or when the result does
    not check out (the repaired kinds of finding must be gone and no other appear)."""
    path, data = repaired.path, repaired.repaired if repaired.changed else repaired.original
    display = site.display_path(path)
    page = pages.load(data, display, locale or site.locale_of(path), site.page_path(path))
    if not data or not page.readable or not page.meta_ok:
        return repaired
    base = base_of(site, page)
    if base is None or base.page is None or not base.exact:
        return repaired
    config = settings(site)
    if same_skeleton(page.body, base.english, config):
        return repaired
    comparison = _comparison(page, base, site, config)
    if comparison is None:
        return repaired
    before = Counter(finding.rule for finding in comparison.findings())
    body_start = len(page.text) - len(page.body)
    edits, notes = [], list(repaired.notes)
    for kind, english, here in comparison.repairable:
        edit = _restore(page.body, kind, english, here, site.source_locale)
        if edit is None:
            notes.append(
                f"{display}:{here.line}:{here.column}: {kind} left alone: it is not written as the check read it"
            )
            continue
        edits.append(edit)
        before[edit.rule] -= 1  # what the repairs leave: one finding fewer each
    if not edits:
        return links.Repair(path, repaired.original, repaired.repaired, tuple(notes))
    result = links.apply_edits(
        data, page.text, [links.Edit(e.start + body_start, e.end + body_start, e.text) for e in edits]
    )
    after = pages.load(result, display, page.locale, page.page_path)
    check = _comparison(after, base, site, config) if after.readable else None
    if check is None or Counter(finding.rule for finding in check.findings()) != +before:
        note = f"{display}: structure left alone, the repair did not check out"
        return links.Repair(path, repaired.original, repaired.repaired, (*notes, note))
    return links.Repair(path, repaired.original, result, tuple(notes))


def _comparison(page: Page, base: Base, site: Site, config: Settings) -> Comparison | None:
    english = base.english.outline(site)
    here = markdown.outline(page.body, page.body_line, site)
    if (
        english.document.refused
        or english.document.too_deep
        or here.document.refused
        or here.document.too_deep
    ):
        return None
    return Comparison(page.display, english.blocks, here.blocks, config)


@dataclasses.dataclass(frozen=True)
class _BodyEdit:
    start: int
    end: int
    text: str
    rule: str


def _restore(body: str, kind: str, english, here, locale: str) -> _BodyEdit | None:
    """The edit of the body that restores one thing from the English, with its review mark."""
    if kind == "link":
        opening = body.find("](", here.offset)
        target = opening + 2
        if opening < 0 or not body.startswith(here.value, target):
            return None
        mark = REVIEW_MARK.format(what="link target", locale=locale)
        return _BodyEdit(opening, target + len(here.value), f"{mark}]({english.value}", LINK_TARGET.id)
    if kind == "alert":
        marker = f"[!{here.detail}]"
        if not body.startswith(marker, here.offset):
            return None
        mark = REVIEW_MARK.format(what="alert marker", locale=locale)
        return _BodyEdit(here.offset, here.offset + len(marker), f"[!{english.detail}]{mark}", ALERT.id)
    if kind == "admonition":
        line_end = body.find("\n", here.offset)
        line = body[here.offset : line_end if line_end >= 0 else len(body)]
        found = re.match(r"(!!!|\?\?\?\+?)([ \t]+)" + re.escape(here.detail) + r"(?![\w-])", line)
        if found is None:
            return None
        # a comment after the marker's line would end it: the mark goes on a line of its own before
        indent = body[body.rfind("\n", 0, here.offset) + 1 : here.offset]
        mark = REVIEW_MARK.format(what="admonition type", locale=locale)
        return _BodyEdit(
            here.offset,
            here.offset + found.end(),
            f"{mark}\n\n{indent}{found.group(1)}{found.group(2)}{english.detail}",
            ALERT.id,
        )
    # a code block: its lines between the fences, each with the fence's container prefix
    fence = FENCE_LINE.match(body, here.offset - (here.column - 1))
    start_line = body.rfind("\n", 0, here.offset) + 1
    opening_end = body.find("\n", here.offset)
    if fence is None or opening_end < 0 or here.code is None:
        return None
    prefix = body[start_line : here.offset]
    closing = re.compile(
        r"^[ \t>]*%s{%d,}[ \t]*$" % (re.escape(fence.group(1)[0]), len(fence.group(1))), re.M
    ).search(body, opening_end + 1)
    if closing is None:
        return None
    code = english.code if english.code.endswith("\n") else english.code + "\n"
    lines = "".join(prefix + line if line else line for line in code.splitlines(keepends=True))
    mark = prefix + REVIEW_MARK.format(what="code block", locale=locale)
    closing_end = closing.end()
    return _BodyEdit(
        opening_end + 1, closing_end, lines + body[closing.start() : closing_end] + "\n" + mark, CODE.id
    )
