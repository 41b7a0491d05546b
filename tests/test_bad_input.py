"""The bad-input catalogue: every hostile or broken file gets findings, never a crash.

Each case is ``tests/fixtures/bad-input/<name>.expected.json`` (what the file is, the exit
status of ``python -m helpsite check``, whether ``mkdocs build --strict`` passes, and the exact
findings) with either ``<name>.md`` beside it or a ``generate`` function here for inputs too
big to commit or that must be made on the spot (symbolic links, a named pipe, permissions).
The case is placed at docs/nb/<name>.md in a copy of the site; the check runs over the whole
docs folder in a subprocess with a time limit and an address-space limit, and its wall time
and peak memory are recorded (printed after the module with ``pytest -s``; ``python
tests/test_bad_input.py`` measures the check and the build of each case alone).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import build_env, copy_site, parse_html

from helpsite.core.site import load_site
from helpsite.linting import checks, safety

CATALOGUE = Path(__file__).parent / "fixtures" / "bad-input"
CASES = sorted(p.name[: -len(".expected.json")] for p in CATALOGUE.glob("*.expected.json"))
CHECK_TIMEOUT, BUILD_TIMEOUT = 60, 300
MEMORY_LIMIT = 2 << 30  # address space; Python and libyaml need far less for any case
# Root reads any file; without these capabilities chmod 000 stops it as it stops anyone.
DROP_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
FRONT_MATTER = (CATALOGUE / "crlf.md").read_bytes().replace(b"\r\n", b"\n").split(b"# ", 1)[0]
PWNED = Path("/tmp/helpsite-pwned")  # what the !!python/object/apply case would create
MEASURED: dict[str, dict] = {}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# Runs a Python module and records its peak resident memory (VmHWM) when it exits.
# ru_maxrss from wait4 would not do: Linux carries the forking process's peak into the child.
_MEASURED_RUN = """
import atexit, os, runpy, sys
def record():
    with open("/proc/self/status") as status, open(os.environ["HELPSITE_PEAK_FILE"], "w") as out:
        out.write(next(l for l in status if l.startswith("VmHWM")).split()[1])
