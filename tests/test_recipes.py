"""The recipes of ``handbook/contributing.md``, followed as written in a copy of the project.

The steps are read from the page itself (the article's file and text, the table of section
titles and the home page's entry; the rule's module; the metadata key's schema entry), so a
recipe edited into something that no longer works fails here. The results are checked where a
writer sees them: the real strict build's HTML, and ``python -m helpsite check`` run on a copy
of the package that has the new rule or key.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import LOCALES, ROOT, build_env, copy_site, mkdocs_build, parse_html
from ruamel.yaml import YAML

from helpsite.linting import rules

CONTRIBUTING = ROOT / "handbook" / "contributing.md"


def recipe(title: str) -> str:
    page = CONTRIBUTING.read_text(encoding="utf-8")
    start = page.index(f"\n## {title}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


def code_blocks(text: str) -> list[str]:
    """The fenced blocks of a recipe, as a reader copies them (the list's indentation removed)."""
    return [
        textwrap.dedent(match["body"])
        for match in re.finditer(r"^(?P<indent> *)```\w*\n(?P<body>.*?)^(?P=indent)```$", text, re.M | re.S)
    ]


def table(text: str) -> dict[str, str]:
    rows = re.findall(r"^ *\| (\w+) \| ([^|]+?) \|$", text, re.M)
    return {key: value for key, value in rows if key != "locale"}


def test_add_an_article_and_a_new_section(tmp_path):
    steps = recipe("Add an article and a new section")
    article, home_entry = code_blocks(steps)
    (article_path,) = re.findall(r"at `(docs/en/[^`]+\.md)`:", steps)
    (section,) = re.findall(r"add a line `(\w+): TITLE`", steps)
    titles = table(steps)
    # The table names the locales the site had when it was written; a locale added since (by
    # handbook/add-a-locale.md) has no line and shows the English title, as the recipe says.
    assert set(titles) <= set(LOCALES[1:]), "the recipe gives titles only for locales of the site"
    project = copy_site(tmp_path / "project")

    # 1. the article
    (project / article_path).parent.mkdir(parents=True)
    (project / article_path).write_text(article, encoding="utf-8")
    # 2. its section's title in every other locale
    yaml = YAML()
    yaml.preserve_quotes = True
    config_path = project / "mkdocs.yml"
    config = yaml.load(config_path.read_text(encoding="utf-8"))
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    for language in i18n["languages"]:
        if language["locale"] in titles:
            language["nav_translations"][section] = titles[language["locale"]]
    with config_path.open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    # 3. the home page's list
    home = project / "docs" / "en" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n" + home_entry, encoding="utf-8")

    # 4. the strict build
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr

    article_url = article_path.removeprefix("docs/en/").removesuffix(".md") + "/"
    for locale in LOCALES:
        prefix = "" if locale == "en" else f"{locale}/"
        nav = parse_html(site / prefix / "index.html").xpath("//nav[contains(@class, 'md-nav--primary')]")[0]
        sections = [" ".join(label.text_content().split()) for label in nav.xpath(".//a | .//label")]
        assert titles.get(locale, section) in sections, (locale, sections)
        assert (site / prefix / article_url / "index.html").is_file()
    links = parse_html(site / "index.html").xpath("//article//a/@href")
    assert article_url in links


def project_with_package(tmp_path):
    """A copy of the project with its own copy of the package, which ``python -m helpsite`` run
    in it imports instead of the installed one."""
    project = copy_site(tmp_path / "project")
    shutil.copytree(ROOT / "helpsite", project / "helpsite", ignore=shutil.ignore_patterns("__pycache__"))
    return project


def helpsite(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpsite", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=build_env(PYTHONPATH=str(project)),
        timeout=300,
    )


def test_add_a_rule(tmp_path):
    steps = recipe("Add a rule")
    module_text = code_blocks(steps)[0]
    (module_path,) = re.findall(r"a new one such as `(helpsite/linting/\w+\.py)`", steps)
    module = Path(module_path).stem
    project = project_with_package(tmp_path)
    page = project / "docs" / "en" / "gallery.md"
    front = rules.EXAMPLE_FRONT_MATTER["en"]
    page.write_text(front + "# Gallery\n\n![](billing.png)\n", encoding="utf-8")
    assert helpsite(project, "check", "docs/en/gallery.md").stdout == "", "no such rule before the recipe"

    # 1. the module
    (project / module_path).write_text(module_text, encoding="utf-8")
    # 2. listed in the catalogue
    catalogue = project / "helpsite" / "linting" / "catalogue.py"
    text = catalogue.read_text(encoding="utf-8")
    text = text.replace(
        "from helpsite.linting import (\n", f"from helpsite.linting import (\n    {module},\n", 1
    )
    text = re.sub(r"^(RULE_MODULES = \(.*?)\n\)", rf"\1\n    {module},\n)", text, count=1, flags=re.M | re.S)
    catalogue.write_text(text, encoding="utf-8")

    line = front.count("\n") + 3
    result = helpsite(project, "check", "docs/en/gallery.md")
    assert (result.returncode, result.stdout) == (
        0,
        f"docs/en/gallery.md:{line}:1: warning empty-alt: the image has no alt text\n",
    ), result.stderr
    page.write_text(front + "# Gallery\n\n![The Billing page](billing.png)\n", encoding="utf-8")
    assert helpsite(project, "check", "docs/en/gallery.md").stdout == ""
    # 3. the rules page has it
    assert "\n## `empty-alt`\n" in helpsite(project, "rules", "--format", "markdown").stdout


def test_add_a_metadata_key(tmp_path):
    steps = recipe("Add a metadata key")
    (fragment,) = code_blocks(steps)
    ((key, definition),) = json.loads("{" + fragment + "}").items()
    project = project_with_package(tmp_path)
    page = project / "docs" / "en" / "feedback.md"
    front = rules.EXAMPLE_FRONT_MATTER["en"]

    def check(value: str) -> str:
        # the key on the front matter's last line, before its closing ---
        page.write_text(front.removesuffix("---\n") + f"{key}: {value}\n---\n# Feedback\n", encoding="utf-8")
        return helpsite(project, "check", "docs/en/feedback.md").stdout

    line = front.count("\n")
    assert check("Standard") == (
        f"docs/en/feedback.md:{line}:1: warning meta-unknown: "
        f"{key} is not a known metadata key (keys are case-sensitive)\n"
    )

    # 1. the key in the schema, under $defs.metadata.properties
    schema_path = project / "helpsite" / "linting" / "schema" / "metadata.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"]["metadata"]["properties"][key] = definition
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    assert check("Standard") == ""
    assert check("Sometimes") == (
        f"docs/en/feedback.md:{line}:1: error meta-invalid: "
        f"{key} must be one of Standard, None, not 'Sometimes'\n"
    )
    # 3. the writers' page has it
    assert f"`{key}`" in helpsite(project, "schema-doc").stdout
