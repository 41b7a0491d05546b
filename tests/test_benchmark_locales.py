"""benchmarks/locales.py runs end to end at a tiny size (so it cannot rot), with a locale the site
does not have added as the recipe adds one, and verifies that every feature takes its locales
from the configuration: the shards merged equal the single build, the link check, each locale's
search in Chromium and the /l10n/ dashboard."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import LOCALES, ROOT, build_env

from benchmarks.l10n import MORE_LOCALES


def test_the_locales_benchmark_builds_both_sizes_verifies_them_and_reports_the_ratios(tmp_path):
    out = tmp_path / "locales.json"
    count = len(LOCALES) + 1  # the site's locales and the first of MORE_LOCALES
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.locales", "--root", str(ROOT), "--articles", "1"]
        + ["--locales", "1", str(count), "--verify", "--out", str(out), "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        env=build_env(),
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    small, large = report["builds"]
    assert MORE_LOCALES[0] not in LOCALES
    # an article and a home page a locale, the /l10n/ summary and one dashboard page a translation
    assert (small["locales"], small["pages"], small["returncode"]) == (1, 3, 0)
    assert (large["locales"], large["pages"], large["returncode"]) == (count, 2 * count + count, 0)
    assert large["per_page_ratio"] == round(large["ms_per_page"] / small["ms_per_page"], 3)
    assert {"cpu_per_page_ratio", "peak_rss_ratio"} <= set(large)
    assert report["command"].startswith("python -m benchmarks.locales --root")
    for build, locales in ((small, 1), (large, count)):
        assert build["verified"] == {
            "shards_merged_differing_files": [],
            "linkcheck_exit": 0,
            "linkcheck_broken": 0,
            "search_locales_answered": locales,
            "search_locales_unanswered": [],
            "dashboard_locales_missing": [],
            "ok": True,
        }
