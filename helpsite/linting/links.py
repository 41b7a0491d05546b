"""Links a reader cannot see or should not follow, and the text the source locale gives them.

Machine translation often moves a link's text out of its brackets: ``[](https://...)``
renders as an invisible ``<a href>``. The page in the source locale usually has the same
link with its text; that text becomes the finding's suggestion, and ``helpsite fix`` can
fill it in, marked for a translator's review (see the README's "Links" section).
"""

from __future__ import annotations

import difflib
import html
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from helpsite.core import lasting
from helpsite.core.site import Site
from helpsite.linting import rules
from helpsite.text import markdown
from helpsite.text import page as pages
from helpsite.text.page import Page

EMPTY_LINK = rules.define(
    "empty-link",
    rules.ERROR,
    "A link has no text (nor an image with alt text): readers and screen readers get no label.",
    why="An empty <a href> is invisible on the page and read out as just 'link' by a screen "
    "reader. Machine translation often moves a link's text out of its brackets. (Unlike "
    "markdownlint's MD042, which means a link with no destination, this is a link with no "
    "text; raw <a href> and reference links count too.)",
    fix="Put words in the brackets that say where the link leads. When the English page has "
    "the same link, the finding quotes its text, and `python -m helpsite fix --write` fills "
    "it in, marked for review.",
    bad=rules.Example(
        "# Overføre lisenser\n\nDu kan [](https://admin.microsoft.com/) i den andre tenanten.\n",
        path="nb/licenses/transfer-licenses.md",
    ),
    good=rules.Example(
        "# Overføre lisenser\n\nDu kan [kjøpe lisenser](https://admin.microsoft.com/) "
        "i den andre tenanten.\n",
        path="nb/licenses/transfer-licenses.md",
    ),
    tags=["links", "accessibility"],
)
UNSAFE_LINK = rules.define(
    "unsafe-link",
    rules.ERROR,
    "A link targets a javascript:, vbscript: or data: URL.",
    why="Such a link runs code in the reader's browser or hides content in the link; browsers "
    "read these schemes in any case and through white space or character references, and "
    "so does the check.",
    fix="Link to a web page (https://...) instead.",
    bad="# Transfer licenses\n\n[Open the admin center](javascript:alert(1))\n",
    good="# Transfer licenses\n\n[Open the admin center](https://admin.microsoft.com/)\n",
    tags=["links", "security"],
)
LINK_TEXT_UNREVIEWED = rules.define(
    "link-text-unreviewed",
    rules.WARNING,
    "Link text that 'helpsite fix' copied from the source locale awaits a translator's review.",
    why="English words in a Norwegian sentence are a stopgap, not a translation. A warning, not "
    "an error: a labelled link in the wrong language serves readers better than an empty one, "
    "so the page may be published while it waits.",
    fix="Translate (or confirm) the link text, then delete the review comment after it.",
    bad=rules.Example(
        "# Overføre lisenser\n\nDu kan [buy licenses<!-- helpsite: review link text "
        "(from en) -->](https://admin.microsoft.com/) i den andre tenanten.\n",
        path="nb/licenses/transfer-licenses.md",
    ),
    good=rules.Example(
        "# Overføre lisenser\n\nDu kan [kjøpe lisenser](https://admin.microsoft.com/) "
        "i den andre tenanten.\n",
        path="nb/licenses/transfer-licenses.md",
    ),
    tags=["links", "localization"],
)
RULES = (EMPTY_LINK, UNSAFE_LINK, LINK_TEXT_UNREVIEWED)

UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
REVIEW_MARK = "<!-- helpsite: review link text (from {locale}) -->"
REVIEW_MARK_RE = re.compile(r"<!-- helpsite: review link text \(from ([\w-]+)\) -->")
# A locale segment in a URL path: /en-us/, /nb-no/, /zh-hans/
_LOCALE_SEGMENT = re.compile(r"/[a-z]{2}-(?:[a-z]{2}|hans|hant)(?=/|$)", re.I)


