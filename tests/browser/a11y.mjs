#!/usr/bin/env node
// Browser accessibility checks for a site that Waymark built.
//
//   node tests/browser/a11y.mjs <site-dir> [--screenshots <dir>] [--shot <path>]...
//   node tests/browser/a11y.mjs --serve <site-dir>      (serve only, for a person)
//
// It serves <site-dir> on 127.0.0.1 with a small static server, opens every
// page (each index.html and 404.html) in Debian's Chromium through
// playwright-core, and on each page checks:
//   - axe-core, WCAG 2.0/2.1/2.2 A and AA rules (and color-contrast again in
//     the dark colour scheme when the site's CSS has one);
//   - reflow: at 320 CSS px wide the page must not scroll sideways;
//   - no request goes to any host but the local server, and no page refers to
//     a resource on another host; no local resource is missing;
// and on the home page, with the keyboard:
//   - the first Tab lands on a visible "Skip ..." link that points at <main>;
//   - following it moves focus into <main>;
//   - every element that Tab reaches (60 at most) shows a visible focus
//     indicator and is itself visible.
//
// Exit status: 0 all pages passed; 1 a check failed; 2 the checks could not
// run (bad arguments, no browser, ...). The last line is
// "a11y: N passed, M failed", counting pages.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), A11Y_JOBS (pages
// checked at once, default 2).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const JOBS = Math.max(1, Number.parseInt(process.env.A11Y_JOBS || '2', 10) || 2);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const NARROW = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 800 };
const MAX_TABS = 60;
const NAV_TIMEOUT = 30_000;

// ---------------------------------------------------------------- arguments

function usage(msg) {
  if (msg) console.error(`a11y: ${msg}`);
  console.error('usage: node tests/browser/a11y.mjs <site-dir> [--screenshots <dir>] [--shot <path>]...');
  console.error('       node tests/browser/a11y.mjs --serve <site-dir> [--port N]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { site: null, shotsDir: null, shots: [], serve: false, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--screenshots') opts.shotsDir = value();
    else if (a === '--shot') opts.shots.push(value());
    else if (a === '--serve') opts.serve = true;
    else if (a === '--port') opts.port = Number.parseInt(value(), 10);
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site === null) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.site === null) usage('no site folder given');
  if (opts.shots.length && !opts.shotsDir) usage('--shot needs --screenshots <dir>');
  if (opts.shotsDir && opts.shots.length === 0) opts.shots.push('/');
  for (const s of opts.shots) if (!s.startsWith('/')) usage(`--shot path must start with "/": ${s}`);
  return opts;
}

// ------------------------------------------------------------- static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};

function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

function isInside(root, p) {
  return p === root || p.startsWith(root + path.sep);
}

// Maps a request path to a file under root, or explains why not.
// Returns { file } | { redirect } | { status }.
async function resolveRequest(root, rawUrl) {
  let pathname;
  try {
    pathname = new URL(rawUrl, 'http://127.0.0.1').pathname;
  } catch {
    return { status: 400 };
  }
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400 };
  // Refuse any ".." segment outright, then check again after resolving.
  if (decoded.split('/').includes('..')) return { status: 403 };
  let file = path.resolve(root, '.' + decoded);
  if (!isInside(root, file)) return { status: 403 };
  let st;
  try {
    st = await fsp.stat(file);
  } catch {
    return { status: 404 };
  }
  if (st.isDirectory()) {
    if (!pathname.endsWith('/')) {
      const q = rawUrl.indexOf('?');
      return { redirect: pathname + '/' + (q >= 0 ? rawUrl.slice(q) : '') };
    }
    file = path.join(file, 'index.html');
    try {
      st = await fsp.stat(file);
    } catch {
      return { status: 404 };
    }
  }
  if (!st.isFile()) return { status: 404 };
  // A symbolic link must not lead out of the site either.
  let real;
  try {
    real = await fsp.realpath(file);
  } catch {
    return { status: 404 };
  }
  if (!isInside(root, real)) return { status: 403 };
  return { file: real, size: st.size };
}

