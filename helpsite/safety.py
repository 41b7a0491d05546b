"""Input the renderer must never see: files from outside docs/, and nesting that breaks it.

A symbolic link in docs/ that points elsewhere would publish whatever it points to, so it
is refused. Python-Markdown recurses once per nesting level: a list nested ~250 levels deep
raises RecursionError and a deep block quote takes time quadratic in its depth, so nesting
past ``MAX_NESTING`` is an error found before rendering. The build hook renders a page
that has one of the ``UNRENDERABLE`` findings as a notice instead of its text. Invalid front
matter is one of them: MkDocs would publish it as page text, and would load an alias bomb
that anything serialising the metadata later expands.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from helpsite import rules
from helpsite.findings import ERROR, Finding
from helpsite.site import is_below

MAX_NESTING = 20

SYMLINK_OUTSIDE = rules.define(
    "symlink-outside", ERROR,
    "A file or folder in docs/ is a symbolic link to something outside it; it is not published.",
    why="MkDocs follows symbolic links: one that leads out of docs/ would publish whatever it "
        "points to (a private file, /etc/passwd) as a page of the site.",
    fix="Copy the content into docs/ instead of linking to it.",
    bad=rules.Example("# Transfer licenses\n", file="symlink-outside"),
    good=rules.Example("# Transfer licenses\n"),
    tags=["file"])
NESTING_TOO_DEEP = rules.define(
    "nesting-too-deep", ERROR,
    f"Lists or block quotes are nested more than {MAX_NESTING} levels deep.",
    why="Python-Markdown recurses once per level: about 250 levels crash the build and a deep "
        "block quote takes time quadratic in its depth. No reader follows 20 levels either.",
    fix="Flatten the structure: split the list, or make the inner levels paragraphs or a table.",
    bad="# Transfer licenses\n\n" + ">" * (MAX_NESTING + 1) + " Cancel the subscription.\n",
    good="# Transfer licenses\n\n> Cancel the subscription.\n",
    unsilenceable="the page cannot be rendered safely, so it is not published",
    tags=["structure"])
RULES = (SYMLINK_OUTSIDE, NESTING_TOO_DEEP)

# Findings after which the page's text must not reach Markdown (or cannot be read at all).
UNRENDERABLE = {rules.ENCODING.id, rules.IO_ERROR.id, rules.YAML_INVALID.id, SYMLINK_OUTSIDE.id,
                NESTING_TOO_DEEP.id}

_QUOTE_RE = re.compile(r"[ ]{0,3}>")
# Each leading space, tab or '>' adds at most one level: a line nested deeper than
# MAX_NESTING starts with more than MAX_NESTING of them (a cheap test before the real count;
# led by the line break, which the engine finds fast, and the first line tested alone).
_DEEP_ENOUGH = re.compile(r"[ \t>]{%d}" % (MAX_NESTING + 1))
_DEEP_ENOUGH_LINE = re.compile(r"\n[ \t>]{%d}" % (MAX_NESTING + 1))
_FENCE_RE = re.compile(r"[ \t>]*(`{3,}|~{3,})")
TAB_WIDTH = 4  # Python-Markdown's tab_length: one list level per four columns


def outside_docs(path: Path, docs_dir: Path, display: str) -> Finding | None:
    """A finding when ``path`` lies in ``docs_dir`` but resolves to somewhere outside it."""
    if not is_below(os.path.abspath(path), os.path.abspath(docs_dir)):
        return None
    target = os.path.realpath(path)  # unlike Path.resolve, never raises on a loop
    if is_below(target, _real_folder(os.fspath(docs_dir))):
        return None
    return SYMLINK_OUTSIDE.at(display, 1, 1,
                              f"it is a symbolic link to {target}, outside the docs folder: "
                              "copy the content into docs/ instead")


# The docs folder's own real path: the same for every page of a run.
@functools.lru_cache(maxsize=64)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def deep_nesting(page, site) -> Iterator[Finding]:
    """One finding, at the first line nested more than MAX_NESTING levels deep."""
    if not (_DEEP_ENOUGH.match(page.body) or _DEEP_ENOUGH_LINE.search(page.body)):
        return
    for number, line, depth in _nesting(page.body.split("\n")):
        if depth > MAX_NESTING:
            yield NESTING_TOO_DEEP.at(
                page.display, page.body_line + number, 1,
                f"lists or block quotes are nested {depth} levels deep here (at most {MAX_NESTING}): "
                "flatten the structure")
            return


CHECKS = (deep_nesting,)


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
        while (quote := _QUOTE_RE.match(rest)):
            quotes, rest = quotes + 1, rest[quote.end():]
        indent = len(rest.expandtabs(TAB_WIDTH)) - len(rest.expandtabs(TAB_WIDTH).lstrip(" "))
        yield number, line, quotes + indent // TAB_WIDTH


def unrenderable(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that keep a file's text from the renderer."""
    return [f for f in findings if f.rule in UNRENDERABLE]


def notice(findings: Iterable[Finding]) -> str:
    """The Markdown the build renders in place of a page that must not or cannot be rendered."""
    lines = "\n".join(f.as_log() for f in findings)
    return f"# Page not published\n\nThis page was not rendered because of:\n\n```text\n{lines}\n```\n"
