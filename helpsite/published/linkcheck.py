"""The site's link check: every link and anchor of the built site, each broken one named once on
what wrote it.

Two engines feed one report. The check itself is ``helpsite.published.built_links``: one pass over the
built folder, each page parsed once, every internal link and ``#anchor`` resolved in memory
(seconds for thousands of pages). LinkChecker checks what needs the network, the external
links (``check_extern``: a scheduled job), and is the reference: ``reference=True`` crawls the
folder served on 127.0.0.1 at the path of ``site_url``, and the tests hold the two to the same
broken URLs.

Each broken link is traced to what wrote it: the Markdown file of its page (the English file
for a page another locale shows untranslated, once, naming those locales), at the line and
column of the link there; a link the theme made, to the line of ``mkdocs.yml`` or of the
template in ``overrides/`` that has it.
"""

from __future__ import annotations

import csv
import io
import mimetypes
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath

from helpsite.core import lasting
from helpsite.core.errors import HelpsiteError
from helpsite.core.findings import ERROR, Finding
from helpsite.core.site import CONFIG_FILE as MKDOCS_FILE
from helpsite.core.site import Site, with_slash
from helpsite.linting import rules
from helpsite.published import built_links
from helpsite.published.built_links import Broken, Link, Unreadable
from helpsite.text.positions import line_column

CONFIG_FILE = "linkcheckerrc"
# Hosts that refuse robots (LinkChecker would report them broken): never checked.
ALLOW_FILE = "linkcheck-allow.txt"
THEME_FOLDER = "overrides"

BROKEN_LINK = rules.define(
    "broken-link",
    ERROR,
    "A link in the built site leads to a page or file that does not answer.",
    why="A reader who follows it gets a 404. Found by `python -m helpsite linkcheck` on the built "
    "site (not by `check`), so links the theme makes and English fallbacks are checked too.",
    fix="Correct the link's target: link to the .md file of the page (MkDocs turns it into the "
    "page's URL), relative to the page that links.",
    bad=rules.Example("# Transfer licenses\n\nSee [the home page](../indx.md).\n"),
    good=rules.Example("# Transfer licenses\n\nSee [the home page](../index.md).\n"),
    silence="A comment cannot silence it (it is found on the whole site, not by the page checks "
    "that read comments): correct the link. A host that refuses robots can be left out of "
    "the external link check for good in linkcheck-allow.txt.",
    tags=["links", "site"],
)
BROKEN_ANCHOR = rules.define(
    "broken-anchor",
    ERROR,
    "A link's #anchor is not an id of the page it leads to.",
    why="The page opens at its top instead of the section meant, and the reader must search "
    "for it. Found by `python -m helpsite linkcheck` on the built site.",
    fix="Link to an id the page has: a heading's id (its legacy <a name> anchor, or its text in "
    "lowercase with '-' for spaces), or add the anchor to the heading.",
    bad=rules.Example("# Transfer licenses\n\nSee [next steps](#next-step).\n\n## Next steps\n"),
    good=rules.Example("# Transfer licenses\n\nSee [next steps](#next-steps).\n\n## Next steps\n"),
    tags=["links", "site"],
)
UNREADABLE_PAGE = rules.define(
    "unreadable-page",
    ERROR,
    "A built page is not UTF-8 HTML text or is too large to read, so its links were not checked.",
    why="Its links and anchors are unknown: a broken one would reach readers unreported. A page "
    "MkDocs builds is UTF-8 HTML; binary bytes or a page of more than 20 MB mean something "
    "wrote over the build, or a page embeds what it should link to.",
    fix="Rebuild the site; if the page is still too large, split it or link to the large content "
    "(a file of its own) instead of embedding it.",
    no_example="It is found in the built HTML, not in a page's Markdown: no Markdown page builds "
    "to binary bytes",
    tags=["links", "site"],
)
RULES = (BROKEN_LINK, BROKEN_ANCHOR, UNREADABLE_PAGE)

