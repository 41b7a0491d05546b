"""The site's shape as the checks need it: where the docs are and which locales exist.

Read from ``mkdocs.yml`` (the one place the locales are configured), with a loader that
knows nothing of MkDocs: engine-specific tags such as ``!ENV`` are read as their default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from helpsite.core.errors import HelpsiteError
from helpsite.published import navigation

CONFIG_FILE = "mkdocs.yml"
LIMITS_KEY = "extra.helpsite"  # where mkdocs.yml sets the limits below


class ConfigError(HelpsiteError, ValueError):
    """mkdocs.yml holds a setting the checks cannot use."""


@dataclass(frozen=True)
class Limits:
    """The bounds on what the checks and the build read of one page, against hostile input.

    Each is set under ``extra: helpsite:`` in mkdocs.yml (``extra`` needs no plugin), and the
    finding for a page past one names its key. Checking is linear in the page's size, so the
    size bounds the time and memory a page costs (about 4 s and 100 MB per million characters).
    """

    max_nesting: int = 20  # list and quote levels
    max_page_characters: int = 10_000_000  # of the body, when it has links or headings to read

    @classmethod
    def from_extra(cls, extra: dict) -> Limits:
        settings = extra.get("helpsite") or {}
        if not isinstance(settings, dict):
            raise ConfigError(f"{CONFIG_FILE}: {LIMITS_KEY} must be a mapping of limits")
        unknown = sorted(set(settings) - set(cls.__dataclass_fields__))
        if unknown:
            raise ConfigError(
                f"{CONFIG_FILE}: {LIMITS_KEY}.{unknown[0]} is no setting; the settings are "
                + ", ".join(cls.__dataclass_fields__)
            )
        for name, value in settings.items():
            if type(value) is not int or value < 1:
                raise ConfigError(
                    f"{CONFIG_FILE}: {LIMITS_KEY}.{name} must be a whole number above 0, not {value!r}"
                )
        return cls(**settings)


@dataclass(frozen=True)
class Language:
    locale: str
    name: str
    site_name: str | None = None


@dataclass(frozen=True)
class Site:
    root: Path
    docs_dir: Path
    source_locale: str
    languages: tuple[Language, ...]
    site_url: str = "http://127.0.0.1:8000/"
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    # mkdocs.yml's markdown_extensions, as written: names and {name: options}
    markdown_extensions: tuple = field(default=(), compare=False, hash=False)
    limits: Limits = field(default_factory=Limits, compare=False, hash=False)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(lang.locale for lang in self.languages)

    @property
    def translation_locales(self) -> tuple[str, ...]:
        return tuple(loc for loc in self.locales if loc != self.source_locale)

    def language(self, locale: str) -> Language | None:
        return next((lang for lang in self.languages if lang.locale == locale), None)

    def locale_of(self, path: Path) -> str | None:
        """The locale a file belongs to by its ``docs/<locale>/`` position, if any."""
        parts = _parts_below(path, self._docs_abs)
        if parts and len(parts) > 1 and parts[0] in self.locales:
            return parts[0]
        return None

    def page_path(self, path: Path) -> str | None:
        """A page's path inside its locale folder, the same in every locale: ``licenses/x.md``."""
        parts = _parts_below(path, self._docs_abs)
        if parts and len(parts) > 1 and parts[0] in self.locales:
            return "/".join(parts[1:])
        return None

    def pages(self, locale: str) -> list[str]:
        """Every page of a locale, as paths inside its folder, in the order of its navigation."""
        root = self.docs_dir / locale
        pages = (p.relative_to(root).as_posix() for p in root.rglob("*.md") if p.is_file())
        return sorted(pages, key=navigation.order_key)

    def file_for(self, locale: str, page_path: str) -> Path:
        return self.docs_dir / locale / page_path

    def source_file_for(self, translation: Path) -> Path | None:
        """The source-locale file a translation was made from (it may not exist)."""
        page_path = self.page_path(translation)
        return self.file_for(self.source_locale, page_path) if page_path else None

    def docs_path(self, path: str) -> str:
        """How the build log names a file: relative to docs/, or as given when outside it."""
        relative = os.path.relpath(path, self.docs_dir)
        outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
        return path if outside else relative.replace(os.sep, "/")

    def display_path(self, path: Path) -> str:
        """How findings name a file: relative to the repository root when inside it."""
        # The link's own path first: a symbolic link is named as the writer sees it.
        parts = _parts_below(path, self._root_abs)
        return "/".join(parts) if parts else str(path)

    # Absolute, normalised folder names: a page's place is found with string operations.
    @cached_property
    def _docs_abs(self) -> str:
        return os.path.abspath(self.docs_dir)

    @cached_property
    def _root_abs(self) -> str:
        return os.path.abspath(self.root)


def with_slash(url: str) -> str:
    """A base URL ends with '/', so that joining a relative path keeps its last segment."""
    return url if url.endswith("/") else url + "/"


