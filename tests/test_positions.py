"""helpsite.text.positions: offsets to the line and column a finding names."""

from __future__ import annotations

import pytest

from helpsite.text.positions import line_column, line_starts

TEXT = "ab\ncd\n\nxé\n"


@pytest.mark.parametrize(
    "offset, expected",
    [
        (0, (1, 1)),
        (1, (1, 2)),
        (2, (1, 3)),  # the newline itself ends line 1
        (3, (2, 1)),
        (4, (2, 2)),
        (6, (3, 1)),  # an empty line
        (7, (4, 1)),
        (8, (4, 2)),
        (9, (4, 3)),  # a non-ASCII character is one column
        (10, (5, 1)),  # the end of the text
    ],
)
def test_line_and_column_from_offset(offset, expected):
    assert line_column(TEXT, offset) == expected
    assert line_column(TEXT, offset, line_starts=line_starts(TEXT)) == expected


def test_line_starts():
    assert line_starts(TEXT) == [0, 3, 6, 7, 10]
    assert line_starts("") == [0]


def test_lines_counted_from_the_first_line_of_the_text():
    # a page body that starts on line 12 of its file (after the front matter)
    assert line_column(TEXT, 0, first_line=12) == (12, 1)
    assert line_column(TEXT, 7, first_line=12) == (15, 1)
    assert line_column(TEXT, 7, first_line=12, line_starts=line_starts(TEXT)) == (15, 1)