async function startServer(siteDir, port = 0) {
  const root = await fsp.realpath(siteDir);
  const notFoundPage = path.join(root, '404.html');
  const server = http.createServer(async (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    let r;
    try {
      r = await resolveRequest(root, req.url);
    } catch (e) {
      return send(500, 'text/plain; charset=utf-8', `server error: ${e.message}\n`);
    }
    if (r.redirect) {
      res.writeHead(301, { Location: r.redirect, 'Content-Length': 0 });
      return res.end();
    }
    if (r.status === 404) {
      let body;
      try {
        body = await fsp.readFile(notFoundPage);
      } catch {
        return send(404, 'text/plain; charset=utf-8', 'not found\n');
      }
      res.writeHead(404, { 'Content-Type': TYPES['.html'], 'Content-Length': body.length });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (r.status) return send(r.status, 'text/plain; charset=utf-8', `${http.STATUS_CODES[r.status]}\n`);
    res.writeHead(200, { 'Content-Type': contentType(r.file), 'Content-Length': r.size });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(r.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address();
  return { server, root, origin: `http://127.0.0.1:${actual}` };
}

// -------------------------------------------------------------- find pages

async function findPages(root) {
  const pages = [];
  async function walk(dir, rel) {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        await walk(full, [...rel, e.name]);
      } else if (e.isFile() && (e.name === 'index.html' || e.name === '404.html')) {
        const dirUrl = '/' + rel.map(encodeURIComponent).join('/') + (rel.length ? '/' : '');
        pages.push({ file: path.relative(root, full), url: e.name === 'index.html' ? dirUrl : dirUrl + '404.html' });
      }
    }
  }
  await walk(root, []);
  // Home page first, 404 pages last, the rest by address.
  const rank = (p) => (p.url === '/' ? 0 : p.url.endsWith('404.html') ? 2 : 1);
  pages.sort((a, b) => rank(a) - rank(b) || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return pages;
}

// ---------------------------------------------------------- in-page helpers
// These functions run inside the page (serialised by playwright).

function pageOverflow() {
  const vw = window.innerWidth;
  const doc = document.documentElement;
  const scrollWidth = Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0);
  if (scrollWidth <= vw) return { scrollWidth, innerWidth: vw, offenders: [] };
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 5; e = e.parentElement) {
      let s = e.localName;
      if (e.id) { parts.unshift(`${s}#${CSS.escape(e.id)}`); break; }
      const cls = [...e.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
      s += cls;
      if (e.parentElement) {
        const same = [...e.parentElement.children].filter((c) => c.localName === e.localName);
        if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  // Does an ancestor clip horizontal overflow (a scroll box or overflow:hidden)?
  const clipped = (el) => {
    for (let e = el.parentElement; e && e !== document.body && e !== doc; e = e.parentElement) {
      const ox = getComputedStyle(e).overflowX;
      if (ox !== 'visible') return true;
    }
    return false;
  };
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right + window.scrollX > vw + 0.5;
  };
  const offenders = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    if (!sticksOut(el) || clipped(el)) continue;
    // Report the outermost element that sticks out, not each of its children.
    if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
    const r = el.getBoundingClientRect();
    offenders.push({
      selector: describe(el),
      width: Math.round(r.width),
      right: Math.round(r.right + window.scrollX),
      html: el.outerHTML.slice(0, 120).replace(/\s+/g, ' '),
    });
  }
  offenders.sort((a, b) => b.right - a.right || b.width - a.width);
  return { scrollWidth, innerWidth: vw, offenders: offenders.slice(0, 3) };
}

function resourceRefs() {
  // Resources the page would fetch (now or lazily), not ordinary links.
  const out = [];
  const add = (url, what) => {
    if (!url) return;
    try {
      out.push({ url: new URL(url, document.baseURI).href, what });
    } catch { /* not a URL */ }
  };
  for (const el of document.querySelectorAll('[src]')) add(el.getAttribute('src'), `<${el.localName} src>`);
  for (const el of document.querySelectorAll('[srcset]')) {
    for (const part of el.getAttribute('srcset').split(',')) add(part.trim().split(/\s+/)[0], `<${el.localName} srcset>`);
  }
  for (const el of document.querySelectorAll('[poster]')) add(el.getAttribute('poster'), `<${el.localName} poster>`);
  for (const el of document.querySelectorAll('object[data]')) add(el.getAttribute('data'), '<object data>');
  for (const el of document.querySelectorAll('link[href]')) {
    const rel = (el.getAttribute('rel') || '').toLowerCase().split(/\s+/);
    const fetched = ['stylesheet', 'icon', 'apple-touch-icon', 'manifest', 'preload', 'prefetch', 'modulepreload', 'preconnect', 'dns-prefetch', 'mask-icon'];
    if (rel.some((r) => fetched.includes(r))) add(el.getAttribute('href'), `<link rel="${el.getAttribute('rel')}">`);
  }
  for (const el of document.querySelectorAll('svg image, svg use')) {
    add(el.getAttribute('href') || el.getAttribute('xlink:href'), `<${el.localName} href>`);
  }
  return out;
}

function hasDarkScheme() {
  const seen = new Set();
  const scan = (rules) => {
    for (const r of rules) {
      if (r.media && /prefers-color-scheme\s*:\s*dark/.test(r.media.mediaText)) return true;
      if (r.styleSheet && !seen.has(r.styleSheet)) {
        seen.add(r.styleSheet);
        try { if (scan(r.styleSheet.cssRules)) return true; } catch { /* cross-origin */ }
      }
      if (r.cssRules && scan(r.cssRules)) return true;
    }
    return false;
  };
  for (const s of document.styleSheets) {
    try { if (scan(s.cssRules)) return true; } catch { /* cross-origin */ }
  }
  return document.querySelector('meta[name="color-scheme"][content*="dark"]') !== null;
}

async function runAxe({ tags, rules }) {
  const options = rules
    ? { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] }
    : { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
  const r = await window.axe.run(document, options);
  return {
    violations: r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary || '').split('\n').slice(1, 2).join('').trim() })),
    })),
    incomplete: r.incomplete.length,
  };
}

