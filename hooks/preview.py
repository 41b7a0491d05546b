"""MkDocs hook: the differential preview (helpsite.preview), and its one adapter to MkDocs and
mkdocs-static-i18n.

While a preview builds, this hook keeps what each locale build knew when it ended: the
configuration in that locale's state (static-i18n changes the one configuration object for
every locale: site name, language, copyright, the language selector), the files as static-i18n
arranged them (fallback copies included), the navigation, the template environment, the pages,
and the build context's locale build (helpsite.build). On a save, ``Kept.render`` puts a locale's
state back and renders its pages again through MkDocs' own ``_populate_page`` and
``_build_page``, so that every hook and plugin runs as in the build. ``on_serve`` replaces
MkDocs' polling watcher with native file events (helpsite.watch) and its rebuild with
``helpsite.preview.Preview.saved``. ``HELPSITE_PREVIEW=full`` leaves MkDocs' own preview.

The MkDocs and static-i18n internals used here are all named in ``PRIVATE_FUNCTIONS`` and
``PRIVATE_ATTRIBUTES``; tests/test_preview.py fails when an upgrade changes one of them.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import posixpath
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

from helpsite import build, search
from helpsite.preview import Output, Preview, serve_differentially
from helpsite.watch import Watcher

log = logging.getLogger("mkdocs.hooks.helpsite.preview")

# MkDocs 1.6.1's and static-i18n 1.3.1's private names this adapter relies on: the functions
# with the signature they have, the attributes that their classes' code sets.
PRIVATE_FUNCTIONS = {
    "mkdocs.commands.build._populate_page": (
        "(page: 'Page', config: 'MkDocsConfig', files: 'Files', dirty: 'bool' = False) -> 'None'"
    ),
    "mkdocs.commands.build._build_page": (
        "(page: 'Page', config: 'MkDocsConfig', doc_files: 'Sequence[File]', nav: 'Navigation', "
        "env: 'jinja2.Environment', dirty: 'bool' = False, excluded: 'bool' = False) -> 'None'"
    ),
    "mkdocs.commands.build._build_theme_template": (
        "(template_name: 'str', env: 'jinja2.Environment', files: 'Files', config: 'MkDocsConfig', "
        "nav: 'Navigation') -> 'None'"
    ),
    # what the server serves (the path asked for), and the HTML it adds the live-reload script to
    "mkdocs.livereload.LiveReloadServer._serve_request": "(self, environ, start_response) -> 'Iterable[bytes] | None'",
    "mkdocs.livereload.LiveReloadServer._inject_js_into_html": "(self, content, epoch)",
}
PRIVATE_ATTRIBUTES = {
    # the rebuild MkDocs' server calls, how long it waits for more events, its watcher, and how
    # a watcher asks it for a rebuild
    "mkdocs.livereload.LiveReloadServer": (
        "builder",
        "build_delay",
        "observer",
        "_watched_paths",
        "_rebuild_cond",
        "_want_rebuild",
        "mount_path",
    ),
    # the locale being built, and the language links it keeps for that locale's pages
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin": ("current_language", "extra_alternate"),
}

_MISSING = object()
# What Material's navigation shows of a page besides its title (partials/nav-item.html, ours and
# Material's): a change to one of these, as to the title, renders the pages that list it again.
NAVIGATION_META = ("icon", "subtitle", "status")


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


@event_priority(-200)  # after static-i18n (-100) and the hooks that add files
def on_files(files, *, config):
    _kept.note(config, "files", files)
    return files


@event_priority(-200)  # after static-i18n's navigation
def on_nav(nav, *, config, files):
    _kept.note(config, "nav", nav)
    return nav


@event_priority(-200)  # after the hooks' filters and globals
def on_env(env, *, config, files):
    _kept.note(config, "env", env)
    return env


# After the locale's pages are written and its search bundle started (-90), before static-i18n
# (-100) goes on to the other locales with the same configuration object.
@event_priority(-95)
def on_post_build(*, config):
    _kept.keep_locale(config)


def on_serve(server, *, config, builder):
    if not serve_differentially():
        log.info("preview: HELPSITE_PREVIEW=full: every save rebuilds the whole site")
        return server
    _kept.rebuild_with(builder)
    preview = Preview(_kept)
    watcher = Watcher(lambda: _want_rebuild(server))
    for path in server._watched_paths:
        watcher.add(path)
    server.observer = _Observer(watcher, preview)
    server.builder = lambda config=None: preview.saved(watcher.take())
    server.build_delay = 0.01  # watchfiles has already waited for the burst of events to end
    _serve_findings(server, preview)
    return server


# ----------------------------------------------------------------------------
# The kept build
# ----------------------------------------------------------------------------


@dataclass
class _LocaleState:
    """One locale build as it was when it ended."""

    locale: str
    top: bool  # the outermost build (MkDocs' own; static-i18n's nested ones see no serve URL)
    files: object
    nav: object
    env: object
    locale_build: build.LocaleBuild
    config_data: dict
    theme: dict
    extra: dict
    alternate: object
    i18n_alternate: object
    pages: dict[Output, object] = field(default_factory=dict)
    served: dict[str, Output] = field(default_factory=dict)  # by the file written, inside the site folder
    sources: set[str] = field(default_factory=set)  # every file it read from docs/
    outputs: dict[int, Output] = field(default_factory=dict)  # by the id of its page

    def doc_files(self):
        inclusion = InclusionLevel.is_in_serve if self.top else InclusionLevel.is_included
        return self.files.documentation_pages(inclusion=inclusion)


class Kept:
    """The preview's build, kept between saves (helpsite.preview.Engine)."""

    def __init__(self):
        self.config = None
        self.context: build.Build | None = None
        self.locales: dict[str, _LocaleState] = {}
        self._noted: dict[str, object] = {}
        self._rebuild = None
        self.ready = False

    # -- while the build runs ----------------------------------------------------

    def note(self, config, what: str, value) -> None:
        if not build.serving():
            return
        if config is not self.config:  # a new build (the first, or a full rebuild)
            self.config, self.context, self.locales, self.ready = config, build.current(), {}, False
        self._noted[what] = value

    def keep_locale(self, config) -> None:
        if not build.serving() or config is not self.config:
            return
        i18n = config.plugins.get("i18n")
        locale_build = build.current().locale
        state = _LocaleState(
            locale=locale_build.locale,
            top=not self.locales,
            files=self._noted["files"],
            nav=self._noted["nav"],
            env=self._noted["env"],
            locale_build=locale_build,
            config_data=dict(config.data),
            theme=copy.deepcopy(dict(config.theme)),
            extra=copy.deepcopy(dict(config.extra)),
            alternate=_copy(vars(config.extra).get("alternate", _MISSING)),
            i18n_alternate=_copy(getattr(i18n, "extra_alternate", _MISSING)),
        )
        site = self.context.site
        for file in state.doc_files():
            if file.page is not None and file.abs_src_path:
                source = os.path.abspath(file.abs_src_path)
                page_path = site.page_path(Path(source))
                if page_path is not None:
                    state.pages[Output(state.locale, page_path, source)] = file.page
        state.outputs = {id(page): output for output, page in state.pages.items()}
        state.served = {page.file.dest_uri: output for output, page in state.pages.items()}
        state.sources = {os.path.abspath(file.abs_src_path) for file in state.files if file.abs_src_path}
        self.locales[state.locale] = state
        self._noted = {}
        self.ready = True

    # -- on a save (helpsite.preview.Engine) ------------------------------------

    @property
    def site(self):
        return self.context.site

    @property
    def site_dir(self) -> Path:
        return Path(self.context.site_dir)

    def outputs(self) -> list[Output]:
        return [output for state in self.locales.values() for output in state.pages]

    def files(self) -> set[str]:
        return {path for state in self.locales.values() for path in state.sources}

    def known_front(self, path: str) -> tuple[bool, dict | None]:
        source = Path(path)
        return self.context.localized.known_front(self.site.locale_of(source), self.site.page_path(source))

    def forget(self, path: str) -> None:
        self.context.forget(path)

    def hold(self, path: str, findings) -> None:
        self.context.show_findings(path, findings)

    def check_again(self, paths) -> None:
        for path in paths:
            self.context.check_again(path)

    def wait_for_findings(self, paths, timeout: float) -> bool:
        return self.context.wait_for_findings(paths, timeout)

    def findings_of(self, served: str):
        context = self.context
        for state in list(self.locales.values()):  # a full rebuild may be making them anew
            output = state.served.get(served)
            if output is not None:
                return context.site.docs_path(output.source), context.findings.get(output.source, ())
        return None

    def render(self, outputs: list[Output]) -> list[Output]:
        retitled = []
        for state in self.locales.values():
            mine = [output for output in outputs if output.locale == state.locale]
            if not mine:
                continue
            with self._as(state):
                doc_files = state.doc_files()
                for output in mine:
                    page = state.pages[output]
                    shown = _shown_in_navigation(page)
                    self._render_page(state, page, doc_files)
                    if _shown_in_navigation(page) != shown:
                        retitled.append(output)
        return retitled

    def title_readers(self, retitled: list[Output]) -> list[Output] | None:
        """The pages whose navigation or footer shows these pages' titles: with Material's
        navigation.prune, the pages of the same section and the previous and next page. A page at
        the top of the navigation is in every page's (None)."""
        readers: list[Output] = []
        for output in retitled:
            state = self.locales[output.locale]
            page = state.pages[output]
            if page.parent is None:
                return None
            near = [*page.parent.children, page.previous_page, page.next_page]
            readers += [state.outputs[id(other)] for other in near if id(other) in state.outputs]
        return readers

    def render_dashboard(self) -> int:
        state = self.locales.get(self.site.source_locale)
        dashboard = self.context.dashboard.paths
        if state is None or not dashboard:
            return 0
        pages = [file.page for file in state.doc_files() if file.src_uri in dashboard]
        with self._as(state):
            doc_files = state.doc_files()
            for page in pages:
                self._render_page(state, page, doc_files)
        return len(pages)

    def render_sitemap(self) -> None:
        """The sitemap written again, by the build that writes it (the outermost)."""
        state = next(state for state in self.locales.values() if state.top)
        self.context.sitemap_again()
        with self._as(state):
            mkdocs_build._build_theme_template("sitemap.xml", state.env, state.files, self.config, state.nav)

    def search_pages(self, locale: str) -> tuple[list[search.Page], Path] | None:
        state = self.locales.get(locale)
        if state is None:
            return None
        locale_dir = self.site_dir / state.locale_build.root
        if not (locale_dir / search.BUNDLE).is_dir():  # built without search (or no pages)
            return None
        return self.context.search.pages(locale), locale_dir

    def fresh_build(self, target: Path) -> tuple[list[str], dict]:
        """``mkdocs build`` of the same tree into ``target``, as the preview builds it (its site
        URL, its build time, its locale)."""
        config = self.config
        target_args = ["-f", config.config_file_path, "-d", str(target)]
        command = [sys.executable, "-m", "mkdocs", "build", "-q", *target_args]
        return command, dict(os.environ, HELPSITE_SITE_URL=config.site_url)

    def rebuild_with(self, builder) -> None:
        self._rebuild = builder

    def rebuild(self) -> None:
        self.ready = False
        self._rebuild()

    # -- helpers -----------------------------------------------------------------

    def _render_page(self, state: _LocaleState, page, doc_files) -> None:
        config = self.config
        mkdocs_build._populate_page(page, config, state.files)
        excluded = page.file.inclusion.is_excluded()
        mkdocs_build._build_page(page, config, doc_files, state.nav, state.env, excluded=excluded)
        page.validate_anchor_links(files=state.files, log_level=config.validation.links.anchors)

    @contextlib.contextmanager
    def _as(self, state: _LocaleState) -> Iterator[None]:
        """The configuration, static-i18n and the build context as they were in ``state``'s build."""
        config = self.config
        config.data.update(state.config_data)
        theme = config.theme
        for key in [key for key in theme if key not in state.theme]:
            del theme[key]
        for key, value in state.theme.items():
            theme[key] = copy.deepcopy(value)
        config.extra.data.clear()
        config.extra.data.update(copy.deepcopy(state.extra))
        vars(config.extra).pop("alternate", None)
        if state.alternate is not _MISSING:
            vars(config.extra)["alternate"] = _copy(state.alternate)
        i18n = config.plugins.get("i18n")
        if i18n is not None:
            i18n.current_language = state.locale
            if state.i18n_alternate is not _MISSING:
                i18n.extra_alternate = _copy(state.i18n_alternate)
        with build.reopened(self.context, config, state.locale_build):
            yield


