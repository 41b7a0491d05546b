"""The preview's findings in the page: a banner naming each finding of the page's source file
(severity, ``file:line:column``, rule, message), as Vite and Docusaurus show a build's errors.

It is added only to what the preview serves, as the live-reload script is (``helpsite.published.csp``): the
pages the preview writes stay the publishing build's, byte for byte. The banner is text made by a
template with autoescape on (titles and messages are hostile input, ``helpsite.published.escaping``), a
landmark (``<aside>``) whose list is a ``role="status"`` live region, folded and unfolded from the
keyboard by its ``<details>``' summary, styled by a ``<style>`` element allowed by the preview's
nonce: no inline script, no inline style attribute, nothing the site's policy would block.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from helpsite.core.findings import Finding
from helpsite.published import csp

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
)


def banner(shown: str, findings: Sequence[Finding], nonce: str) -> str:
    """The banner's HTML for ``findings`` of the file the log names ``shown``, errors first."""
    ordered = sorted(findings, key=lambda f: (not f.is_error, f.line, f.column, f.rule))
    return _TEMPLATES.get_template("findings-banner.html").render(shown=shown, findings=ordered, nonce=nonce)


def with_banner(html: bytes, markup: str, nonce: str) -> bytes:
    """The served page with the banner first in its ``<body>`` and its style allowed by ``nonce``
    in the page's policy; a page without a ``<body>`` is left as it is."""
    body = html.find(b"<body")
    end = html.find(b">", body) if body >= 0 else -1
    if end < 0:
        return html
    html = html[: end + 1] + markup.encode("utf-8") + html[end + 1 :]
    return csp.allowing_nonce(html, "style-src", nonce)
