"""The shape of a page's Markdown: one H1, and no HTML that runs code or embeds other sites."""

from __future__ import annotations

from collections.abc import Iterator

from helpsite.core.site import Site
from helpsite.linting import rules
from helpsite.text import markdown
from helpsite.text.page import Page

H1 = rules.define(
    "h1",
    rules.ERROR,
    "A page needs exactly one H1 heading (# or setext).",
    why="The H1 is the page's title for readers, screen readers (which jump by heading) and "
    "search engines; the front matter title is not shown in the page. A second H1 splits "
    "the page into two documents.",
    fix="Start the body with one '# Title' line; make any further H1 a '##'.",
    bad="# Transfer licenses\n\nLicenses cannot move between tenants.\n\n# Before you begin\n",
    good="# Transfer licenses\n\nLicenses cannot move between tenants.\n\n## Before you begin\n",
    tags=["structure"],
)
UNSAFE_HTML = rules.define(
    "unsafe-html",
    rules.ERROR,
    "Raw <script>, <iframe>, <object> or <embed>, or an inline event handler (onclick=...); in a "
    "setting of mkdocs.yml printed as HTML (copyright), also a javascript: URL.",
    why="Such HTML runs code or embeds another site in the help page; the site's "
    "Content-Security-Policy would block it anyway, so readers would see a broken page. A setting "
    "that holds it is shown as text instead of markup.",
    fix="Remove the element or attribute; link to the other content instead.",
    bad='# Transfer licenses\n\n<iframe src="https://www.youtube.com/embed/x"></iframe>\n',
    good="# Transfer licenses\n\n[Watch the video](https://www.youtube.com/watch?v=x)\n",
    tags=["security"],
)
MARKUP_TOO_DEEP = rules.define(
    "markup-too-deep",
    rules.ERROR,
    "Inline markup or HTML is nested deeper than the Markdown engine can read (Python's recursion "
    "limit); the page is not published.",
    why="Python-Markdown recurses once per nested emphasis, link or `<div markdown>`: some hundreds "
    "of levels crash the build instead of rendering the page.",
    fix="Flatten the markup: close emphasis and elements before opening new ones. No setting "
    "raises this limit: it is the engine's.",
    no_example="the smallest page that shows it holds thousands of nested markers; the bad-input "
    "catalogue's deep-emphasis and deep-html cases (tests/fixtures/bad-input) show it",
    unsilenceable="the page cannot be rendered safely, so it is not published",
    tags=["structure"],
)
RULES = (H1, UNSAFE_HTML, MARKUP_TOO_DEEP)


def structure_findings(page: Page, site: Site) -> Iterator:
    if not page.readable:
        return
    document = markdown.page_document(page, site)
    if document.too_deep:
        yield MARKUP_TOO_DEEP.at(
            page.display,
            page.body_line,
            1,
            "markup or HTML in the page is nested too deeply for the Markdown engine to read: "
            "flatten the emphasis, links or <div> elements nested in one another",
        )
        return
    if document.refused:  # safety.limits reports why
        return
    yield from h1_findings(page, document)
    for tag in document.tags:
        if tag.name in markdown.UNSAFE_TAGS:
            yield UNSAFE_HTML.at(
                page.display,
                tag.line,
                tag.column,
                f"<{tag.name}> runs code or embeds another site in the page: "
                "remove it, or link to the content instead",
            )
        for name, _ in tag.attrs:
            if name.startswith("on"):
                yield UNSAFE_HTML.at(
                    page.display,
                    tag.line,
                    tag.column,
                    f"<{tag.name} {name}=...> runs script: remove the attribute",
                )


CHECKS = (structure_findings,)


def h1_findings(page: Page, document: markdown.Document) -> Iterator:
    # the front matter title is not a heading: a reader of the page sees only the body's H1
    if not document.h1_lines:
        yield H1.at(page.display, 1, 1, "the page has no H1: start the body with '# Title'")
    for line, column in document.h1_lines[1:]:
        first = document.h1_lines[0][0]
        yield H1.at(
            page.display,
            line,
            column,
            f"a second H1 (the first is on line {first}): a page has one H1; make this one '##'",
        )
