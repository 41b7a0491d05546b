"""The preview benchmark: from saving a page until the preview serves it, the differential preview
(``hooks/preview.py``) side by side with MkDocs' own (``HELPSITE_PREVIEW=full``: polling, and a
full build of every built locale on each save) on the same generated site, in one run.

    python -m benchmarks.preview --articles 300 --locales 8 [--edits 3] [--out FILE]

For each preview (all locales, and ``--locale``'s one locale at the root): start-up until the
edited page is first served (``startup_seconds``: the differential preview renders it on
request), until every page is rendered (``all_rendered_seconds``: the differential preview's
log says ``preview: all N pages rendered``; MkDocs' own has rendered them all before it serves
one) and until the search bundles the build left are made, then ``--edits`` body edits of one article (a paragraph with a new
word appended), each timed from the write until a fetch of the page shows the word (polled every
20 ms), then until its locale's search bundle was brought up to date (the differential
preview's log), and the memory of the preview's processes (RSS, the server and its children)
after the edits. The differential preview then times, ``--edits`` times each, what else a save
shows: an empty link saved until the page is served with the findings banner naming
``empty-link`` (and the fix until the banner is gone), a front-matter edit (the description)
until the page is served with it (every page the edit affects is rendered before the reload),
and a heading's anchor renamed until a page that links to it is served with
``link-to-missing-anchor`` in its banner (the link graph); in the all-locales preview, a
translation of the page deleted until that locale serves the English copy with its fallback
notice, and saved again until it serves the translation (the locale build swaps the page's
file; every page the save affects is rendered before the reload), and a new English page beside
the edited one until it is served and until the edited page shows it in its navigation, then
deleted until its URL answers 404 and the edited page's navigation no longer shows it. The ratios are stock / differential of the medians. Absolute times drift on a
shared machine; the ratios, measured in the same run, are the figures to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

from benchmarks import serving
from benchmarks.common import report_head
from benchmarks.sites import prepare
from helpsite.core.site import CONFIG_FILE, load_site

ROOT = Path(__file__).resolve().parent.parent
DIRTY = "BENCHMARK_SERVE_DIRTY"  # in a mode's environment: `mkdocs serve --dirty`
# Each preview compared: its environment, and (dirty) MkDocs' own --dirty, which renders again
# only the pages whose files changed (and leaves "None" in the other pages' navigation).
MODES = {
    "differential": {},
    "stock": {"HELPSITE_PREVIEW": "full"},
    "dirty": {"HELPSITE_PREVIEW": "full", DIRTY: "1"},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.preview", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--locales", type=int, default=8)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument(
        "--locale", default="nb", help="the one-locale preview's locale (--locale of dev.py serve)"
    )
    parser.add_argument("--modes", default="differential,stock", help="of differential,stock,dirty")
    parser.add_argument("--scopes", default="all,locale", help="all: every locale; locale: --locale alone")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--first-page-only",
        action="store_true",
        help="time the start-up alone: the edited page first served, then (all locales) its "
        "version in the second locale",
    )
    args = parser.parse_args(argv)
    locales = load_site(ROOT).locales[: args.locales]
    report = report_head(
        "python -m benchmarks.preview " + " ".join(argv if argv is not None else sys.argv[1:])
    )
    report.update(articles=args.articles, locales=list(locales), edits=args.edits, runs={})
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-preview-") as temp:
        project = Path(temp) / "site"
        prepare(ROOT, project, args.articles, locales)
        article = sorted((project / "docs" / locales[0]).glob("*/*.md"))[1]
        page_path = article.relative_to(project / "docs" / locales[0])
        scopes = {
            "all": ("all locales", {}),
            "locale": (f"--locale {args.locale}", {"HELPSITE_LOCALE": args.locale}),
        }
        for scope, env in (scopes[name] for name in args.scopes.split(",")):
            edited_locale = locales[0] if not env else args.locale
            for mode in args.modes.split(","):
                print(f"{scope}, {mode} ...", flush=True)
                run = time_edits(
                    project,
                    project / "docs" / edited_locale / page_path,
                    page_path.with_suffix("").as_posix() + "/",
                    dict(env, **MODES[mode]),
                    args.edits,
                    args.timeout,
                    len(locales) if not env else 1,
                    second=locales[1] if not env and len(locales) > 1 else None,
                    first_page_only=args.first_page_only,
                )
                report["runs"][f"{scope}, {mode}"] = run
                print(f"  {json.dumps(run)}", flush=True)
            _ratios(report, scope)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def time_edits(
    project: Path,
    page: Path,
    url_path: str,
    env: dict,
    edits: int,
    timeout: float,
    bundles: int,
    second: str | None = None,
    first_page_only: bool = False,
) -> dict:
    """One preview of ``project``: its start-up, then ``edits`` body edits of ``page`` (and, for
    the differential preview, ``edits`` of each other kind); ``bundles`` is the number of search
    bundles it makes (one a locale). ``first_page_only``: the start-up alone, until the page is
    served, then until its version in the locale ``second`` is."""
    port = serving.free_port()
    log_path = project / "serve.log"
    log = open(log_path, "w+")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(project / CONFIG_FILE)]
        + ["--dev-addr", f"127.0.0.1:{port}"]
        + (["--dirty"] if env.get(DIRTY) else []),
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    locale_root = (
        "" if "HELPSITE_LOCALE" in env or page.parent.parent.name == "en" else f"{page.parent.parent.name}/"
    )
    url = f"http://127.0.0.1:{port}/{locale_root}{url_path}"
    run: dict = {"served_seconds": [], "search_seconds": []}
    try:
        if not serving.wait_for(lambda: "<h1" in serving.fetch(url, timeout=timeout), timeout, step=0.05):
            raise RuntimeError(f"the preview never served {url}:\n{log_path.read_text()[-3000:]}")
        run["startup_seconds"] = round(time.perf_counter() - started, 2)
        if first_page_only:
            if second is not None:
                other = f"http://127.0.0.1:{port}/{second}/{url_path}"
                if not serving.wait_for(
                    lambda: "<h1" in serving.fetch(other, timeout=timeout), timeout, 0.05
                ):
                    raise RuntimeError(f"the preview never served {other}:\n{log_path.read_text()[-3000:]}")
                run[f"{second}_first_seconds"] = round(time.perf_counter() - started, 2)
            run["memory_mb"] = round(_tree_rss(process.pid) / 1e6)
            return run
        if env.get("HELPSITE_PREVIEW"):  # MkDocs' own: every page is rendered before the first is served
            run["all_rendered_seconds"] = run["startup_seconds"]
        else:
            rendered = serving.wait_for(
                lambda: "preview: all " in log_path.read_text() and time.perf_counter(), timeout, step=0.1
            )
            if not rendered:
                raise RuntimeError(f"the preview never rendered every page:\n{log_path.read_text()[-3000:]}")
            run["all_rendered_seconds"] = round(rendered - started, 2)
            run["memory_all_rendered_mb"] = round(_tree_rss(process.pid) / 1e6)
            # the bundles left for after the pages: the edits' own are counted after them
            indexed = serving.wait_for(
                lambda: log_path.read_text().count("preview: search for") >= bundles and time.perf_counter(),
                timeout,
                step=0.1,
            )
            run["search_ready_seconds"] = round(indexed - started, 2) if indexed else None
        for _ in range(edits):
            marker = f"benchmarkedit{time.time_ns()}"
            searched = log_path.read_text().count("preview: search for")
            page.write_text(
                page.read_text(encoding="utf-8") + f"\nA paragraph with {marker}.\n", encoding="utf-8"
            )
            saved = time.perf_counter()
            served = serving.wait_for(
                lambda marker=marker: marker in serving.fetch(url, timeout=timeout) and time.perf_counter(),
                timeout,
                step=0.02,
            )
            if not served:
                raise RuntimeError(f"the edit of {page} was never served:\n{log_path.read_text()[-3000:]}")
            run["served_seconds"].append(round(served - saved, 3))
            if not env.get("HELPSITE_PREVIEW"):
                indexed = serving.wait_for(
                    lambda searched=searched: (
                        log_path.read_text().count("preview: search for") > searched and time.perf_counter()
                    ),
                    timeout,
                    step=0.1,
                )
                run["search_seconds"].append(round(indexed - saved, 2) if indexed else None)
            else:  # MkDocs' own preview serves the page once the whole build, search included, is done
                run["search_seconds"].append(run["served_seconds"][-1])
        run["served_median"] = statistics.median(run["served_seconds"])
        if not env.get("HELPSITE_PREVIEW"):
            run.update(_other_saves(project, page, url, edits, timeout, translations=bundles > 1))
        run["memory_mb"] = round(_tree_rss(process.pid) / 1e6)
    finally:
        serving.stop(process, timeout=20, group=True)
        log.close()
    return run


def _other_saves(
    project: Path, page: Path, url: str, edits: int, timeout: float, translations: bool = False
) -> dict:
    """The seconds from each save until the page served shows what it should: the findings
    banner of an empty link and the page without it once fixed, a front-matter edit, a
    linking page's banner once the anchor it links to is renamed and (``translations``: ``page``
    is a source page with translations) a translation deleted and added again."""

    def timed(path: Path, data: bytes, fetched: str, shows) -> float:
        path.write_bytes(data)
        saved = time.perf_counter()
        done = serving.wait_for(
            lambda: shows(serving.fetch(fetched, timeout=timeout)) and time.perf_counter(), timeout, step=0.02
        )
        if not done:
            raise RuntimeError(f"the save of {path} was never served as expected ({fetched})")
        return round(done - saved, 3)

    times: dict[str, list[float]] = {
        "banner_seconds": [],
        "banner_gone_seconds": [],
        "front_matter_seconds": [],
    }
    times["linking_banner_seconds"] = []
    for number in range(edits):
        good = page.read_bytes()
        broken = good + f"\nSee [](https://learn.microsoft.com/{number}) here.\n".encode()
        times["banner_seconds"].append(
            timed(page, broken, url, lambda html: "helpsite-findings" in html and "empty-link" in html)
        )
        times["banner_gone_seconds"].append(
            timed(page, good, url, lambda html: "<h1" in html and "empty-link" not in html)
        )
        marker = f"Described {time.time_ns()}"
        text = re.sub(
            r"(?m)^description: .*$", f"description: {marker}", page.read_text(encoding="utf-8"), count=1
        )
        times["front_matter_seconds"].append(
            timed(page, text.encode(), url, lambda html, marker=marker: marker in html)
        )
    # a heading's anchor that a page of the same locale links to, renamed and named back
    docs = page.parent.parent
    for linking in sorted(docs.glob("*/*.md")):
        found = re.search(
            r"\]\(((?:\.\./[\w-]+/)?[\w-]+\.md)#([\w-]+)\)", linking.read_text(encoding="utf-8")
        )
        target = (linking.parent / found[1]).resolve() if found else None
        if target is not None and target != linking.resolve() and target.is_file():
            break
    anchor = found[2]
    linking_url = url.rsplit("/", 3)[0] + "/" + linking.relative_to(docs).with_suffix("").as_posix() + "/"
    for number in range(edits):
        good = target.read_bytes()
        renamed = good.replace(f'name="{anchor}"'.encode(), f'name="{anchor}-{number}"'.encode(), 1)
        times["linking_banner_seconds"].append(
            timed(target, renamed, linking_url, lambda html: "link-to-missing-anchor" in html)
        )
        timed(target, good, linking_url, lambda html: "<h1" in html and "link-to-missing-anchor" not in html)
    if translations:
        times.update(_translation_saves(page, url, edits, timed))
        times.update(_page_saves(page, url, edits, timeout))
    return {
        **times,
        **{name.replace("_seconds", "_median"): statistics.median(values) for name, values in times.items()},
    }


def _translation_saves(page: Path, url: str, edits: int, timed) -> dict[str, list[float]]:
    """A translation of the source ``page`` deleted, until its locale serves the English copy
    (its fallback notice), then saved again, until it serves the translation."""
    docs, page_path = page.parent.parent.parent, page.relative_to(page.parent.parent)
    locale = next(
        d.name for d in sorted(docs.iterdir()) if d != page.parent.parent and (d / page_path).is_file()
    )
    translation = docs / locale / page_path
    translated_url = url.rsplit("/", 3)[0] + f"/{locale}/" + page_path.with_suffix("").as_posix() + "/"
    times: dict[str, list[float]] = {"translation_deleted_seconds": [], "translation_added_seconds": []}
    fallback = 'data-notice="fallback"'
    for _ in range(edits):
        good = translation.read_bytes()
        deleted = time.perf_counter()
        translation.unlink()
        shown = serving.wait_for(
            lambda: fallback in serving.fetch(translated_url, timeout=60) and time.perf_counter(),
            120,
            step=0.02,
        )
        if not shown:
            raise RuntimeError(f"the deletion of {translation} was never served ({translated_url})")
        times["translation_deleted_seconds"].append(round(shown - deleted, 3))
        times["translation_added_seconds"].append(
            timed(translation, good, translated_url, lambda html: "<h1" in html and fallback not in html)
        )
    return times


def _page_saves(page: Path, url: str, edits: int, timeout: float) -> dict[str, list[float]]:
    """A new source page beside ``page`` (next to it in its section, under a title of its own),
    until it is served and until ``page`` shows its title in its navigation; then deleted, until
    its URL answers 404 and ``page``'s navigation no longer shows it."""
    times: dict[str, list[float]] = {
        "page_added_seconds": [],
        "page_added_sibling_seconds": [],
        "page_deleted_seconds": [],
        "page_deleted_sibling_seconds": [],
    }
    for number in range(edits):
        title = f"Benchmark page {time.time_ns()}"
        new = page.with_name(f"{page.stem}-new-{number}.md")
        new_url = url.rsplit("/", 2)[0] + f"/{new.stem}/"
        text = re.sub(r"(?m)^title: .*$", f"title: {title}", page.read_text(encoding="utf-8"), count=1)
        new.write_text(text, encoding="utf-8")
        added, sibling = _until_both(
            lambda title=title, new_url=new_url: title in serving.fetch(new_url, timeout=timeout),
            lambda title=title: title in serving.fetch(url, timeout=timeout),
            timeout,
        )
        times["page_added_seconds"].append(added)
        times["page_added_sibling_seconds"].append(sibling)
        new.unlink()
        gone, sibling = _until_both(
            lambda new_url=new_url: _not_found(new_url, timeout),
            lambda title=title: title not in serving.fetch(url, timeout=timeout),
            timeout,
        )
        times["page_deleted_seconds"].append(gone)
        times["page_deleted_sibling_seconds"].append(sibling)
    return times


