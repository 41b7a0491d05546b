"""The Content-Security-Policy travels with the pages: the policy of ``hosting/_headers`` as a
``<meta http-equiv>`` element, for hosts that send no headers (GitHub Pages).

A policy in a ``<meta>`` element is the same policy for what it covers, with limits the HTML
standard sets: ``frame-ancestors``, ``report-uri``/``report-to`` and ``sandbox`` are ignored
there (Chromium says so in the console), so they are left out of it; it applies only to what
comes after it in the page, so it is the first element of ``<head>`` after the charset; and it
cannot be made looser than the host's header where both are sent (both apply). The host's
headers stay the stronger form: clickjacking protection (``frame-ancestors``) needs them.

The preview injects MkDocs' live-reload script inline; in a preview (only) the pages' policy
allows that one script by a nonce made for the preview's process, which the preview's server
puts on the script it injects (``with_nonce``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

HEADERS_FILE = Path("hosting") / "_headers"
HEADER = "Content-Security-Policy"
# Directives a <meta> policy ignores (HTML standard, "http-equiv" Content-Security-Policy state).
IGNORED_IN_META = ("frame-ancestors", "report-uri", "report-to", "sandbox")
# The preview's own: a local server, one value per process (a published page never has one).
PREVIEW_NONCE = secrets.token_urlsafe(18)


def host_headers(root: Path) -> dict[str, str]:
    """The headers ``hosting/_headers`` (Netlify / Cloudflare Pages format) gives every path;
    empty when the site has no such file."""
    path = Path(root) / HEADERS_FILE
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.strip().split(": ", 1) for line in lines if line.startswith("  ") and ": " in line)


def meta_policy(policy: str, nonce: str | None = None) -> str:
    """``policy`` as a <meta> element can carry it: without the directives it ignores, and with
    ``nonce`` allowed in ``script-src`` (the preview's live-reload script)."""
    directives = []
    for directive in (part.strip() for part in policy.split(";")):
        name = directive.split(" ", 1)[0].lower()
        if not directive or name in IGNORED_IN_META:
            continue
        if nonce and name == "script-src":
            directive += f" 'nonce-{nonce}'"
        directives.append(directive)
    return "; ".join(directives)


def with_nonce(html: bytes, nonce: str) -> bytes:
    """The page with ``nonce`` on its last inline ``<script>`` (the one a preview server injected
    before ``</body>``)."""
    at = html.rfind(b"<script>")
    if at < 0:
        return html
    return html[:at] + b'<script nonce="' + nonce.encode() + b'">' + html[at + len(b"<script>") :]
