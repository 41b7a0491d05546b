"""Python-Markdown extension: links to other sites get ``rel="noopener"``.

A page opened from ours must not get a handle on our window (``window.opener``), whatever
target a theme or a later script gives the link. ``noreferrer`` is not added: browsers
already send only our origin to other sites (the host sets ``Referrer-Policy``, see
hosting/), and Microsoft's pages use the referrer to count help-site visits.
Raw HTML ``<a>`` tags in the page get the same ``rel``.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

REL = ("noopener",)


def is_external(href: str) -> bool:
    parts = urlsplit(href.strip())
    return parts.scheme.lower() in ("http", "https") or (not parts.scheme and href.strip().startswith("//"))


def with_rel(rel: str | None) -> str:
    tokens = (rel or "").split()
    return " ".join(tokens + [t for t in REL if t not in tokens])


class ExternalLinkRel(Treeprocessor):
    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            if is_external(link.get("href", "")):
                link.set("rel", with_rel(link.get("rel")))
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and "<a" in block.lower():
                stash[index] = _RawLinkRel.rewrite(block)


class _RawLinkRel(HTMLParser):
    """Adds the rel tokens to each external ``<a>`` start tag of a piece of raw HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, str]] = []  # (tag as written, tag to write)

    @classmethod
    def rewrite(cls, markup: str) -> str:
        parser = cls()
        parser.feed(markup)
        parser.close()
        for written, rewritten in parser.tags:
            markup = markup.replace(written, rewritten, 1)
        return markup

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and is_external(attributes.get("href") or ""):
            attributes["rel"] = with_rel(attributes.get("rel"))
            written = self.get_starttag_text()
            pairs = "".join(
                f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attributes.items()
            )
            self.tags.append((written, f"<a{pairs}>"))


class ExternalLinksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after the inline patterns (20) have made the links
        md.treeprocessors.register(ExternalLinkRel(md), "helpsite_external_links", 1)


def makeExtension(**kwargs) -> ExternalLinksExtension:
    return ExternalLinksExtension(**kwargs)
