"""How deep a page's lists and quotes nest, told from its text alone: before Python-Markdown,
whose recursion a page nested deep enough would exhaust, is given it (``helpsite.text.markdown``),
and for the finding that names the line (``helpsite.linting.safety``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from helpsite.core import lasting

_QUOTE_RE = re.compile(r"[ ]{0,3}>")
_FENCE_RE = re.compile(r"[ \t>]*(`{3,}|~{3,})")
TAB_WIDTH = 4  # Python-Markdown's tab_length: one list level per four columns


def too_deep(body: str, max_nesting: int) -> tuple[int, int] | None:
    """(0-based line, depth) of the first line nested more than ``max_nesting`` levels deep."""
    leading, later = _deep_enough(max_nesting)
    if not (leading.match(body) or later.search(body)):
        return None
    return next(
        ((number, depth) for number, _, depth in _nesting(body.split("\n")) if depth > max_nesting), None
    )


# Each leading space, tab or '>' adds at most one level: a line nested deeper than the limit
# starts with more of them (a cheap test before the real count; led by the line break, which
# the engine finds fast, and the first line tested alone).
@lasting.memo(8)  # a pure function of its arguments
def _deep_enough(max_nesting: int) -> tuple[re.Pattern, re.Pattern]:
    return re.compile(r"[ \t>]{%d}" % (max_nesting + 1)), re.compile(r"\n[ \t>]{%d}" % (max_nesting + 1))


def _nesting(lines: Iterable[str]) -> Iterator[tuple[int, str, int]]:
    # (0-based line, line, depth): '>' markers plus one level per four columns of indent,
    # outside fenced code blocks, where indentation is content.
    fence = None
    for number, line in enumerate(lines):
        match = _FENCE_RE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        quotes, rest = 0, line
        while quote := _QUOTE_RE.match(rest):
            quotes, rest = quotes + 1, rest[quote.end() :]
        indent = len(rest.expandtabs(TAB_WIDTH)) - len(rest.expandtabs(TAB_WIDTH).lstrip(" "))
        yield number, line, quotes + indent // TAB_WIDTH
