"""The settings of mkdocs.yml that the theme prints as HTML on purpose (Material's ``copyright``):
held to the rule of raw HTML in a page, ``unsafe-html``, and named at their line of mkdocs.yml.

``check`` reports them with the whole site (or when mkdocs.yml is named), the build and the
preview once a build (hooks/escaped_text.py); ``helpsite.published.escaping`` prints a setting with a
finding as text instead of markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from helpsite.core.site import CONFIG_FILE, Site, markup_settings
from helpsite.linting import links, structure
from helpsite.text import markdown


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
            yield structure.UNSAFE_HTML.at(
                display, line, column, f"{where} holds <{tag}>, which runs code: remove it"
            )
        for name, value in attrs:
            if name.startswith("on"):
                yield structure.UNSAFE_HTML.at(
                    display, line, column, f"{where} holds <{tag} {name}=...>, which runs script: remove it"
                )
            elif value and links.unsafe_scheme(value):
                yield structure.UNSAFE_HTML.at(
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