_kept = Kept()


def _shown_in_navigation(page) -> tuple:
    return (page.title, *((page.meta or {}).get(key) for key in NAVIGATION_META))


# What a build leaves in the configuration, copied: the next locale's build changes it in place.
def _copy(value):
    return value if value is _MISSING else copy.deepcopy(value)


# ----------------------------------------------------------------------------
# The watcher, in MkDocs' server
# ----------------------------------------------------------------------------


class _Observer:
    """What MkDocs' server asks of its watcher (watchdog's observer), done by helpsite.watch."""

    def __init__(self, watcher: Watcher, preview: Preview):
        self.watcher, self.preview = watcher, preview

    def schedule(self, handler, path: str, recursive: bool = True) -> str:
        self.watcher.add(path)
        return path

    def unschedule(self, path: str) -> None:
        self.watcher.remove(path)

    def start(self) -> None:
        self.watcher.start()

    def stop(self) -> None:
        self.watcher.stop()
        self.preview.stop()

    def join(self, timeout: float | None = None) -> None:
        self.watcher.join(timeout)


def _serve_findings(server, preview: Preview) -> None:
    """Each page the server serves carries its source file's findings (``Preview.served``), added
    where MkDocs adds its live-reload script: in what is served, never in the written file."""
    asked = threading.local()  # the server answers each request in a thread of its own
    serve_request, inject = server._serve_request, server._inject_js_into_html

    def serve_request_noting_path(environ, start_response):
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")  # as MkDocs reads it
        relative = path[len(server.mount_path) :] if (path + "/").startswith(server.mount_path) else ""
        if path.endswith("/"):
            relative += "index.html"
        asked.file = posixpath.normpath("/" + relative).lstrip("/")
        return serve_request(environ, start_response)

    def inject_with_findings(content, epoch):
        return preview.served(getattr(asked, "file", ""), inject(content, epoch))

    server._serve_request = serve_request_noting_path
    server._inject_js_into_html = inject_with_findings


def _want_rebuild(server) -> None:
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()
