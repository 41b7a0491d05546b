"""``python -m benchmarks --pages``: one large reference page, its full check (every rule, every
finding) against Python-Markdown converting it with the site's extensions, in one process, at
several sizes; with ``--preview`` an edit of it in ``mkdocs serve``, rendered at once and after
its check.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import serving, synthetic
from benchmarks.common import cpu_time, report_head, version
from benchmarks.sites import prepare
from helpsite.core.site import CONFIG_FILE, load_site
from helpsite.linting import checks
from helpsite.text import markdown
from helpsite.text import page as pages

PAGE_LINKS = (8_000, 16_000, 32_000, 100_000)  # about 0.5, 1, 2 and 6 MB


PREVIEW_PAGE_LINKS = 32_000  # the large page a preview is edited with (bench --pages --preview)


def run_pages(
    site_root: Path,
    link_counts: Sequence[int] = PAGE_LINKS,
    repeat: int = 2,
    seed: int = 8,
    progress=print,
    command: str | None = None,
    preview: bool = False,
    work: Path | None = None,
) -> dict:
    """Check one generated page of each size and convert it; CPU seconds of the faster of
    ``repeat`` turns each, their ratio, and milliseconds per MB (equal across sizes: linear).
    With ``preview``, also a preview's rebuild with a large page (``time_page_preview``)."""
    if repeat < 1:
        raise ValueError("--repeat must be at least 1")
    site = load_site(site_root)
    report: dict = {
        **report_head(command),
        "versions": {name: version(name) for name in ("Markdown", "pymdown-extensions")},
        "page": synthetic.large_page.__doc__.split("\n\n")[0].replace("\n    ", " "),
        "pages": [],
    }
    for links in link_counts:
        body = synthetic.large_page(links, seed)
        data = b"---\ntitle: Permissions reference\n---\n" + body.encode("utf-8")
        converts, check_runs = [], []
        for _ in range(repeat):  # the two take turns: drift hits both alike
            converts.append(cpu_time(lambda body=body: markdown.render(body, site))[0])
            seconds, findings = cpu_time(
                lambda data=data: checks.check_page(pages.load(data, "docs/en/big.md", "en", "big.md"), site)
            )
            check_runs.append(seconds)
        megabytes = len(body.encode("utf-8")) / 1e6
        convert, check = min(converts), min(check_runs)
        entry = {
            "links": links,
            "empty_links": sum(1 for f in findings if f.rule == "empty-link"),
            "megabytes": round(megabytes, 2),
            "findings": len(findings),
            "internal_errors": sum(1 for f in findings if f.rule == "internal-error"),
            "convert_seconds": round(convert, 3),
            "check_seconds": round(check, 3),
            "check_to_convert": round(check / convert, 2),
            "convert_ms_per_mb": round(1000 * convert / megabytes, 1),
            "check_ms_per_mb": round(1000 * check / megabytes, 1),
            # the process's peak so far: sizes grow, so it is this size's
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        progress(
            f"{links:>7} links {megabytes:5.2f} MB: convert {convert:6.2f} s, check {check:6.2f} s "
            f"({entry['check_to_convert']:.2f}x), {entry['findings']} findings, "
            f"check {entry['check_ms_per_mb']:.0f} ms/MB"
        )
        report["pages"].append(entry)
    smallest, largest = report["pages"][0], report["pages"][-1]
    report["scaling"] = {
        "size_ratio": round(largest["megabytes"] / smallest["megabytes"], 2),
        "check_ms_per_mb_largest_to_smallest": round(
            largest["check_ms_per_mb"] / smallest["check_ms_per_mb"], 2
        ),
        "convert_ms_per_mb_largest_to_smallest": round(
            largest["convert_ms_per_mb"] / smallest["convert_ms_per_mb"], 2
        ),
        "worst_check_to_convert": max(entry["check_to_convert"] for entry in report["pages"]),
    }
    if preview:
        report["preview"] = time_page_preview(
            site_root, turns=repeat, seed=seed, work=work, progress=progress
        )
        progress(
            f"preview of a {report['preview']['megabytes']} MB page: an edit served in "
            f"{report['preview']['served_at_once_to_after_check']}x the time when rendered after "
            f"its check, its findings logged in {report['preview']['findings_at_once_to_after_check']}x"
        )
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def time_page_preview(
    site_root: Path,
    links: int = PREVIEW_PAGE_LINKS,
    edits: int = 3,
    turns: int = 1,
    seed: int = 8,
    work: Path | None = None,
    progress=print,
    timeout: float = 900,
) -> dict:
    """`mkdocs serve` of a small generated site (one locale) with one large page of ``links``
    links (``synthetic.large_page``), the page edited ``edits`` times a preview: the seconds from
    saving it until the preview serves the edit and until the page's findings are all logged,
    as the preview renders now (a page once it is known to be renderable) and as before
    (``HELPSITE_RENDER_AFTER_CHECK=1``: every page after its whole check), ``turns`` previews
    of each in turn; the ratios are of the medians."""
    site = load_site(site_root)
    locale = site.source_locale
    modes = {"render_after_check": "1", "render_at_once": "0"}
    report: dict = {"links": links, "edits": edits, "turns": turns, "runs": {mode: [] for mode in modes}}
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-", dir=work) as temp:
        project = Path(temp) / "site"
        prepare(site_root, project, 10, [locale], seed)
        article = next((project / "docs" / locale).glob("*/*.md"))
        front = article.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
        page = project / "docs" / locale / "big.md"
        page.write_text(front + synthetic.large_page(links, seed), encoding="utf-8")
        findings = len(checks.check_file(page, load_site(project)))
        report["megabytes"] = round(page.stat().st_size / 1e6, 2)
        report["findings"] = findings
        shown = f"{locale}/big.md:"
        for _ in range(turns):  # the two take turns: drift hits both alike
            for mode, value in modes.items():
                runs = _edit_in_preview(project, page, shown, findings, edits, value, timeout)
                report["runs"][mode] += runs
                progress(f"  preview ({mode}): {runs}")
    before, after = report["runs"]["render_after_check"], report["runs"]["render_at_once"]

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    for mode, runs in report["runs"].items():
        report[f"{mode}_median"] = {
            key: round(median(runs, key), 3) for key in ("edit_served_seconds", "findings_logged_seconds")
        }

    report["served_at_once_to_after_check"] = round(
        median(after, "edit_served_seconds") / median(before, "edit_served_seconds"), 2
    )
    report["findings_at_once_to_after_check"] = round(
        median(after, "findings_logged_seconds") / median(before, "findings_logged_seconds"), 2
    )
    return report


def _edit_in_preview(
    project: Path, page: Path, shown: str, findings: int, edits: int, render_after_check: str, timeout: float
) -> list[dict]:
    port = serving.free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_RENDER_AFTER_CHECK=render_after_check)
    log_path = project / "serve.log"
    log = open(log_path, "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(project / CONFIG_FILE)]
        + ["--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/big/"
    runs = []
    try:
        if not serving.wait_for(lambda: "<h1" in serving.fetch(url, timeout=timeout), timeout, step=0.05):
            raise RuntimeError(f"the preview never served {url}:\n{log_path.read_text()[-3000:]}")
        # the first build's findings: the worker is idle before the first edit
        if not serving.wait_for(lambda: log_path.read_text().count(shown) >= findings, timeout, step=0.5):
            raise RuntimeError(f"the preview never logged the findings of {page}")
        for _ in range(edits):
            marker = f"benchmark-edit-{time.time_ns()}"
            start = log_path.stat().st_size
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            edited = time.perf_counter()
            logged: list[float] = []

            def watch(start=start, logged=logged, edited=edited) -> None:
                # beside the requests, which the preview holds until its rebuild is done; reads
                # only what the log gained (a light load on the machine measured)
                seen, rest = 0, ""
                with open(log_path, encoding="utf-8", errors="replace") as handle:
                    handle.seek(start)
                    while time.perf_counter() < edited + timeout:
                        lines, _, rest = (rest + handle.read()).rpartition("\n")
                        seen += lines.count(shown)
                        if seen >= findings:
                            logged.append(time.perf_counter() - edited)
                            return
                        time.sleep(0.1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            served = serving.wait_for(
                lambda marker=marker: marker in serving.fetch(url, timeout=timeout) and time.perf_counter(),
                timeout,
                step=0.25,
            )
            watcher.join(timeout)
            served = served - edited if served else None
            logged = logged[0] if logged else None
            if served is None or logged is None:
                raise RuntimeError(f"the edit to {page} was never served or its findings never logged")
            runs.append(
                {"edit_served_seconds": round(served, 3), "findings_logged_seconds": round(logged, 3)}
            )
    finally:
        serving.stop(process, timeout=20)
        log.close()
    return runs