// Keyboard helpers, run inside the page.
function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect();
  const label = (el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ').slice(0, 60);
  let selector = el.localName;
  if (el.id) selector += '#' + el.id;
  else if (el.getAttribute('href')) selector += `[href="${el.getAttribute('href')}"]`;
  else if (el.getAttribute('name')) selector += `[name="${el.getAttribute('name')}"]`;
  return {
    tag: el.localName,
    href: el.getAttribute('href'),
    text: label,
    selector,
    box: { x: r.x, y: r.y, width: r.width, height: r.height },
    viewport: { width: window.innerWidth, height: window.innerHeight },
  };
}

function captureFocusedStyle(index) {
  const el = document.activeElement;
  window.__a11yFocus = window.__a11yFocus || [];
  const props = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow', 'background-color',
    'background-image', 'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
    'border-top-width', 'border-bottom-width', 'border-left-width', 'border-right-width', 'border-top-style',
    'border-bottom-style', 'color', 'text-decoration-line', 'text-decoration-thickness', 'text-decoration-color',
    'text-underline-offset', 'clip', 'clip-path'];
  const snap = (pseudo) => {
    const cs = getComputedStyle(el, pseudo);
    const o = {};
    for (const p of props) o[p] = cs.getPropertyValue(p);
    if (pseudo) o.content = cs.getPropertyValue('content');
    return o;
  };
  const r = el.getBoundingClientRect();
  const box = { left: r.left + window.scrollX, top: r.top + window.scrollY, width: r.width, height: r.height };
  window.__a11yFocus[index] = { el, box, focused: { self: snap(null), before: snap('::before'), after: snap('::after') } };
}