atexit.register(record)
module, sys.argv = sys.argv[1], sys.argv[1:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run_module_bounded(
    module: str,
    args: list[str],
    cwd: Path,
    timeout: float,
    unprivileged: bool = False,
    env: dict | None = None,
) -> Run:
    """``python -m module args`` with a wall-clock and an address-space limit; time and peak RSS."""
    peak_file = Path(tempfile.mkdtemp()) / "peak"
    env = dict(env or build_env(), HELPSITE_PEAK_FILE=str(peak_file))
    try:
        result = run_bounded(
            [sys.executable, "-c", _MEASURED_RUN, module, *args], cwd, timeout, unprivileged, env
        )
        result.peak_mb = int(peak_file.read_text()) / 1024
        return result
    finally:
        shutil.rmtree(peak_file.parent)


def run_bounded(
    command: list[str], cwd: Path, timeout: float, unprivileged: bool = False, env: dict | None = None
) -> Run:
    """Run with a wall-clock and an address-space limit."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    if unprivileged:
        command = DROP_READ_OVERRIDE + command
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        pid = subprocess.Popen(
            command, cwd=cwd, env=env or build_env(), preexec_fn=limit, stdout=out, stderr=err
        ).pid
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - started > timeout:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"{' '.join(command)} ran longer than {timeout} s")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode(), seconds, 0.0)


# ----------------------------------------------------------------------------
# Generated inputs: each writes docs/nb/<name>.md in a site copy
# ----------------------------------------------------------------------------


def huge_line(path: Path) -> None:
    words = "lisens tenant abonnement organisasjon kjøpe fjerne administrator".split()
    line = " ".join(words[i % len(words)] for i in range(1_500_000)).encode()[:10_000_000]
    path.write_bytes(FRONT_MATTER + b"# Stor side\n\n" + line.rsplit(b" ", 1)[0] + b"\n")


def many_links(path: Path) -> None:
    links = "".join(
        f"- [Lisens {i}](https://learn.microsoft.com/nb-no/microsoft-365/{i})\n" for i in range(10_000)
    )
    path.write_bytes(FRONT_MATTER + b"# Mange lenker\n\n" + links.encode())


# A 2,500-row permissions table (about 400 KB) with a link in every row; row 1,234 (line 1,251)
# has lost its link text unless ``clean``.
TABLE_ROW = (
    "| tillatelse.{i} | Lar en administrator lese og endre innstillingene for lisenser, "
    "abonnementer og brukere i organisasjonen | "
    "[Rolle {i}](https://learn.microsoft.com/nb-no/{i}) |\n"
)
EMPTY_ROW = (
    "| tillatelse.1234 | Lar en administrator lese og endre innstillingene for lisenser, "
    "abonnementer og brukere i organisasjonen | [](https://learn.microsoft.com/nb-no/1234) |\n"
)


def large_table(path: Path, clean: bool = False) -> None:
    rows = [TABLE_ROW.format(i=i) if clean or i != 1234 else EMPTY_ROW for i in range(2500)]
    path.write_bytes(
        FRONT_MATTER
        + b"# Tillatelser\n\n| Tillatelse | Beskrivelse | Rolle |\n|---|---|---|\n"
        + "".join(rows).encode()
    )


def large_table_clean(path: Path) -> None:
    large_table(path, clean=True)


def empty_links(path: Path) -> None:
    # line 15 + i: one list item whose link has no text
    links = "".join(f"- [](https://learn.microsoft.com/nb-no/microsoft-365/{i})\n" for i in range(10_000))
    path.write_bytes(FRONT_MATTER + b"# Tomme lenker\n\n" + links.encode())


def too_large(path: Path) -> None:
    line = "Lisenser og abonnementer for organisasjonen, se [lisenser](https://learn.microsoft.com/).\n"
    path.write_bytes(FRONT_MATTER + b"# Stor side\n\n" + (line * 120_000).encode())


def deep_emphasis(path: Path) -> None:
    path.write_bytes(FRONT_MATTER + b"# Dyp utheving\n\n" + b"*a " * 3000 + b"b" + b" a*" * 3000 + b"\n")


def deep_html(path: Path) -> None:
    path.write_bytes(
        FRONT_MATTER + b"# Dyp HTML\n\n" + b"<div markdown>\n\n" * 500 + b"tekst\n\n" + b"</div>\n\n" * 500
    )


def deep_list(path: Path) -> None:
    # line 15 + i holds an item nested i levels deep; level 21 (line 36) is the first too deep
    items = "".join("    " * i + "- nivå\n" for i in range(300))
    path.write_bytes(FRONT_MATTER + b"# Dypt nestet liste\n\n" + items.encode())


def deep_quote(path: Path) -> None:
    # line 14 + k is quoted k levels deep; level 21 (line 35) is the first too deep
    quotes = "".join(">" * k + " sitat\n" for k in range(1, 2001))
    path.write_bytes(FRONT_MATTER + b"# Dypt sitat\n\n" + quotes.encode())


def nested_twenty(path: Path) -> None:
    items = "".join("    " * i + "- nivå\n" for i in range(20))
    quotes = "".join(">" * k + " sitat\n" for k in range(1, 21))
    path.write_bytes(FRONT_MATTER + b"# Nestet\n\n" + items.encode() + b"\n" + quotes.encode())


def symlink_outside(path: Path) -> None:
    secret = path.parents[3] / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# Hemmelig\n\npassord: hunter2\n", encoding="utf-8")
    path.symlink_to(secret)


def symlink_dangling(path: Path) -> None:
    path.symlink_to("finnes-ikke.md")


def symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


def named_pipe(path: Path) -> None:
    os.mkfifo(path)


def unreadable(path: Path) -> None:
    path.write_bytes((CATALOGUE / "crlf.md").read_bytes())
    path.chmod(0)


# ----------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------


def expected(name: str) -> dict:
    """The case's description, a finding on each of ``lines`` spelled out in its findings."""
    spec = json.loads((CATALOGUE / f"{name}.expected.json").read_text(encoding="utf-8"))
    if "on_each_line" in spec:
        first, last = spec["on_each_line"].pop("lines")
        spec["findings"] = [dict(spec["on_each_line"], line=line) for line in range(first, last + 1)]
    return spec


def place(name: str, project: Path) -> Path:
    """Put the case at docs/nb/<name>.md in the site copy."""
    target = project / "docs" / "nb" / f"{name}.md"
    spec = expected(name)
    if "generate" in spec:
        globals()[spec["generate"]](target)
    else:
        shutil.copyfile(CATALOGUE / f"{name}.md", target)
    return target


@pytest.fixture(scope="module", autouse=True)
def report_measurements():
    """After the module: each case's wall time and peak memory (shown with pytest -s)."""
    yield
    for name, figures in MEASURED.items():
        print(f"{name}: " + ", ".join(f"{k}={v:.2f}" for k, v in figures.items()))


@pytest.fixture
def scratch_dir():
    """A scratch folder of the test's own, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="helpsite-bad-input-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def unprivileged_for(name: str) -> bool:
    # chmod 000 does not stop root: the unreadable case runs without root's read override.
    return name == "unreadable" and os.geteuid() == 0


@pytest.mark.parametrize("name", CASES)
def test_check_reports_exact_findings_within_limits(name, scratch_dir):
    project = copy_site(scratch_dir / "project")
    place(name, project)
    result = run_module_bounded(
        "helpsite",
        ["check", "--format", "json", "docs"],
        project,
        CHECK_TIMEOUT,
        unprivileged=unprivileged_for(name),
    )
    MEASURED[name] = {"check_seconds": result.seconds, "check_peak_mb": result.peak_mb}
    assert "Traceback" not in result.stderr, result.stderr
    spec = expected(name)
    found = [{k: f[k] for k in ("rule", "line", "column", "severity")} for f in json.loads(result.stdout)]
    assert {f["path"] for f in json.loads(result.stdout)} <= {f"docs/nb/{name}.md"}
    assert found == spec["findings"]
    assert "internal-error" not in {f["rule"] for f in found}  # it means a bug in a check
    assert result.returncode == spec["exit"], result.stderr
    assert not PWNED.exists()  # python-object-tag.md's command never ran


@pytest.mark.parametrize("outcome", ["fails", "passes"])
def test_strict_build_of_the_catalogue(outcome, scratch_dir):
    """All cases with one outcome in one build of the nb locale: clean failure or success."""
    names = [n for n in CASES if expected(n)["build"] == outcome]
    project = copy_site(scratch_dir / "project")
    for name in names:
        if not unprivileged_for(name):
            place(name, project)
    site_dir = scratch_dir / "site"
    result = run_module_bounded(
        "mkdocs",
        ["build", "--strict", "-d", str(site_dir)],
        project,
        BUILD_TIMEOUT,
        env=build_env(HELPSITE_LOCALE="nb"),
    )
    MEASURED[f"build ({outcome}: {len(names)} inputs)"] = {
        "build_seconds": result.seconds,
        "build_peak_mb": result.peak_mb,
    }
    assert "Traceback" not in result.stderr, result.stderr
    assert not PWNED.exists()
    if outcome == "passes":
        assert result.returncode == 0, result.stderr
        for name in names:
            assert (site_dir / name / "index.html").is_file()  # one locale: built at the root
        return
    assert result.returncode == 1, result.stderr
    assert "in strict mode!" in result.stdout + result.stderr
    for name in names:
        if unprivileged_for(name):
            continue
        for finding in expected(name)["findings"]:
            logged = f"nb/{name}.md:{finding['line']}:{finding['column']}: {finding['rule']}: "
            assert logged in result.stderr, (name, result.stderr)


def test_unreadable_page_fails_the_build_cleanly_for_its_reader(scratch_dir):
    """chmod 000 for real: without root's read override when the tests run as root."""
    project = copy_site(scratch_dir / "project")
    place("unreadable", project)
    site_dir = project / "site"
    result = run_bounded(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        project,
        BUILD_TIMEOUT,
        unprivileged=unprivileged_for("unreadable"),
        env=build_env(HELPSITE_LOCALE="nb", HOME=str(scratch_dir)),
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert "nb/unreadable.md:1:1: io-error: cannot read the file: Permission denied" in result.stderr


def test_symlinked_asset_outside_docs_is_not_published(scratch_dir):
    project = copy_site(scratch_dir / "project")
    secret = scratch_dir / "passwords.txt"
    secret.write_text("hunter2\n")
    (project / "docs" / "nb" / "passwords.txt").symlink_to(secret)
    site_dir = scratch_dir / "site"
    result = run_bounded(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site_dir)],
        project,
        BUILD_TIMEOUT,
        env=build_env(HELPSITE_LOCALE="nb"),
    )
    assert result.returncode == 0, result.stderr
    assert "nb/passwords.txt:1:1: symlink-outside: it is a symbolic link to " in result.stderr
    assert not any("hunter2" in p.read_text(errors="replace") for p in site_dir.rglob("*") if p.is_file())