_ANCHOR_MISSING = re.compile(r"^Anchor `")
# LinkChecker does not look at the links of a page whose robots meta says nofollow; that is
# meant for search engines, not for the site's own check.
_ROBOTS_META = re.compile(rb"""<meta\s[^>]*name=["']?robots["']?[^>]*>""", re.IGNORECASE)
# Link destinations as a writer types them: [text](dest), [text]: dest, <https://...>,
# href="dest" and src="dest" in raw HTML.
_DESTINATION = re.compile(
    r"""\]\(\s*<?(?P<inline>[^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(?P<ref>\S+?)>?(?:\s|$)"""
    r"""|<(?P<auto>[a-z][a-z0-9+.-]*://[^>\s]+)>"""
    r"""|\b(?:href|src)\s*=\s*["'](?P<html>[^"']+)""",
    re.MULTILINE | re.IGNORECASE,
)
_DESTINATION_GROUPS = ("inline", "ref", "auto", "html")
_INDEX_NAMES = ("index.md", "README.md")
# The generator tag MkDocs' themes write: what tells a built site from any folder.
_GENERATOR = re.compile(rb"""<meta\s+name=["']?generator["']?\s+content=["']?mkdocs-""")


class LinkcheckError(HelpsiteError):
    """The check could not run (not a broken link: a broken set-up or a folder that is no site)."""


@dataclass(frozen=True)
class Source:
    """The Markdown file a built page comes from."""

    path: Path
    locale: str  # the locale of the page as served
    page_path: str  # licenses/x.md
    fallback: bool  # a source-locale file shown in another locale


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------


def check_site(
    site: Site,
    site_dir: Path,
    *,
    check_extern: bool = False,
    only_locale: str | None = None,
    config: Path | None = None,
    allow_file: Path | None = None,
    reference: bool = False,
) -> list[Finding]:
    """Every broken link and anchor of the built ``site_dir``, as findings on what wrote them.

    ``only_locale``: the site was built for that locale alone, at the root (HELPSITE_LOCALE).
    ``reference``: LinkChecker crawls the served folder instead of the one-pass check.
    """
    site_dir = built_site_folder(site_dir)
    config = config or site.root / CONFIG_FILE
    # A one-locale build (its pages at the root) still links to the full site's locale folders:
    # the language selector, hreflang links. Those pages are not part of this build, not broken.
    other_locales = tuple(f"{locale}/" for locale in site.locales) if only_locale else ()
    if reference:
        broken, unreadable = crawl(site_dir, site.site_url, config, other_locales), []
    else:
        found = built_links.scan(site_dir, site.site_url, skip=other_locales)
        broken, unreadable = found.broken, found.unreadable
        if check_extern:
            allowed = allowed_hosts(allow_file or site.root / ALLOW_FILE)
            broken = broken + check_external(found.external, config, allowed)
    return Report(site, site_dir, only_locale).findings(broken, unreadable)


