"""Every process the preview starts stops with it (helpsite/core/lifetime.py, issue 28).

The README's preview command, ``python3 dev.py serve`` (dev.py becomes ``mkdocs serve``), runs
on a copy of the site; once it serves, and its checks worker runs, the preview process alone
gets a signal, as a process manager or an IDE sends it. Within 2 s every process it started is
gone and its port can be bound again. The test drives the command line, not the server's
code, so it holds for whatever server runs behind it. ``python tests/test_lifetime.py N``
repeats the SIGTERM case N times and prints each time (the README's 20 of 20).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ARTICLE, ROOT, build_env, copy_site, free_port  # noqa: E402

from benchmarks.serving import fetch, wait_for  # noqa: E402
from helpsite.core import lifetime

LIMIT = 2.0  # seconds from the signal to every process gone and the port free


def bindable(port: int) -> bool:
    """Whether a server could listen on ``port`` now: as MkDocs' (and Python's HTTPServer) binds,
    with SO_REUSEADDR, so that the closed connections' TIME_WAIT does not count, a listener does."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def gone(process: psutil.Process) -> bool:
    """Ended (a zombie has ended: only its exit status waits for whoever reaps it)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# dev.py's serve task as `python3 dev.py serve` runs it, without its set-up step: that step
# installs the checkout it runs from into the environment, which the tests share with others.
DEV_SERVE = "import sys; sys.path.insert(0, sys.argv.pop(1)); import dev; sys.exit(dev.serve(sys.argv[1:]))"


def start_preview(project: Path, port: int, log) -> subprocess.Popen:
    """`python3 dev.py serve` of ``project`` on ``port``: its own session, so that only the
    signals the test sends reach it, and the signals' default actions, as from a terminal (a suite
    run in the background, `nohup` or `cmd &`, passes SIGINT and SIGHUP on ignored, and a program
    keeps what it inherits ignored: the preview would not stop, as it should not there)."""
    return subprocess.Popen(
        [sys.executable, "-c", DEV_SERVE, str(ROOT), "-f", str(project / "mkdocs.yml"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=build_env(),
        start_new_session=True,
        preexec_fn=_default_signals,
    )


def _default_signals() -> None:
    for number in lifetime.STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def running(name: str, parent: psutil.Process) -> list[tuple[int, str]]:
    """(pid, name) of the processes below ``parent`` whose name holds ``name``, now."""
    found = []
    for child in parent.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if name in child.name():
                found.append((child.pid, child.name()))
    return found


def stop_time(
    project: Path, number: int, log_path: Path, while_rebuilding: bool = False, group: bool = False
) -> tuple[float, list, list]:
    """Start the preview, send it ``number`` once it serves (and its worker runs; with
    ``while_rebuilding``, once an edit's rebuild has started Pagefind; with ``group``, to every
    process of its group, as Ctrl-C in a terminal or a process manager sends it), and return the
    seconds until it and every process it started are gone and its port is free (10 at most),
    the processes it had started, and those still alive then."""
    port = free_port()
    with open(log_path, "w") as log:
        process = start_preview(project, port, log)
        try:
            preview = psutil.Process(process.pid)
            assert wait_for(lambda: fetch(f"http://127.0.0.1:{port}/"), timeout=180), log_path.read_text()
            assert wait_for(lambda: preview.children(recursive=True), timeout=60), "no worker"
            indexing: list = []  # (pid, name) of the Pagefind seen running, when rebuilding
            if while_rebuilding:
                # a ROBOTS edit (every language version reads it): the preview rebuilds every
                # locale, and their Pagefind runs are there to be caught (a body or other
                # front-matter edit re-indexes one small locale in a moment)
                source = project / "docs" / "nb" / f"{ARTICLE}.md"
                text = source.read_text(encoding="utf-8")
                source.write_text(
                    text.replace("ROBOTS: NOINDEX, NOFOLLOW", "ROBOTS: NOINDEX", 1),
                    encoding="utf-8",
                )
                indexing = wait_for(lambda: running("pagefind", preview), timeout=60, step=0.02)
                assert indexing, log_path.read_text()
            started = preview.children(recursive=True)
            described = list(indexing)
            for child in started:  # one may end meanwhile (Pagefind, on a small site, in a moment)
                with contextlib.suppress(psutil.NoSuchProcess):
                    described.append((child.pid, " ".join(child.cmdline()[:4])))
            sent = time.monotonic()
            if group:
                os.killpg(preview.pid, number)  # its own session: the group is the preview's
            else:
                preview.send_signal(number)
            everything = [preview, *started]
            while not (all(gone(p) for p in everything) and bindable(port)):
                if time.monotonic() - sent > 10:
                    break
                time.sleep(0.01)
            elapsed = time.monotonic() - sent
            left = [p.pid for p in everything if not gone(p)]
            return elapsed, described, left
        finally:  # what this preview left (a failed run) is not left to the next test; only its own:
            # the session's browser is the suite's child too
            leftovers = list(locals().get("everything", []))
            with contextlib.suppress(psutil.NoSuchProcess):
                leftovers += [
                    psutil.Process(process.pid),
                    *psutil.Process(process.pid).children(recursive=True),
                ]
            for leftover in leftovers:
                with contextlib.suppress(psutil.NoSuchProcess):
                    leftover.kill()
            process.wait()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_site(tmp_path_factory.mktemp("lifetime") / "project")


@pytest.mark.parametrize(
    "number",
    [signal.SIGTERM, signal.SIGTERM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
    ids=["SIGTERM-1", "SIGTERM-2", "SIGTERM-3", "SIGINT", "SIGHUP", "SIGKILL"],
)
def test_the_preview_and_all_it_started_stop_within_2_s(project, tmp_path, number):
    elapsed, started, left = stop_time(project, number, tmp_path / "serve.log")
    assert (elapsed < LIMIT, left) == (True, []), (
        elapsed,
        started,
        (tmp_path / "serve.log").read_text()[-3000:],
    )
    assert started  # the checks worker (and the forkserver it is forked from) were among them
    if number != signal.SIGKILL:
        assert stopped_quietly(tmp_path / "serve.log", number)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_whole_group_stops_it_with_one_line(project, tmp_path, number):
    """The signal reaches the checks worker too (a process manager's SIGTERM, Ctrl-C in a
    terminal): it is the preview's to act on, and no worker prints a traceback."""
    elapsed, started, left = stop_time(project, number, tmp_path / "serve.log", group=True)
    assert (elapsed < LIMIT, left) == (True, []), (
        elapsed,
        started,
        (tmp_path / "serve.log").read_text()[-3000:],
    )
    assert stopped_quietly(tmp_path / "serve.log", number)


