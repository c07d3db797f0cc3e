// Browser test of the dashboard: Debian's chromium driven by playwright-core (from web/node_modules)
// against a running `dangol serve`. Every page in the navigation (and the customer card) must load
// with no console errors, reach its ready state, and every chart on it must hold data; a screenshot
// of each page, in English and Korean, goes to tests/artifacts/. Prints "pass NAME" / "fail NAME"
// lines for tests/e2e/lib.sh's accounting.
// usage: node browser.js URL ARTIFACT_DIR
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(root, 'web/node_modules/playwright-core'));

const [url, artifacts] = process.argv.slice(2);
const results = [];
const pass = name => results.push(`pass ${name}`);
const fail = (name, detail) => results.push(`fail ${name}${detail ? `: ${String(detail).split('\n')[0].slice(0, 300)}` : ''}`);

async function visit(page, errors, hash, name, lang) {
  errors.length = 0;
  await page.goto(`${url}/#${hash}`);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('view').dataset.state) &&
    location.hash !== '', null, { timeout: 20000 });
  // charts do not animate under automation (navigator.webdriver); let the last frame paint
  await page.waitForTimeout(300);
  const viewState = await page.$eval('#view', v => v.dataset.state);
  const charts = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll('#view .chart, #view .spark')];
    return boxes.map(el => {
      const chart = echarts.getInstanceByDom(el);
      if (!chart) return { ok: false, why: 'no chart instance' };
      const series = chart.getOption().series || [];
      const points = series.reduce((n, s) => n + (Array.isArray(s.data) ? s.data.filter(d => d !== null && d !== undefined).length
        : s.data ? 1 : (s.links || []).length), 0);
      return { ok: series.length > 0 && points > 0, why: `${series.length} series, ${points} points` };
    });
  });
  await page.screenshot({ path: path.join(artifacts, `dashboard-${name}-${lang}.png`), fullPage: true });
  const label = `${name} (${lang})`;
  if (viewState === 'ready') pass(`${label} loads`);
  else fail(`${label} loads`, await page.$eval('#view', v => v.textContent));
  if (errors.length === 0) pass(`${label} has no console errors`);
  else fail(`${label} has no console errors`, errors.join(' | '));
  const empty = charts.filter(c => !c.ok);
  if (empty.length === 0) pass(`${label} charts hold data (${charts.length})`);
  else fail(`${label} charts hold data`, empty.map(c => c.why).join(', '));
  return charts.length;
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangol-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const errors = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(e.message));
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));

    for (const lang of ['en', 'ko']) {
      // switch with the language toggle, as a user would
      await page.goto(`${url}/#/overview`);
      await page.waitForSelector('#nav a');
      await page.click(`.lang button[data-lang=${lang}]`);
      await page.waitForFunction(l => document.documentElement.lang === l, lang);
      const pages = await page.$$eval('#nav a', as => as.map(a => a.dataset.page));
      if (lang === 'en') {
        if (pages.includes('overview') && pages.includes('customers')) pass(`navigation lists the pages (${pages.join(', ')})`);
        else fail('navigation lists the pages', pages.join(', '));
      }
      for (const p of pages)
        await visit(page, errors, `/${p}`, p, lang);
      // the customer card of the first customer in the list
      await visit(page, errors, '/customers', 'customers', lang);
      const first = await page.$('#view table.data tbody tr.link');
      if (!first) { fail(`customer list (${lang}) has rows`); continue; }
      errors.length = 0;
      await first.click();
      await page.waitForFunction(() => location.hash.startsWith('#/customer/'));
      await visit(page, errors, decodeURI(await page.evaluate(() => location.hash.slice(1))), 'customer-card', lang);
      const heading = await page.$eval('#view', v => v.textContent);
      const expect = lang === 'ko' ? '프로필' : 'Profile';
      if (heading.includes(expect)) pass(`customer card (${lang}) shows the profile`);
      else fail(`customer card (${lang}) shows the profile`);
    }
    await page.click('.lang button[data-lang=en]');
    // a pivot with column dimensions and subtotals
    await visit(page, errors, '/pivot?rows=region&cols=channel&measure=orders&totals=rollup', 'pivot-region-channel', 'en');
    // search narrows the list
    errors.length = 0;
    await visit(page, errors, '/customers?q=C0000001', 'customers-search', 'en');
    const ids = await page.$$eval('#view tbody tr td:first-child', tds => tds.map(td => td.textContent));
    if (ids.length > 0 && ids.every(id => id.includes('C0000001'))) pass('search narrows the customer list');
    else fail('search narrows the customer list', ids.join(','));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => { console.log(results.join('\n')); },
  err => { console.log(results.join('\n')); console.log(`fail browser run: ${err.message.split('\n')[0]}`); });
