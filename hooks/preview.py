"""MkDocs hook: the differential preview (helpsite.building.preview), and its one adapter to MkDocs and
mkdocs-static-i18n.

While a preview builds, this hook keeps what each locale build knew when it ended: the
configuration in that locale's state (static-i18n changes the one configuration object for
every locale: site name, language, copyright, the language selector), the files as static-i18n
arranged them (fallback copies included), the navigation, the template environment, the pages,
and the build context's locale build (helpsite.building.build). On a save, ``Kept.render`` puts a locale's
state back and renders its pages again through MkDocs' own ``_populate_page`` and
``_build_page``, so that every hook and plugin runs as in the build. ``on_serve`` replaces
MkDocs' polling watcher with native file events (helpsite.building.watch) and its rebuild with
``helpsite.building.preview.Preview.saved``. ``HELPSITE_PREVIEW=full`` leaves MkDocs' own preview.

The preview's builds start lazily: ``on_startup`` puts ``_read_page`` and ``_write_page`` in the
place of MkDocs' ``_populate_page`` and ``_build_page`` (``mkdocs build`` keeps them). A page is
read (its source, through the check's ``page_read_source``, and its front matter: the
navigation's title) and left unrendered when its front matter has a ``title`` (else MkDocs takes
the title from its rendered H1, so it is rendered in the build); the sitemap waits too
(``Build.sitemap_later``). ``Kept`` then renders a page when it is requested and the rest in the
background (``helpsite.building.preview.Remaining``).

The MkDocs and static-i18n internals used here are all named in ``PRIVATE_FUNCTIONS`` and
``PRIVATE_ATTRIBUTES``; tests/test_preview.py fails when an upgrade changes one of them.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import gc
import itertools
import logging
import os
import posixpath
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape
from mkdocs import utils as mkdocs_utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions
from mkdocs.structure.pages import Page
from mkdocs_static_i18n.folder import create_i18n_file
from mkdocs_static_i18n.utils import I18nLoggingFilter

from helpsite.building import build
from helpsite.building.preview import Output, Preview, serve_differentially
from helpsite.building.watch import Watcher
from helpsite.core import lifetime
from helpsite.core.site import is_below
from helpsite.published import search
from helpsite.published.navigation import order_key

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
    # the files static-i18n keeps for a locale build, with their language versions (a page that
    # came or went: Kept.place_page)
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin.reconfigure_files": (
        "(self, files: mkdocs.structure.files.Files, mkdocs_config: mkdocs.config.defaults.MkDocsConfig)"
        " -> Union[mkdocs_static_i18n.suffix.I18nFiles, mkdocs_static_i18n.folder.I18nFiles]"
    ),
    # the file static-i18n makes of a page for a locale build (a translation, or a fallback copy)
    "mkdocs_static_i18n.folder.create_i18n_file": (
        "(file: mkdocs.structure.files.File, current_language: str, default_language: str, "
        "all_languages: list, config: mkdocs.config.defaults.MkDocsConfig) -> mkdocs.structure.files.File"
    ),
    # what static-i18n's post_build does around and after its nested builds (the preview's
    # builds of the other locales do the same: Kept.build_later)
    "mkdocs.utils.clean_directory": "(directory: 'str') -> 'None'",
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin.reconfigure_search_index": (
        "(self, config: mkdocs.config.defaults.MkDocsConfig)"
    ),
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
    # the locale being built, the language links it keeps for that locale's pages, and whether
    # its post_build is inside its loop of nested builds (it then builds no other locale)
    "mkdocs_static_i18n.reconfigure.ExtendedPlugin": ("current_language", "extra_alternate", "building"),
    # the prefixes of the log lines static-i18n's nested builds leave out
    "mkdocs_static_i18n.utils.I18nLoggingFilter": ("filtered_prefixes",),
}

_MISSING = object()
# What Material's navigation shows of a page besides its title (partials/nav-item.html, ours and
# Material's): a change to one of these, as to the title, renders the pages that list it again.
NAVIGATION_META = ("icon", "subtitle", "status")

# MkDocs' own page pipeline: the preview renders through these, and in its builds MkDocs calls
# the deferring versions below in their place.
_populate_page, _build_page = mkdocs_build._populate_page, mkdocs_build._build_page
_build_theme_template = mkdocs_build._build_theme_template


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_startup(*, command, dirty):
    # The preview's builds read every page's source and front matter (the navigation's titles)
    # and leave the rest of each page to the preview: rendered when it is requested, or after
    # the build (helpsite.building.preview.Remaining). `mkdocs build` renders every page as before.
    if command == "serve" and serve_differentially() and not dirty:
        mkdocs_build._populate_page, mkdocs_build._build_page = _read_page, _write_page


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
    serve = server.get_app()

    def rendering_first(environ, start_response):
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "ignore")
        if (path + "/").startswith(server.mount_path):
            preview.requested(path[len(server.mount_path) :])
        return serve(environ, start_response)

    server.set_app(rendering_first)
    watcher = Watcher(lambda: _want_rebuild(server))
    for path in server._watched_paths:
        watcher.add(path)
    server.observer = _Observer(watcher, preview)
    server.builder = lambda config=None: preview.saved(watcher.take())
    server.build_delay = 0.01  # watchfiles has already waited for the burst of events to end
    _serve_findings(server, preview)
    lifetime.at_stop(_kept.stopped)
    preview.start()
    return server


def on_shutdown():
    # The process is about to end: its last garbage collection would walk every object the kept
    # builds hold (a large site's preview: seconds, between a stop signal and a free port), to
    # free memory the process gives back anyway. Frozen objects are left out of it.
    gc.freeze()


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
    # The last page with a source file in the build's order: the language links static-i18n
    # leaves when it is rendered are those of the generated pages after it (they set none).
    last_source: Output | None = None
    sources: set[str] = field(default_factory=set)  # every file it read from docs/
    outputs: dict[int, Output] = field(default_factory=dict)  # by the id of its page

    def note_sources(self) -> None:
        """``sources`` as the files are now (after the build, and after a file came, went or moved)."""
        self.sources = {os.path.abspath(file.abs_src_path) for file in self.files if file.abs_src_path}

    def doc_files(self):
        inclusion = InclusionLevel.is_in_serve if self.top else InclusionLevel.is_included
        return self.files.documentation_pages(inclusion=inclusion)


class Kept:
    """The preview's build, kept between saves (helpsite.building.preview.Engine)."""

    def __init__(self):
        self.config = None
        self.context: build.Build | None = None
        self.locales: dict[str, _LocaleState] = {}
        self._noted: dict[str, object] = {}
        self._rebuild = None
        self.ready = False
        self.started = time.monotonic()  # when the kept build started
        self._deferred: dict[int, object] = {}  # the pages the build read and left (by id)
        self._pending: dict[Output, None] = {}  # those not rendered yet, in the build's order
        self._pending_at: dict[str, Output] = {}  # by the file each writes (in the site folder)
        self._generated: dict[Output, object] = {}  # the pages with no source file, by locale and path
        self.complete = False  # every page rendered, the anchors of all of them validated
        # The locales static-i18n's loop left to the preview (build_later), in the loop's order
        self._later: list[str] = []
        self._loop: list[str] = []  # every locale of that loop, in its order
        self.stopping = False  # the preview stops: a build under way ends at its next page (_read_page)

    # -- the build, deferring each page's rendering --------------------------------

    def defer(self, page) -> bool:
        """Whether the build leaves ``page`` (read, its front matter known) to the preview. Not a
        page whose navigation title is only known from its Markdown: MkDocs takes it from the
        page's H1 as rendered (``Page.title``), so that one page is rendered in the build."""
        if not (build.serving() and self.config is not None) or "title" not in page.meta:
            return False
        self._deferred[id(page)] = page
        context = build.current()
        context.locale.pages_deferred = context.sitemap_later = True
        return True

    # -- while the build runs ----------------------------------------------------

    def note(self, config, what: str, value) -> None:
        if not build.serving():
            return
        if config is not self.config:  # a new build (the first, or a full rebuild)
            self.config, self.context, self.locales, self.ready = config, build.current(), {}, False
            self.started, self._deferred, self._pending, self._pending_at = time.monotonic(), {}, {}, {}
            self._generated, self._later, self._loop = {}, [], []
            self.complete = False
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
        # the generated pages (the /l10n/ dashboard) are rendered as they are left, not on a save
        generated = {
            Output(state.locale, file.src_uri, ""): file.page
            for file in state.doc_files()
            if file.page is not None and not file.abs_src_path
        }
        self._generated.update(generated)
        state.last_source = _last_source(state)
        for output, page in [*state.pages.items(), *generated.items()]:
            if id(page) in self._deferred:
                self._pending[output] = None
                self._pending_at[os.path.relpath(page.file.abs_dest_path, self.context.site_dir)] = output
        state.note_sources()
        self.locales[state.locale] = state
        self._noted = {}
        self.ready = True
        if state.top and i18n is not None and mkdocs_build._build_page is _write_page:
            # static-i18n's post_build (-100), next, would build every other locale before the
            # preview serves a page: it is told it is inside its loop already, so it builds none,
            # and the preview builds each one when a page of it is asked for, or in the background.
            self._loop = [locale for locale in i18n.build_languages if locale != state.locale]
            self._later = list(self._loop)
            i18n.building = bool(self._later)

    # -- on a save (helpsite.building.preview.Engine) ------------------------------------

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
        known = self.context.localized.known_front(self.site.locale_of(source), self.site.page_path(source))
        # a page the build read and has not rendered yet: as its check read it
        return known if known[0] else self.context.source_files.known_front(path)

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

    def pending(self, limit: int | None = None) -> list[Output]:
        return list(itertools.islice(self._pending, limit))

    def render_later(self, outputs: list[Output]) -> None:
        """These pages rendered on request or in the background, as a build's pages are."""
        for output in outputs:
            page = self.locales[output.locale].pages.get(output)
            if page is not None:
                self._pending[output] = None
                self._pending_at[os.path.relpath(page.file.abs_dest_path, self.context.site_dir)] = output

    def pending_at(self, relative: str) -> Output | None:
        output = self._pending_at.get(relative)
        return output if output in self._pending else None

    def later(self, path: str) -> bool:
        """Whether ``path`` is a file of a locale whose build is still to come (``build_later``
        reads it as it is then)."""
        if not self._later:
            return False
        locale = self.site.locale_of(Path(path))
        return locale in self._later and is_below(
            os.path.abspath(path), os.path.abspath(self.site.docs_dir / locale)
        )

    def later_at(self, relative: str) -> str | None:
        """The locale still to be built that serves ``relative`` (a path in the site folder)."""
        first = relative.lstrip("/").split("/", 1)[0]
        return first if first in self._later else None

    def later_locales(self) -> list[str]:
        return list(self._later)

    def build_later(self, locale: str | None = None) -> str | None:
        """The build of a locale static-i18n's loop left (``locale``, else the next in the loop's
        order), as its loop makes it: from the configuration as the source locale's build left
        it, with the same nested ``build`` and the same log. After the last one, what the loop's
        post_build does after it (the search index of the last locale); after each one, the outer
        build's own handlers after static-i18n's (the source locale's search settings and 404
        page at the site root, which each nested build overwrites). Returns the locale built (None: none left)."""
        if not self._later or not self.ready:
            return None
        locale = locale if locale in self._later else self._later[0]
        config = self.config
        i18n = config.plugins["i18n"]
        top = next(state for state in self.locales.values() if state.top)
        started = time.monotonic()
        self._later.remove(locale)
        try:
            with self._as(top), _static_i18n_loop(i18n):
                i18n.current_language = locale
                mkdocs_build.build(config, dirty=False)
            if not self._later:
                with self._as(self.locales[self._loop[-1]]), _static_i18n_loop(i18n):
                    i18n.reconfigure_search_index(config)
            # after each one: what it wrote at the site root (its 404 page, its search settings)
            # is the source locale's again, as the outer build's end leaves it
            with self._as(top):
                for handler in config.plugins.events["post_build"]:
                    if -200 < getattr(handler, "mkdocs_priority", 0) < -100:
                        handler(config=config)
        except Exception as error:  # as a failed build: the next save builds everything again
            self.ready = False
            self._later = []
            if self.stopping:
                return None
            log.error(f"preview: the {locale} build failed ({type(error).__name__}: {error})")
            return locale
        pages = len(self.locales[locale].pages)
        log.info(f"preview: {locale} read ({pages} pages) in {time.monotonic() - started:.1f} s")
        return locale

    def stopped(self) -> None:
        """A stop signal came (``lifetime.at_stop``: in the handler, no lock): a locale build
        under way ends at its next page, and no finding still to come is reported (a large
        site's build would log for a second more, until the server has shut down)."""
        self.stopping = True
        if self.context is not None:
            self.context.stop_reporting()

    def stop(self) -> None:
        """The preview stops (its server has shut down)."""
        self.stopped()
        if self.context is not None:
            self.context.close(failed=True)

    def rendered(self, source: str) -> bool:
        """Whether a page made of the file ``source`` has been rendered since the build read it."""
        return any(output.source == source and output not in self._pending for output in self.outputs())

    def finish(self) -> int:
        """Every page rendered: MkDocs' anchor validation across them, as at a build's end."""
        log_level = self.config.validation.links.anchors
        for state in self.locales.values():
            for file in state.doc_files():
                if file.page is not None:
                    file.page.validate_anchor_links(files=state.files, log_level=log_level)
        self.complete = True
        return sum(len(state.doc_files()) for state in self.locales.values())

    def render(self, outputs: list[Output]) -> list[Output]:
        retitled = []
        for state in self.locales.values():
            mine = [output for output in outputs if output.locale == state.locale]
            if not mine:
                continue
            if state.last_source in self._pending and any(not output.source for output in mine):
                mine.insert(0, state.last_source)  # the language links the generated pages show
            with self._as(state):
                doc_files = state.doc_files()
                for output in mine:
                    page = state.pages[output] if output.source else self._generated[output]
                    shown = _shown_in_navigation(page)
                    self._render_page(state, page, doc_files)
                    self._pending.pop(output, None)
                    if output == state.last_source:
                        state.alternate = _copy(vars(self.config.extra).get("alternate", _MISSING))
                    # a page read but not rendered has its front matter's title as text
                    if output.source and _shown_in_navigation(page) != shown:
                        retitled.append(output)
        return retitled

    def translation_swap(self, path: str) -> Output | None:
        """The page a new or deleted translation changes (as it is now: the fallback copy, or
        the translation), when its locale build can swap its file (``swap``): a locale of a
        build with the source locale (static-i18n makes fallback copies), whose page is there,
        the source page still there. None: it takes a full rebuild."""
        site, path = self.site, os.path.abspath(path)
        locale, page_path = site.locale_of(Path(path)), site.page_path(Path(path))
        state = self.locales.get(locale)
        i18n = self.config.plugins.get("i18n")
        if (
            state is None
            or not page_path
            or not path.endswith(".md")
            or locale == site.source_locale
            or site.source_locale not in self.locales
            or i18n is None
            or i18n.config.fallback_to_default is not True
        ):
            return None
        source = os.path.abspath(site.file_for(site.source_locale, page_path))
        if not os.path.isfile(source):
            return None
        if os.path.isfile(path):
            shown = Output(locale, page_path, source)
        elif not os.path.lexists(path):
            shown = Output(locale, page_path, path)
        else:
            return None
        return shown if shown in state.pages else None

    def swap(self, shown: Output, path: str) -> tuple[Output, list[Output]]:
        """The locale build's page ``shown`` from the translation ``path`` added, or from the
        source page's copy in its place once it is deleted: the file static-i18n makes for it
        put in place of the old one (the same page, so the navigation stays), its fallback
        marker, what the build knows of the file. Returns the page as it is now, and the other
        locales' versions whose hreflang alternates it changes (they list the real translations)."""
        site, context, config = self.site, self.context, self.config
        state = self.locales[shown.locale]
        page, old = state.pages[shown], state.pages[shown].file
        added = os.path.isfile(path)
        source = os.path.abspath(path if added else site.file_for(site.source_locale, shown.page_path))
        now = Output(shown.locale, shown.page_path, source)
        with self._as(state):
            i18n = config.plugins["i18n"]
            src_uri = Path(os.path.relpath(source, config.docs_dir)).as_posix()
            plain = File(
                src_uri, config.docs_dir, config.site_dir, config.use_directory_urls, inclusion=old.inclusion
            )
            new = create_i18n_file(plain, state.locale, i18n.default_language, i18n.all_languages, config)
        if new.dest_uri != old.dest_uri:
            raise ValueError(f"{src_uri} would be written to {new.dest_uri}, not {old.dest_uri}")
        new.alternates = {**old.alternates, state.locale: new}  # each version lists itself
        new.page, page.file = page, new
        # in the build's order: static-i18n puts the translation where the copy was
        _reorder(state.files, [new if file is old else file for file in state.files])
        state.note_sources()
        self._rekey(state, shown, now)
        fallbacks = state.locale_build.fallbacks  # the navigation's and footer's language marker
        if added:
            fallbacks.pop(page.url, None)
        else:
            fallbacks[page.url] = site.source_locale
        localized = context.localized
        before = localized.known_alternates(shown.page_path)
        context.came_or_went(path)
        versions = []
        if before is not None and localized.alternates(shown.page_path) != before:
            versions = [
                output
                for other in self.locales.values()
                for output in other.pages
                if output.page_path == shown.page_path
                and output != now
                and localized.is_indexable(site.locale_of(Path(output.source)), shown.page_path)
            ]
        return now, versions

    def came_or_went(self, path: str) -> bool:
        """Whether ``path`` is a page of a locale folder that is new to the kept build, or gone from
        it: a new, deleted or renamed file (``place_page``)."""
        path = os.path.abspath(path)
        if not path.endswith(".md") or self.site.page_path(Path(path)) is None:
            return False
        # known: read by the build (in a one-locale preview, the source locale's pages too)
        return os.path.isfile(path) != (path in self.files() or self.known_front(path)[0])

    def place_page(self, page_path: str, changed: list[str]) -> tuple[list[Output], list[Output]] | str:
        """The page ``page_path`` in every locale build as a fresh build has it, now that its files
        ``changed`` came or went: the file static-i18n makes of it (``reconfigure_files``, with its
        language versions) added, put in place of the old one, or removed, where the build has it
        in the files and in the navigation (its section, previous and next). Returns the pages
        rendered from it now, and the pages whose navigation or footer shows it; or why it takes
        a full rebuild."""
        site, config = self.site, self.config
        i18n = config.plugins.get("i18n")
        if (
            i18n is None
            or i18n.config.docs_structure != "folder"
            or i18n.config.fallback_to_default is not True
            or site.source_locale not in self.locales
        ):
            return f"{page_path} came or went in a build without the source locale's fallback copies"
        if "/" not in page_path:
            return f"{page_path} came or went at the top of the navigation, which every page shows"
        for path in changed:
            self.context.came_or_went(path)
        plain = [
            File(f"{locale}/{page_path}", config.docs_dir, config.site_dir, config.use_directory_urls)
            for locale in site.locales
            if site.file_for(locale, page_path).is_file()
        ]
        set_exclusions(plain, config)
        own: list[Output] = []
        readers: list[Output] = []
        # the source locale's first: where a translation comes in the others' files depends on its
        for state in sorted(self.locales.values(), key=lambda state: state.locale != site.source_locale):
            old = next((output for output in state.pages if output.page_path == page_path), None)
            with self._as(state):
                made = i18n.reconfigure_files(Files(plain), config).documentation_pages()
            last = state.last_source
            if not made and old is None:
                continue
            if not made:
                placed = self._remove_page(state, old)
            elif old is None:
                placed = self._add_page(state, made[0], page_path)
            else:
                placed = self._replace_page(state, old, made[0])
            if isinstance(placed, str):
                return placed
            now, near = placed
            own += [now] if now is not None else []
            state.last_source = _last_source(state)
            # the language links the generated pages show are those the last page left
            readers += near + ([state.last_source] if state.last_source not in (last, None) else [])
        return own, list(dict.fromkeys(readers))

    def _add_page(self, state: _LocaleState, file: File, page_path: str) -> tuple[Output, list[Output]] | str:
        """A page the locale build did not have: in its section, between its previous and next."""
        section = self._section_of(state, posixpath.dirname(page_path))
        if section is None:
            return f"{state.locale}/{page_path} is in a new folder (a section the navigation does not have)"
        key = order_key(page_path)
        at = next(
            (
                index
                for index, item in enumerate(section.children)
                if not isinstance(item, Page) or order_key(state.outputs[id(item)].page_path) > key
            ),
            len(section.children),
        )
        if at == 0:
            return self._first_in_section(state, page_path)
        with self._as(state):
            page = Page(None, file, self.config)
        page.parent = section
        section.children.insert(at, page)
        pages = state.nav.pages
        at = bisect.bisect([order_key(state.outputs[id(other)].page_path) for other in pages], key)
        pages.insert(at, page)
        before, after = (pages[at - 1] if at else None), (pages[at + 1] if at + 1 < len(pages) else None)
        page.previous_page, page.next_page = before, after
        if before is not None:
            before.next_page = page
        if after is not None:
            after.previous_page = page
        content = self.site.locale_of(Path(file.abs_src_path))
        if content != state.locale:  # the navigation's and footer's language marker
            state.locale_build.fallbacks[page.url] = content
        self._place(state, file)
        output = Output(state.locale, page_path, os.path.abspath(file.abs_src_path))
        state.pages[output], state.outputs[id(page)], state.served[file.dest_uri] = page, output, output
        searched = self.context.search.of(state.locale_build).pages
        searched[file.dest_uri] = file.url
        # in the build's order of its files, as a fresh build lists them to Pagefind
        order = {f.dest_uri: index for index, f in enumerate(state.files.documentation_pages())}
        ordered = sorted(searched.items(), key=lambda item: order.get(item[0], len(order)))
        searched.clear()
        searched.update(ordered)
        return output, self._section_readers(state, section, [before, after])

    def _remove_page(self, state: _LocaleState, output: Output) -> tuple[None, list[Output]] | str:
        """A page the locale build has no more: out of its section and from between its previous
        and next; its written file deleted."""
        page = state.pages[output]
        section = page.parent
        if section is None or section.children[0] is page:
            return self._first_in_section(state, output.page_path)
        section.children.remove(page)
        state.nav.pages.remove(page)
        before, after = page.previous_page, page.next_page
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before
        state.locale_build.fallbacks.pop(page.url, None)
        state.files.remove(page.file)
        state.note_sources()
        del state.pages[output], state.outputs[id(page)]
        state.served.pop(page.file.dest_uri, None)
        self._pending.pop(output, None)
        self._pending_at = {at: other for at, other in self._pending_at.items() if other != output}
        self._deferred.pop(id(page), None)
        self.context.search.of(state.locale_build).pages.pop(page.file.dest_uri, None)
        _delete_written(page.file.abs_dest_path, self.context.site_dir)
        return None, self._section_readers(state, section, [before, after])

    def _replace_page(self, state: _LocaleState, old: Output, file: File) -> tuple[Output, list[Output]]:
        """A page the locale build keeps, from another file or with other language versions (a
        translation whose English page came or went): its file replaced, in its new place."""
        page = state.pages[old]
        replaced, page.file, file.page = page.file, file, page
        self._place(state, file, replaced)
        now = Output(state.locale, old.page_path, os.path.abspath(file.abs_src_path))
        self._rekey(state, old, now)
        content, fallbacks = self.site.locale_of(Path(file.abs_src_path)), state.locale_build.fallbacks
        marked = fallbacks.get(page.url)
        if content != state.locale:
            fallbacks[page.url] = content
        else:
            fallbacks.pop(page.url, None)
        if fallbacks.get(page.url) == marked:
            return now, []
        return now, self._section_readers(state, page.parent, [page.previous_page, page.next_page])

    def _place(self, state: _LocaleState, file: File, replaced: File | None = None) -> None:
        """``file`` where static-i18n puts it in the locale build's files: the theme's files
        first, then those of docs/ in the order of the walk (MkDocs' ``get_files``) of the first
        of each page's files it keeps (a translation where the English page is, if there is one),
        then the generated pages."""
        source, docs = self.site.source_locale, os.path.abspath(self.config.docs_dir)
        english = self.locales[source].sources

        def key(other: File) -> tuple:
            locale, _, page_path = other.src_uri.partition("/")
            first = order_key(other.src_uri)
            if locale != source and locale in self.site.locales:
                if os.path.join(docs, source, *page_path.split("/")) in english:
                    return min(first, order_key(f"{source}/{page_path}"))
            return first

        files = [other for other in state.files if other is not file and other is not replaced]
        below = [
            index
            for index, other in enumerate(files)
            if other.abs_src_path and is_below(os.path.abspath(other.abs_src_path), docs)
        ]
        mine = key(file)
        at = next((index for index in below if key(files[index]) > mine), below[-1] + 1 if below else 0)
        files.insert(at, file)
        _reorder(state.files, files)
        state.note_sources()

    def _rekey(self, state: _LocaleState, old: Output, now: Output) -> None:
        """The page written from ``old`` is now written from ``now`` (another source file)."""
        page = state.pages[old]
        state.pages = {(now if output == old else output): p for output, p in state.pages.items()}
        state.outputs[id(page)] = now
        state.served[page.file.dest_uri] = now
        if state.last_source == old:
            state.last_source = now
        if old in self._pending:
            self._pending = {(now if output == old else output): None for output in self._pending}
        self._pending_at = {at: (now if output == old else output) for at, output in self._pending_at.items()}

    def _section_of(self, state: _LocaleState, folder: str):
        """The navigation's section of ``folder`` in the locale build (None: it has none)."""
        for output, page in state.pages.items():
            if output.page_path.startswith(folder + "/"):
                section = page.parent
                for _ in range(output.page_path.count("/") - folder.count("/") - 1):
                    section = section.parent
                return section
        return None

    def _section_readers(self, state: _LocaleState, section, near: list) -> list[Output]:
        """The pages whose navigation lists ``section``'s pages (with Material's navigation.prune,
        the pages of the section and of the sections inside it) and the ``near`` ones (their
        footer names a page of it)."""
        pages, items = [], list(section.children)
        while items:
            item = items.pop(0)
            if isinstance(item, Page):
                pages.append(item)
            else:
                items += item.children
        pages += [page for page in near if page is not None]
        return [state.outputs[id(page)] for page in pages if id(page) in state.outputs]

    def _first_in_section(self, state: _LocaleState, page_path: str) -> str:
        return (
            f"{state.locale}/{page_path} comes or goes first in its section, which every other"
            " section's pages link to in their navigation"
        )

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

    def render_sitemap(self, again: bool = False) -> bool:
        """The sitemap, by the build that writes it (the outermost): the one a lazy build left
        for after its pages, or (``again``) written again after a save changed a date it shows.
        While the build's is still left for later, a save's waits for it (it will show the date)."""
        if self.context.sitemap_later == again:
            return False
        self.context.sitemap_later = False
        if again:
            self.context.sitemap_again()
        state = next(state for state in self.locales.values() if state.top)
        with self._as(state):
            _build_theme_template("sitemap.xml", state.env, state.files, self.config, state.nav)
        return True

    def search_pages(self, locale: str) -> tuple[list[search.Page], Path] | None:
        state = self.locales.get(locale)
        if state is None:
            return None
        locale_dir = self.site_dir / state.locale_build.root
        # built without search (or no pages); a bundle left for after the pages is made then
        if not (state.locale_build.index_later or (locale_dir / search.BUNDLE).is_dir()):
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
        _populate_page(page, config, state.files)
        excluded = page.file.inclusion.is_excluded()
        _build_page(page, config, doc_files, state.nav, state.env, excluded=excluded)
        if self.complete:  # else once every page is (finish): the anchors it links to are known then
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
    """What the navigation shows of a page: its title (as escaped text: a page read but not yet
    rendered has its front matter's), and NAVIGATION_META."""
    return (escape(page.title), *((page.meta or {}).get(key) for key in NAVIGATION_META))


