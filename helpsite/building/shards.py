"""Per-locale shards: build each locale on its own (in parallel, or on N machines), then merge.

``HELPSITE_SHARD=nb mkdocs build -d shard-nb`` (hooks/shards.py) builds the Norwegian pages
exactly as the full build does, at /nb/ with the full language selector. Every shard also
writes the site-wide files, and writes them the same: the sitemap is computed from the
sources of every locale (helpsite.published.reader), the root search index and 404 page are the source
locale's own (hooks/localized_site.py). So the merge is a copy: the source locale's shard
with each other shard's locale folder, after checking that the shards agree on the
site-wide files (built from the same commit with the same ``SOURCE_DATE_EPOCH``: the sitemap
carries the build date). The merged site equals the full build byte for byte
(tests/test_shards.py).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpsite.core import settings
from helpsite.core.errors import HelpsiteError
from helpsite.core.site import CONFIG_FILE, Site

SHARD_VARIABLE = settings.DECLARED["shard"].variable
# What every shard writes for the whole site; they must agree to be merged.
SITE_WIDE = ("sitemap.xml", "sitemap.xml.gz")


class ShardError(HelpsiteError):
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
    root = shards.get(site.source_locale)
    if root is None:
        raise ShardError(
            f"no shard of the source locale {site.source_locale!r}: its pages and the "
            "site-wide files come from it"
        )
    for locale in order:
        _check_agrees(root, shards[locale])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    others = set(site.translation_locales)
    for path in _files(root):
        relative = path.relative_to(root)
        if relative.parts[0] not in others:
            _copy(path, out / relative)
    for locale in order:
        if locale != site.source_locale:
            shutil.copytree(shards[locale] / locale, out / locale)
    return order


def build_command(config: Path, site_dir: Path, *extra_args: str) -> list[str]:
    """The quiet ``mkdocs build`` of ``config`` into ``site_dir``, in this interpreter."""
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(config),
        "-d",
        str(site_dir),
        *extra_args,
    ]


def build_parallel(
    project: Path, locales: Sequence[str], out: Path, jobs: int, extra_args: Sequence[str] = ()
) -> dict[str, Path]:
    """Build each locale as a shard into out/<locale>, ``jobs`` builds at a time."""
    out.mkdir(parents=True, exist_ok=True)

    def build(locale: str) -> tuple[str, Path]:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{SHARD_VARIABLE: locale})
        result = subprocess.run(
            build_command(project / CONFIG_FILE, out / locale, *extra_args),
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise ShardError(f"the {locale} shard failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return locale, out / locale

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(build, locales))


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# Shards of different sources (or build dates) cannot make one site.
def _check_agrees(root: Path, shard: Path) -> None:
    for name in SITE_WIDE:
        if (root / name).is_file() != (shard / name).is_file() or (
            (root / name).is_file() and not filecmp.cmp(root / name, shard / name, shallow=False)
        ):
            raise ShardError(
                f"{shard / name} differs from {root / name}: build every shard from the "
                "same commit with the same SOURCE_DATE_EPOCH"
            )


def _files(root: Path):
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            yield Path(folder) / name


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
