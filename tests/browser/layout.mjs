#!/usr/bin/env node
// Reads a built site as readers do on paper and on a phone, in Debian's Chromium.
//
//   node tests/browser/layout.mjs <site-dir> [--full-address <site-dir> <base-url>]
//
// On paper (A4, as the browser's print dialog makes it, through page.pdf):
//   - each plan's page prints on at most 4 pages, its first priority area on at
//     most 10, and the inspections timeline on at most 3;
//   - a link within a site whose base URL is only a path prints no address (a path
//     alone, or a relative one, is no use on paper).
// On a phone (375 CSS px wide), on every page of the site:
//   - nothing is clipped sideways: no element cuts off or scrolls what it holds
//     sideways, no text runs out of its box, nothing sticks out of the screen;
//   - no text is squeezed into a narrow column at about a word a line (a title beside
//     its figures);
//   - the judgements by inspection show every grade in full ("Inadequate", not "Inad").
// Near the top (at 1280 and at 375 px wide, 800 px high):
//   - the first priority area's overview of its actions starts within the first one and
//     a half screens of its page;
//   - the home page's latest visit shows its headline findings, within the first two
//     screens.
// With --full-address, for a copy of the site built with a full base URL (--base-url
// https://...):
//   - printed, a link to a page of the site shows that page's full address, and a link
//     to another site its own address.
//
// Exit status: 0 passed; 1 a check failed; 2 the checks could not run.
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TIMEOUT = 30_000;
const PHONE = { width: 375, height: 800 };
const LIMITS = { plan: 4, area: 10, timeline: 3 };
const SCREENS = [{ width: 1280, height: 800 }, PHONE];

function usage(msg) {
  if (msg) console.error(`layout: ${msg}`);
  console.error('usage: node tests/browser/layout.mjs <site-dir> [--full-address <site-dir> <base-url>]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { site: null, full: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full-address') {
      if (i + 2 >= argv.length) usage('--full-address needs a site folder and its base URL');
      opts.full = { site: argv[++i], baseUrl: argv[++i] };
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site === null) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.site === null) usage('no site folder given');
  return opts;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml',
};

// A small static server for a site whose base URL has the path `prefix`: folders serve
// their index.html; nothing outside the site.
async function serve(root, prefix = '/') {
  const server = http.createServer(async (req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!rel.startsWith(prefix)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    let file = path.resolve(root, '.' + rel.slice(prefix.length - 1));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await fsp.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fsp.readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// Every page of the site (each index.html), as addresses from the root.
async function findPages(root) {
  const pages = [];
  async function walk(dir, rel) {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) await walk(path.join(dir, e.name), [...rel, e.name]);
      else if (e.name === 'index.html') pages.push('/' + rel.map(encodeURIComponent).join('/') + (rel.length ? '/' : ''));
    }
  }
  await walk(root, []);
  return pages;
}

// The path the site was built to be published under (its base URL's path, "/" for the
// shipped site), read from where the home page finds its stylesheet.
async function basePath(root) {
  const home = await fsp.readFile(path.join(root, 'index.html'), 'utf8');
  const m = home.match(/<link rel="stylesheet" href="([^"]*)style\.css"/);
  return m && m[1].startsWith('/') ? m[1] : '/';
}

// The site's full address, when it has one: the home page's canonical address.
async function fullAddressOf(root) {
  const home = await fsp.readFile(path.join(root, 'index.html'), 'utf8');
  const m = home.match(/<link rel="canonical" href="([^"]*)"/);
  return m ? new URL(m[1].replace(/&amp;/g, '&')) : null;
}

// How many pages a PDF has: the page tree's root counts them all.
function pdfPages(pdf) {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)]
    .map((m) => Number(m[1] || m[2]));
  if (counts.length) return Math.max(...counts);
  return [...text.matchAll(/\/Type\s*\/Page\b(?!s)/g)].length;
}

// ------------------------------------------------------------- in the page

