"""The shape of a page's Markdown: one H1, and no HTML that runs code or embeds other sites."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from helpsite import links, markdown, rules, safety
from helpsite.page import Page
from helpsite.site import CONFIG_FILE, Site, markup_settings

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
RULES = (H1, UNSAFE_HTML)


def structure_findings(page: Page, site: Site) -> Iterator:
    if not page.readable:
        return
    document = markdown.page_document(page, site)
    if document.too_deep:
        yield safety.MARKUP_TOO_DEEP.at(
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


def config_findings(site: Site) -> list:
    """``unsafe-html`` in the settings of mkdocs.yml that the theme prints as HTML (copyright,
    site-wide and per locale), at the line of each."""
    shown = site.display_path(site.root / CONFIG_FILE)
    return [
        finding
        for setting in markup_settings(site.root)
        for finding in html_findings(setting.value, shown, setting.line, setting.column, setting.key)
    ]


def html_findings(html: str, display: str, line: int, column: int, where: str = "the text") -> Iterator:
    """``unsafe-html`` in a fragment of HTML written outside a page (placed at ``line``,
    ``column``, where its value starts): the tags a page may not hold, event handlers, and
    URLs a browser would run."""
    for tag, attrs in _start_tags(html):
        if tag in markdown.UNSAFE_TAGS:
            yield UNSAFE_HTML.at(display, line, column, f"{where} holds <{tag}>, which runs code: remove it")
        for name, value in attrs:
            if name.startswith("on"):
                yield UNSAFE_HTML.at(
                    display, line, column, f"{where} holds <{tag} {name}=...>, which runs script: remove it"
                )
            elif value and links.unsafe_scheme(value):
                yield UNSAFE_HTML.at(
                    display,
                    line,
                    column,
                    f'{where} holds <{tag} {name}="{links.shorten(value)}">, a URL that runs script: remove it',
                )


def _start_tags(html: str) -> list[tuple[str, list]]:
    """The start tags of ``html`` as a browser reads them (names and attribute names lowercase)."""
    tags: list[tuple[str, list]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    reader.close()
    return tags


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
