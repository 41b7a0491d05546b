// Lighthouse on many URLs with one Chromium (one process: Lighthouse starts slowly, Chromium too).
// Usage: node lighthouse.mjs URL... ; prints one JSON object per URL, one a line, in order.
// CHROME_PATH names the browser (Debian's /usr/bin/chromium); categories: accessibility, SEO and
// best practices (which holds errors-in-console).
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["accessibility", "seo", "best-practices"];

const chrome = await chromeLauncher.launch({
  chromeFlags: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
try {
  for (const url of process.argv.slice(2)) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES,
    });
    const failed = {};
    for (const category of CATEGORIES) {
      failed[category] = lhr.categories[category].auditRefs
        .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
        .map((ref) => ref.id);
    }
    const consoleErrors = (lhr.audits["errors-in-console"].details?.items ?? [])
      .map((item) => `${item.source}: ${item.description}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c].score]));
    const error = lhr.runtimeError ? lhr.runtimeError.message : null;
    process.stdout.write(JSON.stringify({ url, scores, failed, consoleErrors, error }) + "\n");
  }
} finally {
  await chrome.kill();
}