// What a phone reader cannot see in full: boxes that cut off or scroll their content
// sideways, text that runs out of its box, anything past the screen's edges.
function clippedSideways() {
  const vw = document.documentElement.clientWidth;
  const hiddenOnPurpose = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return true;
      // The visually-hidden pattern (text for screen readers) and the skip link.
      if (cs.clipPath === 'inset(50%)' || cs.clip === 'rect(0px, 0px, 0px, 0px)') return true;
      if (e.classList.contains('skip-link')) return true;
    }
    return false;
  };
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      const cls = [...e.classList].slice(0, 2).map((c) => '.' + c).join('');
      parts.unshift(e.localName + (e.id ? '#' + e.id : cls));
      if (e.id) break;
    }
    return parts.join(' > ');
  };
  const text = (el) => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el instanceof SVGElement && el.localName !== 'svg') continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.display === 'contents') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let why = null;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      why = cs.overflowX === 'visible'
        ? `its content runs ${el.scrollWidth - el.clientWidth}px out of its box`
        : `it cuts off ${el.scrollWidth - el.clientWidth}px of its content (overflow-x: ${cs.overflowX})`;
    } else if (r.right > vw + 0.5 || r.left < -0.5) {
      why = `it reaches from ${Math.round(r.left)}px to ${Math.round(r.right)}px on a ${vw}px screen`;
    }
    // The outermost offender says it; what it holds only repeats it.
    if (why && !hiddenOnPurpose(el) && !found.some((f) => f.el.contains(el))) found.push({ el, at: describe(el), why, text: text(el) });
  }
  return found.slice(0, 5).map(({ el, ...f }) => f);
}

// Text squeezed into a column so narrow that it reads about a word a line (a title beside
// its figures): blocks of six words or more, less than half the width of the page's column,
// with fewer than one and a half words a line.
function squeezedText() {
  const found = [];
  const column = document.querySelector('main').clientWidth;
  for (const el of document.querySelectorAll('main :is(h1, h2, h3, h4, p, li, dt, dd, th, td, caption)')) {
    if (!el.checkVisibility()) continue;
    const words = (el.innerText || '').trim().split(/\s+/).filter(Boolean).length;
    if (words < 6) continue;
    // The lines the element's own text sits on (not what its child blocks hold).
    const tops = [];
    for (const node of el.childNodes) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const inline = node.nodeType === 3 || getComputedStyle(node).display.startsWith('inline');
      if (!inline) continue;
      for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 4).length;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 || getComputedStyle(n).display.startsWith('inline'))
      .map((n) => n.textContent).join(' ').trim().split(/\s+/).filter(Boolean).length;
    const r = el.getBoundingClientRect();
    if (own >= 6 && lines > 0 && own / lines < 1.5 && r.width < column / 2) {
      found.push({ text: el.innerText.trim().replace(/\s+/g, ' ').slice(0, 60), words: own, lines, width: Math.round(r.width) });
    }
  }
  return found.slice(0, 5);
}

// The grades in the judgements by inspection: each with how much of it can be seen.
function judgementGrades() {
  const section = document.getElementById('judgements');
  if (!section) return null;
  // Everything after the heading up to the next heading of its rank.
  const boxes = [];
  for (let e = section.nextElementSibling; e && e.localName !== 'h2'; e = e.nextElementSibling) boxes.push(e);
  const visibleWidth = (el) => {
    const r = el.getBoundingClientRect();
    let left = Math.max(r.left, 0);
    let right = Math.min(r.right, document.documentElement.clientWidth);
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX === 'visible') continue;
      const b = e.getBoundingClientRect();
      left = Math.max(left, b.left + e.clientLeft);
      right = Math.min(right, b.left + e.clientLeft + e.clientWidth);
    }
    return { shown: Math.max(0, right - left), width: r.width, fits: el.scrollWidth <= el.clientWidth + 1 };
  };
  const grades = [];
  let inGrid = 0;
  for (const box of boxes) {
    inGrid += box.querySelectorAll('table .tag').length;
    for (const tag of box.querySelectorAll('.tag')) {
      if (tag.checkVisibility()) grades.push({ text: tag.textContent.trim(), ...visibleWidth(tag) });
    }
  }
  // However they are shown, as many grades as the grid holds.
  return { grades, inGrid };
}

// What links in <main> print after them on paper (the ::after content, as Chromium
// computes it, with the site's origin put in), those within the site and the others.
function printedAddresses() {
  const links = [...document.querySelectorAll('main a[href]')].filter((a) => !a.getAttribute('href').startsWith('#'));
  const printed = (a) => ({ href: a.href, after: getComputedStyle(a, '::after').content });
  const external = (a) => new URL(a.href).origin !== location.origin;
  return {
    internal: links.filter((a) => !external(a)).map(printed),
    external: links.filter(external).map(printed),
  };
}

// ------------------------------------------------------------------ checks

async function printedPages(context, url) {
  const page = await context.newPage();
  try {
    const res = await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
    if (!res || !res.ok()) throw new Error(`status ${res ? res.status() : 'none'} for ${url}`);
    // As a reader prints from the browser: A4, backgrounds off, the page's own margins.
    const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
    return pdfPages(pdf);
  } finally {
    await page.close();
  }
}