def _until_both(first, second, timeout: float) -> tuple[float, float]:
    """The seconds until each predicate is first true, both polled every 20 ms from now."""
    started, found = time.perf_counter(), [None, None]

    def both() -> bool:
        for index, predicate in enumerate((first, second)):
            if found[index] is None and predicate():
                found[index] = round(time.perf_counter() - started, 3)
        return None not in found

    if not serving.wait_for(both, timeout, step=0.02):
        raise RuntimeError(f"a page added or deleted was never served as expected ({found})")
    return found[0], found[1]


def _not_found(url: str, timeout: float) -> bool:
    try:
        serving.fetch(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error.code == 404
    return False


def _ratios(report: dict, scope: str) -> None:
    """Each of MkDocs' own previews measured (stock, dirty) against the differential one."""
    runs = report["runs"]
    differential = runs.get(f"{scope}, differential")
    for baseline in ("stock", "dirty"):
        other = runs.get(f"{scope}, {baseline}")
        if not (differential and other):
            continue
        ratios = {
            "startup": round(other["startup_seconds"] / differential["startup_seconds"], 2),
            "memory": round(other["memory_mb"] / differential["memory_mb"], 2),
        }
        if "served_median" in differential:  # not with --first-page-only
            ratios["served"] = round(other["served_median"] / differential["served_median"], 1)
        report.setdefault(f"{baseline}_to_differential", {})[scope] = ratios


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        try:
            pages = int(Path(f"/proc/{current}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


if __name__ == "__main__":
    sys.exit(main())
