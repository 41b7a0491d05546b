"""``python -m benchmarks.report``: the figures of ``handbook/performance.md`` (and of
``handbook/accessibility.md``), written from the results in ``bench-results/``, not pasted.

A page is hand-written around its figures: each place for figures is a pair of comments,
``<!-- figures: KIND FILE... -->`` and ``<!-- end figures -->``, and this module replaces what
lies between them with the tables of ``bench-results/FILE`` (``KIND``: ``builds``, ``pages``,
``l10n``, ``linkcheck`` or ``search``; ``accessibility`` compares two files, before and after),
each saying which file and which command it comes from, ratios first. Everything else on the
page is kept as it is. ``--check`` exits 1 when a committed page differs from what this writes
(``tests/test_docs.py`` does the same).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "handbook" / "performance.md", ROOT / "handbook" / "accessibility.md")
RESULTS = ROOT / "bench-results"
COMMAND = "python -m benchmarks.report"
# The benchmark left the product's command line (python -m helpsite bench) for its own package
# with the same options: older results record the old spelling.
OLD_COMMAND = "python -m helpsite bench"

_BLOCK_RE = re.compile(
    r"(?P<head><!-- figures: (?P<kind>[a-z0-9]+) (?P<files>[\w.-]+\.json(?: [\w.-]+\.json)*) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<tail><!-- end figures -->)",
    re.DOTALL,
)


class ReportError(Exception):
    """A place for figures the results cannot fill: the message names the page's line."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is not up to date")
    args = parser.parse_args(argv)
    status = 0
    for path in PAGES:
        committed = path.read_text(encoding="utf-8")
        try:
            page = render(committed, RESULTS)
        except ReportError as error:
            print(f"{path.relative_to(ROOT)}: {error}", file=sys.stderr)
            return 2
        if not args.check:
            path.write_text(page, encoding="utf-8")
        elif page != committed:
            print(f"{path.relative_to(ROOT)} is out of date: run {COMMAND}", file=sys.stderr)
            status = 1
    return status


def render(page: str, results: Path) -> str:
    """The page with each place for figures filled from ``results``, the rest unchanged."""

    def fill(match: re.Match) -> str:
        line = page.count("\n", 0, match.start()) + 1
        kind, names = match["kind"], match["files"].split()
        if kind not in KINDS:
            raise ReportError(f"line {line}: unknown kind of figures {kind!r} (one of {', '.join(KINDS)})")
        figures, files = KINDS[kind]
        if len(names) != files:
            raise ReportError(
                f"line {line}: figures of kind {kind} come from {files} file(s), not {len(names)}"
            )
        data = []
        for name in names:
            path = results / name
            if not path.is_file():
                raise ReportError(f"line {line}: no results file bench-results/{name}")
            data.append(json.loads(path.read_text(encoding="utf-8")))
        sources = "\n".join(_source(name, kind, each) for name, each in zip(names, data, strict=True))
        return match["head"] + sources + "\n" + figures(*data) + "\n" + match["tail"]

    return _BLOCK_RE.sub(fill, page)


# -- each kind of results ------------------------------------------------------------


def builds(data: dict) -> str:
    """The configurations side by side at each size (``python -m benchmarks``)."""
    out = []
    for size in data["sizes"]:
        out.append(f"**{size['articles']:,} articles × {size['locales']} locales** ({_pages(size)} pages)\n")
        ratios = _build_ratios(size.get("ratios", {}))
        if ratios:
            out.append(f"Ratios: {ratios}.\n")
        out.append("| configuration | wall | CPU | ms/page | peak RSS | output/page (KiB) |")
        out.append("|---|---|---|---|---|---|")
        for name, build in size["builds"].items():
            runs = f" (median of {len(build['runs_seconds'])})" if "runs_seconds" in build else ""
            out.append(
                f"| `{name}` | {build['seconds']:.1f} s{runs} | {build['cpu_seconds']:.1f} s | "
                f"{build['ms_per_page']:.2f} | {build['peak_rss_mb']:,.0f} MB | "
                f"{build['output_bytes_per_page'] / 1024:,.0f} |"
            )
        out.append("")
        out.extend(_extras(size))
    for name, scaling in data.get("scaling", {}).items():
        out.append(
            f"Scaling of `{name}` from {scaling['smallest_articles']:,} to {scaling['largest_articles']:,} "
            f"articles: ms/page largest ÷ smallest **{scaling['ms_per_page_largest_over_smallest']}** "
            f"(CPU {scaling['cpu_ms_per_page_largest_over_smallest']}).\n"
        )
    return "\n".join(out)


