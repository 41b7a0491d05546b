"""Python-Markdown extension: stable heading ids from Microsoft Learn's legacy anchors.

Microsoft content writes ``# <a name="transfer-licenses-between-tenants"></a>Translated title``.
The anchor becomes the heading's ``id`` (and leaves the heading text), so the same deep link
works in every locale instead of a slug of each translation. An explicit ``{#id}`` wins.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _AnchorParser(HTMLParser):
    """Accepts exactly one empty ``<a name|id=...></a>`` and nothing else."""

    def __init__(self):
        super().__init__()
        self.anchor: str | None = None
        self.valid = True
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or attrs.get("id")
        if tag != "a" or self.anchor is not None or not name or "href" in attrs:
            self.valid = False
        self.anchor, self.depth = name, self.depth + 1

    def handle_endtag(self, tag):
        self.depth -= 1
        if tag != "a":
            self.valid = False

    def handle_data(self, data):
        if data.strip():
            self.valid = False


def legacy_anchor(markup: str) -> str | None:
    """The anchor name if ``markup`` is a lone empty named anchor."""
    parser = _AnchorParser()
    parser.feed(markup)
    parser.close()
    return parser.anchor if parser.valid and parser.depth == 0 else None


class LegacyAnchorIds(Treeprocessor):
    def run(self, root: Element) -> None:
        for heading in root.iter():
            if heading.tag in HEADINGS and "id" not in heading.attrib and heading.text:
                self._promote(heading)

    def _promote(self, heading: Element) -> None:
        text, markup, end = heading.text, "", 0
        stripped = len(text) - len(text.lstrip())
        position = stripped
        while match := HTML_PLACEHOLDER_RE.match(text, position):
            markup += self.md.htmlStash.rawHtmlBlocks[int(match.group(1))]
            position = end = match.end()
        anchor = legacy_anchor(markup) if markup else None
        if anchor:
            heading.set("id", anchor)
            heading.text = text[end:].lstrip()


class LegacyAnchorExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after inline HTML is stashed (20), before attr_list (8) and toc (5) assign ids
        md.treeprocessors.register(LegacyAnchorIds(md), "helpsite_legacy_anchor", 9)


def makeExtension(**kwargs) -> LegacyAnchorExtension:
    return LegacyAnchorExtension(**kwargs)
