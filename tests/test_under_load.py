"""benchmarks/under_load.py, the harness issue 28's "5 of 5 under load" is measured with, runs end
to end (so it cannot rot): a fresh clone per slot, the burners beside it, pytest's summary line
and each run's exit status recorded, 1 when a run failed. The suite itself is too slow to run
inside the suite: a command that prints pytest's summary stands in for it."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from conftest import ROOT, build_env

FAKE_SUITE = (
    "import pathlib, sys; fail = pathlib.Path('dev.py').is_file() and len(sys.argv) > 1; "
    "print('=' * 5, ('1 failed, 2 passed' if fail else '3 passed'), 'in 0.01s', '=' * 5); sys.exit(int(fail))"
)


def run(tmp_path, *extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "under-load.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.under_load", "--runs", "3", "--burners", "1", "--parallel", "2"]
        + [
            "--work",
            str(tmp_path),
            "--out",
            str(out),
            "--command",
            shlex.join([sys.executable, "-c", FAKE_SUITE, *extra]),
        ],
        capture_output=True,
        text=True,
        env=build_env(),
        cwd=ROOT,
        timeout=300,
    )
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_each_run_is_recorded_in_a_fresh_clone_beside_the_burners(tmp_path):
    result, report = run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(r["run"], r["exit_status"], r["summary"]) for r in report["runs"]] == [
        (1, 0, "3 passed"),
        (2, 0, "3 passed"),
        (3, 0, "3 passed"),
    ]
    assert (report["passed_runs"], report["burners"], report["parallel"]) == (3, 1, 2)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    assert report["commit"] == head.strip()
    assert result.stdout.splitlines()[-1].startswith("3 of 3 runs passed")


def test_a_failed_run_fails_the_measure(tmp_path):
    result, report = run(tmp_path, "fail")
    assert result.returncode == 1
    assert [(r["exit_status"], r["summary"]) for r in report["runs"]] == [(1, "1 failed, 2 passed")] * 3
    assert report["passed_runs"] == 0
