// Material for MkDocs' search worker protocol, answered by the locale's Pagefind bundle.
// Material keeps its search box, keyboard handling and result list; it sends this worker the
// settings of search/search_index.json at page load and each query as it is typed. The bundle
// (helpsite/search.py) is loaded when the reader opens search (search-preload.js tells this
// worker on a BroadcastChannel named after the bundle), else at the first query, and each query
// fetches only the index chunks of its words and the text of the results shown.
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;   // Material's SearchMessageType
const SHOWN = 10;                                    // results per query, best first
// A query is searched once no key has followed it for this long (Pagefind's own UI waits 300 ms):
// a burst of keys (a fast typist, a paste, a held key) is one search, not one per key, whose
// prefixes ("a", "ad") would each load index chunks; a reader typing a key every 150 ms or more
// still sees each prefix's results.
const QUIET_MS = 100;
const SITE_ROOT = new URL("../../../", self.location.href);   // this file is under assets/javascripts/helpsite/

let bundle = null;     // URL of the locale's bundle, from the settings
let loading = null;    // its module being loaded (once): by the reader opening search, or a query
let latest = 0;        // the last query asked: an older one's answer is dropped
let waiting = null;    // the query asked while another was searched (only the last one)
let searching = false;
let quiet = 0;         // the timer that starts the search once the keys stop

self.addEventListener("message", ({ data: message }) => {
  if (message.type === SETUP) {
    bundle = new URL(message.data.config.bundle, SITE_ROOT).href;
    new BroadcastChannel(`helpsite-search ${bundle}`).onmessage = () => loaded();
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    latest += 1;
    waiting = message.data;
    clearTimeout(quiet);
    if (!message.data.trim()) {
      // Material asks an empty query at page load and when the box is cleared: answered at
      // once, so that its empty answer cannot arrive after the reader's first word.
      if (!searching) answer();
      return;
    }
    quiet = setTimeout(() => { if (!searching) answer(); }, QUIET_MS);
    loaded().catch(() => {});   // the bundle loads meanwhile; a failure is told by the search
  }
});

// One search at a time, the last query asked next: the keys typed while a word is searched
// (each sends its query) are not searched one by one, and nothing is searched in vain.
async function answer() {
  searching = true;
  while (waiting !== null) {
    const query = waiting, asked = latest;
    waiting = null;
    let result;
    try {
      result = await search(query, asked);
    } catch (error) {   // a chunk that did not load: no results, and the next query is searched
      console.error("Search:", error);
      result = { items: [] };
    }
    if (asked === latest) self.postMessage({ type: RESULT, data: result });
  }
  searching = false;
}

function loaded() {
  return loading = loading || load();
}

async function search(query, asked) {
  const words = query.split(/\s+/).filter(word => word.length > 0);
  if (words.length === 0) return { items: [] };
  const pagefind = await loaded();
  if (pagefind === undefined) return { items: [] };   // a locale without pages has no bundle
  const found = await pagefind.search(query);
  // Superseded (inside Pagefind, or by a key typed since): the texts of its results are not fetched.
  if (found === null || asked !== latest) return { items: [] };
  const pages = await Promise.all(found.results.slice(0, SHOWN).map(result => result.data()));
  // Material links each result with ?h=<words> and highlights them on the page it opens.
  const terms = Object.fromEntries(words.map(word => [word.toLowerCase(), true]));
  return { items: pages.map((page, rank) => item(page, found.results[rank].score, terms)) };
}

async function load() {
  let module;
  try {
    module = await import(bundle + "pagefind.js");
  } catch (error) {
    console.error(`Search: no bundle at ${bundle}`, error);
    return undefined;
  }
  await module.options({ basePath: bundle, baseUrl: "/", excerptLength: 30 });
  await module.init();
  return module;
}

// One result as Material's list shows it: the page (title and excerpt), then its sections
// under "more on this page". An English fallback's words are marked as English, left to right.
function item(page, score, terms) {
  const text = page.meta.lang
    ? html => `<span lang="${escape(page.meta.lang)}" dir="${escape(page.meta.dir || "ltr")}">${html}</span>`
    : html => html;
  const location = url => url.replace(/^\//, "");
  const article = {
    location: location(page.url), title: text(escape(page.meta.title || "")),
    text: `<p>${text(page.excerpt)}</p>`, score, terms,
  };
  const sections = page.sub_results
    .filter(section => section.url.includes("#") && section.title !== page.meta.title)
    .map(section => ({
      location: location(section.url), title: text(escape(section.title)),
      text: `<p>${text(section.excerpt)}</p>`, score: score / 2, terms,
    }));
  return [article, ...sections];
}

function escape(value) {
  return String(value).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" })[c]);
}