def pages(data: dict) -> str:
    """One large page checked and converted side by side (``--pages``), and its preview."""
    scaling = data["scaling"]
    out = [
        f"Ratios: over {scaling['size_ratio']} times the size, the check's ms per MB largest ÷ smallest "
        f"**{scaling['check_ms_per_mb_largest_to_smallest']}** (Python-Markdown's conversion "
        f"{scaling['convert_ms_per_mb_largest_to_smallest']}); check ÷ convert at worst "
        f"**{scaling['worst_check_to_convert']}**.\n",
        "| links | body | check ÷ convert | convert | check, every finding | check ms per MB | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in data["pages"]:
        out.append(
            f"| {page['links']:,} | {page['megabytes']:.2f} MB | {page['check_to_convert']:.2f} | "
            f"{page['convert_seconds']:.2f} s | {page['check_seconds']:.2f} s ({page['findings']:,} findings) | "
            f"{page['check_ms_per_mb']:,.0f} | {page['peak_rss_mb']:,.0f} MB |"
        )
    preview = data.get("preview")
    if preview:
        before, now = preview["render_after_check_median"], preview["render_at_once_median"]
        out += [
            "",
            f"Preview of the {preview['megabytes']} MB page ({preview['findings']:,} findings), "
            f"{preview['edits']} edits in each of {preview['turns']} previews per mode, median seconds "
            f"from saving the page. Ratios, now ÷ before: edit served "
            f"**{preview['served_at_once_to_after_check']}**, findings logged "
            f"**{preview['findings_at_once_to_after_check']}**.\n",
            "| the page is rendered | edit served | its findings logged |",
            "|---|---|---|",
            f"| after its whole check (before; `HELPSITE_RENDER_AFTER_CHECK=1`) | "
            f"{before['edit_served_seconds']:.1f} s | {before['findings_logged_seconds']:.1f} s |",
            f"| once it is known to be renderable (now) | {now['edit_served_seconds']:.1f} s | "
            f"{now['findings_logged_seconds']:.1f} s |",
        ]
    return "\n".join(out) + "\n"


def l10n(data: dict) -> str:
    """``l10n`` and ``l10n diff`` on a generated history, and the dashboard's sizes (``--l10n``)."""
    diff, dashboard = data["l10n_diff"], data["dashboard"]
    listed = diff["locale_page"]
    small = dashboard["locale_page"]
    return "\n".join(
        [
            f"Ratio: `l10n diff` ÷ `l10n` (wall) **{diff['diff_over_status']}**.\n",
            f"| {diff['articles']:,} articles × {len(diff['locales'])} locales "
            f"({diff['stale_translations']:,} translations, all stale) | wall | CPU |",
            "|---|---|---|",
            f"| `l10n --format json` (status only) | {diff['status_seconds']:.1f} s | "
            f"{diff['status_cpu_seconds']:.1f} s |",
            f"| `l10n diff --format json` ({diff['with_base']:,} bases found, {diff['with_diff']:,} diffs) | "
            f"{diff['diff_seconds']:.1f} s | {diff['diff_cpu_seconds']:.1f} s |",
            "",
            "| the dashboard | bytes |",
            "|---|---|",
            f"| summary, {dashboard['articles']:,} articles × {dashboard['locales']} locales "
            f"({dashboard['source_files']:,} files): the dashboard | {_kb(dashboard['summary_dashboard_bytes'])} |",
            f"| the same, the whole page | {_kb(dashboard['summary_page_bytes'])} |",
            f"| a locale page listing {small['listed']:,} translations without history (no diffs) | "
            f"{_kb(small['dashboard_bytes'])} |",
            f"| a locale page listing {listed['listed']:,} stale translations with their diffs | "
            f"{listed['dashboard_bytes'] / 1e6:.1f} MB ({_kb(listed['bytes_per_listed'])} each) |",
            "",
        ]
    )


def linkcheck(data: dict) -> str:
    """The link check beside lychee and LinkChecker on the same built folder (``--linkcheck``)."""
    out = []
    for size in data["sizes"]:
        check = size["linkcheck"]
        tools = [name for name in ("helpsite", "lychee", "linkchecker") if name in check]
        ratio = f"this check ÷ lychee (wall) **{check['helpsite_vs_lychee']}**"
        if "linkchecker" in check:
            ratio += f", LinkChecker ÷ this check **{check['linkchecker']['seconds'] / check['helpsite']['seconds']:.0f}**"
        out.append(
            f"**{size['articles']:,} articles × {size['locales']} locales** ({check['pages']:,} pages): {ratio}.\n"
        )
        out.append("| tool | wall | CPU | pages/s | peak RSS | links (lychee's count) |")
        out.append("|---|---|---|---|---|---|")
        for name in tools:
            run = check[name]
            links = f"{run['links']:,}" if run.get("links") else ""
            out.append(
                f"| {TOOLS[name]} | {run['seconds']:.2f} s | {run['cpu_seconds']:.2f} s | "
                f"{run['pages_per_second']:,.1f} | {run['peak_rss_mb']:.1f} MB | {links} |"
            )
        out.append("")
    return "\n".join(out)


def search(data: dict) -> str:
    """Each locale's search in Chromium, and the build with and without bundles (``--search``)."""
    out = []
    for size in data["sizes"]:
        ratios, result = size["ratios"], size["search"]
        with_, without = size["builds"]["project"], size["builds"]["project_without_search"]
        out.append(
            f"Ratios: build with search ÷ without, wall **{ratios['project_over_project_without_search']}** "
            f"({with_['seconds']:.1f} s against {without['seconds']:.1f} s), CPU "
            f"**{ratios['cpu_project_over_project_without_search']}**; peak RSS {with_['peak_rss_mb']:,.0f} MB "
            f"against {without['peak_rss_mb']:,.0f} MB."
        )
        indexing = result.get("indexing")
        if indexing:
            out[-1] += (
                f" Pagefind alone over the built pages afterwards: {indexing['seconds']:.1f} s, "
                f"{indexing['share_of_build']:.1%} of the build."
            )
        out.append("")
        out.append(
            f"{size['articles']:,} articles × {size['locales']} locales ({_pages(size)} pages), "
            f"Chromium with {result['throttling']}× CPU throttling:\n"
        )
        out.append(
            "| locale | first result after the first key, per query | session | requests | at page load |"
        )
        out.append("|---|---|---|---|---|")
        for locale, run in result["locales"].items():
            seconds = ", ".join(f"{s:.2f} s" for s in run["first_result_seconds"])
            out.append(
                f"| {locale} | {seconds} | {_kb(run['session_bytes'])} | {run['session_requests']} | "
                f"{run['search_bytes_at_page_load']:,} bytes |"
            )
        out.append("")
    return "\n".join(out)


def accessibility(before: dict, after: dict) -> str:
    """The checkers over every page of the site, before and after a change
    (``python tests/checkers.py``)."""

    def elements(found: dict) -> str:
        detail = ", ".join(f"`{rule}` {count}" for rule, count in sorted(found.items(), key=lambda i: -i[1]))
        return f"{sum(found.values())}" + (f" ({detail})" if detail else "")

    def scores(found: dict) -> str:
        low, high = min(found.values()), max(found.values())
        return f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"

    def failed(result: dict) -> str:
        return ", ".join(f"`{audit}`" for audit in result["lighthouse_failed"]) or "none"

    rows = [
        ("pages", lambda r: str(r["pages"])),
        ("axe WCAG 2.1 A/AA violations (failing elements)", lambda r: elements(r["axe_wcag21aa"])),
        ("axe best practice", lambda r: elements(r["axe_best_practice"])),
        ("Nu Html Checker errors", lambda r: str(r["nu_errors"])),
        ("Lighthouse accessibility", lambda r: scores(r["lighthouse_accessibility"])),
        ("Lighthouse SEO", lambda r: scores(r["lighthouse_seo"])),
        ("Lighthouse audits failed on some page", failed),
        ("console errors (Lighthouse, all pages)", lambda r: str(r["console_errors"])),
    ]
    out = ["| | before | after |", "|---|---|---|"]
    out += [f"| {name} | {value(before)} | {value(after)} |" for name, value in rows]
    return "\n".join(out) + "\n"


# Each kind: how its figures are written, from how many results files.
KINDS: dict[str, tuple[Callable[..., str], int]] = {
    "builds": (builds, 1),
    "pages": (pages, 1),
    "l10n": (l10n, 1),
    "linkcheck": (linkcheck, 1),
    "search": (search, 1),
    "accessibility": (accessibility, 2),
}
# The command of results files that do not record their own.
COMMANDS = {"accessibility": "python tests/checkers.py"}
TOOLS = {"helpsite": "this check", "lychee": "lychee", "linkchecker": "LinkChecker"}


# -- helpers -----------------------------------------------------------------------


def _source(name: str, kind: str, data: dict) -> str:
    command = data.get("command") or COMMANDS.get(kind, "(not recorded)")
    if command.startswith(OLD_COMMAND):
        command = "python -m benchmarks" + command[len(OLD_COMMAND) :]
    machine = data.get("machine", {})
    cpus = f", {machine['cpus']} cores" if "cpus" in machine else ""
    started = data.get("started", "")[:10]
    when = f" ({started}{cpus})" if started or cpus else ""
    return f"From [`bench-results/{name}`](../bench-results/{name}){when}: `{command}`\n"


def _build_ratios(ratios: dict) -> str:
    said = []
    if "stock_over_project" in ratios:
        said.append(
            f"`stock` ÷ `project` **{ratios['stock_over_project']}** (CPU {ratios['cpu_stock_over_project']})"
        )
    if "hooks_overhead" in ratios:
        said.append(
            f"hooks overhead **{ratios['hooks_overhead']:+.1%}** (CPU {ratios['cpu_hooks_overhead']:+.1%})"
        )
    return "; ".join(said)


def _extras(size: dict) -> list[str]:
    out = []
    check = size.get("check")
    if check:
        out.append(
            f"- `python -m helpsite check` on the {check['files']:,} files: {check['seconds']:.2f} s, "
            f"**{check['files_per_second']:,.0f} files/s**."
        )
    shards = size.get("shards")
    if shards:
        out.append(
            f"- Shards, {shards['jobs']} at a time, and the merge: {shards['total_seconds']:.1f} s "
            f"(merge {shards['merge_seconds']:.1f} s); single build ÷ shards **{shards['single_build_over_shards']}**."
        )
    preview = size.get("preview")
    if preview:
        out.append(
            f"- Preview of `{preview['locale']}` (`mkdocs serve --dirty`): up in {preview['startup_seconds']:.1f} s, "
            f"an edited page served **{preview['edit_served_seconds']:.1f} s** after the save."
        )
    return out + ([""] if out else [])


def _pages(size: dict) -> str:
    return f"{next(iter(size['builds'].values()))['pages']:,}"


def _kb(count: int) -> str:
    return f"{count / 1000:,.0f} KB" if count >= 1000 else f"{count:,} bytes"


if __name__ == "__main__":
    sys.exit(main())