async function firstArea(context, origin, prefix, planUrl) {
  const page = await context.newPage();
  try {
    await page.goto(origin + planUrl, { waitUntil: 'load', timeout: TIMEOUT });
    // The plan's table of priority areas links each area in order.
    const href = await page.evaluate(() => {
      const a = document.querySelector('.table--areas tbody a[href]');
      return a ? a.getAttribute('href') : null;
    });
    return href ? new URL(href, origin + planUrl).pathname.slice(prefix.length - 1) : null;
  } finally {
    await page.close();
  }
}

// `origin` is where the site's root is served, without its final "/"; `prefix` the
// site's base path.
async function onPaper(browser, origin, prefix, pages, check) {
  const context = await browser.newContext();
  try {
    const plans = pages.filter((p) => /^\/plans\/[^/]+\/$/.test(p));
    check(plans.length > 0, 'the site has a plan page');
    const printed = [['/inspections/', 'timeline']];
    for (const plan of plans) {
      const area = await firstArea(context, origin, prefix, plan);
      check(area, `the plan page ${plan} links its first priority area`);
      printed.push([plan, 'plan'], [area, 'area']);
    }
    for (const [url, kind] of printed) {
      if (!url) continue;
      const n = await printedPages(context, origin + url);
      check(n <= LIMITS[kind], `printed on A4, ${url} takes ${n} page(s) (at most ${LIMITS[kind]})`);
    }
  } finally {
    await context.close();
  }
}

async function onPhone(browser, origin, pages, check) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  try {
    let clean = 0;
    for (const url of pages) {
      await page.goto(origin + url, { waitUntil: 'load', timeout: TIMEOUT });
      const found = await page.evaluate(clippedSideways);
      const squeezed = await page.evaluate(squeezedText);
      if (found.length === 0 && squeezed.length === 0) {
        clean++;
        continue;
      }
      if (found.length) check(false, `at ${PHONE.width}px, ${url} clips:\n${found.map((f) => `      ${f.at}: ${f.why} ("${f.text}")`).join('\n')}`);
      if (squeezed.length) check(false, `at ${PHONE.width}px, ${url} squeezes text to about a word a line:\n${squeezed.map((f) => `      "${f.text}": ${f.words} words on ${f.lines} lines, ${f.width}px wide`).join('\n')}`);
    }
    check(clean === pages.length, `at ${PHONE.width}px, nothing is clipped sideways or squeezed to a word a line on ${clean} of ${pages.length} page(s)`);

    await page.goto(origin + '/inspections/', { waitUntil: 'load', timeout: TIMEOUT });
    const seen = await page.evaluate(judgementGrades);
    check(seen && seen.inGrid > 0, `/inspections/ has judgements by inspection`);
    if (seen && seen.inGrid > 0) {
      const { grades, inGrid } = seen;
      const cut = grades.filter((g) => !g.fits || g.shown < g.width - 1);
      const say = cut.slice(0, 4).map((g) => `"${g.text}" (${Math.round(g.shown)} of ${Math.round(g.width)}px seen)`).join(', ');
      check(cut.length === 0 && grades.length >= inGrid,
        `at ${PHONE.width}px, the judgements show ${grades.length - cut.length} of ${inGrid} grades in full${cut.length ? `; ${cut.length} cut off: ${say}` : ''}`);
    }
  } finally {
    await context.close();
  }
}

// Where an element starts on its page, and whether a reader can see it.
function placeOf(selector) {
  const el = document.querySelector(selector);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { top: r.top + window.scrollY, height: r.height, shown: el.checkVisibility(), text: (el.innerText || '').trim().slice(0, 50) };
}

// The overview of an area's actions and the latest visit's findings, near the top.
async function nearTheTop(browser, origin, prefix, pages, check) {
  const plan = pages.find((p) => /^\/plans\/[^/]+\/$/.test(p));
  for (const screen of SCREENS) {
    const context = await browser.newContext({ viewport: screen });
    try {
      const area = plan ? await firstArea(context, origin, prefix, plan) : null;
      const page = await context.newPage();
      if (area) {
        await page.goto(origin + area, { waitUntil: 'load', timeout: TIMEOUT });
        const o = await page.evaluate(placeOf, '#overview');
        const most = 1.5 * screen.height;
        check(o && o.shown && o.top <= most, `at ${screen.width}px, ${area} shows the overview of its actions ${o ? Math.round(o.top) : 'nowhere'}px down (at most ${most})`);
      }
      await page.goto(origin + '/', { waitUntil: 'load', timeout: TIMEOUT });
      const f = await page.evaluate(placeOf, '.findings');
      const most = 2 * screen.height;
      check(f && f.shown && f.height > 0 && f.top <= most,
        `at ${screen.width}px, the home page shows the latest visit's findings ${f ? `${Math.round(f.top)}px down ("${f.text}…")` : 'nowhere'} (at most ${most})`);
    } finally {
      await context.close();
    }
  }
}

