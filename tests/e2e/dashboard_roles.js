// Browser test of what the dashboard shows a role that may not read a page, against a `dangol
// serve` whose store has users: an agent who opens the tiers page by its address, and an analyst
// on a customer card (the points balance is for managers), see the refusal in the page's language
// (the vocabulary's "forbidden" labels), never the server's English message; the analyst's card
// still shows the tier and the coupons, each code cut to its first symbols. The agent opens the
// ticket queue, the one page of the navigation, and sees the tickets of their own customers
// (OWN, comma-separated) and no other, as the API lists them. Screenshots go to
// ARTIFACT_DIR/dashboard-forbidden-*.png and dashboard-agent-tickets-*.png.
// Prints "pass NAME" / "fail NAME" lines.
// usage: node dashboard_roles.js URL ARTIFACT_DIR AGENT ANALYST PASSWORD CUSTOMER OWN
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(root, 'web/node_modules/playwright-core'));

const [url, artifacts, agent, analyst, password, customer, own] = process.argv.slice(2);
const ownCustomers = new Set((own || '').split(',').filter(Boolean));
const results = [];
const check = (label, ok, detail) =>
  results.push(ok ? `pass ${label}` : `fail ${label}${detail ? `: ${String(detail).slice(0, 300)}` : ''}`);

const EXPECT = {
  ko: { page: '이 화면을 볼 권한이 없습니다. 관리자에게 권한을 요청하세요.', section: '이 정보를 볼 권한이 없습니다.' },
  en: { page: 'Your role may not see this page: ask an administrator for access.', section: 'Your role may not see this.' },
};

async function signIn(page, name) {
  await page.goto(`${url}/login.html`);
  const status = await page.evaluate(async ([n, p]) => (await fetch('/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: n, password: p }) })).status,
  [name, password]);
  if (status !== 200) throw new Error(`sign-in of ${name}: HTTP ${status}`);
}

async function open(page, hash, lang) {
  await page.evaluate(l => localStorage.setItem('dangol.lang', l), lang);
  await page.goto(`${url}/#${hash}`);
  await page.reload();
  await page.waitForFunction(() => ['ready', 'error'].includes((document.getElementById('view') || {}).dataset?.state),
    null, { timeout: 20000 });
  await page.waitForTimeout(200);
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangol-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    await signIn(page, agent);
    for (const lang of ['en', 'ko']) {
      await open(page, '/tiers', lang);
      const seen = await page.evaluate(() => ({ text: (document.querySelector('#view [data-forbidden]') || {}).textContent,
        title: document.getElementById('page-title').textContent, nav: [...document.querySelectorAll('#nav a')].map(a => a.dataset.page) }));
      await page.screenshot({ path: path.join(artifacts, `dashboard-forbidden-tiers-${lang}.png`) });
      check(`an agent on the tiers page is told the role may not see it (${lang})`, seen.text === EXPECT[lang].page && !seen.nav.includes('tiers'),
        JSON.stringify(seen));
      await open(page, '/tickets', lang);
      const board = await page.evaluate(async () => {
        const listed = kind => [...document.querySelectorAll(`#view [data-tickets=${kind}] tbody tr`)]
          .map(tr => tr.children[1].textContent);
        const api = async p => (await (await fetch(p)).json()).rows.map(r => r.customer_id);
        return { state: document.getElementById('view').dataset.state,
          nav: [...document.querySelectorAll('#nav a')].map(a => a.dataset.page),
          breached: listed('breached'), atRisk: listed('at_risk'),
          apiBreached: await api('/api/tickets/breached'), apiAll: await api('/api/tickets'),
          title: document.getElementById('page-title').textContent };
      });
      await page.screenshot({ path: path.join(artifacts, `dashboard-agent-tickets-${lang}.png`), fullPage: true });
      check(`an agent opens the ticket queue, the pages of their role only (${lang})`,
        board.state === 'ready' && board.nav.includes('tickets') && !board.nav.includes('voc') && !board.nav.includes('overview'),
        JSON.stringify({ state: board.state, nav: board.nav }));
      check(`the agent's board lists their own customers' breached tickets, as the API does for them (${lang})`,
        board.breached.length > 0 && board.breached.length === board.apiBreached.length &&
        board.breached.every(c => ownCustomers.has(c)) && board.apiAll.every(c => ownCustomers.has(c)),
        JSON.stringify({ breached: board.breached, api: board.apiBreached.length, own: [...ownCustomers] }));
      const own1 = [...ownCustomers][0];
      await open(page, `/customer/${own1}`, lang);
      const card = await page.evaluate(() => ({ state: document.getElementById('view').dataset.state,
        text: document.getElementById('view').innerText }));
      check(`an agent's card shows money in the store's currency, though the role cannot read the store's summary (${lang})`,
        card.state === 'ready' && card.text.includes('₩') && !/\d KRW/.test(card.text), card.text.slice(0, 400));
    }
    await context.clearCookies();
    await signIn(page, analyst);
    for (const lang of ['en', 'ko']) {
      await open(page, `/customer/${customer}`, lang);
      const seen = await page.evaluate(() => ({
        state: document.getElementById('view').dataset.state,
        points: (document.querySelector('#view [data-forbidden=points]') || {}).textContent,
        tier: !!document.querySelector('#view [data-card=tier] [data-tier]'),
        codes: [...document.querySelectorAll('#view [data-coupons=customer] tbody code')].map(c => c.textContent),
      }));
      await page.screenshot({ path: path.join(artifacts, `dashboard-forbidden-card-${lang}.png`), fullPage: true });
      check(`an analyst's card says the points are not theirs to see, and shows the tier (${lang})`,
        seen.state === 'ready' && seen.points === EXPECT[lang].section && seen.tier, JSON.stringify(seen));
      check(`an analyst's card shows the coupon codes cut (${lang})`, seen.codes.length > 0 && seen.codes.every(c => /^[2-9A-Z]{3}\*{8}$/.test(c)),
        seen.codes.join());
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => { console.log(results.join('\n')); },
  err => { console.log(results.join('\n')); console.log(`fail roles browser run: ${err.message.split('\n')[0]}`); });
