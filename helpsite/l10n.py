"""Translation freshness from the metadata Microsoft's localization pipeline writes.

``ms.openlocfilehash`` is the hash of the raw bytes of the source-locale file a translation
was made from: SHA-1 (40 hex digits) or, in newer files, SHA-256 (64). A translation is
current while that hash equals the hash of the source file now.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from helpsite import page as pages
from helpsite.site import Site

CURRENT, STALE, UNTRACKED, MISSING = "current", "stale", "untracked", "missing"
HASH_KEY = "ms.openlocfilehash"


@dataclass(frozen=True)
class TranslationStatus:
    page: str                     # path inside the locale folder: licenses/x.md
    locale: str
    status: str                   # current, stale, untracked or missing
    translationtype: str | None   # MT, HT, or None when unknown
    source_hash: str              # hash of the source file now, in the recorded form
    recorded_hash: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def source_hash(data: bytes, like: str | None = None) -> str:
    """The hash of a source file's bytes, SHA-256 when ``like`` is a 64-digit value."""
    if like is not None and len(like) == 64:
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(data).hexdigest()


def translation_status(site: Site, locale: str, page_path: str,
                       source_bytes: bytes | None = None) -> TranslationStatus:
    """How a translation stands against its source; ``source_bytes`` saves a read."""
    if source_bytes is None:
        source_bytes = site.file_for(site.source_locale, page_path).read_bytes()
    translation = site.file_for(locale, page_path)
    if not translation.is_file():
        return TranslationStatus(page_path, locale, MISSING, None, source_hash(source_bytes), None)
    loaded = pages.read(translation, site.display_path(translation), locale, page_path)
    recorded = _text(loaded.meta.get(HASH_KEY)).lower() or None
    kind = _text(loaded.meta.get("ms.translationtype")) or None
    current = source_hash(source_bytes, recorded)
    if recorded is None:
        status = UNTRACKED
    else:
        status = CURRENT if recorded == current else STALE
    return TranslationStatus(page_path, locale, status, kind, current, recorded)


def source_pages(site: Site) -> list[str]:
    """Every page of the source locale, as paths inside the locale folder."""
    root = site.docs_dir / site.source_locale
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md") if p.is_file())


def site_status(site: Site) -> list[TranslationStatus]:
    """One status for every source page in every translation locale."""
    statuses = []
    for page_path in source_pages(site):
        data = site.file_for(site.source_locale, page_path).read_bytes()
        for locale in site.translation_locales:
            statuses.append(translation_status(site, locale, page_path, data))
    return statuses


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
