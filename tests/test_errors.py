"""Errors end a command once, with the exit status they carry (helpsite.core.errors), never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import LOCALES, ROOT

from helpsite.building import shards
from helpsite.core import site
from helpsite.core.errors import EXIT_USAGE, HelpsiteError
from helpsite.localization import history, l10n
from helpsite.published import linkcheck, search


@pytest.mark.parametrize(
    "error",
    [
        history.HistoryError,
        l10n.StampError,
        linkcheck.LinkcheckError,
        search.SearchError,
        shards.ShardError,
        site.ConfigError,
    ],
)
def test_every_domain_error_is_a_usage_error_of_the_command_line(error):
    assert issubclass(error, HelpsiteError) and error.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["check", "no-such.md"], "no-such.md: no such file or folder\n"),
        (
            ["check", "--locale", "xx"],
            f"--locale xx: not one of the site's locales ({', '.join(LOCALES)})\n",
        ),
        (
            ["l10n", "--fail-on", "late"],
            "--fail-on late: not a status (current, stale, untracked, missing, invalid, orphaned)\n",
        ),
        (["merge", "no-shard", "--out", "merged"], "no-shard: no such folder\n"),
        (
            ["stamp", "--commit", "abc", "docs"],
            "--commit abc: not a full commit id (40 lowercase hex digits)\n",
        ),
    ],
)
def test_a_usage_error_is_its_message_and_exit_2(tmp_path, arguments, message):
    result = subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(ROOT), *arguments],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (result.returncode, result.stderr, result.stdout) == (EXIT_USAGE, message, "")
