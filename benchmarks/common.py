"""What every measurement shares: timing a child process (wall, CPU, peak RSS), the report's
head (what, how, when, where), package versions and the git of the generated histories.
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from helpsite.building import shards

NOTE = (
    "Ratios from one run on one machine; absolute seconds drift on a shared machine, "
    "so compare configurations and sizes only within one run."
)


def cpu_time(work) -> tuple[float, object]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def commit(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(
        project,
        "-c",
        "user.name=helpsite bench",
        "-c",
        "user.email=bench@example.org",
        "commit",
        "-q",
        "-m",
        message,
    )


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, timeout=600)


def git_version() -> str | None:
    try:
        return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


def timed(command: list, cwd: Path) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS in KB, exit status, output) of one child process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    for variable in (shards.SHARD_VARIABLE, "HELPSITE_LOCALE"):  # the run decides what is built
        env.pop(variable, None)
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        return (
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            process.returncode,
            output.read().decode("utf-8", "replace"),
        )


def report_head(command: str | None) -> dict:
    """What every benchmark report starts with: what it is, how it was run, when and where."""
    return {
        "about": NOTE,
        "command": command,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
