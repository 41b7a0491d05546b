"""The settings read from the environment: each declared once, with its variable, default and help.

A build reads them once when it starts (``helpsite.building.build.Build.settings``), a command once when
it runs; code asks the ``Settings`` it was given, never ``os.environ``. ``SETTINGS.md`` is
generated from the declarations below (``python -m helpsite settings``) and a test fails when it
drifts. Two are also read by ``mkdocs.yml`` itself, through MkDocs' ``!ENV`` tag: they are
declared here so that they are documented in one place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Setting:
    variable: str
    default: str  # as the documentation says it
    help: str
    parse: Callable[[str, str], object] = lambda variable, value: value


def _workers(variable: str, value: str) -> int:
    try:
        return max(0, int(value))
    except ValueError:
        raise ValueError(f"{variable}={value!r}: give a number of worker processes (0: none)")


def _switch(variable: str, value: str) -> bool:
    return value.strip() == "1"


def _choice(variable: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise ValueError(f"{variable}={value!r}: one of {', '.join(choices)}")
    return chosen


@dataclass(frozen=True)
class Settings:
    """The values in force; None where the variable is unset (or empty)."""

    locale: str | None = None
    shard: str | None = None
    workers: int | None = None
    render_after_check: bool = False
    site_url: str | None = None
    source_date_epoch: str | None = None
    preview: str = "differential"
    preview_background: bool = True
    force_polling: bool = False


DECLARED: dict[str, Setting] = {
    "locale": Setting(
        "HELPSITE_LOCALE",
        "unset: every locale",
        "Build or preview this locale alone, as the whole site at its root (mkdocs.yml's "
        "`build_only_locale`, through `!ENV`); `python -m helpsite linkcheck` then checks such a build.",
    ),
    "shard": Setting(
        "HELPSITE_SHARD",
        "unset: the whole site",
        "Build this locale as its part of the full site, at `/<locale>/` (a shard; "
        "`python -m helpsite merge` joins the shards byte for byte).",
    ),
    "workers": Setting(
        "HELPSITE_WORKERS",
        "1 with more than one core, else 0",
        "Processes beside the build that check the pages and read their front matter (0: the "
        "build does it itself).",
        _workers,
    ),
    "render_after_check": Setting(
        "HELPSITE_RENDER_AFTER_CHECK",
        "0",
        "1: a page is rendered only once its whole check is done, as before pages were rendered "
        "as soon as they are known to be renderable (the benchmark compares the two).",
        _switch,
    ),
    "site_url": Setting(
        "HELPSITE_SITE_URL",
        "http://127.0.0.1:8000/",
        "The published site's address (mkdocs.yml's `site_url`, through `!ENV`): canonical "
        "links, hreflang alternates and the sitemap use it.",
    ),
    "source_date_epoch": Setting(
        "SOURCE_DATE_EPOCH",
        "the last commit's time",
        "The build time stamped into the sitemap, in seconds since 1970 (reproducible-builds.org): "
        "two builds of one commit are byte-identical.",
    ),
    "preview": Setting(
        "HELPSITE_PREVIEW",
        "differential",
        "How `mkdocs serve` and `dev.py serve` rebuild on a save: `differential` renders only the "
        "pages a save changes (handbook/preview.md); `verify` also compares each settled save with a "
        "fresh build and logs any file that differs; `full` is MkDocs' own preview (every page, "
        "every save).",
        lambda variable, value: _choice(variable, value, ("differential", "verify", "full")),
    ),
    "preview_background": Setting(
        "HELPSITE_PREVIEW_BACKGROUND",
        "on",
        "`off`: the differential preview renders a page only when it is requested, none in the "
        "background; anchors across pages, the sitemap and search wait until every page has been "
        "requested (to spare a laptop's battery, and for the tests of render on request).",
        lambda variable, value: _choice(variable, value, ("on", "off")) == "on",
    ),
    "force_polling": Setting(
        "WATCHFILES_FORCE_POLLING",
        "unset: native file events",
        "watchfiles' own: poll the files instead of native events (for file systems without inotify); "
        "the preview says so in its log.",
        lambda variable, value: value.strip().lower() not in ("0", "false"),
    ),
}
assert list(DECLARED) == [field.name for field in fields(Settings)]


def read(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of ``environ`` (default: this process's environment); a value that cannot
    be used raises ValueError naming the variable."""
    environ = os.environ if environ is None else environ
    values = {}
    for name, setting in DECLARED.items():
        value = environ.get(setting.variable, "")
        if value.strip():
            values[name] = setting.parse(setting.variable, value)
    return Settings(**values)


def markdown() -> str:
    """``SETTINGS.md``: the table of every setting."""
    rows = "".join(f"| `{s.variable}` | {s.default} | {s.help} |\n" for s in DECLARED.values())
    return (
        "# Settings\n\n"
        "<!-- Generated from helpsite/core/settings.py by `python -m helpsite settings`; "
        "tests/test_settings.py fails when it drifts. -->\n\n"
        "Environment variables the build, the preview and the commands read. Set them for one "
        "command (`HELPSITE_LOCALE=nb python3 dev.py serve`) or in CI.\n\n"
        "| variable | default | what it does |\n|---|---|---|\n" + rows
    )
