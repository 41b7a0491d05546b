"""The preview's findings banner (helpsite/building/findings_banner.py): text stays text, the banner goes
first in <body>, and its <style> is allowed by the nonce in the page's policy."""

from __future__ import annotations

from helpsite.building import findings_banner
from helpsite.core.findings import Finding

PAGE = (
    b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
    b'style-src &#39;self&#39;"></head><body dir="ltr"><p>Text</p></body></html>'
)


def test_hostile_text_in_a_finding_is_shown_as_text():
    finding = Finding("x", 3, 7, "empty-link", "error", 'link to <script>alert("x")</script>')
    markup = findings_banner.banner('nb/<img src=x onerror="y">.md', [finding], "N0NCE")
    assert "<script>" not in markup and "<img" not in markup
    assert "link to &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in markup
    assert "<code>nb/&lt;img src=x onerror=&#34;y&#34;&gt;.md:3:7</code>" in markup


def test_errors_come_first_then_by_line():
    found = [
        Finding("x", 2, 1, "b-rule", "warning", "w"),
        Finding("x", 9, 1, "a-rule", "error", "e9"),
        Finding("x", 4, 2, "a-rule", "error", "e4"),
    ]
    markup = findings_banner.banner("en/x.md", found, "N0NCE")
    assert "3 findings in en/x.md" in markup
    assert markup.index("en/x.md:4:2") < markup.index("en/x.md:9:1") < markup.index("en/x.md:2:1")


def test_the_banner_is_first_in_the_body_and_its_style_allowed_by_the_nonce():
    served = findings_banner.with_banner(PAGE, "<aside>B</aside>", "N0NCE")
    assert served == PAGE.replace(b'<body dir="ltr">', b'<body dir="ltr"><aside>B</aside>').replace(
        b"style-src &#39;self&#39;", b"style-src &#39;self&#39; &#39;nonce-N0NCE&#39;"
    )
    assert findings_banner.with_banner(b"no body", "<aside>B</aside>", "N0NCE") == b"no body"