# ----------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------


def link_findings(page: Page, site: Site) -> Iterator:
    if not page.readable:
        return
    document = markdown.page_document(page, site)
    for link in document.links:
        scheme = unsafe_scheme(link.href)
        if scheme:
            target = shorten(" ".join(link.href.split()))
            yield UNSAFE_LINK.at(
                page.display,
                link.line,
                link.column,
                f"link to {target} uses a {scheme}: URL, which runs code or hides "
                "content in the link: link to a web page instead",
            )
        elif not link.label:
            yield empty_link_finding(page, site, link)
    for match, line, column in pages.placed_matches(REVIEW_MARK_RE, page):
        yield LINK_TEXT_UNREVIEWED.at(
            page.display,
            line,
            column,
            f"link text was copied from the {match.group(1)} page by 'helpsite fix': translate or "
            "confirm it, then delete this comment",
        )


CHECKS = (link_findings,)


def empty_link_finding(page: Page, site: Site, link: markdown.Link):
    suggestion = source_text(site, page, link.href)
    if suggestion:
        message = f'link to {link.href} has no text; in {site.source_locale} it reads "{suggestion}"'
    else:
        message = f"link to {link.href} has no text: give it text that says where it leads"
    return EMPTY_LINK.at(page.display, link.line, link.column, message, suggestion=suggestion)


def unsafe_scheme(href: str) -> str | None:
    """The scheme a browser would run, reading the URL as the URL standard says: tabs and
    newlines removed, control characters and spaces stripped from both ends, any case."""
    url = re.sub(r"[\t\n\r]", "", href).strip(_C0_AND_SPACE)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return scheme if scheme in UNSAFE_SCHEMES else None


def shorten(href: str, limit: int = 80) -> str:
    return href if len(href) <= limit else href[: limit - 3] + "..."


# ----------------------------------------------------------------------------
# The source locale's link texts
# ----------------------------------------------------------------------------


