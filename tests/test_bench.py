"""The benchmark runs end to end at a tiny size (so it cannot rot) and its configurations are right."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from benchmarks import build as build_benchmark
from benchmarks import common, search, sites

MKDOCS_YML = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_tiny_benchmark_runs_and_reports(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--root",
            str(ROOT),
            "--articles",
            "3",
            "--locales",
            "2",
            "--configs",
            "project",
            "--repeat",
            "2",
            "--preview",
            "--out",
            str(out),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    (size,) = report["sizes"]
    build = size["builds"]["project"]
    assert (size["articles"], size["locales"], size["source_files"]) == (3, 2, 8)
    # 3 articles and a home page in 2 locales, and the /l10n/ summary and nb page
    assert (build["pages"], build["returncode"]) == (10, 0)
    assert build["ms_per_page"] > 0 and build["cpu_ms_per_page"] > 0 and build["peak_rss_mb"] > 0
    assert build["output_bytes_per_page"] > 1000
    assert len(build["runs_seconds"]) == len(build["runs_cpu_seconds"]) == 2
    assert size["preview"]["locale"] == "nb" and size["preview"]["edit_served_seconds"] > 0
    assert size["check"]["files"] == 8 and size["check"]["files_per_second"] > 0
    assert report["locales"] == ["en", "nb"] and report["about"] == common.NOTE
    assert (
        report["command"] == f"python -m benchmarks --root {ROOT} --articles 3 --locales 2 "
        f"--configs project --repeat 2 --preview --out {out} --work {tmp_path}"
    )
    assert list(tmp_path.iterdir()) == [out]  # the temporary site is gone


def test_tiny_l10n_benchmark_times_the_diff_on_a_real_history(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--root",
            str(ROOT),
            "--l10n",
            "--articles",
            "3",
            "--locales",
            "2",
            "--dashboard-locales",
            "3",
            "--out",
            str(out),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    diff, dashboard = report["l10n_diff"], report["dashboard"]
    # every English page edited after translation: the 3 articles' translations are stale, each
    # with its base found (the home page's translation has no hash: untracked)
    found = (diff["commits"], diff["stale_translations"], diff["with_base"], diff["with_diff"])
    assert found == (5, 3, 3, 3)
    assert diff["exit_status"] == 0 and diff["diff_seconds"] > 0 and diff["status_seconds"] > 0
    assert (diff["locale_page"]["locale"], diff["locale_page"]["listed"]) == ("nb", 4)
    assert (dashboard["locales"], dashboard["source_files"], dashboard["locale_page"]["listed"]) == (3, 12, 1)
    assert dashboard["summary_page_bytes"] > dashboard["summary_dashboard_bytes"] > 0
    assert list(tmp_path.iterdir()) == [out]


def test_every_configuration_builds(tmp_path):
    """The comparison builds stay buildable: the templates work without the hooks' page data."""
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--root",
            str(ROOT),
            "--articles",
            "3",
            "--locales",
            "2",
            "--no-check",
            "--out",
            str(out),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (size,) = json.loads(out.read_text(encoding="utf-8"))["sizes"]
    assert {name: build["returncode"] for name, build in size["builds"].items()} == {
        "project": 0,
        "stock": 0,
        "project_without_hooks": 0,
    }


def test_project_config_keeps_the_chosen_locales_and_hooks():
    text = sites.project_config(MKDOCS_YML, ["en", "nb"], keep_hooks=sites.MACHINERY_HOOKS)
    config = sites._yaml().load(text)
    assert [lang["locale"] for lang in sites._i18n(config)["languages"]] == ["en", "nb"]
    assert list(config["hooks"]) == [
        h for h in sites._yaml().load(MKDOCS_YML)["hooks"] if h in sites.MACHINERY_HOOKS
    ]
    assert "hooks/check_pages.py" not in config["hooks"]
    assert "!ENV [HELPSITE_SITE_URL" in text  # the rest of mkdocs.yml is kept as written


