// Check an HTML report in the system's headless Chromium, driven by playwright-core: it loads
// offline with no console error and no request outside the file, shows its summary and the
// picture of the two axes (screenshots written to OUTDIR), places each expected target in the
// expected cell (by geometry: the target's marker inside the cell's rectangle), and, with
// --filters, filters by verdict, policy and severity, degrades to the full list when printed.
// Prints "ok: …" / "FAILED: …" lines and the load time; exits 1 when a check failed.
// Usage: node check_html.mjs REPORT.html OUTDIR [--expect ID=SERVED/CONTROL]… [--filters]
//        [--summary TEXT] [--chromium PATH] [--timeout-ms N]
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: check_html.mjs REPORT.html OUTDIR [--expect ID=SERVED/CONTROL]... [--filters]");
  process.exit(2);
}
const [report, outdir] = [resolve(args[0]), resolve(args[1])];
const expects = [];
let filters = false, summary = null, executable = "/usr/bin/chromium", timeout = 120000;
for (let i = 2; i < args.length; i++) {
  if (args[i] === "--expect") expects.push(args[++i]);
  else if (args[i] === "--filters") filters = true;
  else if (args[i] === "--summary") summary = args[++i];
  else if (args[i] === "--chromium") executable = args[++i];
  else if (args[i] === "--timeout-ms") timeout = Number(args[++i]);
  else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
}
mkdirSync(outdir, { recursive: true });

let failed = 0;
const ok = (what) => console.log(`ok: ${what}`);
const bad = (what) => { failed++; console.log(`FAILED: ${what}`); };
const check = (cond, what, detail = "") => (cond ? ok(what) : bad(detail ? `${what}: ${detail}` : what));

const browser = await chromium.launch({
  executablePath: executable,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // --timeout-ms bounds every step (load, clicks, selections), not only the load: on a loaded
  // machine a click on a 100,000-row page can take longer than Playwright's 30 s default.
  page.setDefaultTimeout(timeout);
  const problems = [];
  const url = pathToFileURL(report).href;
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (r.url() !== url) problems.push(`request outside the report: ${r.url()}`); });
  const started = Date.now();
  await page.goto(url, { waitUntil: "load", timeout });
  const loadMs = Date.now() - started;
  console.log(`load: ${loadMs} ms`);

  const text = await page.locator("#summary-line").textContent();
  check(text.startsWith("Summary: "), "the summary line is on the page", text);
  if (summary) check(text.includes(summary), `the summary says '${summary}'`, text);

  const svg = page.locator("#placement-svg");
  check(await svg.isVisible(), "the picture of the two axes is visible");
  const box = await svg.boundingBox();
  check(box && box.width > 600 && box.height > 400, "the picture has a readable size", JSON.stringify(box));
  const shot = await svg.screenshot({ path: `${outdir}/picture.png` });
  check(shot.length > 10000, "the picture's screenshot is not blank", `${shot.length} bytes`);
  await page.screenshot({ path: `${outdir}/page.png` });

  for (const e of expects) {
    const m = /^(.+)=([a-z-]+)\/([a-z-]+)$/.exec(e);
    if (!m) { bad(`bad --expect ${e}`); continue; }
    const [, id, served, control] = m;
    const found = await page.evaluate(([id, served, control]) => {
      const marker = [...document.querySelectorAll("#placement-svg a[data-target]")].find((a) => a.getAttribute("data-target") === id);
      const cell = document.querySelector(`#placement-svg rect[data-cell="${served} ${control}"]`);
      if (!marker || !cell) return { marker: !!marker, cell: !!cell };
      const a = marker.getBoundingClientRect(), c = cell.getBoundingClientRect();
      const inside = a.left >= c.left && a.right <= c.right && a.top >= c.top && a.bottom <= c.bottom;
      const others = [...document.querySelectorAll("#placement-svg rect[data-cell]")].filter((r) => {
        const b = r.getBoundingClientRect();
        return r !== cell && a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
      }).map((r) => r.getAttribute("data-cell"));
      return { marker: true, cell: true, inside, others, width: a.width, height: a.height };
    }, [id, served, control]);
    check(found.marker && found.cell && found.inside && found.others.length === 0 && found.width > 0,
          `${id} is drawn in the cell served ${served} × controlled ${control}`, JSON.stringify(found));
  }

  if (filters) await checkFilters(page);
  check(problems.length === 0, "no console error, page error or outside request", problems.slice(0, 5).join("; "));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