class _Stopping(Exception):
    """Ends a locale build under way when the preview stops."""


# In the preview's builds, in place of MkDocs' _populate_page and _build_page (on_startup).
def _read_page(page, config, files, dirty=False) -> None:
    if _kept.stopping:
        raise _Stopping("the preview is stopping")
    config._current_page = page
    try:
        page.read_source(config)  # the check's notice stands in for a page that must not render
    except Exception:  # reported as the build reports it
        return _populate_page(page, config, files, dirty)
    finally:
        config._current_page = None
    if not _kept.defer(page):
        _populate_page(page, config, files, dirty)


def _write_page(page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
    if id(page) not in _kept._deferred:
        _build_page(page, config, doc_files, nav, env, dirty, excluded)


def _last_source(state: _LocaleState) -> Output | None:
    """The last page with a source file in the build's order (``_LocaleState.last_source``)."""
    return next(
        (state.outputs[id(f.page)] for f in reversed(state.doc_files()) if id(f.page) in state.outputs),
        None,
    )


def _reorder(files: Files, ordered: list[File]) -> None:
    """The build's files as ``ordered`` (MkDocs' ``Files`` appends only)."""
    for file in list(files):
        files.remove(file)
    for file in ordered:
        files.append(file)


def _delete_written(path: str, site_dir: str) -> None:
    """A page's written file, and the folders it leaves empty (a fresh build has none)."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
    folder, site_dir = os.path.dirname(path), os.path.abspath(site_dir)
    while is_below(folder, site_dir) and folder != site_dir:
        try:
            os.rmdir(folder)
        except OSError:  # not empty
            return
        folder = os.path.dirname(folder)


@contextlib.contextmanager
def _static_i18n_loop(i18n) -> Iterator[None]:
    """What static-i18n's post_build sets around its nested builds: it is inside its loop (their
    post_build builds no other locale), the site folder is not emptied, and their "Building
    documentation" and "Documentation built" lines are left out of the log."""
    quiet = I18nLoggingFilter()
    quiet.filtered_prefixes |= {"Documentation built in", "Building documentation to directory"}
    build_log = logging.getLogger("mkdocs.commands.build")
    clean, mkdocs_utils.clean_directory = mkdocs_utils.clean_directory, lambda directory: directory
    build_log.addFilter(quiet)
    i18n.building = True
    try:
        yield
    finally:
        i18n.building = False
        mkdocs_utils.clean_directory = clean
        build_log.removeFilter(quiet)


# What a build leaves in the configuration, copied: the next locale's build changes it in place.
def _copy(value):
    return value if value is _MISSING else copy.deepcopy(value)


# ----------------------------------------------------------------------------
# The watcher, in MkDocs' server
# ----------------------------------------------------------------------------


class _Observer:
    """What MkDocs' server asks of its watcher (watchdog's observer), done by helpsite.building.watch."""

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
