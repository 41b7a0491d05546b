"""What an export cut each English page into, kept beside its files for the import.

The import must know the segments of the English page the export was made from; cutting the
page again costs as much as the export did (the engine's parse), so the export writes them to
``.helpsite-segments.json`` beside its files, with the English page's SHA-1 and a fingerprint of
what decides the cut (the segmenting code and the site's Markdown settings). The import uses a
page's record only when both still match and every segment's characters are exactly the English
page's at its offsets (a string comparison); otherwise it cuts the page again, so a missing,
old or edited record costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpsite.core import lasting
from helpsite.core.site import Site
from helpsite.localization.handoff import segments as segmenting
from helpsite.localization.handoff.segments import Code, Segment
from helpsite.text import markdown
from helpsite.text import page as pages

FILE_NAME = ".helpsite-segments.json"
PARENTS_SEARCHED = 8  # a PO file is PAGE.po below the export's folder: look this far up


def fingerprint(site: Site | None) -> str:
    """What the cut depends on besides the page: the code that cuts and the site's settings."""
    settings = repr((site.markdown_extensions, site.extra.get("handoff")) if site else None)
    return hashlib.sha1(
        (_code_digest() + settings + repr(segmenting.front_matter_keys(site))).encode()
    ).hexdigest()


@lasting.memo(1)  # the code this process runs
def _code_digest() -> str:
    return "".join(
        hashlib.sha1(Path(module.__file__).read_bytes()).hexdigest() for module in (markdown, segmenting)
    )


def write(out: Path, site: Site, cut: dict[str, tuple[str, list[Segment]]]) -> Path:
    """The record of an export: page -> (English SHA-1, its segments)."""
    path = out / FILE_NAME
    record = {
        "fingerprint": fingerprint(site),
        "pages": {
            page: {"source_hash": source_hash, "segments": [_segment_json(s) for s in found]}
            for page, (source_hash, found) in cut.items()
        },
    }
    path.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path


def find(exchange_file: Path) -> Path | None:
    """The record of the export an exchange file came from, in its folder or one above."""
    folder = exchange_file.resolve().parent
    for candidate in [folder, *folder.parents][:PARENTS_SEARCHED]:
        if (candidate / FILE_NAME).is_file():
            return candidate / FILE_NAME
    return None


def load(path: Path, site: Site) -> dict:
    """page -> its entry, when the record was made by this code for these settings; else {}."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint(site):
        return {}
    return record.get("pages") or {}


def segments_of(entry: dict | None, english: pages.Page, source_hash: str) -> list[Segment] | None:
    """A page's recorded segments, if they are the English page's; None to cut it again."""
    if not entry or entry.get("source_hash") != source_hash:
        return None
    try:
        found = [_segment(item) for item in entry["segments"]]
    except (KeyError, TypeError, ValueError):
        return None
    text = english.text
    for segment in found:
        key = segment.front_matter_key
        if key is not None:
            if english.meta.get(key) != segment.source:
                return None
        elif text[segment.start : segment.end] != segment.written(segment.parts):
            return None
    return found


def _segment_json(segment: Segment) -> list:
    parts = [part if isinstance(part, str) else [part.id, part.role, part.data] for part in segment.parts]
    return [
        segment.page,
        segment.kind,
        segment.index,
        parts,
        segment.start,
        segment.end,
        list(segment.separators),
        segment.id,
        segment.line,
    ]


def _segment(item: list) -> Segment:
    page, kind, index, parts, start, end, separators, unit_id, line = item
    return Segment(
        page,
        kind,
        index,
        tuple(part if isinstance(part, str) else Code(*part) for part in parts),
        start,
        end,
        tuple(separators),
        unit_id,
        line,
    )
