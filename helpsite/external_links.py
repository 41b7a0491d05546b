"""Python-Markdown extension: links to other sites get ``rel="noopener"``.

A page opened from ours must not get a handle on our window (``window.opener``), whatever
target a theme or a later script gives the link. ``noreferrer`` is not added: browsers
already send only our origin to other sites (the host sets ``Referrer-Policy``, see
hosting/), and Microsoft's pages use the referrer to count help-site visits.
Raw HTML ``<a>`` tags are not rewritten: the unsafe-html rule governs raw HTML.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

REL = ("noopener",)


def is_external(href: str) -> bool:
    parts = urlsplit(href.strip())
    return parts.scheme.lower() in ("http", "https") or (not parts.scheme and href.strip().startswith("//"))


class ExternalLinkRel(Treeprocessor):
    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            if is_external(link.get("href", "")):
                tokens = link.get("rel", "").split()
                link.set("rel", " ".join(tokens + [t for t in REL if t not in tokens]))


class ExternalLinksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after the inline patterns (20) have made the links
        md.treeprocessors.register(ExternalLinkRel(md), "helpsite_external_links", 1)


def makeExtension(**kwargs) -> ExternalLinksExtension:
    return ExternalLinksExtension(**kwargs)
