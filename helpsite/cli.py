"""``python -m helpsite``: the command-line face of the checks and tools.

Exit status, as Ruff and flake8: 0 clean, 1 findings with an error, 2 usage or I/O problem.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from helpsite import bench as bench_module
from helpsite import checks, l10n, linkcheck, links, rules, shards
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

    status = commands.add_parser("l10n", help="translation status of every page in every locale")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--fail-on", action="append", default=[], metavar="STATUS",
                        help="exit 1 when a page has this status (repeat it, or give a comma "
                             f"list: {','.join(l10n.STATUSES)})")
    status.set_defaults(run=run_l10n)

    stamp = commands.add_parser("stamp", help="record that translations are current with their source")
    stamp.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="translation files or folders (docs/<locale>/...)")
    stamp.add_argument("--commit", metavar="SHA",
                       help="the source commit to record (default: the source file's last commit)")
    stamp.set_defaults(run=run_stamp)

    schema_doc = commands.add_parser("schema-doc", help="print the writers' page about page metadata "
                                     "(Markdown, generated from the metadata schema)")
    schema_doc.set_defaults(run=run_schema_doc)

    fix = commands.add_parser("fix", help="show, or with --write make, the safe repairs "
                              "(link text from the source locale, marked for review)")
    fix.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    fix.add_argument("--write", action="store_true", help="change the files (default: show a diff)")
    fix.add_argument("--locale", help="the locale of the files, when not under docs/<locale>/")
    fix.set_defaults(run=run_fix)

    site_links = commands.add_parser("linkcheck", help="check every link and anchor of the built site")
    site_links.add_argument("site_dir", nargs="?", type=Path, metavar="SITE_DIR",
                            help="the built site (default: site/ beside mkdocs.yml)")
    site_links.add_argument("--check-extern", action="store_true",
                            help="also check external links (needs internet; for a scheduled job)")
    site_links.add_argument("--locale", default=os.environ.get("HELPSITE_LOCALE") or None,
                            help="the site was built for this locale alone, at its root "
                                 "(default: $HELPSITE_LOCALE, as the build)")
    site_links.add_argument("--reference", action="store_true",
                            help="crawl the served site with LinkChecker instead (the reference the "
                                 "one-pass check is tested against; slow: a few pages a second)")
    site_links.add_argument("--config", type=Path, help="LinkChecker settings (default: linkcheckerrc)")
    site_links.add_argument("--format", choices=("text", "json"), default="text")
    site_links.set_defaults(run=run_linkcheck)

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
    bench.add_argument("--linkcheck", action="store_true",
                       help="also time the link check of the project build, lychee's on the same "
                            "folder and, on small builds, LinkChecker's")
    bench.add_argument("--reference-pages", type=int, default=None, metavar="N",
                       help="with --linkcheck: LinkChecker runs on builds of at most N pages "
                            f"(default {bench_module.REFERENCE_PAGES}: it reads a few pages a second)")
    bench.add_argument("--repeat", type=int, default=1, metavar="N",
                       help="build each configuration N times, in turn, and report the median run")
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
    if _missing(paths):
        return EXIT_USAGE
    if args.locale and not known_locale(site, args.locale):
        return EXIT_USAGE
    findings = checks.check_paths(paths, site, args.locale)
    print_findings(findings, args.format)
    if any(f.rule == rules.IO_ERROR.id for f in findings):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(f.is_error for f in findings) else EXIT_CLEAN


def run_linkcheck(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    if args.locale and not known_locale(site, args.locale):
        return EXIT_USAGE
    try:
        findings = linkcheck.check_site(site, args.site_dir or site.root / "site",
                                        check_extern=args.check_extern, only_locale=args.locale,
                                        config=args.config, reference=args.reference)
    except linkcheck.LinkcheckError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    print_findings(findings, args.format)
    return EXIT_FINDINGS if any(f.is_error for f in findings) else EXIT_CLEAN


def known_locale(site, locale: str) -> bool:
    if locale in site.locales:
        return True
    print(f"--locale {locale}: not one of the site's locales ({', '.join(site.locales)})", file=sys.stderr)
    return False


def print_findings(findings, format: str) -> None:
    if format == "json":
        print(to_json(findings))
    else:
        for finding in findings:
            print(finding.as_text())


def run_l10n(args: argparse.Namespace) -> int:
    fail_on = {name.strip() for value in args.fail_on for name in value.split(",") if name.strip()}
    unknown = sorted(fail_on - set(l10n.STATUSES))
    if unknown:
        print(f"--fail-on {','.join(unknown)}: not a status ({', '.join(l10n.STATUSES)})",
              file=sys.stderr)
        return EXIT_USAGE
    statuses = l10n.site_status(load_site(args.root))
    for status in statuses:
        if status.problem:
            print(status.problem, file=sys.stderr)
    print(l10n.status_json(statuses) if args.format == "json" else l10n.status_text(statuses),
          end="\n" if args.format == "json" else "")
    return EXIT_FINDINGS if any(s.status in fail_on for s in statuses) else EXIT_CLEAN


def run_stamp(args: argparse.Namespace) -> int:
    if args.commit is not None and not l10n.COMMIT_RE.fullmatch(args.commit):
        print(f"--commit {args.commit}: not a full commit id (40 lowercase hex digits)",
              file=sys.stderr)
        return EXIT_USAGE
    site = load_site(args.root)
    refused = 0
    for path in checks.markdown_files(args.paths):
        try:
            done = l10n.stamp(site, path, args.commit)
        except l10n.StampError as error:
            print(error, file=sys.stderr)
            refused += 1
            continue
        for note in done.notes:
            print(note, file=sys.stderr)
        state = "stamped" if done.changed else "unchanged"
        print(f"{site.display_path(path)}: {state}: "
              + ", ".join(f"{key} {value}" for key, value in done.values.items()))
    return EXIT_USAGE if refused else EXIT_CLEAN


def run_schema_doc(args: argparse.Namespace) -> int:
    from helpsite import metadata_doc

    sys.stdout.write(metadata_doc.markdown())
    return EXIT_CLEAN


def run_fix(args: argparse.Namespace) -> int:
    """Exit 1 when repairs are shown but not written, else 0; what is left alone goes to stderr."""
    site = load_site(args.root)
    if _missing(args.paths):
        return EXIT_USAGE
    status = EXIT_CLEAN
    for path in checks.markdown_files(args.paths):
        repair = links.repair_file(path, site, args.locale)
        for note in repair.notes:
            print(note, file=sys.stderr)
        if not repair.changed:
            continue
        display = site.display_path(path)
        if args.write:
            links.write_repair(repair)
            print(f"{display}: repaired", file=sys.stderr)
        else:
            sys.stdout.write(repair.diff(display))
            status = EXIT_FINDINGS
    return status


def _missing(paths: list[Path]) -> bool:
    """Say which of the paths named do not exist; True if any."""
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    for path in missing:
        print(f"{path}: no such file or folder", file=sys.stderr)
    return bool(missing)


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
                                  linkcheck=args.linkcheck, repeat=args.repeat,
                                  reference_pages=args.reference_pages,
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
