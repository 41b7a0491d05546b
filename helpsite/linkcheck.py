"""Check every link and anchor of a built site with LinkChecker, and name the Markdown behind each.

The built folder is served on 127.0.0.1 (LinkChecker cannot check anchors on ``file://``
folder URLs) at the same path as ``site_url``, and HTML that names ``site_url`` is served
with the local address instead, so absolute and root-relative links resolve to the folder
being checked. Every answer carries a ``LinkChecker`` header: LinkChecker then drops its
per-host throttle down to the ``maxrequestspersecond`` of ``linkcheckerrc``.

LinkChecker runs as a separate process with CSV output; each broken link or anchor is
traced back to ``docs/<locale>/<page>.md`` (the English file for a page that falls back to
English), at the line of the Markdown link when it is written there.
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
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from helpsite import rules
from helpsite.findings import ERROR, Finding
from helpsite.site import Site, with_slash

CONFIG_FILE = "linkcheckerrc"
# Hosts that refuse robots (LinkChecker would report them broken): never checked.
ALLOW_FILE = "linkcheck-allow.txt"

BROKEN_LINK = rules.define(
    "broken-link", ERROR, "A link in the built site leads to a page or file that does not answer.",
    why="A reader who follows it gets a 404. Found by `python -m helpsite linkcheck` on the built "
        "site (not by `check`), so links the theme makes and English fallbacks are checked too.",
    fix="Correct the link's target: link to the .md file of the page (MkDocs turns it into the "
        "page's URL), relative to the page that links.",
    bad=rules.Example("# Transfer licenses\n\nSee [the home page](../indx.md).\n"),
    good=rules.Example("# Transfer licenses\n\nSee [the home page](../index.md).\n"),
    silence="A comment cannot silence it (it is found on the whole site, not by the page checks "
            "that read comments): correct the link. A host that refuses robots can be left out of "
            "the external link check for good in linkcheck-allow.txt.",
    tags=["links", "site"])
BROKEN_ANCHOR = rules.define(
    "broken-anchor", ERROR, "A link's #anchor is not an id of the page it leads to.",
    why="The page opens at its top instead of the section meant, and the reader must search "
        "for it. Found by `python -m helpsite linkcheck` on the built site.",
    fix="Link to an id the page has: a heading's id (its legacy <a name> anchor, or its text in "
        "lowercase with '-' for spaces), or add the anchor to the heading.",
    bad=rules.Example("# Transfer licenses\n\nSee [next steps](#next-step).\n\n## Next steps\n"),
    good=rules.Example("# Transfer licenses\n\nSee [next steps](#next-steps).\n\n## Next steps\n"),
    tags=["links", "site"])
RULES = (BROKEN_LINK, BROKEN_ANCHOR)

_ANCHOR_MISSING = re.compile(r"^Anchor `")
# LinkChecker does not look at the links of a page whose robots meta says nofollow; that is
# meant for search engines, not for the site's own check.
_ROBOTS_META = re.compile(rb"""<meta\s[^>]*name=["']?robots["']?[^>]*>""", re.IGNORECASE)
# Link destinations as a writer types them: [text](dest), [text]: dest, href="dest".
_DESTINATION = re.compile(
    r"""\]\(\s*<?(?P<inline>[^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(?P<ref>\S+?)>?(?:\s|$)"""
    r"""|\bhref\s*=\s*["'](?P<href>[^"']+)""", re.MULTILINE)
_INDEX_NAMES = ("index.md", "README.md")


class LinkcheckError(Exception):
    """LinkChecker could not run (not a broken link: a broken set-up)."""


@dataclass(frozen=True)
class Broken:
    """One broken link or anchor as LinkChecker reports it, in the site's own URLs."""
    url: str          # where the link leads, resolved
    written: str      # the link as the HTML has it
    page: str         # the page that has the link
    line: int         # in the page's HTML
    column: int
    reason: str
    anchor: bool      # the page exists, the #anchor does not


@dataclass(frozen=True)
class Source:
    """The Markdown file a built page comes from."""
    path: Path
    locale: str                # the locale of the page as served
    page_path: str             # licenses/x.md
    fallback: bool             # a source-locale file shown in another locale


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------

def check_site(site: Site, site_dir: Path, *, check_extern: bool = False, only_locale: str | None = None,
               config: Path | None = None, allow_file: Path | None = None) -> list[Finding]:
    """Every broken link and anchor of the built ``site_dir``, as findings on the Markdown.

    ``only_locale``: the site was built for that locale alone, at the root (HELPSITE_LOCALE).
    """
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise LinkcheckError(f"{site_dir}: not a built site (no index.html); run `mkdocs build` first")
    config = config or site.root / CONFIG_FILE
    allowed = allowed_hosts(allow_file or site.root / ALLOW_FILE)
    with serve(site_dir, site.site_url) as local:
        broken = run_linkchecker(local, page_urls(site_dir, local), config,
                                 check_extern=check_extern, skip_hosts=allowed)
    found = (local_to_site(b, local, site.site_url) for b in broken)
    return sorted({finding_for(site, b, only_locale) for b in found
                   if not (only_locale and _in_other_locale(site, b.url))})


def page_urls(site_dir: Path, base: str) -> list[str]:
    """Every HTML page of the built site, so pages that no link reaches are checked too."""
    urls = [base]
    for path in sorted(Path(site_dir).rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if relative == "index.html":
            continue
        urls.append(base + (relative[:-len("index.html")] if relative.endswith("/index.html")
                            else relative))
    return urls


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
# LinkChecker
# ----------------------------------------------------------------------------

def run_linkchecker(base: str, urls: list[str], config: Path, *, check_extern: bool = False,
                    skip_hosts: Iterable[str] = ()) -> list[Broken]:
    """Run LinkChecker on ``urls`` (``base`` first) and return what it found broken."""
    if not Path(config).is_file():
        raise LinkcheckError(f"{config}: LinkChecker configuration not found")
    command = [sys.executable, "-m", "linkcheck", "--config", str(config), "--stdin",
               "--output", "csv", "--no-status"] + (["--check-extern"] if check_extern else [])
    for host in skip_hosts:
        command += ["--ignore-url", rf"^https?://([^/]*\.)?{re.escape(host)}(:\d+)?(/|$)"]
    # English messages (the anchor warning is recognised by its text); the local server is
    # never reached through a proxy (a scheduled job may need one for the external links).
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C", LANG="C.UTF-8")
    no_proxy = ",".join(filter(None, [env.get("no_proxy") or env.get("NO_PROXY"), "127.0.0.1"]))
    env["NO_PROXY"] = env["no_proxy"] = no_proxy
    result = subprocess.run(command, input="\n".join(urls), capture_output=True,
                            text=True, encoding="utf-8", env=env,
                            cwd=Path(config).parent)
    # Exit 1 is "broken links found", but also Python's for a missing module: no CSV header then.
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise LinkcheckError(f"LinkChecker failed ({result.returncode}): {result.stderr.strip()}")
    return parse_csv(result.stdout)


_CSV_COLUMNS = ("urlname", "parentname", "result", "warningstring", "valid", "url", "line", "column")


def parse_csv(text: str) -> list[Broken]:
    """LinkChecker's CSV output: an invalid URL is a broken link, an anchor warning a broken anchor.

    The columns are the ``parts`` of ``[csv]`` in linkcheckerrc, line and column last
    (LinkChecker leaves them out of a row when it does not know them).
    """
    found = []
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = set(_CSV_COLUMNS) - set(rows.fieldnames or ())
    if missing:
        raise LinkcheckError(f"LinkChecker's CSV output lacks {', '.join(sorted(missing))}: "
                             f"keep [csv] parts of {CONFIG_FILE} as it is in the repository")
    for row in rows:
        if not row.get("urlname"):
            continue
        valid = row["valid"] == "True"
        warnings = [w for w in (row.get("warningstring") or "").splitlines() if w]
        common = dict(url=row["url"] or row["urlname"], written=row["urlname"],
                      page=row["parentname"], line=_int(row["line"]), column=_int(row["column"]))
        if not valid:
            found.append(Broken(reason=row["result"], anchor=False, **common))
        else:
            found.extend(Broken(reason=w, anchor=True, **common)
                         for w in warnings if _ANCHOR_MISSING.match(w))
    return found


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


# ----------------------------------------------------------------------------
# Back to the source
# ----------------------------------------------------------------------------

def finding_for(site: Site, broken: Broken, only_locale: str | None = None) -> Finding:
    """The finding a writer acts on: the Markdown file, and the line of the link in it."""
    mount = with_slash(site.site_url)
    relative = broken.page[len(mount):] if broken.page.startswith(mount) else None
    source = source_for(site, relative, only_locale) if relative is not None else None
    target = _shown(broken.url, mount)
    if broken.anchor:
        anchor = urllib.parse.unquote(urllib.parse.urlsplit(broken.url).fragment)
        message = f"anchor #{anchor} is not on {_shown(broken.url.split('#')[0], mount)}"
        rule = BROKEN_ANCHOR
    else:
        message = f"link to {target} is broken: {broken.reason}"
        rule = BROKEN_LINK
    if source is None:
        where = broken.page or broken.url
        return rule.at(where, broken.line, broken.column, f"{message} (HTML line {broken.line})")
    place = link_in_source(source, broken.page, broken.url)
    message += f" (page {_shown(broken.page, mount)}"
    if source.fallback:
        language = getattr(site.language(site.source_locale), "name", site.source_locale)
        message += f", no {source.locale} translation: the {language} source is shown"
    message += ")" if place else f", HTML line {broken.line}: not written in the Markdown)"
    line, column = place or (1, 1)
    return rule.at(site.display_path(source.path), line, column, message)


# A one-locale build (its pages at the root) still links to the full site's locale folders:
# the language selector, hreflang links. Those pages are not part of this build, not broken.
def _in_other_locale(site: Site, url: str) -> bool:
    mount = with_slash(site.site_url)
    return url.startswith(mount) and url[len(mount):].split("/", 1)[0] in site.locales


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
            return Source(site.file_for(site.source_locale, page_path), locale, page_path,
                          locale != site.source_locale)
    return None


def _page_paths(url_path: str) -> list[str]:
    # MkDocs' directory URLs: a/b/ comes from a/b.md, a/b/index.md or a/b/README.md.
    if url_path in ("", "index.html"):
        return list(_INDEX_NAMES)
    if url_path.endswith(".html"):
        stem = url_path[:-len(".html")]
        return [stem + ".md"] + ([f"{stem[:-len('index')]}{n}" for n in _INDEX_NAMES]
                                 if stem.endswith("index") else [])
    stem = url_path.rstrip("/")
    return [stem + ".md"] + [f"{stem}/{name}" for name in _INDEX_NAMES]


def link_in_source(source: Source, page_url: str, url: str) -> tuple[int, int] | None:
    """Line and column of the first link in the Markdown that builds to ``url`` on ``page_url``."""
    try:
        text = source.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    is_index = PurePosixPath(source.page_path).name in _INDEX_NAMES
    source_dir_url = page_url if is_index else urllib.parse.urljoin(page_url, "../")
    wanted = urllib.parse.unquote(url)
    for match in _DESTINATION.finditer(text):
        group = next(name for name in ("inline", "ref", "href") if match.group(name))
        if urllib.parse.unquote(_built(match.group(group), page_url, source_dir_url)) == wanted:
            start = match.start(group)
            line = text.count("\n", 0, start) + 1
            return line, start - (text.rfind("\n", 0, start) + 1) + 1
    return None


def _built(destination: str, page_url: str, source_dir_url: str) -> str:
    # The URL MkDocs makes of a destination: a relative .md path becomes its page's URL.
    path, hash_, fragment = destination.partition("#")
    if path.endswith(".md") and not urllib.parse.urlsplit(path).scheme and not path.startswith("/"):
        target = urllib.parse.urljoin(source_dir_url, path)
        name = target.rsplit("/", 1)[1]
        target = target[:-len(name)] + ("" if name in _INDEX_NAMES else name[:-len(".md")] + "/")
    else:
        target = urllib.parse.urljoin(page_url, path)
    return target + hash_ + fragment


def _shown(url: str, mount: str) -> str:
    # Site URLs are shown root-relative (/nb/x/), the way a reader sees them in the address bar.
    if url.startswith(mount):
        return urllib.parse.urlsplit(mount).path + url[len(mount):]
    return url


# ----------------------------------------------------------------------------
# The local server
# ----------------------------------------------------------------------------

@contextmanager
def serve(site_dir: Path, site_url: str) -> Iterator[str]:
    """Serve ``site_dir`` on a free 127.0.0.1 port at site_url's path; yields the local base URL."""
    mount = urllib.parse.urlsplit(with_slash(site_url)).path
    server = _QuietServer(("127.0.0.1", 0), _handler(Path(site_dir).resolve(), mount,
                                                     with_slash(site_url)))
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


def local_to_site(broken: Broken, local: str, site_url: str) -> Broken:
    """A finding in local URLs, told in the site's own URLs."""
    def back(url: str) -> str:
        return with_slash(site_url) + url[len(local):] if url.startswith(local) else url
    return Broken(back(broken.url), broken.written, back(broken.page), broken.line, broken.column,
                  broken.reason, broken.anchor)


def _handler(root: Path, mount: str, site_url: str):
    class Handler(_SiteHandler):
        pass
    Handler.root, Handler.mount, Handler.site_url = root, mount, site_url.encode()
    return Handler


class _SiteHandler(BaseHTTPRequestHandler):
    """Static files at ``mount``; in HTML, site_url becomes this server and robots meta is left
    out. No request log."""
    protocol_version = "HTTP/1.1"      # keep-alive: LinkChecker's sessions reuse connections
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
        file = self._file(path[len(self.mount):])
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
