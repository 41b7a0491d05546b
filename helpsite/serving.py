"""A preview server in a child process, as the benchmark and the tests run one: a free port on
127.0.0.1, fetching a page, waiting for something to be served, stopping the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for the moment)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float, step: float = 0.25):
    """The first true value of ``predicate()`` within ``timeout`` seconds, else None; an OSError
    (a server not up yet) counts as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(step)
    return None


def stop(process: subprocess.Popen, timeout: float, group: bool = False) -> None:
    """Ask the process (with ``group``, its whole process group) to stop; kill it after
    ``timeout`` seconds."""
    def send(sig: int) -> None:
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)

    send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
