"""``python -m helpsite``: the command-line face of the checks and tools.

Exit status, as Ruff and flake8: 0 clean, 1 findings with an error, 2 usage or I/O problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpsite.building import shards, source_files
from helpsite.core import settings
from helpsite.core.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, HelpsiteError, UsageError
from helpsite.core.site import CONFIG_FILE, is_below, load_site
from helpsite.linting import checks, links, report, rules, rules_doc, structure_repair, theme_settings
from helpsite.localization import l10n, l10n_diff, strings
from helpsite.localization.history import HistoryError
from helpsite.published import linkcheck

FORMAT_HELP = (
    "text: PATH:LINE:COL: SEVERITY RULE: MESSAGE; json; github: workflow commands that "
    "annotate the pull request; sarif: SARIF 2.1.0 for code scanning"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m helpsite", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the site's folder (the one with mkdocs.yml); default: found from here",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check pages: metadata, links, structure")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders, or mkdocs.yml (default: the site's docs folder and mkdocs.yml)",
    )
    check.add_argument("--locale", help="the locale of the files, when not under docs/<locale>/")
    check.add_argument("--format", choices=report.FORMATS, default="text", help=FORMAT_HELP)
    check.add_argument(
        "--show-suppressed",
        action="store_true",
        help="also list the findings that helpsite-disable comments silence",
    )
    check.set_defaults(run=run_check)

    status = commands.add_parser("l10n", help="translation status of every page in every locale")
    _l10n_options(
        status,
        report.FORMATS,
        "text: a table; json: every page's record; github, sarif: "
        "the pages that are not current, as findings (errors for the --fail-on statuses)",
    )
    status.add_argument(
        "--since",
        metavar="REV",
        help="only the translations that the source changes since REV make stale "
        "(a pull request check; needs the history back to REV)",
    )
    status.set_defaults(run=run_l10n)
    what_changed = status.add_subparsers(dest="l10n_command", parser_class=_Parser)
    diff = what_changed.add_parser(
        "diff",
        help="for each stale translation, the source version it "
        "was made from and the diff of the source since",
    )
    diff.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="translation files or folders, or source pages for all their "
        "translations (default: every translation)",
    )
    _l10n_options(diff)
    diff.set_defaults(run=run_l10n_diff)
    _handoff_commands(what_changed)

    stamp = commands.add_parser("stamp", help="record that translations are current with their source")
    stamp.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="translation files or folders (docs/<locale>/...)"
    )
    stamp.add_argument(
        "--commit", metavar="SHA", help="the source commit to record (default: the source file's last commit)"
    )
    stamp.add_argument(
        "--uncommitted",
        action="store_true",
        help="stamp against a source page with changes that are not committed, as it is now "
        "(its hash, and no commit); without it such a page is refused",
    )
    stamp.set_defaults(run=run_stamp)

    schema_doc = commands.add_parser(
        "schema-doc",
        help="print the writers' page about page metadata (Markdown, generated from the metadata schema)",
    )
    schema_doc.set_defaults(run=run_schema_doc)

    catalogue = commands.add_parser(
        "rules",
        help="list every rule: what it finds, why, examples, how to fix it (markdown: the page RULES.md)",
    )
    catalogue.add_argument("--format", choices=rules_doc.FORMATS, default="text")
    catalogue.set_defaults(run=run_rules)

    declared = commands.add_parser(
        "settings",
        help="list the environment variables the build and the commands read (the page SETTINGS.md)",
    )
    declared.set_defaults(run=run_settings)

    fix = commands.add_parser(
        "fix",
        help="show, or with --write make, the safe repairs (link text from the source locale; "
        "link targets, code blocks and alert markers from the translation's base), marked for review",
    )
    fix.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    fix.add_argument("--write", action="store_true", help="change the files (default: show a diff)")
    fix.add_argument("--locale", help="the locale of the files, when not under docs/<locale>/")
    fix.set_defaults(run=run_fix)

    site_links = commands.add_parser("linkcheck", help="check every link and anchor of the built site")
    site_links.add_argument(
        "site_dir",
        nargs="?",
        type=Path,
        metavar="SITE_DIR",
        help="the built site (default: site/ beside mkdocs.yml)",
    )
    site_links.add_argument(
        "--check-extern",
        action="store_true",
        help="also check external links (needs internet; for a scheduled job)",
    )
    site_links.add_argument(
        "--locale",
        default=settings.read().locale,
        help="the site was built for this locale alone, at its root "
        "(default: $HELPSITE_LOCALE, as the build)",
    )
    site_links.add_argument(
        "--reference",
        action="store_true",
        help="crawl the served site with LinkChecker instead (the reference the "
        "one-pass check is tested against; slow: a few pages a second)",
    )
    site_links.add_argument("--config", type=Path, help="LinkChecker settings (default: linkcheckerrc)")
    site_links.add_argument("--format", choices=report.FORMATS, default="text", help=FORMAT_HELP)
    site_links.set_defaults(run=run_linkcheck)

    merge = commands.add_parser("merge", help="merge per-locale shard builds into one site")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR")
    merge.add_argument("--out", type=Path, required=True, metavar="SITE")
    merge.set_defaults(run=run_merge)
    return parser


def run_check(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    paths = args.paths or [site.docs_dir]
    _must_exist(paths)
    if args.locale:
        known_locale(site, args.locale)
    config = site.root / CONFIG_FILE
    named_config = [path for path in paths if Path(path).resolve() == config.resolve()]
    pages = [path for path in paths if path not in named_config]
    outcome = checks.checked_paths(pages, site, args.locale)
    # mkdocs.yml's settings printed as HTML, checked with the whole site or when named
    findings = outcome.findings
    if named_config or not args.paths:
        findings = theme_settings.config_findings(site) + findings
    if _whole_site(paths, site):  # the site's strings files, with its pages
        findings = [*strings.for_site(site).findings([args.locale] if args.locale else None), *findings]
    print_findings(findings, args.format, outcome.suppressed if args.show_suppressed else ())
    if any(f.rule == rules.IO_ERROR.id for f in findings):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(f.is_error for f in findings) else EXIT_CLEAN


def _whole_site(paths, site) -> bool:
    """Whether the paths checked hold the whole docs/ folder."""
    docs = os.path.abspath(site.docs_dir)
    return any(is_below(docs, os.path.abspath(path)) for path in paths)


def run_linkcheck(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    if args.locale:
        known_locale(site, args.locale)
    findings = linkcheck.check_site(
        site,
        args.site_dir or site.root / "site",
        check_extern=args.check_extern,
        only_locale=args.locale,
        config=args.config,
        reference=args.reference,
    )
    print_findings(findings, args.format)
    return EXIT_FINDINGS if any(f.is_error for f in findings) else EXIT_CLEAN


def known_locale(site, locale: str) -> None:
    if locale not in site.locales:
        raise UsageError(f"--locale {locale}: not one of the site's locales ({', '.join(site.locales)})")


def print_findings(findings, format: str, suppressed=()) -> None:
    text = report.render(findings, format, suppressed)
    if text:
        print(text)


def _l10n_options(parser: argparse.ArgumentParser, formats=("text", "json"), help=None) -> None:
    parser.add_argument("--format", choices=formats, default="text", help=help)
    parser.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="STATUS",
        help="exit 1 when a page has this status (repeat it, or give a comma "
        f"list: {','.join(l10n.STATUSES)})",
    )


def _fail_on(args: argparse.Namespace) -> set[str]:
    """The statuses of --fail-on."""
    fail_on = {name.strip() for value in args.fail_on for name in value.split(",") if name.strip()}
    known = (*l10n.STATUSES, l10n_diff.ORPHANED)
    unknown = sorted(fail_on - set(known))
    if unknown:
        raise UsageError(f"--fail-on {','.join(unknown)}: not a status ({', '.join(known)})")
    return fail_on


def run_l10n(args: argparse.Namespace) -> int:
    fail_on = _fail_on(args)
    site = load_site(args.root)
    if args.since is not None:
        try:
            found = l10n_diff.made_stale_since(site, args.since)
        except HistoryError as error:
            raise UsageError(f"--since {args.since}: {error}")
        print(
            l10n_diff.since_json(found) if args.format == "json" else l10n_diff.since_text(found, args.since),
            end="\n" if args.format == "json" else "",
        )
        return EXIT_FINDINGS if any(m.status in fail_on for m in found) else EXIT_CLEAN
    statuses = source_files.site_status_beside_a_worker(site)
    for problem in dict.fromkeys(s.problem for s in statuses if s.problem):
        print(problem, file=sys.stderr)
    if args.format in ("github", "sarif"):
        print_findings(l10n.status_findings(site, statuses, fail_on), args.format)
    else:
        print(
            l10n.status_json(statuses) if args.format == "json" else l10n.status_text(statuses),
            end="\n" if args.format == "json" else "",
        )
    return EXIT_FINDINGS if any(s.status in fail_on for s in statuses) else EXIT_CLEAN


def run_l10n_diff(args: argparse.Namespace) -> int:
    fail_on = _fail_on(args)
    site = load_site(args.root)
    _must_exist(args.paths)
    if args.paths:
        chosen = _translations_named(site, checks.markdown_files(args.paths))
        sources = set(l10n.source_pages(site))
        statuses = [l10n.translation_status(site, locale, page) for locale, page in chosen if page in sources]
        orphans = [(locale, page) for locale, page in chosen if page not in sources]
    else:
        statuses, orphans = source_files.site_status_beside_a_worker(site), l10n_diff.orphans(site)
    for problem in dict.fromkeys(s.problem for s in statuses if s.problem):
        print(problem, file=sys.stderr)
    diffs = l10n_diff.translation_diffs(site, statuses, orphans)
    sys.stdout.write(
        l10n_diff.diffs_json(diffs) + "\n" if args.format == "json" else l10n_diff.diffs_text(diffs)
    )
    return EXIT_FINDINGS if any(s.status in fail_on for s in [*statuses, *diffs]) else EXIT_CLEAN


def _handoff_commands(what_changed) -> None:
    """l10n export, import and words: the translation handoff (helpsite/localization/handoff/)."""
    from helpsite.localization.handoff import FORMATS

    export = what_changed.add_parser(
        "export",
        help="write the segments translators must work on, for each missing or stale page of a "
        "locale, as XLIFF 2.1 or PO; print the word count",
    )
    export.add_argument("--locale", required=True, help="the translation locale")
    export.add_argument("--format", choices=FORMATS, default="xliff")
    export.add_argument("--all", action="store_true", help="every segment of every page")
    export.add_argument(
        "-o", "--out", type=Path, default=None, help="folder for the files (default: handoff/LOCALE)"
    )
    export.set_defaults(run=run_l10n_export)
    words = what_changed.add_parser(
        "words", help="the word count an export would have (new, changed, unchanged, repetitions)"
    )
    words.add_argument("--locale", required=True, help="the translation locale")
    words.add_argument("--all", action="store_true", help="every segment of every page")
    words.add_argument("--format", choices=("text", "json"), default="text")
    words.set_defaults(run=run_l10n_words)
    take_back = what_changed.add_parser(
        "import", help="write translated pages back from XLIFF or PO files (all of a page or none)"
    )
    take_back.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".xlf or .po files")
    take_back.add_argument(
        "--translation-type",
        choices=("MT", "HT"),
        default=None,
        help="ms.translationtype to record (default: HT when every unit is reviewed or final, else MT)",
    )
    take_back.set_defaults(run=run_l10n_import)


def _handoff_work(args: argparse.Namespace):
    from helpsite.localization.handoff import exchange

    site = load_site(args.root)
    known_locale(site, args.locale)
    if args.locale == site.source_locale:
        raise UsageError(f"--locale {args.locale}: the source locale has nothing to translate")
    return site, exchange.export(site, args.locale, everything=args.all)


def run_l10n_export(args: argparse.Namespace) -> int:
    from helpsite.localization.handoff import exchange

    site, work = _handoff_work(args)
    out = args.out or site.root / "handoff" / args.locale
    for path in exchange.write_files(work, args.format, out, site):
        print(f"wrote {path}", file=sys.stderr)
    for item in work:
        if item.reason:
            print(f"{args.locale}/{item.file.page}: every segment: {item.reason}", file=sys.stderr)
    sys.stdout.write(exchange.word_count_text(exchange.word_count(work, args.locale)))
    return EXIT_CLEAN


def run_l10n_words(args: argparse.Namespace) -> int:
    from helpsite.localization.handoff import exchange

    _, work = _handoff_work(args)
    report = exchange.word_count(work, args.locale)
    if args.format == "json":
        print(exchange.word_count_json(report))
    else:
        sys.stdout.write(exchange.word_count_text(report))
    return EXIT_CLEAN


def run_l10n_import(args: argparse.Namespace) -> int:
    from helpsite.localization.handoff import exchange

    site = load_site(args.root)
    files, problems = exchange.read_files(args.files, site)
    for problem in problems:
        print(problem, file=sys.stderr)
    refused = bool(problems)
    for done in exchange.take_back_all(site, files, args.translation_type):
        if isinstance(done, list):
            print("\n".join(done), file=sys.stderr)
            refused = True
            continue
        state = "written" if done.changed else "unchanged"
        print(f"{site.display_path(done.path)}: {state} ({done.units} units)")
    return EXIT_FINDINGS if refused else EXIT_CLEAN


# (locale, page) of the translations named: a translation file itself, or every translation
# of a source page.
def _translations_named(site, files) -> list[tuple[str, str]]:
    chosen = []
    for path in files:
        locale, page = site.locale_of(path), site.page_path(path)
        if locale == site.source_locale:
            chosen += [(other, page) for other in site.translation_locales]
        elif locale in site.translation_locales:
            chosen.append((locale, page))
        else:
            raise UsageError(f"{path}: not a page of the site's locales (docs/<locale>/...)")
    return list(dict.fromkeys(chosen))


def run_stamp(args: argparse.Namespace) -> int:
    if args.commit is not None and not l10n.COMMIT_RE.fullmatch(args.commit):
        raise UsageError(f"--commit {args.commit}: not a full commit id (40 lowercase hex digits)")
    if args.commit is not None and args.uncommitted:
        raise UsageError("--commit and --uncommitted: give one (no commit holds an uncommitted version)")
    site = load_site(args.root)
    files = list(checks.markdown_files(args.paths))
    # Nothing is written while a source page has uncommitted changes, unless asked
    refusals = [] if args.uncommitted else [r for path in files if (r := l10n.uncommitted(site, path))]
    for refusal in refusals:
        print(refusal, file=sys.stderr)
    if refusals:
        return EXIT_FINDINGS
    refused = 0
    for path in files:
        try:
            done = l10n.stamp(site, path, args.commit, allow_uncommitted=args.uncommitted)
        except l10n.StampError as error:
            print(error, file=sys.stderr)
            refused = max(refused, error.exit_code)
            continue
        for note in done.notes:
            print(note, file=sys.stderr)
        state = "stamped" if done.changed else "unchanged"
        print(
            f"{site.display_path(path)}: {state}: "
            + ", ".join(f"{key} {value}" for key, value in done.values.items())
        )
    return refused or EXIT_CLEAN


def run_schema_doc(args: argparse.Namespace) -> int:
    from helpsite.linting import metadata_doc

    sys.stdout.write(metadata_doc.markdown())
    return EXIT_CLEAN


def run_rules(args: argparse.Namespace) -> int:
    sys.stdout.write(rules_doc.render(args.format))
    return EXIT_CLEAN


def run_settings(args: argparse.Namespace) -> int:
    sys.stdout.write(settings.markdown())
    return EXIT_CLEAN


def run_fix(args: argparse.Namespace) -> int:
    """Exit 1 when repairs are shown but not written, else 0; what is left alone goes to stderr."""
    site = load_site(args.root)
    _must_exist(args.paths)
    status = EXIT_CLEAN
    for path in checks.markdown_files(args.paths):
        repair = structure_repair.repair(links.repair_file(path, site, args.locale), site, args.locale)
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


def _must_exist(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise UsageError("\n".join(f"{path}: no such file or folder" for path in missing))


def run_merge(args: argparse.Namespace) -> int:
    site = load_site(args.root)
    missing = [p for p in args.shards if not p.is_dir()]
    if missing:
        raise UsageError("\n".join(f"{path}: no such folder" for path in missing))
    merged = shards.merge(args.shards, args.out, site)
    print(f"{args.out}: merged {', '.join(merged)}")
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except ValueError as error:  # a setting that cannot be used (helpsite.core.settings)
        print(error, file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except HelpsiteError as error:  # ConfigError, HistoryError, ShardError, ... and UsageError
        print(error, file=sys.stderr)
        return error.exit_code
    except FileNotFoundError as error:
        print(f"{error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_CLEAN