def test_linked_folder_outside_docs_is_reported_and_not_published(scratch_dir):
    outside = scratch_dir / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Hemmelig\n\npassord: hunter2\n", encoding="utf-8")
    (outside / "secret.txt").write_text("hunter2\n", encoding="utf-8")
    project = copy_site(scratch_dir / "project")
    (project / "docs" / "nb" / "ekstern").symlink_to(outside, target_is_directory=True)

    check = run_bounded([sys.executable, "-m", "helpsite", "check", "docs"], project, CHECK_TIMEOUT)
    assert check.stdout == (
        f"docs/nb/ekstern:1:1: error symlink-outside: it is a symbolic link "
        f"to {outside}, outside the docs folder: copy the content into docs/ instead\n"
    )
    assert check.returncode == 1

    site_dir = scratch_dir / "site"
    build = run_bounded(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        project,
        BUILD_TIMEOUT,
        env=build_env(HELPSITE_LOCALE="nb"),
    )
    assert "Traceback" not in build.stderr, build.stderr
    assert build.returncode == 1
    # one finding, the link's, not one per file below it (a page and a file here)
    assert [line for line in build.stderr.splitlines() if "symlink-outside" in line] == [
        f"WARNING -  nb/ekstern:1:1: symlink-outside: it is a symbolic link to {outside}, outside the "
        "docs folder: copy the content into docs/ instead"
    ]
    assert not any("hunter2" in p.read_text(errors="replace") for p in site_dir.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "name, hidden",
    [
        ("symlink-outside", "hunter2"),  # the target's content
        ("frontmatter-never-closed", "Slik kjøper du"),  # metadata MkDocs would show as text
        ("billion-laughs", "lol"),  # the alias bomb
        ("deep-list", "nivå"),  # text Python-Markdown cannot nest
    ],
)
def test_unrenderable_page_is_published_only_as_a_notice(name, hidden, scratch_dir):
    """Without --strict (the preview) the page shows its findings, never its text."""
    project = copy_site(scratch_dir / "project")
    place(name, project)
    site_dir = scratch_dir / "site"
    result = run_bounded(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site_dir)],
        project,
        BUILD_TIMEOUT,
        env=build_env(HELPSITE_LOCALE="nb"),
    )
    assert result.returncode == 0, result.stderr
    page = parse_html(site_dir / name / "index.html")
    (finding,) = expected(name)["findings"]
    assert page.xpath("string(//article//h1)").startswith("Page not published")
    assert f"nb/{name}.md:{finding['line']}:{finding['column']}: {finding['rule']}: " in page.xpath(
        "string(//article//code)"
    )
    assert hidden not in page.xpath("string(//article)")
    assert not any(hidden in p.read_text(errors="replace") for p in site_dir.rglob("*.html"))


