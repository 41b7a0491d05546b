"""The generated projects every measurement builds: the site's configuration, hooks and overrides
around content from ``benchmarks.synthetic``, and the configurations compared with it.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from benchmarks import synthetic
from helpsite.core.site import CONFIG_FILE

CONFIGS = ("project", "stock", "project_without_hooks", "project_without_search")


DEFAULT_CONFIGS = CONFIGS[:3]  # project_without_search comes with --search


# The hook that starts each locale's search bundle: left out of project_without_search.
SEARCH_HOOK = "hooks/search_bundle.py"


# strings/: each locale's own texts (helpsite/localization/strings.py); without it every page's notice would be missing.
PROJECT_FILES = ("hooks", "overrides", "hosting", "strings", "linkcheckerrc", "linkcheck-allow.txt")


# Hooks that wire the build rather than check pages: kept in project_without_hooks.
MACHINERY_HOOKS = ("hooks/shards.py", "hooks/i18n_alternates.py")


def prepare(
    site_root: Path, project: Path, articles: int, locales: Sequence[str], seed: int = 8
) -> synthetic.Corpus:
    """A copy of the site's configuration, hooks and overrides around generated content."""
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (site_root / name).is_dir():
            shutil.copytree(site_root / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif (site_root / name).is_file():
            shutil.copy2(site_root / name, project / name)
    corpus = synthetic.generate(project / "docs", articles, locales, seed)
    config_text = (site_root / CONFIG_FILE).read_text(encoding="utf-8")
    (project / CONFIG_FILE).write_text(project_config(config_text, locales), encoding="utf-8")
    (project / "mkdocs.project_without_hooks.yml").write_text(
        project_config(config_text, locales, keep_hooks=MACHINERY_HOOKS), encoding="utf-8"
    )
    (project / "mkdocs.project_without_search.yml").write_text(
        project_config(config_text, locales, drop_hooks=(SEARCH_HOOK,)), encoding="utf-8"
    )
    (project / "mkdocs.stock.yml").write_text(stock_config(config_text, locales), encoding="utf-8")
    return corpus


def config_file(project: Path, name: str) -> Path:
    return project / (CONFIG_FILE if name == "project" else f"mkdocs.{name}.yml")


def project_config(
    text: str, locales: Sequence[str], keep_hooks: Sequence[str] | None = None, drop_hooks: Sequence[str] = ()
) -> str:
    """The site's mkdocs.yml for these locales; ``keep_hooks`` drops every other hook,
    ``drop_hooks`` those."""
    config = _yaml().load(text)
    i18n = _i18n(config)
    languages = i18n["languages"]
    for index in reversed(range(len(languages))):
        if languages[index]["locale"] not in locales:
            del languages[index]
    if keep_hooks is not None or drop_hooks:
        kept = [
            hook
            for hook in config.get("hooks") or []
            if (keep_hooks is None or hook in keep_hooks) and hook not in drop_hooks
        ]
        if kept:
            config["hooks"] = kept
        elif "hooks" in config:
            del config["hooks"]
    return _dump(config)


def stock_config(text: str, locales: Sequence[str]) -> str:
    """Material and static-i18n as they come: only what the content's layout requires."""
    project = _yaml().load(text)
    languages = [
        {"locale": lang["locale"], "name": lang["name"], "default": bool(lang.get("default")), "build": True}
        for lang in _i18n(project)["languages"]
        if lang["locale"] in locales
    ]
    return (
        json.dumps(
            {
                "site_name": str(project["site_name"]),
                "site_url": "http://127.0.0.1:8000/",
                "theme": {"name": "material", "language": locales[0]},
                "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": languages}}],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    return yaml


def _dump(config) -> str:
    buffer = io.StringIO()
    _yaml().dump(config, buffer)
    return buffer.getvalue()


def _i18n(config) -> dict:
    return next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
