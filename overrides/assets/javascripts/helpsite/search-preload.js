// The reader opens search (the box gets the focus): this locale's search worker loads its
// Pagefind bundle now, not at the first key (search-worker.js). Nothing is fetched before.
"use strict";
(() => {
  const input = document.querySelector("input.md-search__input");
  const config = document.getElementById("__config");
  if (!input || !config || typeof BroadcastChannel === "undefined") return;
  const home = new URL(JSON.parse(config.textContent).base, document.baseURI);
  const name = `helpsite-search ${new URL("pagefind/", home).href}`;
  input.addEventListener("focus", () => {
    const channel = new BroadcastChannel(name);
    channel.postMessage("load");
    channel.close();
  });
})();