function compareFocusStyles() {
  const props = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow', 'background-color',
    'background-image', 'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
    'border-top-width', 'border-bottom-width', 'border-left-width', 'border-right-width', 'border-top-style',
    'border-bottom-style', 'color', 'text-decoration-line', 'text-decoration-thickness', 'text-decoration-color',
    'text-underline-offset', 'clip', 'clip-path'];
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  const transparent = (c) => !c || c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c) || /\/\s*0\)$/.test(c);
  const outlineShown = (s) => s['outline-style'] !== 'none' && parseFloat(s['outline-width']) > 0 && !transparent(s['outline-color']);
  const results = [];
  for (const [i, rec] of (window.__a11yFocus || []).entries()) {
    if (!rec) continue;
    const { el, focused } = rec;
    const snap = (pseudo) => {
      const cs = getComputedStyle(el, pseudo);
      const o = {};
      for (const p of props) o[p] = cs.getPropertyValue(p);
      if (pseudo) o.content = cs.getPropertyValue('content');
      return o;
    };
    const plain = { self: snap(null), before: snap('::before'), after: snap('::after') };
    const reasons = [];
    // An element that is hidden until it is focused (a skip link) shows its
    // focus by appearing.
    const r = el.getBoundingClientRect();
    const box = { left: r.left + window.scrollX, top: r.top + window.scrollY, width: r.width, height: r.height };
    const hiddenBox = (b) => b.width * b.height < 2 || b.left + b.width <= 0 || b.top + b.height <= 0;
    if (!hiddenBox(rec.box) && (hiddenBox(box) || focused.self.clip !== plain.self.clip ||
        focused.self['clip-path'] !== plain.self['clip-path'])) {
      reasons.push('appears when focused');
    }
    for (const part of ['self', 'before', 'after']) {
      const f = focused[part];
      const u = plain[part];
      const where = part === 'self' ? '' : `::${part} `;
      if (part !== 'self' && f.content === 'none' && u.content === 'none') continue;
      if (outlineShown(f) && (!outlineShown(u) || f['outline-width'] !== u['outline-width'] || f['outline-color'] !== u['outline-color'] || f['outline-style'] !== u['outline-style'])) {
        reasons.push(`${where}outline ${f['outline-width']} ${f['outline-style']}`);
      }
      if (f['box-shadow'] !== 'none' && f['box-shadow'] !== u['box-shadow']) reasons.push(`${where}box-shadow`);
      if (f['background-color'] !== u['background-color'] || f['background-image'] !== u['background-image']) reasons.push(`${where}background`);
      const borderKeys = Object.keys(f).filter((k) => k.startsWith('border-'));
      if (borderKeys.some((k) => f[k] !== u[k])) reasons.push(`${where}border`);
      if (f['text-decoration-line'] !== u['text-decoration-line'] || f['text-decoration-thickness'] !== u['text-decoration-thickness']) reasons.push(`${where}text-decoration`);
      if (part !== 'self' && f.content !== u.content) reasons.push(`${where}content`);
      if (f.color !== u.color) reasons.push(`${where}color`);
    }
    results.push({ index: i, reasons });
  }
  return results;
}

// ----------------------------------------------------------------- checks

