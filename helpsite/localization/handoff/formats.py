"""The exchange files: XLIFF 2.1 (one ``<file>`` per page) and PO (one file per page).

XLIFF is written and read with lxml: translate-toolkit 3.20.4, the maintained library for
these formats, writes XLIFF 1.1/1.2 only (its ``translate.storage.xliff``), and the tools the
issue names (Crowdin, Phrase, memoQ, Trados) read 2.x. PO is written and read with polib.
A code is ``<ph/>`` (standalone) or ``<sc/>`` ... ``<ec/>`` (a pair) in XLIFF, with what it
stands for in ``<originalData>``; in PO it is ``<1/>``, ``<1>`` ... ``</1>``, listed in the
entry's extracted comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from helpsite.localization.handoff.segments import CLOSE, OPEN, STANDALONE, Code, Part

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps 2.0's namespace
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
XLIFF_VERSION = "2.1"
SUFFIXES = {"xliff": ".xlf", "po": ".po"}
# What a page's file records about the export (XLIFF metadata, PO header fields).
META = {"page": "X-Helpsite-Page", "source_hash": "X-Helpsite-Source-Hash", "date": "X-Helpsite-Handoff-Date"}
CONTEXT_FLAG = "helpsite-context"  # PO: an unchanged segment, its current translation as context
DONE_STATES = ("reviewed", "final")  # XLIFF states of a human translation (ms.translationtype HT)
_X = "{%s}" % XLIFF_NS
_PO_CODE = re.compile(r"<(/?)(\d+)(/?)>")


class FormatError(Exception):
    """A file that cannot be read as an exchange file; the message names the file and line."""


@dataclass
class Unit:
    id: str
    kind: str
    source: tuple[Part, ...]
    target: tuple[Part, ...] | None = None
    context: bool = False  # unchanged since the translation was made: its translation shown
    state: str = "initial"  # XLIFF's: initial, translated, reviewed, final
    line: int = 1  # the English page's line
    where: str = ""  # where the unit is in the exchange file (file:line), for messages


@dataclass
class PageFile:
    page: str  # path inside the locale folder
    source_locale: str
    locale: str
    source_hash: str  # SHA-1 of the English page the export was made from
    date: str  # the handoff date, MM/DD/YYYY
    units: list[Unit] = field(default_factory=list)
    where: str = ""  # the exchange file
    recorded: dict | None = None  # its export's record of the English page's segments (record.py)


# ----------------------------------------------------------------------------
# XLIFF 2.1
# ----------------------------------------------------------------------------


def xliff_bytes(files: list[PageFile]) -> bytes:
    first = files[0]
    root = etree.Element(
        _X + "xliff",
        nsmap={None: XLIFF_NS, "mda": MDA_NS},
        version=XLIFF_VERSION,
        srcLang=first.source_locale,
        trgLang=first.locale,
    )
    for number, page in enumerate(files, 1):
        element = etree.SubElement(root, _X + "file", id=f"f{number}", original=page.page)
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        metadata = etree.SubElement(element, "{%s}metadata" % MDA_NS)
        group = etree.SubElement(metadata, "{%s}metaGroup" % MDA_NS, category="helpsite")
        for key in ("source_hash", "date"):
            etree.SubElement(group, "{%s}meta" % MDA_NS, type=key).text = getattr(page, key)
        for unit in page.units:
            _xliff_unit(element, page, unit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xliff_unit(parent, page: PageFile, unit: Unit) -> None:
    element = etree.SubElement(parent, _X + "unit", id=unit.id, name=f"{page.page}#{unit.kind}")
    if unit.context:
        element.set("translate", "no")
    notes = etree.SubElement(element, _X + "notes")
    etree.SubElement(notes, _X + "note", category="location").text = f"{page.page}:{unit.line}"
    if unit.context:
        etree.SubElement(
            notes, _X + "note", category="context"
        ).text = "unchanged since the translation was made: its current translation, for context"
    codes = [part for part in unit.source if isinstance(part, Code)]
    if codes:
        original = etree.SubElement(element, _X + "originalData")
        for code in codes:
            etree.SubElement(original, _X + "data", id=_data_id(code)).text = code.data
    segment = etree.SubElement(element, _X + "segment", state=unit.state)
    _xliff_content(etree.SubElement(segment, _X + "source"), unit.source)
    if unit.target is not None:
        _xliff_content(etree.SubElement(segment, _X + "target"), unit.target)


def _data_id(code: Code) -> str:
    return f"d{code.id}" + ("e" if code.role == CLOSE else "")


def _xliff_content(element, parts: tuple[Part, ...]) -> None:
    last = None
    for part in parts:
        if isinstance(part, str):
            if last is None:
                element.text = (element.text or "") + part
            else:
                last.tail = (last.tail or "") + part
            continue
        if part.role == STANDALONE:
            last = etree.SubElement(element, _X + "ph", id=part.id, dataRef=_data_id(part))
        elif part.role == OPEN:
            last = etree.SubElement(element, _X + "sc", id=part.id, dataRef=_data_id(part))
        else:
            last = etree.SubElement(element, _X + "ec", startRef=part.id, dataRef=_data_id(part))


def read_xliff(path: Path, display: str) -> list[PageFile]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else 1
        raise FormatError(f"{display}:{line}: malformed XML: {error.msg}") from None
    if root.tag != _X + "xliff" or not (root.get("version") or "").startswith("2."):
        raise FormatError(
            f'{display}:{root.sourceline}: not XLIFF 2 (the root must be <xliff version="2.x"> in {XLIFF_NS})'
        )
    files = []
    for element in root.iter(_X + "file"):
        meta = {
            item.get("type"): (item.text or "")
            for item in element.iter("{%s}meta" % MDA_NS)
            if item.getparent().get("category") == "helpsite"
        }
        page = PageFile(
            element.get("original") or "",
            root.get("srcLang") or "",
            root.get("trgLang") or "",
            meta.get("source_hash", ""),
            meta.get("date", ""),
            where=display,
        )
        for unit in element.iter(_X + "unit"):
            segment = unit.find(_X + "segment")
            where = f"{display}:{unit.sourceline}"
            if segment is None or segment.find(_X + "source") is None:
                raise FormatError(f"{where}: unit {unit.get('id')}: no <segment> with a <source>")
            source = _xliff_parts(segment.find(_X + "source"), unit, where)
            target_element = segment.find(_X + "target")
            target = None if target_element is None else _xliff_parts(target_element, unit, where)
            page.units.append(
                Unit(
                    unit.get("id") or "",
                    (unit.get("name") or "").rpartition("#")[2],
                    source,
                    target,
                    unit.get("translate") == "no",
                    segment.get("state") or "initial",
                    where=where,
                )
            )
        files.append(page)
    return files


def _xliff_parts(element, unit, where: str) -> tuple[Part, ...]:
    data = {item.get("id"): item.text or "" for item in unit.iter(_X + "data")}
    parts: list[Part] = [element.text] if element.text else []
    for child in element:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "ph":
            parts.append(Code(child.get("id") or "", STANDALONE, data.get(child.get("dataRef"), "")))
        elif tag == "sc":
            parts.append(Code(child.get("id") or "", OPEN, data.get(child.get("dataRef"), "")))
        elif tag == "ec":
            parts.append(Code(child.get("startRef") or "", CLOSE, data.get(child.get("dataRef"), "")))
        else:
            raise FormatError(
                f"{where}: unit {unit.get('id')}: <{tag}> is not one of the codes this export "
                "wrote (ph, sc, ec): keep the codes of the source"
            )
        if child.tail:
            parts.append(child.tail)
    return tuple(_merged(parts))


def _merged(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return merged


# ----------------------------------------------------------------------------
# PO
# ----------------------------------------------------------------------------


def po_text(page: PageFile) -> str:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "helpsite",
        "Language": page.locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        META["page"]: page.page,
        META["source_hash"]: page.source_hash,
        META["date"]: page.date,
    }
    for unit in page.units:
        codes = [part for part in unit.source if isinstance(part, Code)]
        comment = "\n".join(f"{_po_code(code)} = {code.data}" for code in codes)
        flags = [CONTEXT_FLAG] if unit.context else []
        if unit.target is not None and unit.state not in DONE_STATES and not unit.context:
            flags.append("fuzzy")
        po.append(
            polib.POEntry(
                msgctxt=f"{page.page}#{unit.id}",
                msgid=_po_string(unit.source),
                msgstr=_po_string(unit.target) if unit.target is not None else "",
                occurrences=[(page.page, str(unit.line))],
                comment=(f"{unit.kind}\n" + comment).strip(),
                flags=flags,
            )
        )
    return str(po) + "\n"


def _po_code(code: Code) -> str:
    return {STANDALONE: f"<{code.id}/>", OPEN: f"<{code.id}>", CLOSE: f"</{code.id}>"}[code.role]


def _po_string(parts: tuple[Part, ...]) -> str:
    return "".join(part if isinstance(part, str) else _po_code(part) for part in parts)


def read_po(path: Path, display: str) -> PageFile:
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise FormatError(f"{display}: not a PO file: {error}") from None
    page = po.metadata.get(META["page"], "")
    found = PageFile(
        page,
        "",
        po.metadata.get("Language", ""),
        po.metadata.get(META["source_hash"], ""),
        po.metadata.get(META["date"], ""),
        where=display,
    )
    for entry in po:
        where = f"{display}:{entry.linenum}"
        unit_page, _, unit_id = (entry.msgctxt or "").rpartition("#")
        if unit_page != page or not unit_id:
            raise FormatError(
                f"{where}: msgctxt {entry.msgctxt!r} does not name a unit of {page or 'the page'} "
                f"(PAGE#UNIT, as exported): keep each entry's msgctxt"
            )
        source = _po_parts(entry.msgid)
        codes = {(c.role, c.id): c.data for c in source if isinstance(c, Code)}
        target = None
        if entry.msgstr or entry.translated() or CONTEXT_FLAG in entry.flags:
            target = tuple(
                Code(p.id, p.role, codes.get((p.role, p.id), "")) if isinstance(p, Code) else p
                for p in _po_parts(entry.msgstr)
            )
        state = "translated" if "fuzzy" in entry.flags else "final"
        found.units.append(Unit(unit_id, "", source, target, CONTEXT_FLAG in entry.flags, state, where=where))
    return found


def _po_parts(text: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    position = 0
    for match in _PO_CODE.finditer(text):
        closing, number, alone = match.groups()
        if closing and alone:
            continue
        parts.append(text[position : match.start()])
        role = CLOSE if closing else STANDALONE if alone else OPEN
        parts.append(Code(number, role, ""))
        position = match.end()
    parts.append(text[position:])
    return tuple(_merged(parts))
