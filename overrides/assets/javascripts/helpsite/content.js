/* Material for MkDocs 9.8.1 (MIT), partials/javascripts/content.html, as a file: the CSP allows no inline script (tests/test_csp.py keeps it equal). */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
