"""MkDocs hook: every page carries the site's Content-Security-Policy (helpsite.csp) in a
``<meta http-equiv>`` element, for hosts that send no headers; in the preview, MkDocs' injected
live-reload script is allowed by the preview's nonce.
"""

from __future__ import annotations

from helpsite import build, csp

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
    nonce = csp.PREVIEW_NONCE if current.serving else None
    env.globals["content_security_policy"] = csp.meta_policy(policy, nonce) if policy else None
    return env