def measure_all() -> None:
    """``python tests/test_bad_input.py``: check and strict build of each case alone, as a table
    (the figures in the README's "Reliability and security" section)."""
    print("case | check exit | check s | check MB | build exit | build s | build MB")
    for name in CASES:
        folder = Path(tempfile.mkdtemp(prefix="helpsite-measure-"))
        try:
            project = copy_site(folder / "project")
            place(name, project)
            user = unprivileged_for(name)
            check = run_module_bounded("helpsite", ["check", "docs"], project, CHECK_TIMEOUT, user)
            build = run_module_bounded(
                "mkdocs",
                ["build", "--strict", "-d", str(project / "site")],
                project,
                BUILD_TIMEOUT,
                user,
                build_env(HELPSITE_LOCALE="nb", HOME=str(folder)),
            )
            crashed = any("Traceback" in r.stderr for r in (check, build))
            print(
                f"{name} | {check.returncode} | {check.seconds:.2f} | {check.peak_mb:.0f} | "
                f"{build.returncode} | {build.seconds:.2f} | {build.peak_mb:.0f}"
                + (" | CRASH" if crashed else ""),
                flush=True,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    measure_all()


def test_what_keeps_a_page_from_the_renderer_is_known_before_its_check(scratch_dir):
    """The build renders a page once ``checks.unrenderable_before_check`` says it may (or
    shows its notice): for every case that is what the whole check says, and only markup
    nested too deep for the engine needs the check itself to tell."""
    project = copy_site(scratch_dir / "project")
    placed = {name: place(name, project) for name in CASES}
    site = load_site(project)
    told, left_to_the_check = {}, []
    for name, path in placed.items():
        page = safety.load_file(path, site)
        before = checks.unrenderable_before_check(page, site)
        after = safety.unrenderable(checks.check_page(safety.load_file(path, site), site))
        if before is None:
            left_to_the_check.append(name)
        else:
            told[name] = before
            assert before == after, name
    assert left_to_the_check == ["deep-emphasis", "deep-html"]  # both: markup-too-deep
    blocked = {n for n in CASES if any(_unrenderable(f) for f in expected(n)["findings"])}
    if unprivileged_for("unreadable"):  # root reads it here
        blocked.discard("unreadable")
    assert {name for name, found in told.items() if found} == blocked - set(left_to_the_check)
    # the big pages are rendered at once: their links and headings are checked meanwhile
    assert {"large-table", "large-table-clean", "many-links", "empty-links", "huge-line"} <= set(told)


def _unrenderable(finding: dict) -> bool:
    return finding["rule"] in safety.UNRENDERABLE
