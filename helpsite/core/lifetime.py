"""Processes that end with the process that started them, however it ends (issue 28).

A preview stopped with ``kill PID`` (SIGTERM, as a process manager or an IDE stops it) left its
checks worker running: forked after the server's socket was opened, the worker held the port,
and the next preview failed with "Address already in use". Two small pieces, for any server or
command that starts processes (the preview, the build's checks worker and Pagefind):

- ``die_with_parent`` / ``popen``: a child asks Linux to kill it (SIGKILL) the moment its parent
  ends (``prctl(PR_SET_PDEATHSIG)``), even by SIGKILL, so that nothing it holds (a port, a
  temporary folder's files) outlives the parent. Elsewhere it does nothing. Linux counts the
  *thread* that started the child as its parent: start such children from a thread that lives as
  long as they must (the main thread, or the preview's rebuild thread).
- ``adopt_orphans``: a process (the test suite) inherits what its children leave behind, so that
  it can tell that something it started is still running.
- ``stop_on_signals``: SIGTERM and SIGHUP end the process as Ctrl-C (SIGINT) does, through
  ``KeyboardInterrupt``, so that its own clean-up runs (the preview closes its server and removes
  its temporary site), with one line in the log that says which signal; if that takes longer than
  ``GRACE`` seconds, the process exits anyway and its children die with it.
- ``leave_signals_to_parent``: a worker process (the checks worker) ignores those signals. A
  signal sent to the whole process group (Ctrl-C in a terminal, a process manager's SIGTERM)
  reaches the workers too; each would raise ``KeyboardInterrupt`` where it waits for work and
  print its traceback. The parent stops its workers as it ends, and they die with it.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

GRACE = 1.0  # seconds a stopping process has for its clean-up (its children die with it: 2 s in all)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
# Looked up once, here: a child calls it between fork and exec, where nothing may be loaded.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent(parent: int | None = None) -> None:
    """In a child: be killed when the thread that started it ends. ``parent``: the process id
    it was started by; if that has ended already (before the request), end now."""
    if _prctl is None:
        return
    if _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def popen(args, **kwargs) -> subprocess.Popen:
    """``subprocess.Popen`` of a program that dies with this process (``die_with_parent``)."""
    return subprocess.Popen(args, preexec_fn=functools.partial(die_with_parent, os.getpid()), **kwargs)


def adopt_orphans() -> bool:
    """Make this process the one that inherits its descendants whose parent ends before them
    (``PR_SET_CHILD_SUBREAPER``), so that it can still see and stop them: a test suite that must
    leave nothing running. False where the system cannot (not Linux)."""
    return _prctl is not None and _prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def stop_on_signals(log: logging.Logger | None = None) -> None:
    """SIGTERM, SIGHUP and SIGINT end this process through ``KeyboardInterrupt``, within ``GRACE``
    seconds, saying so in ``log`` (one line); a signal handled otherwise already (by the program)
    is left to it. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return
    _stop.log = log
    for number in STOP_SIGNALS:
        if signal.getsignal(number) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(number, _stop)


def at_stop(callback: Callable[[], None]) -> None:
    """Call ``callback`` as soon as a stop signal comes, before the clean-up starts: in the signal
    handler, so it must be quick and take no lock (set a flag)."""
    _stop.callbacks = (*getattr(_stop, "callbacks", ()), callback)


def leave_signals_to_parent() -> None:
    """In a worker process: SIGTERM, SIGHUP and SIGINT are ignored; the parent that started the
    worker stops it (and it dies with the parent: ``die_with_parent``)."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def _stop(number, frame):
    # A second signal while stopping: the clean-up is under way, its deadline set.
    if not getattr(_stop, "stopping", False):
        _stop.stopping = True
        if getattr(_stop, "log", None) is not None:
            _stop.log.info(f"stopping: {signal.Signals(number).name} received")
        for callback in getattr(_stop, "callbacks", ()):
            callback()
        deadline = threading.Timer(GRACE, os._exit, (128 + number,))
        deadline.daemon = True  # the process ends as soon as its clean-up does, not at the deadline
        deadline.start()
        raise KeyboardInterrupt(signal.Signals(number).name)