def stopped_quietly(log_path: Path, number: int) -> bool:
    """The log's lines from the signal on are its one line, MkDocs' own shutdown line and, from
    the preview's background threads, at most the info lines of work they were finishing (a lazy
    start's last pages, a search bundle): no warning, no error, no traceback."""
    lines = log_path.read_text().splitlines()
    said = f"INFO    -  stopping: {signal.Signals(number).name} received"
    assert said in lines, lines[-20:]
    after = lines[lines.index(said) + 1 :]
    assert "INFO    -  Shutting down..." in after, lines[-20:]
    assert [line for line in after if not line.startswith("INFO    -  ")] == [], lines[-20:]
    return True


def test_a_rebuild_under_way_stops_with_pagefind_running(project, tmp_path):
    elapsed, started, left = stop_time(project, signal.SIGTERM, tmp_path / "serve.log", while_rebuilding=True)
    assert (elapsed < LIMIT, left) == (True, []), (
        elapsed,
        started,
        (tmp_path / "serve.log").read_text()[-3000:],
    )
    assert any("pagefind" in command for _, command in started), started


def test_a_child_dies_with_its_parent_even_by_sigkill(tmp_path):
    """lifetime.popen's child, under a parent that is killed: it is gone at once."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from helpsite.core import lifetime;"
            "child = lifetime.popen(['sleep', '600']); print(child.pid, flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=build_env(PYTHONPATH=str(ROOT)),
    )
    child = psutil.Process(int(parent.stdout.readline()))
    parent.kill()
    parent.wait()
    assert wait_for(lambda: gone(child), timeout=LIMIT, step=0.01)


@pytest.mark.parametrize("stops_them", [False, True], ids=["left-running", "control-stopped"])
def test_the_suite_fails_when_a_process_it_started_outlives_it(tmp_path, stops_them):
    """tests/conftest.py's check, on a suite of one test that starts a child and, through a shell
    that ends at once, an orphan."""
    (tmp_path / "test_leak.py").write_text(
        "import subprocess, time\n"
        "def test_starts_two():\n"
        "    child = subprocess.Popen(['sleep', '60'])\n"
        "    shell = subprocess.run(['sh', '-c', 'sleep 61 >/dev/null 2>&1 & echo $!'], capture_output=True, text=True)\n"
        + (
            "    child.kill(); child.wait()\n    subprocess.run(['kill', shell.stdout.strip()])\n"
            if stops_them
            else ""
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q", "test_leak.py"],
        cwd=tmp_path,
        env=build_env(PYTHONPATH=f"{ROOT / 'tests'}:{ROOT}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if stops_them:
        assert (result.returncode, "still running" in result.stdout) == (0, False), result.stdout
    else:
        assert result.returncode == 1, result.stdout
        assert "2 process(es) the suite started are still running:" in result.stdout
        assert re.search(r"  \d+: sleep 60\n  \d+: sleep 61", result.stdout), result.stdout


def test_a_signal_already_handled_is_left_to_its_handler():
    def handler(number, frame):
        pass

    previous = signal.signal(signal.SIGHUP, handler)
    try:
        lifetime.stop_on_signals()
        assert signal.getsignal(signal.SIGHUP) is handler
    finally:
        signal.signal(signal.SIGHUP, previous)
        for number in (signal.SIGTERM, signal.SIGINT):  # this process's own, as they were
            if signal.getsignal(number) is lifetime._stop:
                signal.signal(
                    number, signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL
                )


if __name__ == "__main__":  # python tests/test_lifetime.py 20: the SIGTERM case, 20 times
    import tempfile

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        site = copy_site(Path(folder) / "project")
        times = []
        for run in range(runs):
            elapsed, started, left = stop_time(site, signal.SIGTERM, Path(folder) / "serve.log")
            times.append(elapsed if not left else float("inf"))
            print(f"{run + 1:2}: {elapsed:.3f} s; started {started}; left {left}", flush=True)
    within = sum(t < LIMIT for t in times)
    print(
        f"{within} of {runs} within {LIMIT} s; slowest {max(times):.3f} s, median {sorted(times)[runs // 2]:.3f} s"
    )