function isLocal(url, origin) {
  if (/^(data|blob|about|javascript):/i.test(url)) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

async function injectAxe(page, axeSource) {
  const ready = () => page.evaluate(() => typeof window.axe === 'object' && typeof window.axe.run === 'function');
  try {
    await page.addScriptTag({ content: axeSource });
  } catch { /* blocked, e.g. by the page's Content-Security-Policy */ }
  if (await ready()) return 'script-tag';
  // A strict CSP blocks the inline <script>; evaluating through the DevTools
  // protocol is not subject to it.
  await page.evaluate(axeSource);
  if (await ready()) return 'evaluate';
  throw new Error('could not load axe-core into the page');
}

async function checkPage(browser, origin, pageInfo, axeSource) {
  const url = origin + pageInfo.url;
  const result = { url: pageInfo.url, file: pageInfo.file, problems: [], notes: [], axeMs: 0, totalMs: 0 };
  const t0 = Date.now();
  const context = await browser.newContext({ viewport: WIDE, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const requests = [];
    const failedLocal = [];
    page.on('request', (req) => requests.push(req.url()));
    page.on('response', (res) => {
      if (res.status() >= 400 && isLocal(res.url(), origin) && !res.request().isNavigationRequest()) {
        failedLocal.push(`${res.status()} ${res.url().slice(origin.length)}`);
      }
    });
    // Never let a request leave the machine; it is still recorded above.
    await context.route('**/*', (route) => (isLocal(route.request().url(), origin) ? route.continue() : route.abort('blockedbyclient')));
    const response = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT });
    if (!response || response.status() !== 200) {
      result.problems.push({ kind: 'http', text: `status ${response ? response.status() : 'none'} for ${pageInfo.url}` });
    }

    // axe-core
    const ta = Date.now();
    result.notes.push(`axe-core loaded by ${await injectAxe(page, axeSource)}`);
    const axe = await page.evaluate(runAxe, { tags: AXE_TAGS });
    for (const v of axe.violations) result.problems.push({ kind: 'axe', ...v });
    if (axe.incomplete) result.notes.push(`${axe.incomplete} axe result(s) need a person to review`);
    if (await page.evaluate(hasDarkScheme)) {
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await page.evaluate(runAxe, { rules: ['color-contrast', 'link-in-text-block'] });
      // Report only what the light scheme did not already show.
      const known = new Set(axe.violations.flatMap((v) => v.targets.map((t) => `${v.id} ${t.target}`)));
      for (const v of dark.violations) {
        const targets = v.targets.filter((t) => !known.has(`${v.id} ${t.target}`));
        if (targets.length) result.problems.push({ kind: 'axe', ...v, targets, help: `${v.help} (dark colour scheme)` });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    result.axeMs = Date.now() - ta;

    // Resources on other hosts named in the page (even ones not fetched yet).
    const refs = await page.evaluate(resourceRefs);

    // Reflow at 320 CSS px.
    await page.setViewportSize(NARROW);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const of = await page.evaluate(pageOverflow);
    if (of.scrollWidth > of.innerWidth) {
      result.problems.push({ kind: 'overflow', ...of });
    }

    const thirdParty = [...new Set(requests.filter((u) => !isLocal(u, origin)))];
    for (const u of thirdParty) result.problems.push({ kind: 'third-party', text: `request to ${u}` });
    for (const r of refs) {
      if (!isLocal(r.url, origin) && !thirdParty.includes(r.url)) {
        result.problems.push({ kind: 'third-party', text: `${r.what} refers to ${r.url}` });
      }
    }
    for (const f of [...new Set(failedLocal)]) result.problems.push({ kind: 'missing', text: `local resource failed: ${f}` });
  } finally {
    await context.close();
  }
  result.totalMs = Date.now() - t0;
  return result;
}

async function keyboardCheck(browser, origin) {
  const problems = [];
  const notes = [];
  const context = await browser.newContext({ viewport: WIDE, serviceWorkers: 'block' });
  await context.route('**/*', (route) => (isLocal(route.request().url(), origin) ? route.continue() : route.abort('blockedbyclient')));
  try {
    const page = await context.newPage();
    await page.goto(origin + '/', { waitUntil: 'load', timeout: NAV_TIMEOUT });
    const settle = () => page.evaluate(async () => {
      const el = document.activeElement;
      const anims = el && el.getAnimations ? el.getAnimations({ subtree: false }) : [];
      await Promise.race([Promise.all(anims.map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 1000))]);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    const visibleIn = (info) => info && info.box.width > 0 && info.box.height > 0 &&
      info.box.x >= 0 && info.box.y >= 0 &&
      info.box.x + info.box.width <= info.viewport.width + 0.5 && info.box.y + info.box.height <= info.viewport.height + 0.5;
    const anyPartVisible = (info) => info && info.box.width > 0 && info.box.height > 0 &&
      info.box.x + info.box.width > 0 && info.box.y + info.box.height > 0 &&
      info.box.x < info.viewport.width && info.box.y < info.viewport.height;

    // 1. The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    await settle();
    const first = await page.evaluate(focusInfo);
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const main = document.querySelector('main, [role="main"]');
      if (!el || el.localName !== 'a') return { ok: false, why: 'not a link' };
      const href = el.getAttribute('href') || '';
      const text = (el.innerText || el.textContent || '').trim();
      if (!/skip/i.test(text)) return { ok: false, why: `its text "${text}" does not contain "Skip"` };
      if (!href.startsWith('#') || href.length < 2) return { ok: false, why: `its href "${href}" is not a link within the page` };
      if (!main) return { ok: false, why: 'the page has no <main> element' };
      let id;
      try { id = decodeURIComponent(href.slice(1)); } catch { id = href.slice(1); }
      const target = document.getElementById(id);
      if (!target) return { ok: false, why: `nothing on the page has id "${id}"` };
      if (target !== main && !main.contains(target) && !target.contains(main)) {
        return { ok: false, why: `it points at #${id}, which is not the <main> element` };
      }
      return { ok: true, id };
    });
    if (!first) {
      problems.push({ kind: 'keyboard', text: 'the first Tab focused nothing on the page (expected the skip link)' });
    } else if (!skip.ok) {
      problems.push({ kind: 'keyboard', text: `the first Tab focused ${first.selector} ("${first.text}"), not a skip link to <main>: ${skip.why}` });
    } else if (!visibleIn(first)) {
      problems.push({ kind: 'keyboard', text: `the skip link is not visible when focused (box ${JSON.stringify(first.box)} in a ${WIDE.width}x${WIDE.height} viewport)` });
    }

    // 2. Tab through the page, recording focused styles.
    const seen = [];
    if (first) {
      await page.evaluate(captureFocusedStyle, 0);
      seen.push(first);
    }
    let wrapped = false;
    for (let i = 1; i <= MAX_TABS && first; i++) {
      await page.keyboard.press('Tab');
      await settle();
      const info = await page.evaluate(focusInfo);
      if (!info) { wrapped = true; break; } // focus left the document: the end
      const again = await page.evaluate(() => (window.__a11yFocus || []).some((r) => r && r.el === document.activeElement));
      if (again) { wrapped = true; break; }
      await page.evaluate(captureFocusedStyle, seen.length);
      seen.push(info);
      if (!anyPartVisible(info)) {
        problems.push({ kind: 'keyboard', text: `Tab ${i + 1} focused ${info.selector} ("${info.text}"), which cannot be seen (box ${JSON.stringify(info.box)})` });
      }
    }
    if (!wrapped && first) notes.push(`stopped after ${MAX_TABS + 1} Tab presses`);
    const styles = await page.evaluate(compareFocusStyles);
    for (const s of styles) {
      if (s.reasons.length === 0) {
        const info = seen[s.index];
        problems.push({ kind: 'keyboard', text: `no visible focus indicator on ${info.selector} ("${info.text}") (Tab ${s.index + 1})` });
      }
    }
    notes.push(`${seen.length} element(s) reached with Tab`);

    // 3. Following the skip link moves the focus into <main>.
    if (first && skip.ok) {
      await page.goto(origin + '/', { waitUntil: 'load', timeout: NAV_TIMEOUT });
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await settle();
      const hash = await page.evaluate(() => location.hash);
      const mainHasFocusable = await page.evaluate(() => {
        const main = document.querySelector('main, [role="main"]');
        return !!main.querySelector('a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"]), summary, details');
      });
      if (hash !== `#${skip.id}` && decodeURIComponent(hash) !== `#${skip.id}`) {
        problems.push({ kind: 'keyboard', text: `pressing Enter on the skip link did not go to #${skip.id} (location.hash is "${hash}")` });
      } else if (mainHasFocusable) {
        await page.keyboard.press('Tab');
        const inMain = await page.evaluate(() => {
          const main = document.querySelector('main, [role="main"]');
          return main.contains(document.activeElement);
        });
        if (!inMain) {
          const info = await page.evaluate(focusInfo);
          problems.push({ kind: 'keyboard', text: `after following the skip link, Tab focused ${info ? info.selector : 'nothing'}, outside <main>` });
        }
      }
    }
  } finally {
    await context.close();
  }
  return { problems, notes };
}

async function takeScreenshots(browser, origin, shots, dir) {
  await fsp.mkdir(dir, { recursive: true });
  const written = [];
  const errors = [];
  for (const shot of shots) {
    for (const width of [375, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, serviceWorkers: 'block' });
      await context.route('**/*', (route) => (isLocal(route.request().url(), origin) ? route.continue() : route.abort('blockedbyclient')));
      try {
        const page = await context.newPage();
        const res = await page.goto(origin + shot, { waitUntil: 'load', timeout: NAV_TIMEOUT });
        if (!res || res.status() !== 200) errors.push(`screenshot ${shot} at ${width}px: status ${res ? res.status() : 'none'}`);
        const name = (shot.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'home') + `-${width}.png`;
        const file = path.join(dir, name);
        await page.screenshot({ path: file, fullPage: true, type: 'png' });
        written.push(file);
      } catch (e) {
        errors.push(`screenshot ${shot} at ${width}px: ${e.message.split('\n')[0]}`);
      } finally {
        await context.close();
      }
    }
  }
  // One failure per path asked for, however many widths failed.
  const failedShots = new Set(errors.map((e) => e.split(' ')[1]));
  return { written, errors, failedShots: failedShots.size };
}