// The address a reader of the printed page would type: the site's full address for a
// page of the site (the local server stands in for the site's host), a link's own address
// for another site. `base` is the site's base URL; null when it has only a path. Each of
// `urls` is { url, within }: `within` when the page prints addresses of its own pages.
async function printedLinks(browser, origin, prefix, base, urls, check) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    for (const { url, within } of urls) {
      const res = await page.goto(origin + prefix.replace(/\/$/, '') + url, { timeout: TIMEOUT });
      if (!res || !res.ok()) {
        check(false, `${url} is served`);
        continue;
      }
      const { internal, external } = await page.evaluate(printedAddresses);
      const shown = internal.filter((l) => l.after !== 'none');
      if (base) {
        const want = (l) => ` (${base.origin}${new URL(l.href).pathname})`;
        const wrong = shown.filter((l) => l.after !== JSON.stringify(want(l)));
        if (within || shown.length) check((shown.length > 0 || !within) && wrong.length === 0,
          `printed, ${url} gives ${shown.length} link(s) within the site their full address` +
          (wrong.length ? `; wrong: ${wrong.slice(0, 3).map((l) => `${l.after} for ${new URL(l.href).pathname}`).join(', ')}` : ` (${shown[0] ? shown[0].after : 'none'})`));
      } else {
        check(shown.length === 0, `printed, ${url} prints no partial address for links within a site with no full address` +
          (shown.length ? `: ${shown.slice(0, 3).map((l) => l.after).join(', ')}` : ''));
      }
      const wrongOut = external.filter((l) => l.after !== 'none' && l.after !== JSON.stringify(` (${l.href})`));
      const outShown = external.filter((l) => l.after !== 'none');
      if (external.length) {
        check(outShown.length > 0 && wrongOut.length === 0, `printed, ${url} gives ${outShown.length} link(s) to other sites their address` +
          (wrongOut.length ? `; wrong: ${wrongOut.slice(0, 3).map((l) => l.after).join(', ')}` : ''));
      }
    }
  } finally {
    await context.close();
  }
}

async function fullAddresses(browser, full, pages, check) {
  const base = new URL(full.baseUrl);
  const served = await serve(await fsp.realpath(full.site), base.pathname);
  try {
    const plan = pages.find((p) => /^\/plans\/[^/]+\/$/.test(p));
    // The plan page links its inspection in its text; the accessibility statement links
    // other sites.
    const urls = [{ url: plan, within: true }, { url: '/accessibility/', within: false }];
    await printedLinks(browser, served.origin, base.pathname, base, urls.filter((u) => u.url), check);
  } finally {
    served.server.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = await fsp.realpath(opts.site).catch(() => usage(`no such folder: ${opts.site}`));
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    console.error(`layout: cannot load playwright-core (run "npm ci" in tests/browser): ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) usage(`${CHROMIUM_PATH} does not exist (apt-get install chromium)`);
  const prefix = await basePath(root);
  const served = await serve(root, prefix);
  const site = served.origin + prefix.replace(/\/$/, '');
  const pages = await findPages(root);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    console.error(`layout: the browser could not start: ${e.message.split('\n')[0]}`);
    served.server.close();
    process.exit(2);
  }
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    await onPaper(browser, site, prefix, pages, check);
    await onPhone(browser, site, pages, check);
    await nearTheTop(browser, site, prefix, pages, check);
    const plan = pages.find((p) => /^\/plans\/[^/]+\/$/.test(p));
    if (plan) await printedLinks(browser, served.origin, prefix, await fullAddressOf(root), [{ url: plan, within: true }], check);
    if (opts.full) await fullAddresses(browser, opts.full, pages, check);
  } catch (e) {
    check(false, `the checks stopped: ${e.message.split('\n')[0]}`);
  } finally {
    await browser.close().catch(() => {});
    served.server.close();
  }
  console.log(`layout: ${failures.length === 0 ? 'passed' : `${failures.length} check(s) failed`}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`layout: ${e.stack || e}`);
  process.exit(2);
});