def is_below(path: str, folder: str) -> bool:
    """Whether a normalised path is ``folder`` or inside it (string test: no file system)."""
    return path == folder or path.startswith(_with_sep(folder))


def _with_sep(folder: str) -> str:
    return folder if folder.endswith(os.sep) else folder + os.sep


# The path's parts below an absolute folder: as written (made absolute), else as resolved.
def _parts_below(path, folder: str) -> tuple[str, ...] | None:
    for resolve in (os.path.abspath, os.path.realpath):
        resolved, top = resolve(path), (folder if resolve is os.path.abspath else os.path.realpath(folder))
        if resolved == top:
            return ()
        if is_below(resolved, top):
            return tuple(resolved[len(_with_sep(top)) :].split(os.sep))
    return None


try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader


class _ConfigLoader(_SafeLoader):
    """Safe loader for mkdocs.yml (libyaml's, when there): engine tags are data, never code."""


def _env_tag(loader, node: yaml.Node):
    # !ENV [NAME, default] or !ENV NAME: the checks only need the default.
    if isinstance(node, yaml.SequenceNode):
        *names, default = [loader.construct_object(n) for n in node.value]
        if len(node.value) == 1:
            names, default = [default], None
    else:
        names, default = [loader.construct_scalar(node)], None
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return default


@dataclass(frozen=True)
class PythonCall:
    """A ``!!python/object/apply:NAME`` of mkdocs.yml, kept as data: what the build would call.

    Nothing calls it here; ``helpsite.text.markdown`` makes the few it knows (the toc's slugify),
    so that heading ids come out as the build writes them.
    """

    name: str
    args: tuple = ()
    kwds: tuple[tuple[str, object], ...] = ()


def _python_call(loader, suffix: str, node: yaml.Node) -> PythonCall:
    if isinstance(node, yaml.SequenceNode):
        return PythonCall(suffix, tuple(loader.construct_sequence(node, deep=True)))
    fields = loader.construct_mapping(node, deep=True) if isinstance(node, yaml.MappingNode) else {}
    return PythonCall(
        suffix, tuple(fields.get("args") or ()), tuple(sorted((fields.get("kwds") or {}).items()))
    )


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _python_call)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``mkdocs.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def load_site(root: Path | None = None) -> Site:
    root = Path(root) if root else (find_root() or Path.cwd())
    with open(root / CONFIG_FILE, encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_ConfigLoader) or {}
    i18n = _plugin_config(config, "i18n")
    languages = tuple(
        Language(lang["locale"], lang.get("name", lang["locale"]), lang.get("site_name"))
        for lang in i18n.get("languages", [])
        if lang.get("locale") != "null"
    )
    source = next((lang["locale"] for lang in i18n.get("languages", []) if lang.get("default")), "en")
    return Site(
        root=root,
        docs_dir=root / config.get("docs_dir", "docs"),
        source_locale=source,
        languages=languages or (Language(source, source),),
        site_url=config.get("site_url") or "http://127.0.0.1:8000/",
        extra=config.get("extra") or {},
        markdown_extensions=tuple(config.get("markdown_extensions") or ()),
        limits=Limits.from_extra(config.get("extra") or {}),
    )


@dataclass(frozen=True)
class Setting:
    """A text setting of mkdocs.yml and where its value is written (1-based)."""

    key: str  # "copyright", or "plugins.i18n.languages[da].copyright"
    value: str
    line: int
    column: int


# The settings a theme prints as HTML on purpose (Material's copyright line): site-wide and per locale.
MARKUP_SETTINGS = ("copyright",)


def markup_settings(root: Path) -> list[Setting]:
    """The settings of ``root``'s mkdocs.yml that the theme prints as HTML, placed: read from the
    YAML's nodes (composed, never constructed), so each is named by its own line."""
    with open(Path(root) / CONFIG_FILE, encoding="utf-8") as handle:
        document = yaml.compose(handle, Loader=_ConfigLoader)
    top = _mapping(document)
    found = [_setting(name, top[name]) for name in MARKUP_SETTINGS if name in top]
    for plugin in _sequence(top.get("plugins")):
        i18n = _mapping(plugin).get("i18n")
        for language in _sequence(_mapping(i18n).get("languages")):
            fields = _mapping(language)
            locale = getattr(fields.get("locale"), "value", "?")
            key = f"plugins.i18n.languages[{locale}]."
            found += [_setting(key + name, fields[name]) for name in MARKUP_SETTINGS if name in fields]
    return [setting for setting in found if setting is not None]


def _mapping(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _sequence(node) -> list:
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _setting(key: str, node) -> Setting | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    return Setting(key, node.value, node.start_mark.line + 1, node.start_mark.column + 1)


def _plugin_config(config: dict, name: str) -> dict:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and name in plugin:
            return plugin[name] or {}
    return {}
