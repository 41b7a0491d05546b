"""``python -m helpsite``: the command-line face of the checks and tools.

Exit status, as Ruff and flake8: 0 clean, 1 findings with an error, 2 usage or I/O problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpsite import checks, linkcheck, rules
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

    links = commands.add_parser("linkcheck", help="check every link and anchor of the built site")
    links.add_argument("site_dir", nargs="?", type=Path, metavar="SITE_DIR",
                       help="the built site (default: site/ beside mkdocs.yml)")
    links.add_argument("--check-extern", action="store_true",
                       help="also check external links (needs internet; for a scheduled job)")
    links.add_argument("--locale", default=os.environ.get("HELPSITE_LOCALE") or None,
                       help="the site was built for this locale alone, at its root "
                            "(default: $HELPSITE_LOCALE, as the build)")
    links.add_argument("--config", type=Path, help="LinkChecker settings (default: linkcheckerrc)")
    links.add_argument("--format", choices=("text", "json"), default="text")
    links.set_defaults(run=run_linkcheck)
    return parser


def run_check(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    paths = args.paths or [site.docs_dir]
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
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
                                        config=args.config)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except FileNotFoundError as error:
        print(f"{error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_CLEAN
