// Opens backcare's pages in headless Chromium, as a person would see them,
// and fails on what they would notice: a console error (a CSP refusal
// included), an illustration that did not load or drew nothing, a handout
// that does not print. Screenshots and PDFs go to OUT_DIR for a person to
// look at.
//
// Usage: node browser-check.mjs BASE_URL OUT_DIR
// Needs playwright-core (installed by .ci/run) and Debian's chromium.

import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";

// playwright-core is installed by .ci/run outside the repository
// (PLAYWRIGHT_FROM names a file in that folder); ES modules ignore
// NODE_PATH, so it is required from there.
const require = createRequire(process.env.PLAYWRIGHT_FROM ?? import.meta.url);
const { chromium } = require("playwright-core");

const [base, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const failures = [];
const fail = (what) => { failures.push(what); console.log("FAIL", what); };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/// A page that records its console errors and failed requests.
async function open(viewport) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("requestfailed", (r) => page.errors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) page.errors.push(`${r.status()} ${r.url()}`); });
  return page;
}

/// For each <img>: loaded, and how much of it is not background, measured
/// from its pixels (a blank or white picture is a failure, not only a 404).
async function illustrations(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const img of document.querySelectorAll("img")) {
      if (!img.complete) await new Promise((r) => { img.onload = img.onerror = r; });
      const c = document.createElement("canvas");
      c.width = img.naturalWidth || 1; c.height = img.naturalHeight || 1;
      const ctx = c.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
      let inked = 0;
      if (img.naturalWidth > 0) {
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] + d[i + 1] + d[i + 2] < 600) inked++;
        }
      }
      out.push({ src: img.getAttribute("src"), width: img.naturalWidth, inked: inked / (c.width * c.height) });
    }
    return out;
  });
}

function checkImages(name, imgs, expectAtLeast) {
  if (imgs.length < expectAtLeast) fail(`${name}: ${imgs.length} illustration(s), expected at least ${expectAtLeast}`);
  for (const i of imgs) {
    if (i.width === 0) fail(`${name}: ${i.src} did not load`);
    else if (i.inked < 0.005) fail(`${name}: ${i.src} is blank (${(i.inked * 100).toFixed(2)}% drawn)`);
  }
}

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

// Every exercise page, each with its illustration drawn.
const list = await (await fetch(`${base}/exercises?limit=500`)).json();
for (const e of list.items) {
  const page = await open(phone);
  await page.goto(`${base}/exercises/${e.id}`, { waitUntil: "load" });
  checkImages(`/exercises/${e.id}`, await illustrations(page), 1);
  if (["cat-cow", "glute-bridge", "knee-to-chest"].includes(e.id)) {
    await page.screenshot({ path: `${out}/exercise-${e.id}-phone.png`, fullPage: true });
  }
  for (const err of page.errors) fail(`/exercises/${e.id}: console: ${err}`);
  await page.close();
}

// List pages and the other entity pages, on a phone and a desktop.
for (const [path, name] of [["/exercises", "exercises"], ["/conditions", "conditions"], ["/red-flags", "red-flags"],
  ["/conditions/sciatica", "condition"], ["/red-flags/minor-trauma", "red-flag"]]) {
  for (const [vp, label] of [[phone, "phone"], [desktop, "desktop"]]) {
    const page = await open(vp);
    await page.goto(`${base}${path}`, { waitUntil: "load" });
    const links = await page.evaluate(() => document.querySelectorAll("main a").length);
    if (path.split("/").length === 2 && links < 5) fail(`${path}: only ${links} links`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (overflow) fail(`${path} (${label}): wider than the screen`);
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: label === "phone" });
    for (const err of page.errors) fail(`${path}: console: ${err}`);
    await page.close();
  }
}

// The handout: the plan a person prints. It is the answer to a POST, so it
// is fetched here and shown with its links resolved against the service.
const body = {
  pain: { duration: "chronic", intensity: 4, areas: ["lower_back", "hips"] },
  conditions: ["prolonged-sitting", "poor-posture"], age: 45,
  preferences: { minutes_per_day: 20, equipment: ["foam_roller"], goal: "long_term" },
};
const answer = await fetch(`${base}/recommendation`, {
  method: "POST", headers: { "content-type": "application/json", accept: "text/html" }, body: JSON.stringify(body),
});
let html = await answer.text();
if (!answer.headers.get("content-type").startsWith("text/html")) fail("the handout is not HTML");
// Shown at a URL of the service (answered here, never by the server), so
// its images are same-origin as they are for a browser that posted.
const page = await open(desktop);
await page.route(`${base}/printed-handout`, (route) =>
  route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
await page.goto(`${base}/printed-handout`, { waitUntil: "load" });
const imgs = await illustrations(page);
const items = await page.evaluate(() => document.querySelectorAll("section.card h3").length);
checkImages("handout", imgs, Math.min(items, 3));
await page.screenshot({ path: `${out}/handout.png`, fullPage: true });
for (const err of page.errors) fail(`handout: console: ${err}`);
// No card split across pages: in print, every card keeps itself whole.
await page.emulateMedia({ media: "print" });
const loose = await page.evaluate(() => [...document.querySelectorAll("section.card")]
  .filter((c) => getComputedStyle(c).breakInside !== "avoid").length);
if (loose) fail(`handout: ${loose} card(s) may split across pages`);
for (const format of ["A4", "Letter"]) {
  const pdf = await page.pdf({ format, printBackground: true });
  writeFileSync(`${out}/handout-${format}.pdf`, pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) || []).length;
  console.log(`handout ${format}: ${pages} page(s), ${pdf.length} bytes, ${items} cards, ${imgs.length} illustrations`);
  if (pages < 1 || pages > 12) fail(`handout ${format}: ${pages} pages`);
}
await page.close();
await browser.close();

if (failures.length) {
  console.log(`${failures.length} problem(s)`);
  process.exit(1);
}
console.log(`pages, illustrations and the handout render cleanly (${list.items.length} exercise pages)`);
