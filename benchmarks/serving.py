"""A preview server in a child process, as the benchmark and the tests run one: a free port on
127.0.0.1, fetching a page, waiting for something to be served, stopping the server; and the
built site served on 127.0.0.1 as a host serves it, for the browser the tests and the benchmark
drive (Debian's Chromium)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from helpsite.published.reader import not_found_page


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


# ----------------------------------------------------------------------------
# The built site, served as a host serves it, and the browser that reads it
# ----------------------------------------------------------------------------

# dev.py's setting too: CI on GitHub's runner points it at Google Chrome (.github/workflows/site.yml)
CHROMIUM = os.environ.get("HELPSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a missing page gets the 404.html of the locale folder it is under."""

    def send_error(self, code, message=None, explain=None):
        if code != HTTPStatus.NOT_FOUND:
            return super().send_error(code, message, explain)
        body = not_found_page(Path(self.directory), urlsplit(self.path).path).read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class SiteServer:
    """The built site on 127.0.0.1 (a free port unless given), in a thread; stop() ends it."""

    def __init__(self, site: Path, port: int = 0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(SiteHandler, directory=str(site)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
