"""The Content-Security-Policy travels with the pages: the policy of ``hosting/_headers`` as a
``<meta http-equiv>`` element, for hosts that send no headers (GitHub Pages).

A policy in a ``<meta>`` element is the same policy for what it covers, with limits the HTML
standard sets: ``frame-ancestors``, ``report-uri``/``report-to`` and ``sandbox`` are ignored
there (Chromium says so in the console), so they are left out of it; it applies only to what
comes after it in the page, so it is the first element of ``<head>`` after the charset; and it
cannot be made looser than the host's header where both are sent (both apply). The host's
headers stay the stronger form: clickjacking protection (``frame-ancestors``) needs them.

The preview injects MkDocs' live-reload script inline into each page it serves; the preview's
server then also puts a nonce made for its process on that script and in the served page's
policy (``with_nonce``). The pages it writes are the publishing build's, byte for byte: the
nonce is only in what it serves.
"""

from __future__ import annotations

import secrets
from html import unescape
from pathlib import Path

from markupsafe import escape

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


def meta_policy(policy: str) -> str:
    """``policy`` as a <meta> element can carry it: without the directives it ignores."""
    directives = []
    for directive in (part.strip() for part in policy.split(";")):
        name = directive.split(" ", 1)[0].lower()
        if directive and name not in IGNORED_IN_META:
            directives.append(directive)
    return "; ".join(directives)


# The <meta> element as the template writes it (its attribute value escaped as Jinja escapes).
_META = b'<meta http-equiv="Content-Security-Policy" content="'


def with_nonce(html: bytes, nonce: str) -> bytes:
    """The served page with ``nonce`` on its last inline ``<script>`` (the one a preview server
    injected before ``</body>``) and allowed by the ``script-src`` of its policy's <meta>."""
    at = html.rfind(b"<script>")
    if at < 0:
        return html
    html = html[:at] + b'<script nonce="' + nonce.encode() + b'">' + html[at + len(b"<script>") :]
    return allowing_nonce(html, "script-src", nonce)


def allowing_nonce(html: bytes, directive: str, nonce: str) -> bytes:
    """The page with ``nonce`` allowed by ``directive`` of its policy's <meta> (unchanged without one)."""
    start = html.find(_META)
    if start < 0:
        return html
    start += len(_META)
    end = html.find(b'"', start)
    directives = [part.strip() for part in unescape(html[start:end].decode("utf-8")).split(";")]
    allowed = [f"{d} 'nonce-{nonce}'" if d.split(" ", 1)[0] == directive else d for d in directives]
    return html[:start] + str(escape("; ".join(allowed))).encode("utf-8") + html[end:]