def normalise_url(url: str) -> str:
    """A URL with trivial differences removed: scheme and host case, locale segment, final /."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    path = _LOCALE_SEGMENT.sub("", parts.path, count=1).rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))


_SOURCE_TEXTS = lasting.cache("links.source_texts", 10_000)


def source_texts(site: Site, page: Page) -> dict[str, str]:
    """Normalised URL -> link text on the same page in the source locale (cached per file state)."""
    if not page.page_path or page.locale in (None, site.source_locale):
        return {}
    path = site.file_for(site.source_locale, page.page_path)
    try:
        state = path.stat()
    except OSError:
        return {}
    key = (str(path), state.st_mtime_ns, state.st_size)
    if key not in _SOURCE_TEXTS:
        source = pages.read(path, str(path), site.source_locale, page.page_path)
        texts: dict[str, str] = {}
        if source.readable:
            for link in markdown.parse(source.body, source.body_line, site, full=True).links:
                if link.label:
                    texts.setdefault(normalise_url(link.href), link.label)
        _SOURCE_TEXTS[key] = texts
    return _SOURCE_TEXTS[key]


def source_text(site: Site, page: Page, href: str) -> str | None:
    return source_texts(site, page).get(normalise_url(href))


# ----------------------------------------------------------------------------
# Repairs
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    start: int  # offset in the page text (line endings normalised)
    end: int
    text: str


@dataclass
class Repair:
    """What ``fix`` would do to one file."""

    path: Path
    original: bytes
    repaired: bytes | None = None  # None: nothing to change, or the file is left alone
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.repaired is not None and self.repaired != self.original

    def diff(self, display: str) -> str:
        before = _decode_for_diff(self.original)
        after = _decode_for_diff(self.repaired or self.original)
        return "".join(difflib.unified_diff(before, after, f"a/{display}", f"b/{display}"))


def repair_file(path: Path, site: Site, locale: str | None = None) -> Repair:
    """The safe repairs of one file: text from the source locale for links that have none."""
    display = site.display_path(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return Repair(path, b"", notes=(f"{display}: cannot read the file: {error.strerror or error}",))
    page = pages.load(data, display, locale or site.locale_of(path), site.page_path(path))
    if not page.readable or page.findings:
        reasons = "; ".join(f.message for f in page.findings) or "not readable"
        return Repair(path, data, notes=(f"{display}: left alone, it cannot be parsed: {reasons}",))
    edits, notes = [], []
    body_start = len(page.text) - len(page.body)
    for link in markdown.parse(page.body, page.body_line, site, full=True).links:
        if link.label or unsafe_scheme(link.href):
            continue
        text = source_text(site, page, link.href)
        edit = _fill_in(page.body, link, text, site.source_locale) if text else None
        if edit is None:
            notes.append(
                f"{display}:{link.line}:{link.column}: link to {link.href} left alone: "
                + (
                    "no text for it in the source locale"
                    if not text
                    else "its brackets hold markup; a human has to write its text"
                )
            )
            continue
        edits.append(Edit(edit.start + body_start, edit.end + body_start, edit.text))
    if not edits:
        return Repair(path, data, notes=tuple(notes))
    repaired = _apply(data, page.text, edits)
    check = pages.load(repaired, display, page.locale, page.page_path)
    if check.findings or len(_empty_links(check, site)) != len(_empty_links(page, site)) - len(edits):
        return Repair(path, data, notes=(*notes, f"{display}: left alone, the repair did not check out"))
    return Repair(path, data, repaired, tuple(notes))


def write_repair(repair: Repair) -> None:
    """Replace the file atomically, keeping its permissions."""
    folder = repair.path.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".helpsite-fix-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(repair.repaired)
        os.chmod(temporary, repair.path.stat().st_mode & 0o7777)
        os.replace(temporary, repair.path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _empty_links(page: Page, site: Site) -> list:
    return [
        link
        for link in markdown.parse(page.body, page.body_line, site, full=True).links
        if not link.label and not unsafe_scheme(link.href)
    ]


def _fill_in(body: str, link: markdown.Link, text: str, locale: str) -> Edit | None:
    """Put ``text`` into a link whose brackets (or <a> element) hold only white space.

    The review mark goes inside the link, after the text: readers never see it, and a mark
    at the start of a line would open an HTML block and change how the paragraph is read.
    """
    mark = REVIEW_MARK.format(locale=locale)
    start = link.offset
    if link.raw_html:
        opening_end = body.find(">", start)
        closing = body.lower().find("</a>", opening_end)
        inside = body[opening_end + 1 : closing] if opening_end >= 0 and closing >= 0 else "x"
        if inside.strip() or "\n" in inside:
            return None
        return Edit(opening_end + 1, closing, html.escape(text, quote=False) + mark)
    if not body.startswith("[", start):
        return None
    closing = body.find("]", start)
    inside = body[start + 1 : closing] if closing >= 0 else "x"
    if inside.strip() or "\n" in inside:
        return None
    return Edit(start + 1, closing, _escape_markdown(text) + mark)


def _escape_markdown(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]|])", r"\\\1", text)  # | too: the link may sit in a table
    return re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "&lt;")


def _apply(data: bytes, text: str, edits: list[Edit]) -> bytes:
    """The edits made to the file's own bytes: its BOM and line endings stay as they were."""
    bom = pages.UTF8_BOM if data.startswith(pages.UTF8_BOM) else b""
    raw = data[len(bom) :].decode("utf-8")
    # normalised text and raw text have the same lines; only the line breaks differ
    raw_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", raw)]
    text_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def raw_offset(offset: int) -> int:
        line = text.count("\n", 0, offset)
        return raw_starts[line] + offset - text_starts[line]

    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        raw = raw[: raw_offset(edit.start)] + edit.text + raw[raw_offset(edit.end) :]
    return bom + raw.encode("utf-8")


# The edits of a file's text made to its bytes: helpsite.linting.translation_structure's repairs too.
apply_edits = _apply


def _decode_for_diff(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True)
