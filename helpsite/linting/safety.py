"""Input the renderer must never see: files from outside docs/, and nesting that breaks it.

A symbolic link in docs/ that points elsewhere would publish whatever it points to, so it
is refused. Python-Markdown recurses once per nesting level: a list nested ~250 levels deep
raises RecursionError and a deep block quote takes time quadratic in its depth, so nesting
past ``Limits.max_nesting`` is an error found before rendering; so is a page larger than
``Limits.max_page_characters`` (the bound on a page's time and memory), and inline markup or
HTML nested past what the engine can recurse through (found by the check's own parse). The
build hook renders a page that has one of the ``UNRENDERABLE`` findings as a notice instead of
its text. Invalid front matter is one of them: MkDocs would publish it as page text, and would
load an alias bomb that anything serialising the metadata later expands.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from helpsite.core import lasting
from helpsite.core.findings import ERROR, Finding
from helpsite.core.site import LIMITS_KEY, Limits, Site, is_below
from helpsite.linting import rules
from helpsite.text import nesting
from helpsite.text import page as pages

SYMLINK_OUTSIDE = rules.define(
    "symlink-outside",
    ERROR,
    "A file or folder in docs/ is a symbolic link to something outside it; it is not published.",
    why="MkDocs follows symbolic links: one that leads out of docs/ would publish whatever it "
    "points to (a private file, /etc/passwd) as a page of the site.",
    fix="Copy the content into docs/ instead of linking to it.",
    bad=rules.Example("# Transfer licenses\n", file="symlink-outside"),
    good=rules.Example("# Transfer licenses\n"),
    tags=["file"],
)
NESTING_TOO_DEEP = rules.define(
    "nesting-too-deep",
    ERROR,
    f"Lists or block quotes are nested more than {Limits.max_nesting} levels deep "
    f"(`{LIMITS_KEY}.max_nesting` in mkdocs.yml).",
    why="Python-Markdown recurses once per level: about 250 levels crash the build and a deep "
    "block quote takes time quadratic in its depth. No reader follows 20 levels either.",
    fix="Flatten the structure: split the list, or make the inner levels paragraphs or a table. "
    f"A site that needs deeper nesting raises `{LIMITS_KEY}.max_nesting` in mkdocs.yml "
    "(below 200: the engine's own limit is about 250).",
    bad="# Transfer licenses\n\n" + ">" * (Limits.max_nesting + 1) + " Cancel the subscription.\n",
    good="# Transfer licenses\n\n> Cancel the subscription.\n",
    unsilenceable="the page cannot be rendered safely, so it is not published",
    tags=["structure"],
)
PAGE_TOO_LARGE = rules.define(
    "page-too-large",
    ERROR,
    f"The page body has more than {Limits.max_page_characters:,} characters "
    f"(`{LIMITS_KEY}.max_page_characters` in mkdocs.yml); it is neither checked nor published.",
    why="Checking and rendering take time and memory in proportion to a page's size (about 4 s "
    "and 100 MB per million characters): the limit keeps one huge or generated file from "
    "stalling every build and preview. Real reference pages are far smaller.",
    fix="Split the page into several pages. A site that publishes larger pages raises "
    f"`{LIMITS_KEY}.max_page_characters` in mkdocs.yml (`extra: helpsite: max_page_characters: "
    "20000000`).",
    no_example="a page past the limit holds ten million characters; the bad-input catalogue's "
    "too-large case (tests/fixtures/bad-input) shows it",
    unsilenceable="the page is not read, so no comment in it is either",
    tags=["structure"],
)
RULES = (SYMLINK_OUTSIDE, NESTING_TOO_DEEP, PAGE_TOO_LARGE)

# Findings after which the page's text must not reach Markdown (or cannot be read at all).
UNRENDERABLE = {
    rules.ENCODING.id,
    rules.IO_ERROR.id,
    rules.YAML_INVALID.id,
    SYMLINK_OUTSIDE.id,
    NESTING_TOO_DEEP.id,
    PAGE_TOO_LARGE.id,
    "markup-too-deep",  # found by the structure check's parse (helpsite.linting.structure)
}


def outside_docs(path: Path, docs_dir: Path, display: str) -> Finding | None:
    """A finding when ``path`` lies in ``docs_dir`` but resolves to somewhere outside it, at the
    symbolic link that leads out (``outside_link``: a linked folder, for a file below it), named
    as ``display`` names ``path``."""
    link = outside_link(path, docs_dir)
    if link is None:
        return None
    below = os.path.relpath(os.path.abspath(path), link)
    if below != os.curdir:  # the link's name: display less the parts below the link
        display = display.replace(os.sep, "/").rsplit("/", len(below.split(os.sep)))[0]
    return SYMLINK_OUTSIDE.at(
        display,
        1,
        1,
        f"it is a symbolic link to {os.path.realpath(link)}, outside the docs folder: copy the content "
        "into docs/ instead",
    )


def outside_link(path: Path, docs_dir: Path) -> str | None:
    """The outermost symbolic link, from ``docs_dir`` down to ``path`` (``path`` itself, or a
    folder above it), that leads out of ``docs_dir``; None when ``path`` resolves inside it
    (or is not in it)."""
    docs, path = os.path.abspath(docs_dir), os.path.abspath(path)
    if not is_below(path, docs):
        return None
    real_docs = _real_folder(docs)
    if is_below(os.path.realpath(path), real_docs):  # realpath, unlike Path.resolve, never raises on a loop
        return None
    current = docs
    for part in os.path.relpath(path, docs).split(os.sep):
        current = os.path.join(current, part)
        if not is_below(os.path.realpath(current), real_docs):
            return current
    return path


def load_file(path: Path, site: Site, locale: str | None = None, data: bytes | None = None) -> pages.Page:
    """A file as the checks see it; one that leads out of the docs folder is never read."""
    path = os.fspath(path)
    display = site.display_path(path)
    page_locale = locale or site.locale_of(path)
    page_path = site.page_path(path) or os.path.basename(path)
    if data is not None:
        return pages.load(data, display, page_locale, page_path)
    outside = outside_docs(path, site.docs_dir, display)
    if outside:  # its content is not the site's
        return pages.Page(display=display, locale=page_locale, page_path=page_path, findings=[outside])
    return pages.read(path, display, page_locale, page_path)


def unpublishable(path: Path, docs_dir: Path, shown: str) -> Finding | None:
    """Why a file that is not a page must not be copied into the site: it leads outside docs/,
    or there is nothing to copy (MkDocs raises on a dangling link and blocks on a named pipe)."""
    outside = outside_docs(path, docs_dir, shown)
    if outside or path.is_file():
        return outside
    return rules.IO_ERROR.at(
        shown, 1, 1, "cannot copy the file: it is not a regular file, or a symbolic link to one"
    )


# The docs folder's own real path: the same for every page of a run.
@lasting.memo(64, cleared=True)  # a folder may be linked elsewhere at the next build
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def limits(page, site) -> Iterator[Finding]:
    """A page larger than the limit; else one finding at the first line nested too deep."""
    if page.readable and len(page.body) > site.limits.max_page_characters:
        yield PAGE_TOO_LARGE.at(
            page.display,
            page.body_line,
            1,
            f"the page body has {len(page.body):,} characters, more than the checks and the build "
            f"read ({site.limits.max_page_characters:,}): split the page, or raise "
            f"{LIMITS_KEY}.max_page_characters in mkdocs.yml",
        )
        return
    found = nesting.too_deep(page.body, site.limits.max_nesting)
    if found:
        number, depth = found
        yield NESTING_TOO_DEEP.at(
            page.display,
            page.body_line + number,
            1,
            f"lists or block quotes are nested {depth} levels deep here (at most "
            f"{site.limits.max_nesting}): flatten the structure, or raise {LIMITS_KEY}.max_nesting "
            "in mkdocs.yml",
        )


CHECKS = (limits,)


def unrenderable(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that keep a file's text from the renderer."""
    return [f for f in findings if f.rule in UNRENDERABLE]


def notice(findings: Iterable[Finding]) -> str:
    """The Markdown the build renders in place of a page that must not or cannot be rendered."""
    lines = "\n".join(f.as_log() for f in findings)
    # a fence longer than any run of backticks in the messages (they quote the page): none ends it
    fence = "`" * max([3] + [len(run) + 1 for run in re.findall("`+", lines)])
    return (
        f"# Page not published\n\nThis page was not rendered because of:\n\n{fence}text\n{lines}\n{fence}\n"
    )