def test_the_build_without_search_drops_only_the_search_hook():
    text = sites.project_config(MKDOCS_YML, ["en", "nb"], drop_hooks=(sites.SEARCH_HOOK,))
    hooks = list(sites._yaml().load(MKDOCS_YML)["hooks"])
    assert sites.SEARCH_HOOK in hooks
    assert list(sites._yaml().load(text)["hooks"]) == [h for h in hooks if h != sites.SEARCH_HOOK]


def test_stock_config_has_no_project_parts():
    config = json.loads(sites.stock_config(MKDOCS_YML, ["en", "nb", "da"]))
    assert config["theme"] == {"name": "material", "language": "en"}
    assert "hooks" not in config and "markdown_extensions" not in config
    (i18n,) = [p["i18n"] for p in config["plugins"] if isinstance(p, dict)]
    assert i18n == {
        "docs_structure": "folder",
        "languages": [
            {"locale": "en", "name": "English", "default": True, "build": True},
            {"locale": "nb", "name": "Norsk bokmål", "default": False, "build": True},
            {"locale": "da", "name": "Dansk", "default": False, "build": True},
        ],
    }


def test_unknown_config_is_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--root", str(ROOT), "--configs", "fast"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "--configs: unknown fast (known: project, stock, project_without_hooks, project_without_search)\n"
    )


def test_repeated_builds_report_the_median_run():
    runs = [
        build_benchmark.TimedBuild("project", seconds, cpu, 10, 100 * seconds, 100 * cpu, 50.0, 1000, 100, 0)
        for seconds, cpu in ((3.0, 2.0), (1.0, 4.0), (2.0, 3.0))
    ]
    median = build_benchmark._median_build(runs)
    assert (median["seconds"], median["cpu_seconds"], median["cpu_ms_per_page"]) == (2.0, 3.0, 300.0)
    assert (median["runs_seconds"], median["runs_cpu_seconds"]) == ([3.0, 1.0, 2.0], [2.0, 4.0, 3.0])
    assert "runs_seconds" not in build_benchmark._median_build(runs[:1])


def test_large_page_benchmark_checks_every_link(tmp_path):
    out = tmp_path / "pages.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--root",
            str(ROOT),
            "--pages",
            "--page-links",
            "300",
            "600",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    # one link in ten has no text: the 1st, 11th, 21st ...
    assert [(p["links"], p["empty_links"], p["internal_errors"]) for p in report["pages"]] == [
        (300, 30, 0),
        (600, 60, 0),
    ]
    assert all(p["convert_seconds"] > 0 and p["check_to_convert"] > 0 for p in report["pages"])
    assert report["scaling"]["size_ratio"] == pytest.approx(2, rel=0.05)


def test_search_is_timed_in_the_browser_for_each_locale(built_site, browser):
    report = search.time_search(built_site, ["en", "ja"], queries=1, browser=browser)
    en, ja = report["locales"]["en"], report["locales"]["ja"]
    assert en["queries"] == ["Transfer"]  # the first word of the one article's title
    assert ja["queries"] == ["テナント間でライセンスを譲渡する"]  # a title with no spaces is one word
    for session in (en, ja):
        assert len(session["first_result_seconds"]) == 1 and session["first_result_seconds"][0] > 0
    for session, root in ((en, "/"), (ja, "/ja/")):
        assert session["search_files_at_page_load"] == [
            "/assets/javascripts/helpsite/search-preload.js",
            "/assets/javascripts/helpsite/search-worker.js",
            root + "search/search_index.json",
        ]
        assert session["session_bytes"] > 0
    assert report["throttling"] == 4


def test_indexing_is_timed_against_the_build(built_site, tmp_path):
    indexing = search.time_indexing(built_site, ["en", "nb"], build_seconds=100.0)
    assert indexing["seconds"] > 0
    assert abs(indexing["share_of_build"] - indexing["seconds"] / 100.0) <= 0.0001
