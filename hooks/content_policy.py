"""MkDocs hook: every page carries the site's Content-Security-Policy (helpsite.published.csp) in a
``<meta http-equiv>`` element, for hosts that send no headers; in the preview, MkDocs' injected
live-reload script is allowed by the preview's nonce, added to the pages as they are served.
"""

from __future__ import annotations

from helpsite.building import build
from helpsite.published import csp

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_serve(server, *, config, builder):
    inject = server._inject_js_into_html  # MkDocs' live-reload script, written inline

    def inject_with_nonce(content, epoch):
        return csp.with_nonce(inject(content, epoch), csp.PREVIEW_NONCE)

    server._inject_js_into_html = inject_with_nonce
    return server


def on_env(env, *, config, files):
    current = build.current()
    policy = csp.host_headers(current.site.root).get(csp.HEADER)
    env.globals["content_security_policy"] = csp.meta_policy(policy) if policy else None
    return env
