"""Where an offset in a text is, as the 1-based line and column a finding names.

The one conversion of the package: every check reports places this way, so a finding's line
and column mean the same thing whichever check made it.
"""

from __future__ import annotations


def line_column(text: str, offset: int, first_line: int = 1) -> tuple[int, int]:
    """The line (counted from ``first_line``) and 1-based column of ``text[offset]``.

    The column counts characters (code points), not bytes: what an editor's "go to column" uses
    for text without tabs or combining marks.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    return first_line + text.count("\n", 0, offset), offset - line_start + 1
