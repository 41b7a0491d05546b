"""The preview (`python3 dev.py serve`) listens on the loopback interface only."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, build_env, copy_site, free_port

from benchmarks.serving import fetch, stop, wait_for

LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the TCP sockets listening on ``port``, from /proc/net/tcp{,6}."""
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for row in path.read_text().splitlines()[1:]:
            fields = row.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == LISTEN and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                # the kernel prints each 32-bit word in host (little-endian) order
                raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(family, raw))
    return found


def test_default_preview_binds_loopback_only(tmp_path):
    project = copy_site(tmp_path / "project")
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "dev.py"),
            "serve",
            "--port",
            str(port),
            "-f",
            str(project / "mkdocs.yml"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=build_env(HELPSITE_LOCALE="en"),
    )
    try:
        assert wait_for(lambda: fetch(f"http://127.0.0.1:{port}/", timeout=5), timeout=120), (
            tmp_path / "serve.log"
        ).read_text()
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        stop(process, timeout=15)
        log.close()


def test_listening_addresses_reads_the_kernel_table():
    """The reader itself, on the IPv4 and the IPv6 loopback sockets of this test."""
    with socket.socket() as four, socket.socket(socket.AF_INET6) as six:
        four.bind(("127.0.0.1", 0))
        four.listen()
        six.bind(("::1", 0))
        six.listen()
        assert listening_addresses(four.getsockname()[1]) == {"127.0.0.1"}
        assert listening_addresses(six.getsockname()[1]) == {"::1"}
