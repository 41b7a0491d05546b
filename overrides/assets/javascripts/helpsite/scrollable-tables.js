/* axe scrollable-region-focusable (WCAG 2.1.1, keyboard): Material wraps each table in a scrolling
   box but, unlike a code block's, does not make it focusable when it overflows (a phone's width),
   so a keyboard could not scroll it. Loaded after Material's bundle, which wraps the tables. */
function helpsiteScrollableTables() {
  for (const box of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  }
}
addEventListener("load", helpsiteScrollableTables);
addEventListener("resize", helpsiteScrollableTables);
