"""``python -m benchmarks.locales``: the build at 37 locales against 8, side by side in one run.

Measures whether the build's cost per page stays flat as locales are added (issue 26's target:
time per page within 1.2x of the 8-locale build at the same article count). Two generated help
centers with the same articles (``benchmarks.sites.prepare``, ``benchmarks.synthetic``): one with
the site's own locales (8), one with those and more of Microsoft Learn's
(``benchmarks.l10n.MORE_LOCALES``) up to 37. The locales the site does not have are added the way
handbook/add-a-locale.md says: an entry in mkdocs.yml (name from CLDR, English site name) and a
strings file (a copy of strings/en.yaml: the benchmark measures the build, not translations);
their generated pages get a language tag such as ``es-ES`` (CLDR's likely region). Each build is
the project's configuration, hooks and all, with search; wall and CPU time per page and the
build's peak RSS.

    python -m benchmarks.locales [--articles 300] [--locales 8 37] [--out bench-results/locales-37.json]

Ratios from one run on one machine (see ``benchmarks.common.NOTE``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml
from babel import Locale
from babel.core import get_global

from benchmarks.build import time_build
from benchmarks.common import report_head
from benchmarks.l10n import MORE_LOCALES
from benchmarks.linkcheck import linkcheck_command
from benchmarks.sites import PROJECT_FILES, prepare
from helpsite.building import shards
from helpsite.building.preview import differences
from helpsite.core.site import CONFIG_FILE, find_root, load_site
from helpsite.localization import strings
from helpsite.localization.l10n_dashboard import LOCALE_PAGES

DEFAULT_OUT = Path("bench-results") / "locales-37.json"
# The added locales' entries go after the last entry of mkdocs.yml's language list, which ends at
# the first blank line after it.
LAST_ENTRY = "\n        - locale: "


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.locales", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=None, help="the site's folder (default: found from here)"
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument(
        "--locales", type=int, nargs="+", default=[8, 37], help="locale counts, first the base"
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=None, help="folder for the generated sites")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also, for each site: every locale as a shard, merged and compared byte for byte with "
        "the single build; the one-pass link check; each locale's search in Chromium; the /l10n/ "
        "dashboard's locales (slow: one shard build per locale)",
    )
    args = parser.parse_args(argv)
    root = args.root or find_root() or Path.cwd()
    site = load_site(root)
    codes = tuple(dict.fromkeys((*site.locales, *MORE_LOCALES)))
    if max(args.locales) > len(codes) or min(args.locales) < 1:
        parser.error(f"--locales: from 1 to {len(codes)} (the site's locales and MORE_LOCALES)")
    report = report_head("python -m benchmarks.locales " + shlex.join(argv or sys.argv[1:]))
    report.update(articles=args.articles, seed=args.seed, builds=[])
    with tempfile.TemporaryDirectory(dir=args.work) as temp:
        for count in args.locales:
            locales = codes[:count]
            source = _site_with_locales(root, Path(temp) / f"root-{count}", locales)
            project = Path(temp) / f"site-{args.articles}x{count}"
            corpus = prepare(source, project, args.articles, locales, args.seed)
            _tag_pages(project / "docs", [locale for locale in locales if locale not in site.locales])
            build = time_build(project, "project", project / "out")
            entry = {"locales": count, "source_files": corpus.files, **dataclasses.asdict(build)}
            if args.verify and not build.returncode:
                entry["verified"] = verify(project, project / "out", locales)
                print(f"  verified: {json.dumps(entry['verified'], ensure_ascii=False)}", flush=True)
            report["builds"].append(entry)
            print(
                f"{args.articles} x {count:2d} locales: {build.pages:6d} pages {build.seconds:8.1f} s "
                f"{build.ms_per_page:7.2f} ms/page ({build.cpu_ms_per_page:7.2f} CPU) "
                f"{build.peak_rss_mb:8.1f} MB, exit {build.returncode}",
                flush=True,
            )
            shutil.rmtree(project, ignore_errors=True)
    base = report["builds"][0]
    for entry in report["builds"][1:]:
        entry["per_page_ratio"] = round(entry["ms_per_page"] / base["ms_per_page"], 3)
        entry["cpu_per_page_ratio"] = round(entry["cpu_ms_per_page"] / base["cpu_ms_per_page"], 3)
        entry["peak_rss_ratio"] = round(entry["peak_rss_mb"] / base["peak_rss_mb"], 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [
        entry
        for entry in report["builds"]
        if entry["returncode"] or not entry.get("verified", {}).get("ok", True)
    ]
    return 1 if failed else 0


def verify(project: Path, site_dir: Path, locales: Sequence[str]) -> dict:
    """What issue 26 asks of every feature at this locale count, on the built site ``site_dir``:
    the shards merged equal to it byte for byte, no broken link or anchor, each locale's search
    answering its own title words, and the dashboard listing every locale. ``ok`` is all of them."""
    from benchmarks.search import time_search  # Chromium: a test dependency, only for --verify

    shard_dirs = shards.build_parallel(project, locales, project / "out-shards", jobs=os.cpu_count() or 1)
    merged = project / "out-shards" / "site"
    shards.merge([shard_dirs[locale] for locale in locales], merged, load_site(project))
    differing = differences(site_dir, merged)
    shutil.rmtree(project / "out-shards", ignore_errors=True)
    checked = subprocess.run(
        linkcheck_command(project, site_dir), cwd=project, capture_output=True, text=True
    )
    found = json.loads(checked.stdout) if checked.stdout.lstrip().startswith(("[", "{")) else None
    broken = found if isinstance(found, list) else None
    searched = time_search(site_dir, locales, queries=1, throttling=1)["locales"]
    unanswered = [locale for locale, session in searched.items() if not session["first_result_seconds"]]
    dashboard = (site_dir / LOCALE_PAGES.split("/")[0] / "index.html").read_text(encoding="utf-8")
    undashboarded = [locale for locale in locales[1:] if f'href="{locale}/"' not in dashboard]
    result = {
        "shards_merged_differing_files": differing[:20],
        "linkcheck_exit": checked.returncode,
        "linkcheck_broken": len(broken) if broken is not None else checked.stderr[-2000:],
        "search_locales_answered": len(searched) - len(unanswered),
        "search_locales_unanswered": unanswered,
        "dashboard_locales_missing": undashboarded,
    }
    result["ok"] = (
        not differing and checked.returncode == 0 and broken == [] and not unanswered and not undashboarded
    )
    return result


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _site_with_locales(root: Path, target: Path, locales: Sequence[str]) -> Path:
    """A copy of the site's configuration with every locale of ``locales`` it lacks added as
    the recipe adds one: its mkdocs.yml entry and its strings file."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:  # prepare() copies them from here; only strings/ gets files added
        if name != strings.FOLDER and (root / name).exists():
            (target / name).symlink_to((root / name).resolve())
    shutil.copytree(root / strings.FOLDER, target / strings.FOLDER)
    site = load_site(root)
    added = [locale for locale in locales if locale not in site.locales]
    entries = [
        {"locale": locale, "name": _endonym(locale), "build": True, "site_name": site.languages[0].site_name}
        for locale in added
    ]
    text = (root / CONFIG_FILE).read_text(encoding="utf-8")
    listed = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, indent=2)
    indented = "\n".join("        " + line if line else line for line in listed.splitlines())
    if entries:
        end = text.index("\n\n", text.rindex(LAST_ENTRY))
        text = text[:end] + "\n" + indented + text[end:]
    (target / CONFIG_FILE).write_text(text, encoding="utf-8")
    source_strings = root / strings.FOLDER / f"{site.source_locale}.yaml"
    for locale in added:
        shutil.copy2(source_strings, target / strings.FOLDER / f"{locale}.yaml")
    return target


def _endonym(locale: str) -> str:
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def _tag_pages(docs: Path, locales: Sequence[str]) -> None:
    """The generator writes the bare locale (``es``) as a page's language tag for a locale it does
    not know; a real translation has the tag with its region (``es-ES``)."""
    likely = get_global("likely_subtags")
    for locale in locales:
        region = likely.get(locale, f"{locale}_{locale.upper()}").split("_")[-1]
        old, new = f"\nms.contentlocale: {locale}\n", f"\nms.contentlocale: {locale}-{region}\n"
        for page in (docs / locale).rglob("*.md"):
            text = page.read_text(encoding="utf-8")
            if old in text:
                page.write_text(text.replace(old, new, 1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