// Filters: each choice shows exactly the rows that match, opens their sections, and says how
// many; printing shows every row and opens every section.
async function checkFilters(page) {
  const form = page.locator("#filters");
  check(await form.isVisible(), "the filters are shown when the script runs");
  const facts = () => page.evaluate(() => {
    const rows = [...document.querySelectorAll("#findings tr[data-v]")];
    const shown = rows.filter((r) => r.getClientRects().length > 0);
    const sectionOf = (r) => r.closest("details.policy").getAttribute("data-p");
    return {
      total: rows.length,
      shown: shown.length,
      verdicts: [...new Set(shown.map((r) => r.getAttribute("data-v")))],
      severities: [...new Set(shown.map((r) => r.getAttribute("data-s")))],
      policies: [...new Set(shown.map(sectionOf))],
      byVerdict: rows.reduce((m, r) => ((m[r.getAttribute("data-v")] = (m[r.getAttribute("data-v")] || 0) + 1), m), {}),
      bySeverity: rows.reduce((m, r) => ((m[r.getAttribute("data-s")] = (m[r.getAttribute("data-s")] || 0) + 1), m), {}),
      byPolicy: rows.reduce((m, r) => ((m[sectionOf(r)] = (m[sectionOf(r)] || 0) + 1), m), {}),
      status: document.getElementById("filter-status").textContent,
    };
  });
  const all = await facts();
  const choose = async (name, value) => {
    await page.locator("#filters button[type=reset]").click();
    if (value !== null) await page.selectOption(`#filters select[name=${name}]`, value);
    return facts();
  };
  const verdict = Object.keys(all.byVerdict).includes("fail") ? "fail" : Object.keys(all.byVerdict)[0];
  let f = await choose("verdict", verdict);
  check(f.shown === all.byVerdict[verdict] && f.verdicts.length === 1 && f.verdicts[0] === verdict,
        `the verdict filter '${verdict}' shows exactly its ${all.byVerdict[verdict]} rows`, JSON.stringify({ shown: f.shown, verdicts: f.verdicts }));
  check(f.status === `Showing ${all.byVerdict[verdict]} of ${all.total} findings.`, "the filter says how many it shows", f.status);
  const policy = Object.keys(all.byPolicy).sort()[0];
  f = await choose("policy", policy);
  check(f.shown === all.byPolicy[policy] && f.policies.length === 1 && f.policies[0] === policy,
        `the policy filter '${policy}' shows exactly its ${all.byPolicy[policy]} rows`, JSON.stringify({ shown: f.shown, policies: f.policies }));
  const severity = Object.keys(all.bySeverity).sort()[0];
  f = await choose("severity", severity);
  check(f.shown === all.bySeverity[severity] && f.severities.length === 1 && f.severities[0] === severity,
        `the severity filter '${severity}' shows exactly its ${all.bySeverity[severity]} rows`, JSON.stringify({ shown: f.shown, severities: f.severities }));
  f = await choose("verdict", null);
  check(f.status === `Showing all ${all.total} findings.`, "'Show all' clears the filters", f.status);

  // Printed: a filter still set, yet every row of every section prints and every section opens.
  await page.selectOption("#filters select[name=verdict]", verdict);
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.emulateMedia({ media: "print" });
  f = await facts();
  const closed = await page.evaluate(() => document.querySelectorAll("details:not([open])").length);
  check(f.shown === all.total && closed === 0, "printed, the page is the full list with every section open",
        JSON.stringify({ shown: f.shown, total: all.total, closed }));
  check(!(await page.locator("#filters").isVisible()), "printed, the filters are not shown");
  await page.emulateMedia({ media: "screen" });
  await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
}
