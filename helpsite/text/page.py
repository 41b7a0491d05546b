"""A source page as the checks see it: decoded text, front matter with positions, body.

Reading never raises: a file that cannot be read, decoded or parsed becomes a page with
findings that say why, and the checks that need what is missing are skipped.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from helpsite.core.findings import Finding
from helpsite.linting import rules
from helpsite.text import frontmatter
from helpsite.text.frontmatter import FrontMatter
from helpsite.text.positions import line_column, line_starts

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


@dataclass
class Page:
    display: str  # how findings name the file
    locale: str | None  # from docs/<locale>/ or --locale
    page_path: str | None  # path inside the locale folder, e.g. licenses/x.md
    text: str = ""  # BOM removed, line endings normalised to \n
    front: FrontMatter = field(default_factory=FrontMatter)
    body: str = ""
    body_line: int = 1  # file line of the body's first line
    findings: list[Finding] = field(default_factory=list)
    readable: bool = False  # text decoded: body checks can run
    meta_ok: bool = False  # front matter parsed: metadata checks can run

    @property
    def meta(self) -> dict:
        return self.front.data

    @property
    def problem(self) -> str:
        """Why the front matter cannot be read (for a page whose ``meta_ok`` is False)."""
        if self.findings:
            return self.findings[0].as_text()
        return f"{self.display}: the front matter cannot be read"


def placed_matches(pattern: re.Pattern, page: Page) -> Iterator[tuple[re.Match, int, int]]:
    """Each match of ``pattern`` in the page's body, with its file line and column."""
    starts = None
    for match in pattern.finditer(page.body):
        starts = starts or line_starts(page.body)
        yield match, *line_column(page.body, match.start(), page.body_line, line_starts=starts)


def decode(data: bytes, display: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text with a BOM or CRLF line endings is normal; anything else is a finding."""
    if data.startswith(UTF32_BOMS) or data.startswith(UTF16_BOMS):
        kind = "UTF-32" if data.startswith(UTF32_BOMS) else "UTF-16"
        return None, [rules.ENCODING.at(display, 1, 1, f"the file is {kind} text: save it as UTF-8")]
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8")  # all UTF-8 up to the first byte that is not
        line, column = line_column(before, len(before))
        return None, [
            rules.ENCODING.at(
                display, line, column, f"byte 0x{data[error.start]:02x} is not UTF-8: save the file as UTF-8"
            )
        ]
    if "\x00" in text:
        line, column = line_column(text, text.index("\x00"))
        return None, [
            rules.ENCODING.at(display, line, column, "the file contains a NUL byte: it is binary, not text")
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def load(data: bytes, display: str, locale: str | None = None, page_path: str | None = None) -> Page:
    page = Page(display=display, locale=locale, page_path=page_path)
    text, problems = decode(data, display)
    page.findings.extend(problems)
    if text is None:
        return page
    page.text, page.readable = text, True
    try:
        yaml_text, page.body, page.body_line = frontmatter.split(text)
        if yaml_text is not None:
            page.front = frontmatter.parse(yaml_text, first_line=1)
        page.meta_ok = True
    except frontmatter.FrontMatterError as error:
        page.findings.append(rules.YAML_INVALID.at(display, error.line, error.column, error.message))
        if page.body == "":
            page.body, page.body_line = text, 1
    return page


def read(path: Path, display: str, locale: str | None = None, page_path: str | None = None) -> Page:
    try:
        data = _read_regular_file(path)
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.ENOENT and Path(path).is_symlink():
            reason = f"it is a symbolic link to {os.readlink(path)}, which does not exist"
        page = Page(display=display, locale=locale, page_path=page_path)
        page.findings.append(rules.IO_ERROR.at(display, 1, 1, f"cannot read the file: {reason}"))
        return page
    return load(data, display, locale, page_path)


def _read_regular_file(path: Path) -> bytes:
    # Opened without blocking and checked before reading: reading a named pipe (FIFO) or a
    # device named *.md would wait forever or never end.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(mode), "something else")
            raise OSError(errno.EINVAL, f"it is {kind}, not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


_FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
