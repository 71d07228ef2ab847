#!/usr/bin/env node
// Runs a built site's search page in Debian's Chromium and checks that it finds a known page.
//
//   node tests/browser/search.mjs <site-dir> [--query TEXT] [--expect TEXT] [--from-disk]
//
// Defaults: --query "RAY rating" --expect "Action 1.4" (an action of the shipped plan,
// content/plans/2022-ilacs/01-mash.yaml). With --from-disk the page is opened as a file
// (file://), as a site built with --relative is read from a shared drive; otherwise the
// site is served on 127.0.0.1.
//
// Checks:
//   - without JavaScript the page explains what to do and links to the lists; the form
//     stays hidden;
//   - with JavaScript the search box has an accessible name, typing the query and pressing
//     Enter announces a count in a polite live region and lists a link to the expected
//     page with its kind, and that link opens the page; the count's noun agrees with it
//     ("1 result", "3 results": the plural form the page's language chooses);
//   - the address ?q=<query> shows the same results;
//   - axe-core finds no WCAG A/AA problem on the page with results shown;
//   - no request leaves the site.
//
// Exit status: 0 passed; 1 a check failed; 2 the checks could not run.
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const TIMEOUT = 15_000;

function usage(msg) {
  if (msg) console.error(`search: ${msg}`);
  console.error('usage: node tests/browser/search.mjs <site-dir> [--query TEXT] [--expect TEXT] [--from-disk]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { site: null, query: 'RAY rating', expect: 'Action 1.4', fromDisk: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--query') opts.query = value();
    else if (a === '--expect') opts.expect = value();
    else if (a === '--from-disk') opts.fromDisk = true;
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site === null) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.site === null) usage('no site folder given');
  return opts;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

// A small static server: folders serve their index.html; nothing outside the site.
async function serve(root) {
  const server = http.createServer(async (req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(root, '.' + rel);
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

function searchUrl(base, fromDisk) {
  return fromDisk ? new URL('search/index.html', base).href : new URL('search/', base).href;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = await fsp.realpath(opts.site).catch(() => usage(`no such folder: ${opts.site}`));
  if (!fs.existsSync(path.join(root, 'search', 'index.html'))) usage(`no search page in ${root}`);
  let chromium;
  let axeSource;
  try {
    ({ chromium } = require('playwright-core'));
    axeSource = await fsp.readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch (e) {
    console.error(`search: cannot load playwright-core or axe-core (run "npm ci" in tests/browser): ${e.message}`);
    process.exit(2);
  }
  let served = null;
  let base;
  if (opts.fromDisk) {
    base = pathToFileURL(root + path.sep).href;
  } else {
    served = await serve(root);
    base = served.origin + '/';
  }
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    console.error(`search: the browser could not start: ${e.message.split('\n')[0]}`);
    served?.server.close();
    process.exit(2);
  }
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const local = (url) => url.startsWith(base) || /^(data|blob|about):/.test(url);
  try {
    await withoutJavaScript(browser, opts, base, check);
    await withJavaScript(browser, opts, base, check, local, axeSource);
  } catch (e) {
    check(false, `the checks stopped: ${e.message.split('\n')[0]}`);
  } finally {
    await browser.close().catch(() => {});
    served?.server.close();
  }
  console.log(`search: ${failures.length === 0 ? 'passed' : `${failures.length} check(s) failed`} (query "${opts.query}", ${opts.fromDisk ? 'from disk' : 'served'})`);
  process.exit(failures.length ? 1 : 0);
}

async function withoutJavaScript(browser, opts, base, check) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(searchUrl(base, opts.fromDisk), { timeout: TIMEOUT });
    const nojs = page.locator('[data-search-nojs]');
    check(await nojs.isVisible(), 'without JavaScript: the page explains what to do');
    check((await nojs.locator('a').count()) >= 3, 'without JavaScript: it links to the lists');
    check(!(await page.locator('form[role=search]').isVisible()), 'without JavaScript: the form that needs it is hidden');
  } finally {
    await context.close();
  }
}

async function withJavaScript(browser, opts, base, check, local, axeSource) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(searchUrl(base, opts.fromDisk), { timeout: TIMEOUT });
    const box = page.getByRole('searchbox', { name: /search/i });
    check(await box.isVisible(), 'the search box is shown, with an accessible name');
    check(!(await page.locator('[data-search-nojs]').isVisible()), 'the no-JavaScript text is hidden');
    const status = page.locator('#search-status');
    check((await status.getAttribute('aria-live')) === 'polite', 'results are announced politely');

    await box.focus();
    await page.keyboard.type(opts.query);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /result/i.test(document.getElementById('search-status').textContent), null, { timeout: TIMEOUT });
    const said = (await status.textContent()).trim();
    check(/^\d+ results? for/.test(said), `the status says how many were found: "${said}"`);
    const counted = said.match(/^(\d+) (results?) for/);
    check(counted && (counted[1] === '1') === (counted[2] === 'result'), `the count takes its plural form (Intl.PluralRules for the page's lang): "${said}"`);
    const hit = page.locator('#search-results li', { hasText: opts.expect }).first();
    check((await hit.count()) === 1, `a result for "${opts.query}" is ${opts.expect}`);
    if (await hit.count()) {
      const kind = (await hit.locator('.search__kind').textContent()).trim();
      check(kind.length > 0, `the result says its kind: "${kind}"`);
      const axe = await runAxe(page, axeSource);
      check(axe.length === 0, `axe finds no problem with results shown${axe.length ? ': ' + axe.join('; ') : ''}`);
      const link = hit.locator('a').first();
      const [response] = await Promise.all([
        page.waitForNavigation({ timeout: TIMEOUT }).catch(() => null),
        link.click(),
      ]);
      const heading = (await page.locator('h1').first().textContent()).trim();
      check((response === null || response.ok()) && (heading.startsWith(opts.expect) || opts.expect.startsWith(heading)), `the result opens the page "${heading}"`);
    }

    const q = new URL(searchUrl(base, opts.fromDisk));
    q.searchParams.set('q', opts.query);
    await page.goto(q.href, { timeout: TIMEOUT });
    await page.waitForFunction(() => /result/i.test(document.getElementById('search-status').textContent), null, { timeout: TIMEOUT });
    check((await page.locator('#search-results li', { hasText: opts.expect }).count()) >= 1, 'the address ?q=... shows the same results');
    check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join('; ') : ''}`);
    check(outside.length === 0, `no request leaves the site${outside.length ? ': ' + outside.join(', ') : ''}`);
  } finally {
    await context.close();
  }
}

async function runAxe(page, axeSource) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, AXE_TAGS);
}

main().catch((e) => {
  console.error(`search: ${e.stack || e}`);
  process.exit(2);
});
