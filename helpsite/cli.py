"""``python -m helpsite``: the command-line face of the checks and tools.

Exit status, as Ruff and flake8: 0 clean, 1 findings with an error, 2 usage or I/O problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from helpsite import bench as bench_module
from helpsite import checks, rules, shards
from helpsite.findings import to_json
from helpsite.site import load_site

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m helpsite", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None,
                        help="the site's folder (the one with mkdocs.yml); default: found from here")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check pages: metadata, links, structure")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="files or folders (default: the site's docs folder)")
    check.add_argument("--locale", help="the locale of the files, when not under docs/<locale>/")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(run=run_check)

    bench = commands.add_parser("bench", help="benchmark the build on a generated help center")
    bench.add_argument("--articles", type=int, nargs="+", metavar="N", default=None,
                       help="articles per locale; several sizes give the scaling ratio (default: 200 2000)")
    bench.add_argument("--locales", type=int, default=None, metavar="L",
                       help="the first L of the site's languages (default: 1)")
    bench.add_argument("--configs", default=",".join(bench_module.CONFIGS),
                       help="comma-separated: " + ", ".join(bench_module.CONFIGS))
    bench.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    bench.add_argument("--quick", action="store_true",
                       help="a small run in seconds: 30 and 60 articles, 2 locales")
    bench.add_argument("--preview", action="store_true", help="also time an edit in `mkdocs serve --dirty`")
    bench.add_argument("--shards", action="store_true", help="also time parallel per-locale shards + merge")
    bench.add_argument("--no-check", action="store_true", help="skip timing `python -m helpsite check`")
    bench.add_argument("--seed", type=int, default=8)
    bench.add_argument("--work", type=Path, default=None, help="folder for the temporary sites")
    bench.set_defaults(run=run_bench)

    merge = commands.add_parser("merge", help="merge per-locale shard builds into one site")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR")
    merge.add_argument("--out", type=Path, required=True, metavar="SITE")
    merge.set_defaults(run=run_merge)
    return parser


def run_check(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    paths = args.paths or [site.docs_dir]
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    if args.locale and args.locale not in site.locales:
        print(f"--locale {args.locale}: not one of the site's locales ({', '.join(site.locales)})",
              file=sys.stderr)
        return EXIT_USAGE
    findings = checks.check_paths(paths, site, args.locale)
    if args.format == "json":
        print(to_json(findings))
    else:
        for finding in findings:
            print(finding.as_text())
    if any(f.rule == rules.IO_ERROR.id for f in findings):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(f.is_error for f in findings) else EXIT_CLEAN


def run_bench(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    configs = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = [name for name in configs if name not in bench_module.CONFIGS]
    if unknown:
        print(f"--configs: unknown {', '.join(unknown)} (known: {', '.join(bench_module.CONFIGS)})",
              file=sys.stderr)
        return EXIT_USAGE
    sizes = args.articles or ([30, 60] if args.quick else [200, 2000])
    locales = args.locales or (2 if args.quick else 1)
    try:
        report = bench_module.run(site.root, sizes, locales, configs, work=args.work, seed=args.seed,
                                  check=not args.no_check, preview=args.preview, shard_check=args.shards,
                                  progress=lambda line: print(line, flush=True),
                                  command=" ".join(["python -m helpsite", *sys.argv[1:]]))
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except (RuntimeError, shards.ShardError) as error:  # a shard build or the preview failed
        print(f"bench: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    failed = [b for size in report["sizes"] for b in size["builds"].values() if b["returncode"]]
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def run_merge(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    missing = [p for p in args.shards if not p.is_dir()]
    if missing:
        for path in missing:
            print(f"{path}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        merged = shards.merge(args.shards, args.out, site)
    except shards.ShardError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.out}: merged {', '.join(merged)}")
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except FileNotFoundError as error:
        print(f"{error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_CLEAN
