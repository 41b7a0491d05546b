"""``python -m benchmarks.under_load``: the whole test suite, as CI runs it, on a busy machine.

Issue 28's target: the suite passes 5 runs in 5 with two CPU-bound processes running beside it.
This clones the repository's committed ``HEAD`` into fresh folders (as CI does: nothing
installed by hand is reused, the first run of each clone sets up its environment), starts
``--burners`` processes that spin on the CPU for the whole time, and runs the README's test
command (``python3 dev.py test``, which ``.ci/run`` runs) ``--runs`` times, ``--parallel`` of them
at once in clones of their own (each then also loads the others). It records, per run, its exit
status, pytest's summary line, its wall time and the load average seen while it ran.

    python -m benchmarks.under_load [--runs 5] [--burners 2] [--parallel 1] [--out bench-results/under-load.json]

Exit status 1 if any run failed. Not a timed measure: the wall times only show how busy it was.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.common import report_head

ROOT = Path(__file__).resolve().parent.parent
TEST_COMMAND = ["python3", "dev.py", "test"]  # the README's, as .ci/run runs it
SUMMARY = re.compile(r"^=+ (.*\b(passed|failed|error)\b.*) in [\d.]+s", re.MULTILINE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.under_load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--burners", type=int, default=2, help="CPU-bound processes beside the suite")
    parser.add_argument("--parallel", type=int, default=1, help="runs at once, each in its own clone")
    parser.add_argument("--work", type=Path, default=None, help="folder for the clones and logs")
    parser.add_argument("--out", type=Path, default=Path("bench-results") / "under-load.json")
    parser.add_argument(
        "--command", default=shlex.join(TEST_COMMAND), help="the suite's command, run in each clone"
    )
    args = parser.parse_args(argv)
    commit = _git("rev-parse", "HEAD")
    report = report_head("python -m benchmarks.under_load " + shlex.join(argv or sys.argv[1:]))
    report.update(commit=commit, burners=args.burners, parallel=args.parallel, command=args.command, runs=[])
    work = Path(tempfile.mkdtemp(prefix="helpsite-under-load-", dir=args.work))
    clones = [_clone(work / f"clone-{slot}") for slot in range(args.parallel)]
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.burners)]
    loads: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(10):
            loads.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        with ThreadPoolExecutor(args.parallel) as pool:
            slots = [clones[number % args.parallel] for number in range(args.runs)]
            # runs in the same clone one after another: each slot's runs are chained
            chained = [
                pool.submit(
                    _runs_in,
                    clone,
                    [n for n in range(args.runs) if slots[n] == clone],
                    work,
                    report,
                    shlex.split(args.command),
                )
                for clone in clones
            ]
            for future in chained:
                future.result()
    finally:
        stop.set()
        for burner in burners:
            burner.kill()
            burner.wait()
    report["runs"].sort(key=lambda run: run["run"])
    report["passed_runs"] = sum(1 for run in report["runs"] if run["exit_status"] == 0)
    report["load_average_1min"] = {"min": min(loads, default=None), "max": max(loads, default=None)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{report['passed_runs']} of {args.runs} runs passed; logs in {work}")
    return 0 if report["passed_runs"] == args.runs else 1


def _runs_in(clone: Path, numbers: list[int], work: Path, report: dict, command: list[str]) -> None:
    for number in numbers:
        log_path = work / f"run-{number + 1}.log"
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        with open(log_path, "w", encoding="utf-8") as log:
            code = subprocess.run(command, cwd=clone, stdout=log, stderr=subprocess.STDOUT).returncode
        text = log_path.read_text(encoding="utf-8", errors="replace")
        summaries = SUMMARY.findall(text)
        entry = {
            "run": number + 1,
            "exit_status": code,
            "summary": summaries[-1][0] if summaries else None,
            "seconds": round(time.perf_counter() - started, 1),
            "load_average_at_start": round(load_before, 2),
            "failed": re.findall(r"^FAILED (\S+)", text, re.MULTILINE),
            "log": str(log_path),
        }
        report["runs"].append(entry)
        print(json.dumps(entry), flush=True)


def _clone(target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