// ------------------------------------------------------------------ report

function formatProblem(p) {
  switch (p.kind) {
    case 'axe': {
      const lines = [`axe ${p.id} (${p.impact}): ${p.help}  ${p.helpUrl || ''}`.trimEnd()];
      for (const t of p.targets.slice(0, 5)) lines.push(`    at ${t.target}${t.summary ? ` — ${t.summary}` : ''}`);
      if (p.targets.length > 5) lines.push(`    ... and ${p.targets.length - 5} more`);
      return lines.join('\n');
    }
    case 'overflow': {
      const lines = [`reflow: at ${NARROW.width}px wide the page scrolls sideways (scrollWidth ${p.scrollWidth} > innerWidth ${p.innerWidth})`];
      if (p.offenders.length === 0) lines.push('    no single element found (pseudo-element or margin?)');
      for (const o of p.offenders) lines.push(`    widest: ${o.selector} (${o.width}px wide, right edge at ${o.right}px): ${o.html}`);
      return lines.join('\n');
    }
    default:
      return `${p.kind}: ${p.text}`;
  }
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

// -------------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let st;
  try {
    st = await fsp.stat(opts.site);
  } catch {
    usage(`no such folder: ${opts.site}`);
  }
  if (!st.isDirectory()) usage(`not a folder: ${opts.site}`);

  if (opts.serve) {
    const { origin, root } = await startServer(opts.site, opts.port || 0);
    console.log(`serving ${root} at ${origin}/ (Ctrl-C to stop)`);
    return;
  }

  let chromium;
  let axeSource;
  try {
    ({ chromium } = require('playwright-core'));
    axeSource = await fsp.readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch (e) {
    console.error(`a11y: cannot load playwright-core or axe-core (run "npm ci" in tests/browser): ${e.message}`);
    process.exit(2);
  }

  const { server, origin, root } = await startServer(opts.site);
  const pages = await findPages(root);
  console.log(`a11y: serving ${root} at ${origin}; ${pages.length} page(s); ${JOBS} at a time`);

  let browser;
  try {
    if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} does not exist (apt-get install chromium)`);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    console.error(`a11y: the browser could not start: ${e.message.split('\n').slice(0, 6).join('\n')}`);
    server.close();
    process.exit(2);
  }
  console.log(`a11y: ${CHROMIUM_PATH} ${browser.version()}, axe-core ${require('axe-core/package.json').version}`);

  let failed = 0;
  let passed = 0;
  let otherErrors = 0;
  const t0 = Date.now();
  try {
    if (pages.length === 0) {
      console.log(`FAIL no pages (index.html or 404.html) found under ${root}`);
      otherErrors++;
    }
    const homeIndex = pages.findIndex((p) => p.url === '/');
    if (pages.length && homeIndex < 0) {
      console.log('FAIL no home page (index.html at the top of the site): keyboard check not run');
      otherErrors++;
    }

    const results = await pool(pages, JOBS, async (p) => {
      let r;
      try {
        r = await checkPage(browser, origin, p, axeSource);
      } catch (e) {
        r = { url: p.url, file: p.file, problems: [{ kind: 'error', text: e.message.split('\n')[0] }], notes: [], axeMs: 0, totalMs: 0 };
      }
      if (p.url === '/') {
        try {
          const k = await keyboardCheck(browser, origin);
          r.problems.push(...k.problems);
          r.notes.push(...k.notes);
        } catch (e) {
          r.problems.push({ kind: 'keyboard', text: `keyboard check failed to run: ${e.message.split('\n')[0]}` });
        }
      }
      const ok = r.problems.length === 0;
      const timing = `axe ${(r.axeMs / 1000).toFixed(2)}s, page ${(r.totalMs / 1000).toFixed(2)}s`;
      const counts = {};
      for (const x of r.problems) counts[x.kind] = (counts[x.kind] || 0) + 1;
      const summary = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
      const lines = [`${ok ? 'ok  ' : 'FAIL'} ${r.url} (${timing})${ok ? '' : ': ' + summary}`];
      for (const x of r.problems) lines.push('  ' + formatProblem(x).replace(/\n/g, '\n  '));
      if (process.env.A11Y_VERBOSE) for (const n of r.notes) lines.push(`  note: ${n}`);
      console.log(lines.join('\n'));
      return r;
    });
    for (const r of results) (r.problems.length ? failed++ : passed++);
    const axeTotal = results.reduce((s, r) => s + r.axeMs, 0);
    if (results.length) {
      console.log(`a11y: axe took ${(axeTotal / results.length / 1000).toFixed(2)}s a page on average; all checks ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }

    if (opts.shotsDir) {
      const { written, errors, failedShots } = await takeScreenshots(browser, origin, opts.shots, opts.shotsDir);
      for (const f of written) console.log(`screenshot: ${f}`);
      for (const e of errors) console.log(`FAIL ${e}`);
      otherErrors += failedShots;
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  console.log(`a11y: ${passed} passed, ${failed + otherErrors} failed`);
  process.exit(failed || otherErrors ? 1 : 0);
}

main().catch((e) => {
  console.error(`a11y: ${e.stack || e}`);
  process.exit(2);
});
