"""Every internal link and ``#anchor`` of a built site, each page read and parsed once.

One pass over the folder: the list of its files first, then every HTML page and the sitemap
parsed once with lxml (libxml2's HTML parser, in C), its ids and links taken from the tree.
A link is resolved in memory against the file list; an anchor against the ids of the page it
leads to, known once that page has been read. So the cost of a page is its parse, whatever
links to it and with however many ``#fragments`` (LinkChecker fetches and parses a page again
for each). The site is what is below ``site_url``: a link there is internal, any other is
external and only listed, for LinkChecker to check when asked. (A site at ``https://host/m365/``
ends at ``/m365/``: a link to ``/other/`` on its host is external, for LinkChecker too.)

The links read are LinkChecker's (its ``LinkTags``: ``a href``, ``img src`` and ``srcset``,
``link href``, ``script src``, ...) and the anchors too (any ``id``, ``<a name>``): the two
checks agree on what is broken (``tests/test_linkcheck.py`` compares them on one site).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from helpsite.core import lasting
from helpsite.core.site import with_slash

# A page larger than this is not parsed: a finding, not minutes of parsing (libxml2 also
# refuses text nodes over 10 MB unless told otherwise).
MAX_PAGE_BYTES = 20 * 1024 * 1024
SITEMAP = "sitemap.xml"
STYLESHEET = ".css"  # read for its url() and @import links, with tinycss2

# LinkChecker's LinkTags (linkcheck/htmlutil/linkparse.py) for the attributes that hold one URL.
_URL_ATTRIBUTES = (
    "href",
    "src",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "cite",
    "longdesc",
    "usemap",
    "lowsrc",
    "codebase",
    "manifest",
    "pluginspage",
)
_LINKED_XPATH = (
    "//*["
    + " or ".join(f"@{name}" for name in _URL_ATTRIBUTES + ("srcset", "style"))
    + " or self::meta[@content]]"
)
_CSS_URL = re.compile(r"""url\(\s*(?:'([^']+)'|"([^"]+)"|([^)\s]+))\s*\)""")
# Not links to a place: what a browser hands to another program, or runs, or has inline.
_NOT_PLACES = ("mailto:", "tel:", "javascript:", "data:", "about:", "blob:", "sms:")
# The only LinkChecker meta tags with a URL: a refresh, and an icon's href.
_META_REFRESH = re.compile(r"^\d+;\s*url=(?P<url>.+)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Link:
    """One link as a page has it: where it is (the page's site-relative file, the HTML line), the
    value as written, and the absolute URL it leads to."""

    page: str
    line: int
    written: str
    url: str


@dataclass(frozen=True, order=True)
class Broken:
    link: Link
    reason: str
    anchor: bool = False  # the page exists, the #anchor does not


@dataclass(frozen=True, order=True)
class Unreadable:
    page: str  # site-relative file
    reason: str


@dataclass
class Scan:
    """What one pass over a built site found."""

    broken: list[Broken] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    external: list[Link] = field(default_factory=list)
    pages: int = 0
    links: int = 0


def scan(site_dir: Path, site_url: str, *, skip: tuple[str, ...] = (), jobs: int | None = None) -> Scan:
    """Every broken internal link and anchor of ``site_dir``, built for ``site_url``.

    ``skip``: site-relative path prefixes that are not part of this build (a one-locale build
    still links to the other locales' folders). ``jobs``: processes that read pages (default:
    one per core; parsing holds the GIL, so threads would not help).
    """
    files, folders = _listing(Path(site_dir))
    resolver = _Resolver(with_slash(site_url), files, folders, skip)
    pages = sorted(name for name in files if name.endswith((".html", STYLESHEET)))
    pages += [SITEMAP] if SITEMAP in files else []
    jobs = min(jobs or os.cpu_count() or 1, max(1, len(pages) // _PAGES_PER_JOB))
    found = Scan()
    ids: dict[str, frozenset[str] | None] = {}
    later: list[tuple[Link, str, str]] = []  # (link, target file, anchor) to another page
    for page in _read_all(Path(site_dir), resolver, pages, jobs):
        found.pages += 1
        found.links += page.links
        ids[page.page] = page.ids
        found.unreadable.extend(page.unreadable)
        found.broken.extend(page.broken)
        found.external.extend(page.external)
        later.extend(page.later)
    for link, file, anchor in later:
        target_ids = ids.get(file)
        if target_ids is not None and anchor not in target_ids:
            found.broken.append(Broken(link, _NO_ANCHOR, anchor=True))
    found.broken.sort()
    return found


# Below this many pages a job is not worth starting a process for.
_PAGES_PER_JOB = 200


@dataclass
class _Page:
    """One page read: its anchors, and its links sorted into broken, external and to check later
    (an anchor on another page)."""

    page: str
    ids: frozenset[str] | None = None
    links: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    external: list[Link] = field(default_factory=list)
    later: list[tuple[Link, str, str]] = field(default_factory=list)


def _read_all(site_dir: Path, resolver: _Resolver, pages: list[str], jobs: int):
    if jobs <= 1:
        return (_check_page(site_dir, resolver, page) for page in pages)
    # Pages in runs, so that a worker's results travel back in few, large messages.
    runs = [pages[start : start + 50] for start in range(0, len(pages), 50)]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with context.Pool(jobs, initializer=_start_worker, initargs=(site_dir, resolver)) as pool:
        return [page for run in pool.imap(_check_run, runs) for page in run]


_worker: tuple[Path, _Resolver] | None = None


def _start_worker(site_dir: Path, resolver: _Resolver) -> None:
    global _worker
    _worker = (site_dir, resolver)


def _check_run(pages: list[str]) -> list[_Page]:
    return [_check_page(*_worker, page) for page in pages]


def _check_page(site_dir: Path, resolver: _Resolver, page: str) -> _Page:
    result = _Page(page)
    read = _read(site_dir / page, page)
    if isinstance(read, Unreadable):
        result.unreadable.append(read)
        return result
    result.ids, links = read
    result.links = len(links)
    for line, written in links:
        link = Link(page, line, written, resolver.absolute(page, written))
        target = resolver.target(link.url)
        if target is _EXTERNAL:
            result.external.append(link)
        elif isinstance(target, _Missing):
            result.broken.append(Broken(Link(page, line, written, target.url), _NOT_FOUND))
        elif target:
            file, anchor = target
            if anchor and file.endswith(".html"):
                if file != page:
                    result.later.append((link, file, anchor))
                elif anchor not in result.ids:
                    result.broken.append(Broken(link, _NO_ANCHOR, anchor=True))
    return result


_NO_ANCHOR = "no such anchor"
_NOT_FOUND = "404 Not Found"  # as a server answers, and LinkChecker reports it
_EXTERNAL = object()


@dataclass(frozen=True)
class _Missing:
    url: str  # as a server names it: a folder's URL after its redirect to the slash


def _listing(site_dir: Path) -> tuple[set[str], set[str]]:
    files, folders = set(), {""}
    for folder, subfolders, names in os.walk(site_dir):
        relative = os.path.relpath(folder, site_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        folders.update(prefix + name for name in subfolders)
        files.update(prefix + name for name in names)
    return files, folders


def page_path(page: str) -> str:
    """The URL path, relative to the site, of a page's site-relative file (``a/index.html``: ``a/``)."""
    return page[: -len("index.html")] if page.endswith("index.html") else page


class _Resolver:
    """Page-relative link values to absolute URLs, and absolute URLs to files of the folder."""

    def __init__(self, mount: str, files: set[str], folders: set[str], skip: tuple[str, ...]):
        self.mount, self.files, self.folders, self.skip = mount, files, folders, skip
        self.page_urls: dict[str, str] = {}

    def page_url(self, page: str) -> str:
        url = self.page_urls.get(page)
        if url is None:
            url = self.page_urls[page] = self.mount + page_path(page)
        return url

    def absolute(self, page: str, written: str) -> str:
        if written.startswith("#"):  # most links of a page: its table of contents
            return self.page_url(page) + written
        if written.startswith(("https://", "http://")):
            return written
        return urllib.parse.urljoin(self.page_url(page), written)

    def target(self, url: str):
        """(file, decoded anchor) for a URL of the site, ``_Missing`` when it has no file,
        ``_EXTERNAL``, or None for a URL to skip."""
        if not url.startswith(self.mount):
            return None if url + "/" == self.mount else _EXTERNAL
        rest, _, fragment = url[len(self.mount) :].partition("#")
        path = urllib.parse.unquote(rest.partition("?")[0])
        if self.skip and (path.startswith(self.skip) or path + "/" in self.skip):
            return None
        if path in self.folders and path and not path.endswith("/"):
            url, path = self.mount + rest.partition("?")[0] + "/", path + "/"
        if path == "" or path.endswith("/"):
            path += "index.html"
        if path not in self.files:
            return _Missing(url)
        return path, urllib.parse.unquote(fragment)


# ----------------------------------------------------------------------------
# One page
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsing:
    """lxml, its parsers and the compiled queries, made once per process."""

    etree: object
    html: object
    xml: object
    linked: object
    anchored: object
    sitemap_urls: object


@lasting.memo(1)  # made once a process
def _parsing() -> _Parsing:
    # lxml is imported when a site is scanned: the page checks (the pre-commit hook's
    # environment has only their dependencies) never need it.
    from lxml import etree

    return _Parsing(
        etree,
        etree.HTMLParser(collect_ids=False, recover=True),
        etree.XMLParser(resolve_entities=False, no_network=True, recover=False),
        etree.XPath(_LINKED_XPATH),
        etree.XPath("//*[@id] | //a[@name]"),
        etree.XPath("//*[local-name()='loc' or local-name()='link']"),
    )


def _read(path: Path, page: str) -> tuple[frozenset[str], list[tuple[int, str]]] | Unreadable:
    """A page's ids and its links as (HTML line, value), or why it could not be read."""
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return Unreadable(
                page,
                f"{size / 1024 / 1024:.0f} MB, more than the "
                f"{MAX_PAGE_BYTES // 1024 // 1024} MB a page is read to",
            )
        data = path.read_bytes()
    except OSError as error:
        return Unreadable(page, f"cannot be read: {error.strerror}")
    problem = _not_text(data)
    if problem:
        return Unreadable(page, problem)
    parsing = _parsing()
    try:
        if page == SITEMAP:
            return frozenset(), _sitemap_links(data)
        if page.endswith(STYLESHEET):
            return frozenset(), _stylesheet_links(data.decode("utf-8"))
        root = parsing.etree.fromstring(data, parsing.html)
    except (parsing.etree.ParserError, parsing.etree.XMLSyntaxError, ValueError) as error:
        return Unreadable(page, f"cannot be parsed: {error}")
    if root is None:
        return Unreadable(page, "cannot be parsed: no HTML in it")
    return _anchors(root), _links(root)


def _stylesheet_links(text: str) -> list[tuple[int, str]]:
    """A stylesheet's url() values and @import strings as (line, value), comments left out (a
    source map's /*# sourceMappingURL */ too); ``url(#id)`` names an element of the page that
    uses the stylesheet, not a place."""
    import tinycss2  # when a site is scanned, as lxml

    links = []

    def walk(tokens, after_import=False):
        for token in tokens:
            if token.type == "url":
                links.append((token.source_line, token.value))
            elif token.type == "function":
                if token.lower_name == "url":
                    value = next((t.value for t in token.arguments if t.type == "string"), None)
                    if value is not None:
                        links.append((token.source_line, value))
                walk(token.arguments)
            elif token.type in ("() block", "[] block", "{} block"):
                walk(token.content)
            elif token.type == "string" and after_import:
                links.append((token.source_line, token.value))
            if token.type not in ("whitespace", "comment"):
                after_import = token.type == "at-keyword" and token.lower_value == "import"

    walk(tinycss2.parse_component_value_list(text, skip_comments=True))
    return [
        (line, value.strip())
        for line, value in links
        if value.strip() and not value.strip().startswith("#") and not value.lower().startswith(_NOT_PLACES)
    ]


def _not_text(data: bytes) -> str | None:
    nul = data.find(b"\0")
    if nul >= 0:
        return f"not text: a NUL byte at byte {nul}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"not UTF-8: byte {error.start} is {data[error.start]:#04x}"
    return None


def _anchors(root) -> frozenset[str]:
    anchors = set()
    for element in _parsing().anchored(root):
        anchors.add(element.get("id"))
        if element.tag == "a":
            anchors.add(element.get("name"))
    anchors.discard(None)
    return frozenset(anchors)


def _links(root) -> list[tuple[int, str]]:
    links = []
    for element in _parsing().linked(root):
        line = element.sourceline or 0
        attributes = element.attrib
        tag = element.tag
        if tag == "meta":
            value = _meta_url(attributes)
            if value:
                links.append((line, value))
            continue
        for name in _URL_ATTRIBUTES:
            value = attributes.get(name)
            if value is None or name == "action" and attributes.get("method", "").lower() == "post":
                continue
            if value.strip():
                links.append((line, value.strip()))
        srcset = attributes.get("srcset")
        if srcset and tag in ("img", "source"):
            links.extend((line, candidate.split()[0]) for candidate in srcset.split(",") if candidate.strip())
        style = attributes.get("style")
        if style:
            links.extend((line, next(filter(None, match.groups()))) for match in _CSS_URL.finditer(style))
    return [(line, value) for line, value in links if not value.lower().startswith(_NOT_PLACES)]


def _meta_url(attributes) -> str | None:
    if attributes.get("http-equiv", "").lower() == "refresh":
        match = _META_REFRESH.match(attributes.get("content", ""))
        return match.group("url").strip() if match else None
    if attributes.get("rel", "").lower() in ("icon", "shortcut icon"):
        return (attributes.get("href") or "").strip() or None
    return None


def _sitemap_links(data: bytes) -> list[tuple[int, str]]:
    parsing = _parsing()
    root = parsing.etree.fromstring(data, parsing.xml)
    links = []
    for element in parsing.sitemap_urls(root):
        value = (
            element.text if parsing.etree.QName(element).localname == "loc" else element.get("href")
        ) or ""
        if value.strip():
            links.append((element.sourceline or 0, value.strip()))
    return links
