"""External links get rel="noopener": in the extension, and in every locale's built article."""

from __future__ import annotations

import markdown
import pytest
from conftest import LOCALES, page_file, parse_html

EXTENSIONS = ["attr_list", "md_in_html", "helpsite.text.external_links"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "text, html",
    [
        (
            "[Senter](https://admin.microsoft.com/)",
            '<p><a href="https://admin.microsoft.com/" rel="noopener">Senter</a></p>',
        ),
        ("<https://aka.ms/x>", '<p><a href="https://aka.ms/x" rel="noopener">https://aka.ms/x</a></p>'),
        ("[CDN](//cdn.example.com/a)", '<p><a href="//cdn.example.com/a" rel="noopener">CDN</a></p>'),
        (
            "[Gammel](HTTP://EXAMPLE.COM){rel=nofollow}",
            '<p><a href="HTTP://EXAMPLE.COM" rel="nofollow noopener">Gammel</a></p>',
        ),
        (
            "[Igjen](https://x.example){rel=noopener}",
            '<p><a href="https://x.example" rel="noopener">Igjen</a></p>',
        ),
        ("[Side](../licenses/x.md)", '<p><a href="../licenses/x.md">Side</a></p>'),
        ("[Anker](#trinn)", '<p><a href="#trinn">Anker</a></p>'),
        ("[Post](mailto:hjelp@example.com)", '<p><a href="mailto:hjelp@example.com">Post</a></p>'),
    ],
)
def test_rel_is_added_to_external_links_only(text, html):
    assert render(text) == html


@pytest.mark.parametrize(
    "text, html",
    [
        (
            'Se <a href="https://x.example/?a=1&amp;b=2" title="T > 1">her</a>.',
            '<p>Se <a href="https://x.example/?a=1&amp;b=2" title="T &gt; 1" rel="noopener">her</a>.</p>',
        ),
        (
            "<p>Blokk: <A HREF='//cdn.example' rel=nofollow>cdn</A> og <a href=\"../lokal/\">lokal</a></p>",
            '<p>Blokk: <a href="//cdn.example" rel="nofollow noopener">cdn</A> og <a href="../lokal/">lokal</a></p>',
        ),
        (
            '<div markdown="1">\n[Inni](https://y.example) <a href="https://y.example">rå</a>\n</div>',
            '<div>\n<p><a href="https://y.example" rel="noopener">Inni</a> '
            '<a href="https://y.example" rel="noopener">rå</a></p>\n</div>',
        ),
    ],
)
def test_rel_is_added_to_raw_html_links(text, html):
    assert render(text) == html


@pytest.mark.parametrize("locale", LOCALES)
def test_built_article_external_links_have_noopener(built_site, locale):
    tree = parse_html(page_file(built_site, locale))
    external = tree.xpath("//article//a[starts-with(@href, 'http')]")
    assert len(external) >= 6
    assert [a.get("href") for a in external if "noopener" not in (a.get("rel") or "").split()] == []
