"""Where an offset in a text is, as the 1-based line and column a finding names.

The one conversion of the package: every check reports places this way, so a finding's line
and column mean the same thing whichever check made it.
"""

from __future__ import annotations

import bisect


def line_column(
    text: str, offset: int, first_line: int = 1, *, line_starts: list[int] | None = None
) -> tuple[int, int]:
    """The line (counted from ``first_line``) and 1-based column of ``text[offset]``.

    The column counts characters (code points), not bytes: what an editor's "go to column" uses
    for text without tabs or combining marks. Counting the lines before ``offset`` reads the text
    up to it; for many places in one long text, pass ``line_starts(text)`` once instead.
    """
    if line_starts is not None:
        line = bisect.bisect_right(line_starts, offset) - 1
        return first_line + line, offset - line_starts[line] + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return first_line + text.count("\n", 0, offset), offset - line_start + 1


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts, for ``line_column``."""
    starts, position = [0], text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts
