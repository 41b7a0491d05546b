"""Per-locale shards: build each locale on its own (in parallel, or on N machines), then merge.

``HELPSITE_SHARD=nb mkdocs build -d shard-nb`` (hooks/shards.py) builds the Norwegian pages
exactly as the full build does, at /nb/ with the full language selector. Each shard also
holds the files every locale's build writes at the site root; the merge takes those from
the source locale's shard and regenerates the site-wide files from all shards, in the
order the full build writes them (source locale first, then mkdocs.yml's order):

- ``sitemap.xml``: every shard's ``<url>`` entries, concatenated; ``sitemap.xml.gz`` its
  gzip, with the shards' timestamp;
- ``search/search_index.json``: every shard's entries, concatenated, without fallback
  copies (``helpsite.search_dedup``);
- ``404.html``: every locale's build writes it at the root and the last one stays; the merge
  takes the last shard's.

So the merged site equals the full build byte for byte (tests/test_shards.py), provided the
shards are built with the same ``SOURCE_DATE_EPOCH`` (the sitemap has the build date).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from helpsite.search_dedup import drop_fallback_duplicates
from helpsite.site import CONFIG_FILE, Site

SHARD_VARIABLE = "HELPSITE_SHARD"
SITEMAP, SITEMAP_GZ = "sitemap.xml", "sitemap.xml.gz"
SEARCH_INDEX = "search/search_index.json"
NOT_FOUND = "404.html"
SITE_WIDE = (SITEMAP, SITEMAP_GZ, SEARCH_INDEX, NOT_FOUND)
_URLSET_END = "\n</urlset>"


class ShardError(Exception):
    """A shard folder that cannot be merged, with the reason a person can act on."""


def build_order(site: Site) -> list[str]:
    """The order static-i18n builds the locales in: the source locale, then mkdocs.yml's order."""
    return [site.source_locale] + [locale for locale in site.locales if locale != site.source_locale]


def shard_locale(shard: Path, site: Site) -> str:
    """Which locale a shard folder holds: its one locale folder, or none for the source locale."""
    present = [locale for locale in site.translation_locales if (shard / locale / "index.html").is_file()]
    if len(present) > 1:
        raise ShardError(f"{shard}: holds several locales ({', '.join(present)}); a shard holds one")
    if present:
        return present[0]
    if not (shard / "index.html").is_file():
        raise ShardError(f"{shard}: no index.html for any locale; is it a shard build folder?")
    return site.source_locale


def merge(shard_dirs: Sequence[Path], out: Path, site: Site) -> list[str]:
    """Merge shard folders into ``out`` (replaced); returns the locales merged, in build order."""
    shards = {}
    for shard in map(Path, shard_dirs):
        locale = shard_locale(shard, site)
        if locale in shards:
            raise ShardError(f"{shard}: locale {locale!r} is also in {shards[locale]}")
        shards[locale] = shard
    order = [locale for locale in build_order(site) if locale in shards]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    root = shards.get(site.source_locale, shards[order[0]])
    others = set(site.translation_locales)
    for path in _files(root):
        relative = path.relative_to(root)
        if relative.parts[0] not in others and relative.as_posix() not in SITE_WIDE:
            _copy(path, out / relative)
    for locale in order:
        if locale != site.source_locale:
            shutil.copytree(shards[locale] / locale, out / locale)
    _merge_sitemaps([shards[locale] for locale in order], out)
    _merge_search_indexes([shards[locale] for locale in order], out, site.locales)
    if (shards[order[-1]] / NOT_FOUND).is_file():
        _copy(shards[order[-1]] / NOT_FOUND, out / NOT_FOUND)
    return order


def build_parallel(project: Path, locales: Sequence[str], out: Path, jobs: int,
                   extra_args: Sequence[str] = ()) -> dict[str, Path]:
    """Build each locale as a shard into out/<locale>, ``jobs`` builds at a time."""
    out.mkdir(parents=True, exist_ok=True)

    def build(locale: str) -> tuple[str, Path]:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{SHARD_VARIABLE: locale})
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / CONFIG_FILE),
             "-d", str(out / locale), *extra_args], cwd=project, env=env, capture_output=True, text=True)
        if result.returncode:
            raise ShardError(f"the {locale} shard failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return locale, out / locale

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(build, locales))


# ----------------------------------------------------------------------------
# Site-wide files
# ----------------------------------------------------------------------------

# The <url> entries of every shard's sitemap inside the first one's <urlset>.
def _merge_sitemaps(shards: list[Path], out: Path) -> None:
    texts = [(shard / SITEMAP).read_text(encoding="utf-8") for shard in shards if (shard / SITEMAP).is_file()]
    if not texts:
        return
    head, bodies = None, []
    for shard, text in zip(shards, texts):
        start, end = text.find("<urlset"), text.rfind(_URLSET_END)
        if start < 0 or end < 0:
            raise ShardError(f"{shard / SITEMAP}: not a sitemap (no <urlset> ... </urlset>)")
        opened = text.index(">", start) + 1
        head = head or text[:opened]
        bodies.append(text[opened:end])
    merged = head + "".join(bodies) + text[end:]
    (out / SITEMAP).write_text(merged, encoding="utf-8")
    gz_source = next((shard / SITEMAP_GZ for shard in shards if (shard / SITEMAP_GZ).is_file()), None)
    if gz_source:
        # The same gzip stream MkDocs writes: its timestamp, file name and level.
        mtime = int.from_bytes(gz_source.read_bytes()[4:8], "little")
        buffer = io.BytesIO()
        with gzip.GzipFile(filename=str(out / SITEMAP_GZ), fileobj=buffer, mode="wb", mtime=mtime) as gz:
            gz.write(merged.encode("utf-8"))
        (out / SITEMAP_GZ).write_bytes(buffer.getvalue())


# Every shard's entries in build order, fallback copies removed, as the search plugin writes them.
def _merge_search_indexes(shards: list[Path], out: Path, locales: Sequence[str]) -> None:
    indexes = [_search_index(shard / SEARCH_INDEX) for shard in shards if (shard / SEARCH_INDEX).is_file()]
    if not indexes:
        return
    entries = [entry for index in indexes for entry in index["docs"]]
    drop_fallback_duplicates(entries, locales)
    data = {"config": indexes[0]["config"], "docs": entries}
    target = out / SEARCH_INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(json.dumps(data, separators=(",", ":"), default=str).encode("utf-8"))


def _search_index(path: Path) -> dict:
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ShardError(f"{path}:{error.lineno}:{error.colno}: not a search index: {error.msg}") from None
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list) or "config" not in index:
        raise ShardError(f"{path}: not a search index (no 'config' and 'docs' list)")
    return index


def _files(root: Path):
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            yield Path(folder) / name


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
