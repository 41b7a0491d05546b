"""``python -m benchmarks``: the build benchmark and its measurements on a generated help center.

One module per measurement: ``build`` (the configurations side by side, ``check``, shards, the
``--dirty`` preview of one locale), ``pages`` (one large page), ``l10n`` (``l10n diff`` and the
dashboard on a generated history), ``linkcheck`` and ``search``; ``sites`` makes the generated
projects (``synthetic`` their content), ``common`` times processes and writes every report's
head, ``serving`` serves a preview or a built site on 127.0.0.1 (the tests use it too).

Exit status: 0 every build passed, 1 a build or a measured command failed, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.build import run as run_builds
from benchmarks.l10n import l10n_run
from benchmarks.linkcheck import REFERENCE_PAGES
from benchmarks.pages import PAGE_LINKS, run_pages
from benchmarks.sites import CONFIGS, DEFAULT_CONFIGS
from helpsite.building import shards
from helpsite.core.site import load_site

EXIT_CLEAN, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _switch(help: str) -> dict:
    return {"action": "store_true", "help": help}


def _number(metavar: str, help: str, **more) -> dict:
    return {"type": int, "metavar": metavar, "help": help, **more}


# The options, one line or two each: a switch, a number (``nargs`` for several), or argparse's own.
OPTIONS = (
    (
        "--root",
        {"type": Path, "help": "the site's folder (the one with mkdocs.yml); default: found from here"},
    ),
    (
        "--articles",
        _number(
            "N", "articles per locale; several sizes give the scaling ratio (default: 200 2000)", nargs="+"
        ),
    ),
    ("--locales", _number("L", "the first L of the site's languages (default: 1)")),
    (
        "--configs",
        {
            "default": ",".join(DEFAULT_CONFIGS),
            "help": "comma-separated: " + ", ".join(CONFIGS) + " (default: the first three)",
        },
    ),
    ("--out", {"type": Path, "help": "write the JSON report here"}),
    ("--quick", _switch("a small run in seconds: 30 and 60 articles, 2 locales")),
    (
        "--preview",
        _switch(
            "also time an edit in `mkdocs serve --dirty`; with --pages, an edit of a large page "
            "in `mkdocs serve`, rendered at once and after its check"
        ),
    ),
    ("--shards", _switch("also time parallel per-locale shards + merge")),
    (
        "--search",
        _switch(
            "also time each locale's search in Chromium (4x CPU throttling), and the build "
            "without search bundles (project_without_search) beside project's"
        ),
    ),
    ("--no-check", _switch("skip timing `python -m helpsite check`")),
    (
        "--linkcheck",
        _switch(
            "also time the link check of the project build, lychee's on the same "
            "folder and, on small builds, LinkChecker's"
        ),
    ),
    (
        "--reference-pages",
        _number(
            "N",
            "with --linkcheck: LinkChecker runs on builds of at most N pages "
            f"(default {REFERENCE_PAGES}: it reads a few pages a second)",
        ),
    ),
    (
        "--l10n",
        _switch(
            "instead of builds, time `l10n diff` on a generated git history and measure "
            "the dashboard's pages (default: 3000 articles, every locale)"
        ),
    ),
    (
        "--dashboard-locales",
        _number(
            "L", "with --l10n: the locales of the generated site whose dashboard is measured", default=37
        ),
    ),
    (
        "--repeat",
        _number("N", "build each configuration N times, in turn, and report the median run", default=1),
    ),
    ("--pages", _switch("instead of builds, time the check of one large page against converting it")),
    (
        "--page-links",
        _number(
            "N",
            "links on each large page, for --pages (default: " + " ".join(map(str, PAGE_LINKS)) + ")",
            nargs="+",
        ),
    ),
    ("--seed", {"type": int, "default": 8}),
    ("--work", {"type": Path, "help": "folder for the temporary sites"}),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    for flag, options in OPTIONS:
        parser.add_argument(flag, **options)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args)


def run(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    configs = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = [name for name in configs if name not in CONFIGS]
    if unknown:
        print(
            f"--configs: unknown {', '.join(unknown)} (known: {', '.join(CONFIGS)})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    command = " ".join(["python -m benchmarks", *sys.argv[1:]])
    if args.l10n:
        try:
            report = l10n_run(
                site.root,
                (args.articles or [3000])[0],
                args.locales or len(site.locales),
                args.dashboard_locales,
                work=args.work,
                seed=args.seed,
                command=command,
                progress=lambda line: print(line, flush=True),
            )
        except ValueError as error:
            print(error, file=sys.stderr)
            return EXIT_USAGE
        return _write_report(report, args.out)
    if args.pages:
        try:
            report = run_pages(
                site.root,
                args.page_links or PAGE_LINKS,
                repeat=args.repeat,
                seed=args.seed,
                command=command,
                progress=lambda line: print(line, flush=True),
                preview=args.preview,
                work=args.work,
            )
        except ValueError as error:
            print(error, file=sys.stderr)
            return EXIT_USAGE
        _write_report(report, args.out)
        return EXIT_FAILED if any(entry["internal_errors"] for entry in report["pages"]) else EXIT_CLEAN
    sizes = args.articles or ([30, 60] if args.quick else [200, 2000])
    locales = args.locales or (2 if args.quick else 1)
    try:
        report = run_builds(
            site.root,
            sizes,
            locales,
            configs,
            work=args.work,
            seed=args.seed,
            check=not args.no_check,
            preview=args.preview,
            shard_check=args.shards,
            linkcheck=args.linkcheck,
            repeat=args.repeat,
            search=args.search,
            reference_pages=args.reference_pages,
            progress=lambda line: print(line, flush=True),
            command=command,
        )
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except (RuntimeError, shards.ShardError) as error:  # a shard build or the preview failed
        print(f"bench: {error}", file=sys.stderr)
        return EXIT_FAILED
    _write_report(report, args.out)
    failed = [b for size in report["sizes"] for b in size["builds"].values() if b["returncode"]]
    return EXIT_FAILED if failed else EXIT_CLEAN


def _write_report(report: dict, out: Path | None) -> int:
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
