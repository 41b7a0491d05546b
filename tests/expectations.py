"""Expectations a fixture carries inline, next to its case, as markdownlint's test files do:
``<!-- expect: empty-link:9 empty-link:54 -->`` at the end of a line says that the checks find
``empty-link`` at columns 9 and 54 of that line. One reader for every test that uses them."""

from __future__ import annotations

import re
from pathlib import Path

EXPECT = re.compile(r"<!-- expect: ([^>]*?) -->")
ONE = re.compile(r"([a-z][a-z0-9-]*):([0-9]+)")


def expected(path: Path) -> list[tuple[int, int, str]]:
    """(line, column, rule) of every expectation in the file, in file order."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        for comment in EXPECT.finditer(line):
            items = comment.group(1).split()
            parsed = [ONE.fullmatch(item) for item in items]
            if not items or not all(parsed):
                raise ValueError(
                    f"{path}:{number}: write expectations as RULE:COLUMN, not {comment.group(1)!r}"
                )
            found += [(number, int(match.group(2)), match.group(1)) for match in parsed]
    return found
