"""The errors a command reports by their message alone, each carrying its exit status.

As click's ``exceptions.py``: the code that finds the problem says how the command ends, and
the command line catches ``HelpsiteError`` once (``helpsite.cli.main``), printing the message
to stderr. Exit statuses follow Ruff and flake8: 0 clean, 1 findings with an error, 2 a usage
or input problem (a file, a folder, a setting or a history that cannot be used).
"""

from __future__ import annotations

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class HelpsiteError(Exception):
    """A problem a person can act on; the message names the file, value or option at fault."""

    exit_code = EXIT_USAGE


class UsageError(HelpsiteError):
    """An option or path on the command line that cannot be used."""