def built_site_folder(site_dir: Path) -> Path:
    """``site_dir`` if it holds a MkDocs build; else why not, as a LinkcheckError."""
    site_dir = Path(site_dir)
    hint = "run `mkdocs build` first"
    if not site_dir.is_dir():
        raise LinkcheckError(f"{site_dir}: no such folder; {hint}")
    if not any(site_dir.iterdir()):
        raise LinkcheckError(f"{site_dir}: the folder is empty, not a built site; {hint}")
    home = site_dir / "index.html"
    if not home.is_file():
        raise LinkcheckError(f"{site_dir}: not a built site (no index.html); {hint}")
    try:
        with open(home, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as error:
        raise LinkcheckError(f"{home}: cannot be read: {error.strerror}") from None
    if not _GENERATOR.search(head):
        raise LinkcheckError(
            f'{home}: not a MkDocs build (no <meta name="generator" content="mkdocs-..."> in it); {hint}'
        )
    return site_dir


def allowed_hosts(path: Path) -> list[str]:
    """Host names from the allow-list file, one a line, ``#`` comments."""
    if not Path(path).is_file():
        return []
    hosts = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        host = line.split("#", 1)[0].strip()
        if host:
            hosts.append(host)
    return hosts


# ----------------------------------------------------------------------------
# LinkChecker: external links, and the reference crawl
# ----------------------------------------------------------------------------


def check_external(links: list[Link], config: Path, skip_hosts: Iterable[str] = ()) -> list[Broken]:
    """The broken ones of ``links`` (external), each distinct URL requested once by LinkChecker;
    none on ``skip_hosts`` (or their subdomains)."""
    skip = tuple(skip_hosts)
    by_url: dict[str, list[Link]] = {}
    for link in links:
        host = urllib.parse.urlsplit(link.url).hostname or ""
        if not any(host == name or host.endswith("." + name) for name in skip):
            by_url.setdefault(link.url, []).append(link)
    if not by_url:
        return []
    rows = run_linkchecker(list(by_url), config, check_extern=True, recursion=0)
    return [Broken(link, row.reason, row.anchor) for row in rows for link in by_url.get(row.url, ())]


def crawl(site_dir: Path, site_url: str, config: Path, skip: tuple[str, ...] = ()) -> list[Broken]:
    """LinkChecker over the folder served on 127.0.0.1: the broken links it finds, as the
    one-pass check names them (site URLs, the page's site-relative file)."""
    # In one thread: LinkChecker's anchor check has races between its threads (upstream issues
    # 179, 194 and 555: anchors reported missing, or not reported); on 127.0.0.1 threads save
    # little (a crawl of the test's site: 7.8 s in one thread, 5.8 s in four).
    with serve(site_dir, site_url) as local:
        rows = run_linkchecker(page_urls(site_dir, local), config, threads=0)
    mount = with_slash(site_url)
    found = set()
    for row in rows:
        url, page = _back(row.url, local, mount), _back(row.page, local, mount)
        if skip and url.startswith(mount) and url[len(mount) :].startswith(skip):
            continue
        written = _back(row.written, local, mount)
        found.add(Broken(Link(_page_file(page, mount), row.line, written, url), row.reason, row.anchor))
    return sorted(found)


def page_urls(site_dir: Path, base: str) -> list[str]:
    """Every HTML page of the built site and its sitemap, so that pages no link reaches are
    checked too."""
    urls = [base]
    for path in sorted(Path(site_dir).rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if relative == "index.html":
            continue
        urls.append(base + (relative[: -len("index.html")] if relative.endswith("/index.html") else relative))
    if (Path(site_dir) / built_links.SITEMAP).is_file():
        urls.append(base + built_links.SITEMAP)
    return urls


@dataclass(frozen=True)
class Row:
    """One broken link or anchor as LinkChecker's CSV reports it."""

    url: str  # where the link leads, resolved
    written: str  # the link as the HTML has it
    page: str  # the page that has the link
    line: int  # in the page's HTML
    column: int
    reason: str
    anchor: bool  # the page exists, the #anchor does not


def run_linkchecker(
    urls: list[str],
    config: Path,
    *,
    check_extern: bool = False,
    recursion: int | None = None,
    threads: int | None = None,
) -> list[Row]:
    """Run LinkChecker on ``urls`` and return what it found broken (``recursion=0``: only those;
    ``threads=0``: no threads, instead of the configuration's number)."""
    if not Path(config).is_file():
        raise LinkcheckError(f"{config}: LinkChecker configuration not found")
    command = [
        sys.executable,
        "-m",
        "helpsite.published.linkchecker_run",  # LinkChecker, its plugins found before it drops root
        "--config",
        str(config),
        "--stdin",
        "--output",
        "csv",
        "--no-status",
    ] + (["--check-extern"] if check_extern else [])
    if recursion is not None:
        command += ["--recursion-level", str(recursion)]
    if threads is not None:
        command += ["--threads", str(threads)]
    # English messages (the anchor warning is recognised by its text); the local server is
    # never reached through a proxy (a scheduled job may need one for the external links).
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C", LANG="C.UTF-8")
    no_proxy = ",".join(filter(None, [env.get("no_proxy") or env.get("NO_PROXY"), "127.0.0.1"]))
    env["NO_PROXY"] = env["no_proxy"] = no_proxy
    result = subprocess.run(
        command,
        input="\n".join(urls),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=Path(config).parent,
    )
    # Exit 1 is "broken links found", but also Python's for a missing module: no CSV header then.
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise LinkcheckError(f"LinkChecker failed ({result.returncode}): {result.stderr.strip()}")
    return parse_csv(result.stdout)


_CSV_COLUMNS = ("urlname", "parentname", "result", "warningstring", "valid", "url", "line", "column")


def parse_csv(text: str) -> list[Row]:
    """LinkChecker's CSV output: an invalid URL is a broken link, an anchor warning a broken anchor.

    The columns are the ``parts`` of ``[csv]`` in linkcheckerrc, line and column last
    (LinkChecker leaves them out of a row when it does not know them).
    """
    found = []
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = set(_CSV_COLUMNS) - set(rows.fieldnames or ())
    if missing:
        raise LinkcheckError(
            f"LinkChecker's CSV output lacks {', '.join(sorted(missing))}: "
            f"keep [csv] parts of {CONFIG_FILE} as it is in the repository"
        )
    for row in rows:
        if not row.get("urlname"):
            continue
        valid = row["valid"] == "True"
        warnings = [w for w in (row.get("warningstring") or "").splitlines() if w]
        common = dict(
            url=row["url"] or row["urlname"],
            written=row["urlname"],
            page=row["parentname"],
            line=_int(row["line"]),
            column=_int(row["column"]),
        )
        if not valid:
            found.append(Row(reason=row["result"], anchor=False, **common))
        else:
            found.extend(Row(reason=w, anchor=True, **common) for w in warnings if _ANCHOR_MISSING.match(w))
    return found


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _back(url: str, local: str, mount: str) -> str:
    # A local URL told in the site's own URLs (the server and the site share the path).
    local_origin, site_origin = (urllib.parse.urljoin(base, "/") for base in (local, mount))
    return site_origin + url[len(local_origin) :] if url.startswith(local_origin) else url


def _page_file(page_url: str, mount: str) -> str:
    # The site-relative file a page URL is served from (a query string is the same page).
    path = urllib.parse.unquote(page_url[len(mount) :].partition("?")[0].partition("#")[0])
    return path + "index.html" if path == "" or path.endswith("/") else path


# ----------------------------------------------------------------------------
# Back to what wrote the link
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """Where a broken link was written: a file, a line and column in it, and how."""

    path: Path
    line: int
    column: int
    made_by: str  # "markdown", "theme", or "unknown" (only the HTML has it)


class Report:
    """Broken links of one built site as findings: each placed on what wrote it, and once."""

    def __init__(self, site: Site, site_dir: Path, only_locale: str | None = None):
        self.site, self.site_dir, self.only_locale = site, Path(site_dir), only_locale
        self.mount = with_slash(site.site_url)

    def findings(self, broken: Iterable[Broken], unreadable: Iterable[Unreadable] = ()) -> list[Finding]:
        groups: dict[tuple, list[tuple[Broken, Source | None]]] = {}
        seen: dict[tuple, int] = {}
        for item in sorted(broken):
            # The k-th time a page has the same link is the k-th time its Markdown wrote it.
            same = (item.link.page, item.link.written, item.link.url, item.anchor)
            occurrence = seen[same] = seen.get(same, -1) + 1
            source = self.source_of(item.link.page)
            place = self.place(item, source, occurrence)
            rule = BROKEN_ANCHOR if item.anchor else BROKEN_LINK
            key = (place, rule) if place.made_by != "unknown" else (place, rule, item.link.written)
            groups.setdefault(key, []).append((item, source))
        findings = {self._finding(key[0], key[1], items) for key, items in groups.items()}
        findings.update(self._unreadable(page) for page in unreadable)
        return sorted(findings)

    # ------------------------------------------------------------------
    def source_of(self, page_file: str) -> Source | None:
        return source_for(self.site, built_links.page_path(page_file), self.only_locale)

    def place(self, broken: Broken, source: Source | None, occurrence: int = 0) -> _Place:
        if source is not None:
            found = links_in_source(source, self.page_url(broken.link.page), broken.link)
            if found:
                line, column = found[min(occurrence, len(found) - 1)]
                return _Place(source.path, line, column, "markdown")
        if broken.link.page.endswith(built_links.STYLESHEET):
            # A stylesheet of overrides/ is copied as it is: the same line, in the file itself.
            stylesheet = self.site.root / THEME_FOLDER / broken.link.page
            found = _in_stylesheet(self.site.root, stylesheet, broken.link.line, broken.link.written)
            if found:
                return _Place(stylesheet, *found, "theme")
        setting = theme_setting(self.site.root, _needles(broken, self.mount, self.site.locales))
        if setting:
            return _Place(*setting, "theme")
        return _Place(source.path if source else self.site.root / MKDOCS_FILE, 1, 1, "unknown")

    def page_url(self, page_file: str) -> str:
        return self.mount + built_links.page_path(page_file)

    def shown(self, url: str) -> str:
        # Site URLs are shown root-relative (/nb/x/), the way a reader sees them in the address bar.
        if url.startswith(self.mount):
            return urllib.parse.urlsplit(self.mount).path + url[len(self.mount) :]
        return url

    def _finding(self, place: _Place, rule: rules.Rule, items: list[tuple[Broken, Source | None]]) -> Finding:
        # The source locale's own page first: its URLs are the ones the message names.
        items = sorted(items, key=lambda pair: (bool(pair[1] and pair[1].fallback), pair[0]))
        first, source = items[0]
        page = self.shown(self.page_url(first.link.page))
        if first.anchor:
            url = first.link.url
            anchor = urllib.parse.unquote(urllib.parse.urlsplit(url).fragment)
            message = f"anchor #{anchor} is not on {self.shown(url.split('#')[0])}"
        else:
            message = f"link to {self.shown(first.link.url)} is broken: {first.reason}"
        if place.made_by == "markdown":
            message += f" (page {page}{self._fallback_note(items)})"
        elif place.made_by == "theme":
            pages = len({item.link.page for item, _ in items})
            kind = "CSS" if first.link.page.endswith(built_links.STYLESHEET) else "HTML"
            message += (
                f" (made by the theme from this line: page {page}, {kind} line {first.link.line}"
                + (f", and {pages - 1:,} other pages" if pages > 1 else "")
                + ")"
            )
        else:
            message += (
                f" (page {page}, HTML line {first.link.line}: not written in the Markdown, "
                f"{MKDOCS_FILE} or {THEME_FOLDER}/)"
            )
        return rule.at(self.site.display_path(place.path), place.line, place.column, message)

    def _fallback_note(self, items: list[tuple[Broken, Source | None]]) -> str:
        shown_in = sorted(
            {source.locale for _, source in items if source and source.fallback}, key=self._locale_order
        )
        if not shown_in:
            return ""
        language = getattr(self.site.language(self.site.source_locale), "name", self.site.source_locale)
        return f"; shown in {language} in {', '.join(shown_in)}, which have no translation"

    def _locale_order(self, locale: str) -> int:
        return self.site.locales.index(locale) if locale in self.site.locales else len(self.site.locales)

    def _unreadable(self, page: Unreadable) -> Finding:
        source = self.source_of(page.page)
        shown = self.shown(self.page_url(page.page))
        path = source.path if source else self.site_dir / page.page
        return UNREADABLE_PAGE.at(
            self.site.display_path(path), 1, 1, f"page {shown} was not checked: {page.reason}"
        )


def source_for(site: Site, relative_url: str, only_locale: str | None = None) -> Source | None:
    """The Markdown file behind a page URL relative to the site root (``nb/licenses/x/``);
    with ``only_locale``, every page is of that locale and there are no locale folders."""
    path = urllib.parse.unquote(relative_url.split("#")[0].split("?")[0])
    first, _, rest = path.partition("/")
    locale = first if first in site.translation_locales and (rest or path.endswith("/")) else None
    if only_locale or locale is None:
        locale, rest = only_locale or site.source_locale, path
    for page_path in _page_paths(rest):
        if site.file_for(locale, page_path).is_file():
            return Source(site.file_for(locale, page_path), locale, page_path, False)
        if site.file_for(site.source_locale, page_path).is_file():
            return Source(
                site.file_for(site.source_locale, page_path), locale, page_path, locale != site.source_locale
            )
    return None


def _page_paths(url_path: str) -> list[str]:
    # MkDocs' directory URLs: a/b/ comes from a/b.md, a/b/index.md or a/b/README.md.
    if url_path in ("", "index.html"):
        return list(_INDEX_NAMES)
    if url_path.endswith(".html"):
        stem = url_path[: -len(".html")]
        return [stem + ".md"] + (
            [f"{stem[: -len('index')]}{n}" for n in _INDEX_NAMES] if stem.endswith("index") else []
        )
    stem = url_path.rstrip("/")
    return [stem + ".md"] + [f"{stem}/{name}" for name in _INDEX_NAMES]


def links_in_source(source: Source, page_url: str, link: Link) -> list[tuple[int, int]]:
    """Line and column of every link in the Markdown that builds to ``link`` on ``page_url``:
    written as the HTML has it (a link MkDocs left unresolved, raw HTML), or the URL MkDocs
    makes of it."""
    is_index = PurePosixPath(source.page_path).name in _INDEX_NAMES
    source_dir_url = page_url if is_index else urllib.parse.urljoin(page_url, "../")
    wanted = urllib.parse.unquote(link.url)
    text, destinations = _destinations(source.path)
    return [
        line_column(text, start)
        for start, destination in destinations
        if destination == link.written
        or urllib.parse.unquote(_built(destination, page_url, source_dir_url)) == wanted
    ]


@lasting.memo(256, cleared=True)  # a file's links, read again at the next build
def _destinations(path: Path) -> tuple[str, list[tuple[int, str]]]:
    # Read once however many of its links are broken (every locale's fallback of a page).
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return "", []
    found = []
    for match in _DESTINATION.finditer(text):
        group = next(name for name in _DESTINATION_GROUPS if match.group(name))
        found.append((match.start(group), match.group(group)))
    return text, found


def _built(destination: str, page_url: str, source_dir_url: str) -> str:
    # The URL MkDocs makes of a destination: a relative path is relative to the Markdown file
    # (its page's URL for a .md file), so relative to the page's folder in the built site.
    if urllib.parse.urlsplit(destination).scheme or destination.startswith(("/", "#")):
        return urllib.parse.urljoin(page_url, destination)
    path, hash_, fragment = destination.partition("#")
    path, question, query = path.partition("?")
    target = urllib.parse.urljoin(source_dir_url, path)
    if path.endswith(".md"):
        name = target.rsplit("/", 1)[1]
        target = target[: -len(name)] + ("" if name in _INDEX_NAMES else name[: -len(".md")] + "/")
    return target + question + query + hash_ + fragment


def _needles(broken: Broken, mount: str, locales: Iterable[str]) -> list[str]:
    """What a theme setting or template would have of a link: the value as written without
    its leading ``../``, and its path in the site without the locale folder."""
    written = broken.link.written
    mount_path = urllib.parse.urlsplit(mount).path
    while written.startswith(("./", "../")):
        written = written.partition("/")[2]
    if written.startswith(mount_path) and mount_path != "/":
        written = written[len(mount_path) :]
    url = broken.link.url
    site_path = urllib.parse.unquote(url[len(mount) :].partition("#")[0]) if url.startswith(mount) else url
    first, _, rest = site_path.partition("/")
    if first in locales and rest:
        site_path = rest
    needles = [written.lstrip("/"), site_path]
    if broken.anchor:
        needles.append("#" + urllib.parse.unquote(urllib.parse.urlsplit(url).fragment))
    return [
        n
        for i, n in enumerate(needles)
        if len(n) > 3 and re.search(r"[A-Za-z0-9]", n) and n not in needles[:i]
    ]


def _in_stylesheet(root: Path, path: Path, line: int, needle: str) -> tuple[int, int] | None:
    """Where ``needle`` is in the stylesheet ``path`` of ``overrides/``: on line ``line`` if it is
    there (the line the built copy has it on), else its first line that has it (LinkChecker
    counts lines of the stylesheet with its comments taken out)."""
    text = dict(_theme_files(root)).get(path)
    if text is None:
        return None
    lines = text.splitlines()
    if 0 < line <= len(lines) and needle in lines[line - 1]:
        return line, lines[line - 1].index(needle) + 1
    offset = text.find(needle)
    return line_column(text, offset) if offset >= 0 else None


def theme_setting(root: Path, needles: list[str]) -> tuple[Path, int, int] | None:
    """The first place ``mkdocs.yml``, then a template of ``overrides/``, has one of ``needles``."""
    for path, text in _theme_files(root):
        for needle in needles:
            offset = text.find(needle)
            if offset >= 0:
                return (path, *line_column(text, offset))
    return None


@lasting.memo(4, cleared=True)
def _theme_files(root: Path) -> tuple[tuple[Path, str], ...]:
    files = [root / MKDOCS_FILE] + sorted(p for p in (root / THEME_FOLDER).rglob("*") if p.is_file())
    texts = []
    for path in files:
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return tuple(texts)


# ----------------------------------------------------------------------------
# The local server
# ----------------------------------------------------------------------------


@contextmanager
def serve(site_dir: Path, site_url: str) -> Iterator[str]:
    """Serve ``site_dir`` on a free 127.0.0.1 port at site_url's path; yields the local base URL."""
    mount = urllib.parse.urlsplit(with_slash(site_url)).path
    server = _QuietServer(("127.0.0.1", 0), _handler(Path(site_dir).resolve(), mount, with_slash(site_url)))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}{mount}"
    thread = threading.Thread(target=server.serve_forever, name="linkcheck-server", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client closing its keep-alive connection is the end of a check, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(root: Path, mount: str, site_url: str):
    class Handler(_SiteHandler):
        pass

    Handler.root, Handler.mount, Handler.site_url = root, mount, site_url.encode()
    return Handler


class _SiteHandler(BaseHTTPRequestHandler):
    """Static files at ``mount``; in HTML, site_url becomes this server and robots meta is left
    out. No request log."""

    protocol_version = "HTTP/1.1"  # keep-alive: LinkChecker's sessions reuse connections
    root: Path
    mount: str
    site_url: bytes

    def do_GET(self):
        self._answer(with_body=True)

    def do_HEAD(self):
        self._answer(with_body=False)

    def end_headers(self):
        self.send_header("LinkChecker", "helpsite")
        super().end_headers()

    def log_message(self, format, *args):
        pass

    def _answer(self, with_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if not path.startswith(self.mount):
            return self.send_error(HTTPStatus.NOT_FOUND)
        file = self._file(path[len(self.mount) :])
        if file is None:
            return self.send_error(HTTPStatus.NOT_FOUND)
        if file.is_dir():
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", urllib.parse.quote(path) + "/")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        body = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind in ("text/html", "application/xml", "text/xml"):
            local = f"http://{self.headers.get('Host', '127.0.0.1')}{self.mount}".encode()
            body = _ROBOTS_META.sub(b"", body.replace(self.site_url, local))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _file(self, relative: str) -> Path | None:
        # Only files below the root: ".." and symlinks out of the folder are not served.
        candidate = (self.root / relative).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if candidate.is_dir():
            if not relative.endswith("/") and relative:
                return candidate
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
