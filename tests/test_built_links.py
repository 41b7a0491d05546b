"""helpsite.published.built_links: one pass over a built folder, every internal link and anchor resolved."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpsite.published import built_links
from helpsite.published.built_links import Broken, Link, Unreadable

SITE = Path(__file__).parent / "fixtures" / "built_links" / "site"
BASE = "https://docs.example.com/help/"


def broken(page: str, line: int, written: str, url: str, anchor: bool = False) -> Broken:
    reason = "no such anchor" if anchor else "404 Not Found"
    return Broken(Link(page, line, written, BASE + url), reason, anchor)


def test_every_kind_of_link_and_anchor_is_read_and_resolved():
    found = built_links.scan(SITE, BASE)
    assert found.broken == [
        # The stylesheet's @import and url()s (its url(bg.png) is there; comments, url(#id)
        # and data: URLs are not places).
        broken("assets/site.css", 1, "gone-import.css", "assets/gone-import.css"),
        broken("assets/site.css", 4, "missing.svg", "assets/missing.svg"),
        broken("assets/site.css", 5, "../fonts/gone.woff2", "fonts/gone.woff2"),
        broken("guide/index.html", 4, "../#gone", "#gone", anchor=True),
        broken("index.html", 6, "assets/gone.css", "assets/gone.css"),
        broken("index.html", 9, "guide/#nowhere", "guide/#nowhere", anchor=True),
        broken("index.html", 10, "assets/gone.js", "assets/gone.js"),
        broken("index.html", 14, "#description", "#description", anchor=True),
        broken("index.html", 14, "#q", "#q", anchor=True),
        broken("index.html", 16, "find/", "find/"),
        broken("index.html", 18, "guide/?v=2#gone", "guide/?v=2#gone", anchor=True),
        broken("index.html", 19, "empty/", "empty/"),
        broken("index.html", 20, "assets/pic@2x.png", "assets/pic@2x.png"),
        broken("index.html", 26, "https://docs.example.com/help/gone/", "gone/"),
        broken("sitemap.xml", 5, "https://docs.example.com/help/nb/guide/", "nb/guide/"),
    ]
    assert [(link.page, link.line, link.url) for link in found.external] == [
        ("index.html", 23, "https://other.example.com/x"),
        ("index.html", 24, "https://docs.example.com/other/"),
        ("index.html", 27, "https://docs.example.com/up-and-out/"),
    ]
    assert (found.pages, found.unreadable) == (4, [])


def test_a_site_at_the_root_resolves_root_relative_links_to_the_folder():
    found = built_links.scan(SITE, "http://127.0.0.1:8000/")
    assert "http://127.0.0.1:8000/other/" in {b.link.url for b in found.broken}
    assert {link.url for link in found.external} >= {"https://docs.example.com/help/gone/"}


def test_links_into_skipped_folders_are_not_checked():
    found = built_links.scan(SITE, BASE, skip=("nb/", "empty/"))
    assert {b.link.url for b in found.broken} & {BASE + "nb/guide/", BASE + "empty/"} == set()


def test_a_page_that_cannot_be_parsed_is_reported_and_the_rest_is_checked(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "guide" / "index.html").write_bytes(b"<html>\x00\x01\x02 binary")
    (site / "latin1.html").write_bytes("<p>bl\u00e5b\u00e6r</p>".encode("latin-1"))
    with open(site / "huge.html", "wb") as huge:  # 50 MB of real HTML, made here, not committed
        paragraph = b"<p><a href='#nowhere'>" + b"x" * 1000 + b"</a></p>\n"
        huge.write(b"<html><body>" + paragraph * (50 * 1024 * 1024 // len(paragraph) + 1))
    found = built_links.scan(site, BASE)
    assert found.unreadable == [
        Unreadable("guide/index.html", "not text: a NUL byte at byte 6"),
        Unreadable("huge.html", "50 MB, more than the 20 MB a page is read to"),
        Unreadable("latin1.html", "not UTF-8: byte 5 is 0xe5"),
    ]
    # The unreadable page's anchors are not known: links to them are not reported as broken.
    assert BASE + "guide/#nowhere" not in {b.link.url for b in found.broken}
    assert BASE + "assets/gone.css" in {b.link.url for b in found.broken}


def test_pages_read_in_several_processes_give_the_same_scan(monkeypatch):
    one = built_links.scan(SITE, BASE, jobs=1)
    monkeypatch.setattr(built_links, "_PAGES_PER_JOB", 1)
    assert built_links.scan(SITE, BASE, jobs=3) == one
