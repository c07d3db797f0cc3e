// Browser test of the dashboard: Debian's chromium driven by playwright-core (from web/node_modules)
// against a running `dangol serve`. Every page in the navigation (and the customer card) must load
// with no console errors, reach its ready state, and every chart on it must hold data; a screenshot
// of each page, in English and Korean, goes to tests/artifacts/; a Korean page shows no English
// word (englishWords). Prints "pass NAME" / "fail NAME"
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
      // a Sankey holds data when it has flows: its nodes alone are not enough
      const points = series.reduce((n, s) => n + (s.type === 'sankey' ? (s.links || []).filter(l => l.value > 0).length
        : Array.isArray(s.data) ? s.data.filter(d => d !== null && d !== undefined).length : s.data ? 1 : 0), 0);
      // a heatmap must show its cells' figure (the third value, the one written in the cell) as
      // colour: one flat colour (a scale over the wrong dimension, or a range the values miss)
      // tells the user nothing, and a larger figure is never lighter than a smaller one
      const lightness = fill => {
        const m = String(fill).match(/\d+(\.\d+)?/g) || [];
        return m.length >= 3 ? 0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2] : NaN;
      };
      const flat = series.map((s, i) => {
        if (s.type !== 'heatmap') return null;
        const data = chart.getModel().getSeriesByIndex(i).getData();
        const cells = [];
        for (let j = 0; j < data.count(); j++)
          cells.push({ v: data.get(data.mapDimension('value'), j), fill: String((data.getItemVisual(j, 'style') || {}).fill) });
        const fills = new Set(cells.map(c => c.fill)), values = new Set(cells.map(c => c.v));
        if (values.size > 1 && fills.size < 2) return `heatmap ${i}: ${cells.length} cells in one colour`;
        cells.sort((a, b) => a.v - b.v);
        for (let j = 1; j < cells.length; j++)
          if (cells[j].v > cells[j - 1].v && lightness(cells[j].fill) > lightness(cells[j - 1].fill) + 1)
            return `heatmap ${i}: ${cells[j].v} is lighter (${cells[j].fill}) than ${cells[j - 1].v} (${cells[j - 1].fill})`;
        return null;
      }).filter(Boolean);
      return { ok: series.length > 0 && points > 0 && !flat.length, why: flat.length ? flat.join('; ') : `${series.length} series, ${points} points` };
    });
  });
  await page.screenshot({ path: path.join(artifacts, `dashboard-${name}-${lang}.png`), fullPage: true });
  const label = `${name} (${lang})`;
  if (lang === 'ko') {
    const words = await englishWords(page);
    if (words.length === 0) pass(`${label} has no English words`);
    else fail(`${label} has no English words`, words.join(', '));
  }
  if (viewState === 'ready') pass(`${label} loads`);
  else fail(`${label} loads`, await page.$eval('#view', v => v.textContent));
  if (errors.length === 0) pass(`${label} has no console errors`);
  else fail(`${label} has no console errors`, errors.join(' | '));
  const empty = charts.filter(c => !c.ok);
  if (empty.length === 0) pass(`${label} charts hold data, heatmaps in several colours (${charts.length})`);
  else fail(`${label} charts hold data`, empty.map(c => c.why).join(', '));
  return charts.length;
}

/* Words of two or more Latin letters a user reads on the page (its text, its controls' options
   and placeholders, and the text drawn in its charts: series, axis, legend and item names),
   outside the customer's own data (elements marked data-raw) and a short list of names that stay
   as they are in Korean. A Korean page with any left is not translated. */
const KEEP_IN_KOREAN = new Set(['dangol', 'English', 'RFM', 'NPS', 'CLV', 'KRW', 'SMS', 'SNS', 'BG', 'NBD', 'MBG', 'BB',
  'Pareto', 'Gamma', 'CSAT', 'VIP', 'AUC', 'PR', 'XGBoost', 'SLA']);
  // VIP: the top tier's Korean name too (tier vip); AUC, PR-AUC, XGBoost: names of methods; SLA as
  // Korean service desks write it
async function englishWords(page) {
  const texts = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el.closest('[data-raw], script, style') || !el.getClientRects().length) continue;
      out.push(n.textContent);
    }
    document.querySelectorAll('input[placeholder]').forEach(i => out.push(i.placeholder));
    document.querySelectorAll('#view .chart, #view .spark').forEach(el => {
      const chart = echarts.getInstanceByDom(el);
      if (!chart) return;
      const o = chart.getOption();
      for (const axis of [].concat(o.xAxis || [], o.yAxis || []))
        out.push(axis.name || '', ...(axis.data || []).map(d => String(d && d.value !== undefined ? d.value : d)));
      for (const s of o.series || []) {
        out.push(s.name || '');
        for (const d of s.data || []) if (d && typeof d === 'object' && d.name) out.push(d.name);
      }
      for (const l of o.legend || []) out.push(...(l.data || []).map(d => String(d.name || d)));
    });
    return out;
  });
  const words = new Set();
  for (const text of texts)
    for (const w of text.match(/[A-Za-z]{2,}/g) || [])
      if (!KEEP_IN_KOREAN.has(w)) words.add(w);
  return [...words].slice(0, 20);
}

/* The ticket queue, VOC trends and recovery pages show what their routes answer: the breached
   and at-risk lists row for row, the weekly chart's tickets summing to the total, and the
   recovery groups with their rates and intervals, in the page's language. */
async function checkVocPages(page, errors, lang) {
  const check = (name, ok, detail) => (ok ? pass(`${name} (${lang})`) : fail(`${name} (${lang})`, detail));
  const fmtPct = v => `${(v * 100).toFixed(1)}%`;
  await visit(page, errors, '/tickets', 'tickets', lang);
  let shown = await page.evaluate(async () => {
    const asOf = document.getElementById('as-of').value;
    const api = p => fetch(`${p}?as_of=${asOf}`).then(r => r.json());
    const ids = sel => [...document.querySelectorAll(`#view table[data-tickets=${sel}] tbody tr td:first-child`)].map(td => td.textContent);
    return { breached: ids('breached'), atRisk: ids('at_risk'), apiBreached: (await api('/api/tickets/breached')).rows.map(r => String(r.ticket)),
      apiAtRisk: (await api('/api/tickets/at-risk')).rows.map(r => String(r.ticket)),
      states: [...document.querySelectorAll('#view table[data-tickets] tbody tr td:nth-child(5)')].map(td => td.textContent) };
  });
  check('ticket board lists the breached tickets of /api/tickets/breached', shown.breached.length > 0 &&
    shown.breached.join() === shown.apiBreached.join(), `${shown.breached.length} shown, ${shown.apiBreached.length} listed`);
  check('ticket board lists the at-risk tickets of /api/tickets/at-risk', shown.atRisk.length > 0 &&
    shown.atRisk.join() === shown.apiAtRisk.join(), `${shown.atRisk.join()} / ${shown.apiAtRisk.join()}`);
  check('ticket states are named in the language', shown.states.every(s => (lang === 'ko' ? /[가-힣]/ : /^[A-Z]/).test(s)), shown.states.slice(0, 5).join());
  await visit(page, errors, '/voc', 'voc', lang);
  shown = await page.evaluate(async () => {
    const asOf = document.getElementById('as-of').value;
    const stats = await fetch(`/api/voc/stats?as_of=${asOf}`).then(r => r.json());
    const week = window.dangol.CHARTS[0].getOption().series[0].data;
    return { total: stats[0].rows[0].tickets, weeks: week.reduce((a, b) => a + b, 0),
      kpi: document.querySelector('#view [data-kpi=voc_tickets] .value').textContent,
      terms: document.querySelectorAll('#view table[data-voc=terms] tbody tr').length };
  });
  check('VOC trends: the weeks add up to the tickets', shown.total > 0 && shown.weeks === shown.total &&
    shown.kpi.replace(/,/g, '') === String(shown.total), JSON.stringify(shown));
  check('VOC trends: terms per category are listed', shown.terms > 0, JSON.stringify(shown));
  await visit(page, errors, '/recovery', 'recovery', lang);
  shown = await page.evaluate(async () => {
    const asOf = document.getElementById('as-of').value;
    const api = (await fetch(`/api/voc/recovery?as_of=${asOf}&window=90`).then(r => r.json())).rows;
    const rows = [...document.querySelectorAll('#view table[data-recovery=groups] tbody tr')].map(tr => [...tr.children].map(td => td.textContent));
    return { api, rows };
  });
  const named = { en: ['Resolved within SLA', 'Resolved late', 'Unresolved', 'No complaint'], ko: ['기한 내 해결', '기한 초과 해결', '미해결', '불만 없음'] }[lang];
  check('recovery outcomes: four groups with the rates and intervals of /api/voc/recovery', shown.rows.length === 4 &&
    shown.rows.every((r, i) => r[0] === named[i] && (shown.api[i].repurchase_rate == null ? r[3] === '–'
      : r[3] === fmtPct(shown.api[i].repurchase_rate) && r[4] === `${fmtPct(shown.api[i].ci_low)} – ${fmtPct(shown.api[i].ci_high)}`)) &&
    shown.api.filter(g => g.customers > 0).length >= 3, JSON.stringify(shown.rows));
}

/* The staff page's service-profit chain: one row per measure of /api/staff/chain with its r, the
   sites' table, the scatter of staff satisfaction against NPS, and the caveat in the language. */
async function checkStaffChain(page, errors, lang) {
  const check = (name, ok, detail) => (ok ? pass(`${name} (${lang})`) : fail(`${name} (${lang})`, detail));
  await visit(page, errors, '/staff', 'staff-chain', lang);
  const shown = await page.evaluate(async () => {
    const asOf = document.getElementById('as-of').value;
    const [sites, corr] = await fetch(`/api/staff/chain?as_of=${asOf}`).then(r => r.json());
    const cells = [...document.querySelectorAll('#view table[data-chain=correlations] tbody tr')].map(tr => tr.cells[2].textContent);
    return { r: corr.rows.map(x => x.r), cells, sites: sites.rows.length,
      shownSites: document.querySelectorAll('#view table[data-chain=sites] tbody tr').length,
      caveat: (document.querySelector('#view [data-note=staff_chain_caveat]') || {}).textContent || '' };
  });
  check('staff page shows the chain: r of /api/staff/chain per measure', shown.cells.length === 3 &&
    shown.r.every((r, i) => (r == null ? shown.cells[i] === '–' : shown.cells[i].startsWith(r.toFixed(2)))) &&
    shown.r[0] != null, JSON.stringify(shown));
  check('staff page lists the chain\'s sites', shown.sites > 0 && shown.shownSites === shown.sites, JSON.stringify(shown));
  check('staff page says a correlation is not a cause', lang === 'ko' ? shown.caveat.includes('인과관계가 아닙니다')
    : shown.caveat.includes('not a cause'), shown.caveat);
}

/* The customer card's type control: a type chosen and saved is the card's type once drawn again;
   a type changed by someone else since the card was read is a 409 the card says, not overwritten. */
async function checkCardType(page, lang) {
  const check = (name, ok, detail) => (ok ? pass(`${name} (${lang})`) : fail(`${name} (${lang})`, detail));
  if (!await page.$('#view [data-card=type] select')) { fail(`customer card (${lang}) has the type control`); return; }
  const want = lang === 'ko' ? 'talkative' : 'impatient';
  await page.selectOption('#view [data-card=type] select', want);
  await page.click('#view [data-card=type] [data-type-save]');
  await page.waitForFunction(w => { const s = document.querySelector('#view [data-card=type] select');
    return s && !document.querySelector('#view [data-type-save][disabled]') && s.value === w; }, want, { timeout: 10000 }).catch(() => null);
  const stored = await page.evaluate(async () => {
    const id = decodeURIComponent(location.hash.split('/')[2]);
    const card = await fetch(`/api/customers/${encodeURIComponent(id)}/card`).then(r => r.json());
    return card[0].rows.find(r => r.field === 'customer_type').value;
  });
  check('customer card sets the type through the control', stored === want, stored);
  // someone else changes it meanwhile: the save is refused (409) and said in the language
  await page.evaluate(async () => {
    const id = decodeURIComponent(location.hash.split('/')[2]);
    const session = await fetch('/api/session').then(r => r.json());
    await fetch(`/api/customers/${encodeURIComponent(id)}/type`, { method: 'POST', headers: { 'Content-Type': 'application/json',
      'X-CSRF-Token': session.csrf_token || '' }, body: JSON.stringify({ type: 'reticent' }) });
  });
  await page.selectOption('#view [data-card=type] select', 'careful');
  await page.click('#view [data-card=type] [data-type-save]');
  await page.waitForSelector('#view [data-type-message=conflict]', { timeout: 10000 }).catch(() => null);
  const said = await page.$eval('#view [data-type-message]', e => e.textContent).catch(() => '');
  check('customer card says a concurrent type change (409)', lang === 'ko' ? said.includes('다른 사람이') : said.includes('Someone changed'), said);
  await page.screenshot({ path: path.join(artifacts, `dashboard-customer-type-${lang}.png`), fullPage: true });
  if (lang === 'ko') {
    const words = await englishWords(page);
    check('customer card with the type control has no English words', words.length === 0, words.join(', '));
  }
}

/* Clicks SELECTOR and waits until the click has moved the hash and the view has redrawn (the
   old view's table is gone). */
async function clickAndWait(page, selector) {
  const before = await page.evaluate(() => {
    document.querySelectorAll('#view table').forEach(t => { t.dataset.old = '1'; });
    return location.hash;
  });
  await page.click(selector);
  await page.waitForFunction(b => location.hash !== b && document.getElementById('view').dataset.state === 'ready' &&
    !document.querySelector('#view table[data-old]'), before, { timeout: 20000 });
  await page.waitForTimeout(200);
}

/* The ladder page's NPS and CSAT tables: one row per row of /api/loyalty?view=stages and
   ?view=segments, each group named (no raw code such as "(all)" or "Champions" in Korean). */
async function checkLoyaltyTables(page, errors, lang) {
  await visit(page, errors, '/ladder', 'ladder-loyalty', lang);
  for (const view of ['stages', 'segments']) {
    const key = view === 'stages' ? 'stage' : 'segment';
    const api = await page.evaluate(async v => (await (await fetch(`/api/loyalty?view=${v}`)).json()).rows, view);
    const shown = await page.$$eval(`#view table[data-loyalty=${key}] tbody tr`, trs => trs.map(tr => tr.cells[0].textContent));
    const raw = shown.filter(label => api.some(r => r[key] === label && (lang === 'ko' || ['(all)', '(not yet known)'].includes(label))));
    const name = `ladder shows NPS and CSAT by ${key} (${lang}): ${api.length} rows, every group named`;
    if (api.length > 1 && shown.length === api.length && raw.length === 0) pass(name);
    else fail(name, `${shown.length} rows shown for ${api.length}; raw: ${raw.join(', ')}`);
  }
}

/* The loyalty-programme pages against their API: the tiers page shows one row per tier of
   /api/tiers/distribution with its count, and its moved up + stayed + moved down add up to the
   migration matrix's customers; the points page's outstanding points are the liability's; the
   coupons page has one row per definition of /api/coupons, with the redemption rate of
   /api/coupons/rates; the campaigns page's uplift, group response rates and cost are those of
   /api/campaigns/ID/results; the customer card shows the tier, points and coupon sections. */
async function checkLoyaltyPages(page, errors, lang) {
  const check = (name, ok, detail) => (ok ? pass(`${name} (${lang})`) : fail(`${name} (${lang})`, detail));
  const fmt = v => v.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US');
  await visit(page, errors, '/tiers?from=2025-01-01&to=2025-12-31&by=segment', 'tiers-segment', lang);
  const tiers = await page.evaluate(async () => {
    const dist = await (await fetch(`/api/tiers/distribution?as_of=${document.getElementById('as-of').value}`)).json();
    const mig = await (await fetch('/api/tiers/migration?from=2025-01-01&to=2025-12-31')).json();
    const shown = [...document.querySelectorAll('#view table[data-tiers=distribution] tbody tr')].map(tr => [...tr.cells].map(c => c.textContent));
    const moves = [...document.querySelectorAll('#view [data-move] .value')].map(v => Number(v.textContent.replace(/[^\d]/g, '')));
    return { dist: dist.rows, migTotal: mig.rows.reduce((n, r) => n + r.total, 0), shown, moves };
  });
  check('tiers page shows every tier with its customers', tiers.shown.length === tiers.dist.length && tiers.dist.length > 1 &&
    tiers.dist.every((r, i) => tiers.shown[i][2] === fmt(r.customers) && tiers.shown[i][0] === (lang === 'ko' ? r.name_ko : r.name_en)),
  JSON.stringify(tiers.shown));
  check('tiers page: moved up + stayed + moved down = the migration matrix', tiers.moves.length === 3 &&
    tiers.moves.reduce((a, b) => a + b, 0) === tiers.migTotal && tiers.moves[0] > 0, `${tiers.moves} vs ${tiers.migTotal}`);
  await visit(page, errors, '/points', 'points', lang);
  const points = await page.evaluate(async () => {
    const tables = await (await fetch(`/api/points/liability?as_of=${document.getElementById('as-of').value}`)).json();
    const kpi = k => (document.querySelector(`#view [data-kpi=${k}] .value`) || {}).textContent;
    return { api: tables[0].rows, outstanding: kpi('outstanding'), exp90: kpi('expiring_90'),
      ageing: document.querySelectorAll('#view table[data-points=ageing] tbody tr').length, ages: tables[1].rows.length,
      breakage: document.querySelectorAll('#view table[data-points=breakage] tbody tr').length, years: tables[2].rows.length };
  });
  const measure = name => (points.api.find(r => r.measure === name) || {}).points;
  check('points page shows the outstanding points and those expiring within 90 days', measure('outstanding') > 0 &&
    points.outstanding === `${fmt(measure('outstanding'))} P` && points.exp90 === `${fmt(measure('expiring in 90 days'))} P`,
  JSON.stringify(points));
  check('points page shows every age bucket and expiry year', points.ageing === points.ages && points.ages > 0 &&
    points.breakage === points.years && points.years > 0, JSON.stringify(points));
  await visit(page, errors, '/coupons', 'coupons', lang);
  const coupons = await page.evaluate(async () => {
    const defs = (await (await fetch('/api/coupons')).json()).rows;
    const rates = (await (await fetch('/api/coupons/rates')).json()).rows;
    const rows = [...document.querySelectorAll('#view table[data-coupons=definitions] tbody tr')]
      .map(tr => ({ id: tr.dataset.definition, rate: tr.cells[7].textContent }));
    return { defs: defs.map(d => d.definition_id), rates, rows };
  });
  check('coupons page lists every definition with its redemption rate', coupons.rows.length === coupons.defs.length &&
    coupons.defs.length > 1 && coupons.rows.every(r => {
      const rate = coupons.rates.find(x => x.definition_id === r.id);
      return rate && (rate.redemption_rate == null ? r.rate === '–' : r.rate.startsWith(`${(rate.redemption_rate * 100).toFixed(1)}%`));
    }), JSON.stringify(coupons.rows));
  // the campaign results page: the uplift, the groups' response rates and the cost are the API's
  await visit(page, errors, '/campaigns', 'campaigns', lang);
  const campaign = await page.evaluate(async () => {
    const list = (await (await fetch('/api/campaigns')).json()).rows.filter(c => c.state === 'launched');
    const id = document.querySelector('#view [data-campaign].on').dataset.campaign;
    const res = await (await fetch(`/api/campaigns/${id}/results?as_of=${document.getElementById('as-of').value}`)).json();
    const text = sel => (document.querySelector(sel) || {}).textContent;
    return { launched: list.length, id, groups: res[0].rows, uplift: res[1].rows.find(r => r.measure === 'response_rate'), cost: res[2].rows[0],
      shownUplift: text('#view [data-kpi=uplift] .value'), shownCost: text('#view [data-cost=cost] td'),
      shownRates: [...document.querySelectorAll('#view table[data-campaigns=groups] tbody tr')].map(tr => [tr.dataset.group, tr.cells[3].textContent]),
      upliftRows: document.querySelectorAll('#view table[data-campaigns=uplift] tbody tr').length, apiUpliftRows: res[1].rows.length };
  });
  const pp = v => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} ${lang === 'ko' ? '%p' : 'pp'}`;
  const won = v => new Intl.NumberFormat(lang === 'ko' ? 'ko-KR' : 'en-US', { style: 'currency', currency: 'KRW' }).format(v);
  check('campaigns page shows the uplift in response rate with its interval', campaign.launched > 0 && campaign.uplift &&
    campaign.shownUplift === pp(campaign.uplift.estimate) && campaign.upliftRows === campaign.apiUpliftRows, JSON.stringify(campaign));
  check('campaigns page shows each group\'s response rate and the cost', campaign.shownRates.length === 2 &&
    campaign.shownRates.every(([g, text]) => text.startsWith(`${(campaign.groups.find(r => r.group === g).response_rate * 100).toFixed(1)}%`)) &&
    campaign.shownCost === won(campaign.cost.cost), JSON.stringify(campaign));
}

/* What the pivot explorer shows: its URL parameters, the controls' state and the table. */
function pivotView(page) {
  return page.evaluate(() => {
    const params = new URLSearchParams(location.hash.split('?')[1] || '');
    const table = document.querySelector('#view table.pivot');
    const rows = table ? [...table.querySelectorAll('tbody tr')] : [];
    return {
      hash: location.hash,
      rows: params.get('rows'), measure: params.get('measure'), drill: params.getAll('drill'),
      levels: [...document.querySelectorAll('[data-levels=rows] .chip')].map(c => c.textContent.replace('×', '').trim()),
      measures: [...document.querySelectorAll('[data-control=measure] button.on')].map(b => b.dataset.value),
      totals: (document.querySelector('[data-control=totals] button.on') || {}).dataset?.value,
      head: table ? [...table.querySelectorAll('thead tr:last-child th')].map(th => th.textContent) : [],
      labels: rows.filter(r => !r.classList.contains('total')).map(r => r.cells[0].textContent.replace('▸', '').trim()),
      totalRows: rows.filter(r => r.classList.contains('total')).length,
      grand: rows.filter(r => r.classList.contains('grand')).map(r => [...r.cells].map(c => c.textContent)),
      firstRow: rows.length ? [...rows[0].cells].map(c => c.textContent.replace('▸', '').trim()) : [],
      text: table ? table.innerText : '',
      crumbs: [...document.querySelectorAll('.crumbs [data-crumb]')].map(c => c.textContent),
    };
  });
}

/* A pivot with top leaves rows out: the note beneath the table says so in the page's language,
   with the counts of the API's note and as many detail rows as the table shows. */
async function checkTopNote(page, errors, lang) {
  await visit(page, errors, '/pivot?rows=region&measure=revenue&totals=rollup&top=3', 'pivot-top', lang);
  const seen = await page.evaluate(() => {
    const note = document.querySelector('#view table.pivot caption.notes .note');
    const rows = document.querySelectorAll('#view table.pivot tbody tr:not(.total)').length;
    return note ? { code: note.dataset.note, text: note.textContent, rows } : { rows };
  });
  const api = await page.evaluate(() => fetch('/api/cube?rows=region&measure=revenue&totals=rollup&top=3')
    .then(r => r.json()).then(j => (j.note_codes || [])[0] || {}));
  const p = api.params || {};
  const words = lang === 'ko' ? [`상위 ${p.top}개`, `${p.rows}개 행 중 ${p.shown}개`] : [`Top ${p.top} shows ${p.shown} of ${p.rows} rows`];
  const label = `pivot with top (${lang}) shows the note "${seen.text}"`;
  if (seen.code && seen.code === api.code && seen.code.startsWith('cube_top') && p.shown === seen.rows && p.rows > p.shown &&
      words.every(w => seen.text.includes(w))) pass(label);
  else fail(label, JSON.stringify({ seen, api }));
}

/* At 1,400 px wide (a laptop), a pivot with a column per quarter and a total column: the table
   is not cut by the page or a box around it (its Total column shows, or the box scrolls), and no
   header or row label wraps onto a second line. */
async function checkPivotFits(page, errors, lang) {
  await page.setViewportSize({ width: 1400, height: 900 });
  try {
    await visit(page, errors, '/pivot?rows=region&cols=quarter&measure=revenue&totals=rollup', 'pivot-1400', lang);
    const seen = await page.evaluate(() => {
      const table = document.querySelector('#view table.pivot');
      if (!table) return { problem: 'no pivot table' };
      const right = table.getBoundingClientRect().right;
      for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
        const style = getComputedStyle(el);
        const scrolls = ['auto', 'scroll'].includes(style.overflowX);
        if (!scrolls && style.overflowX !== 'visible' && right > el.getBoundingClientRect().right + 1)
          return { problem: `cut by ${el.tagName.toLowerCase()}.${el.className} (${Math.round(right)} px > ${Math.round(el.getBoundingClientRect().right)} px)` };
        if (scrolls) return { ok: true };   // a box that scrolls shows every column
      }
      if (right > document.documentElement.clientWidth + 1)
        return { problem: `wider than the page (${Math.round(right)} px > ${document.documentElement.clientWidth} px) with nothing to scroll it` };
      const range = document.createRange();
      for (const cell of table.querySelectorAll('thead th, tbody th, tbody td:first-child')) {
        range.selectNodeContents(cell);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) return { problem: `"${cell.textContent}" wraps onto ${lines.size} lines` };
      }
      return { ok: true };
    });
    const label = `pivot by quarter at 1,400 px (${lang}) is not cut and its labels do not wrap`;
    if (seen.ok) pass(label);
    else fail(label, seen.problem);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
}

/* The pivot explorer: several row levels survive a change of measure; drilling into a row changes
   the rows to the next level and keeps that row's figure as the grand total; the URL alone
   restores the view; the breadcrumb rolls back up; totals appear when asked for. */
async function checkPivot(page, errors) {
  const check = (name, ok, detail) => (ok ? pass(`pivot: ${name}`) : fail(`pivot: ${name}`, detail));
  const clickErrors = [];
  const click = async selector => { errors.length = 0; await clickAndWait(page, selector); clickErrors.push(...errors); };
  await visit(page, errors, '/pivot?rows=year,quarter,month&measure=revenue&totals=rollup', 'pivot-levels', 'en');
  let v = await pivotView(page);
  check('three row levels shown', v.levels.join('>') === 'Year>Quarter>Month' && v.head.slice(0, 3).join('>') === 'Year>Quarter>Month',
    `${v.levels} / ${v.head}`);
  check('subtotals and a grand total appear with totals=rollup', v.totalRows > 1 && v.grand.length === 1, `${v.totalRows} total rows`);
  await click('[data-control=measure] button[data-value=orders]');
  v = await pivotView(page);
  check('choosing a measure keeps the row levels', v.rows === 'year,quarter,month' && v.measure === 'revenue,orders' &&
    v.head.includes('Orders') && v.head.includes('Revenue'), `${v.hash} / ${v.head}`);

  await visit(page, errors, '/pivot?rows=year&measure=revenue&totals=rollup', 'pivot-years', 'en');
  const top = await pivotView(page);
  const year = top.firstRow[0];
  await click('table.pivot tbody tr.drill');
  v = await pivotView(page);
  check('drilling into a year shows its quarters', v.rows === 'quarter' && v.head[0] === 'Quarter' && v.labels.length > 0 &&
    v.labels.every(l => l.startsWith(`${year}-Q`)) && v.drill.length === 1, `${v.hash}: ${v.labels}`);
  check('the drilled-into year is the grand total', v.grand.length === 1 && v.grand[0][1] === top.firstRow[1],
    `${JSON.stringify(v.grand)} vs ${top.firstRow}`);
  const quarter = v.firstRow[0];
  await click('table.pivot tbody tr.drill');
  v = await pivotView(page);
  check('drilling into a quarter shows its months', v.rows === 'month' && v.labels.length > 0 && v.labels.length <= 3 &&
    v.labels.every(l => l.startsWith(year)) && v.drill.length === 2 && v.crumbs.length === 3, `${quarter}: ${v.labels} / ${v.crumbs}`);
  await page.screenshot({ path: path.join(artifacts, 'dashboard-pivot-drill-en.png'), fullPage: true });

  // the URL alone restores the view, in a fresh load
  const drilled = v;
  await page.goto(`${url}/#/overview`);
  await page.waitForFunction(() => document.getElementById('view').dataset.state === 'ready');
  await page.goto(`${url}/${drilled.hash}`);
  await page.reload();
  await page.waitForFunction(() => document.getElementById('view').dataset.state === 'ready');
  v = await pivotView(page);
  check('the URL round-trips the drilled view', v.text === drilled.text && v.levels.join() === drilled.levels.join() &&
    v.measures.join() === drilled.measures.join() && v.totals === drilled.totals && v.crumbs.join() === drilled.crumbs.join(),
  `${v.levels}/${drilled.levels} ${v.crumbs}/${drilled.crumbs}`);

  await click('.crumbs a[data-crumb="0"]');
  v = await pivotView(page);
  check('the breadcrumb rolls back up to the years', v.rows === 'year' && v.drill.length === 0 && v.text === top.text, v.hash);

  await visit(page, errors, '/pivot?rows=channel&cols=year&measure=orders&totals=none', 'pivot-none', 'en');
  v = await pivotView(page);
  check('no totals with totals=none', v.totalRows === 0 && !v.head.includes('Total'), v.head.join());
  check('channel codes are shown by name', v.labels.includes('Call centre') && !v.labels.includes('call_centre'), v.labels.join());
  await click('[data-control=totals] button[data-value=cube]');
  v = await pivotView(page);
  check('totals=cube adds a total column and total rows', v.totals === 'cube' && v.head.includes('Total') && v.grand.length === 1 &&
    new URLSearchParams(v.hash.split('?')[1]).get('totals') === 'cube', `${v.hash} / ${v.head}`);
  check('its controls cause no console errors', clickErrors.length === 0, clickErrors.join(' | '));
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
      await checkLoyaltyTables(page, errors, lang);
      await checkLoyaltyPages(page, errors, lang);
      await checkVocPages(page, errors, lang);
      await checkStaffChain(page, errors, lang);
      // values of the coded dimensions (regions, channels, segments, stages) by name
      await visit(page, errors, '/pivot?rows=region,segment&cols=channel&measure=orders&totals=rollup', 'pivot-values', lang);
      await checkTopNote(page, errors, lang);
      await checkPivotFits(page, errors, lang);
      // the customer card of the first customer in the list
      await visit(page, errors, '/customers', 'customers', lang);
      const first = await page.$('#view table.data tbody tr.link');
      if (!first) { fail(`customer list (${lang}) has rows`); continue; }
      errors.length = 0;
      await first.click();
      await page.waitForFunction(() => location.hash.startsWith('#/customer/'));
      await visit(page, errors, decodeURI(await page.evaluate(() => location.hash.slice(1))), 'customer-card', lang);
      const heading = await page.$eval('#view', v => v.textContent);
      await checkCardType(page, lang);
      const expect = lang === 'ko' ? '프로필' : 'Profile';
      if (heading.includes(expect)) pass(`customer card (${lang}) shows the profile`);
      else fail(`customer card (${lang}) shows the profile`);
      const sections = await page.$$eval('#view [data-card]', cs => cs.map(c => c.dataset.card));
      const tierShown = await page.$eval('#view [data-card=tier] [data-tier]', e => e.textContent).catch(() => '');
      if (['tier', 'points', 'coupons'].every(c => sections.includes(c)) && tierShown) pass(`customer card (${lang}) shows the tier (${tierShown}), points and coupons`);
      else fail(`customer card (${lang}) shows the tier, points and coupons`, sections.join());
      // money as the dashboard writes it everywhere (₩869,000), never as the library's "869,000 KRW"
      const coded = heading.match(/\d[\d,.]* (KRW|USD|JPY|EUR)\b/);
      if (!coded) pass(`customer card (${lang}) writes money with the currency's symbol`);
      else fail(`customer card (${lang}) writes money with the currency's symbol`, coded[0]);
      const history = await page.evaluate(async () => {
        const id = decodeURIComponent(location.hash.split('/')[2]);
        const api = (await (await fetch(`/api/customers/${encodeURIComponent(id)}/campaigns`)).json()).rows;
        const shown = [...document.querySelectorAll('#view table[data-campaigns=customer] tbody tr')].map(tr => tr.dataset.campaign);
        return { api: api.map(r => r.campaign), shown };
      });
      if (sections.includes('campaigns') && history.api.length > 0 && history.shown.join() === history.api.join())
        pass(`customer card (${lang}) shows the campaign history (${history.shown.join()})`);
      else fail(`customer card (${lang}) shows the campaign history`, JSON.stringify({ sections, history }));
    }
    await page.click('.lang button[data-lang=en]');
    // a pivot with column dimensions and subtotals, then the explorer's interactions
    await visit(page, errors, '/pivot?rows=region&cols=channel&measure=orders&totals=rollup', 'pivot-region-channel', 'en');
    await checkPivot(page, errors);
    // search narrows the list
    errors.length = 0;
    await visit(page, errors, '/customers?q=C0000001', 'customers-search', 'en');
    const ids = await page.$$eval('#view tbody tr td:first-child', tds => tds.map(td => td.textContent));
    if (ids.length > 0 && ids.every(id => id.includes('C0000001'))) pass('search narrows the customer list');
    else fail('search narrows the customer list', ids.join(','));
    // its pager says how many customers match, not how many the store holds
    const pager = await page.$eval('#view .pager span', s => s.textContent);
    const matches = await page.evaluate(() => fetch('/api/customers?q=C0000001').then(r => r.json()).then(j => j.total));
    if (pager.endsWith(` / ${matches.toLocaleString('en-US')}`)) pass(`the search's pager counts its ${matches} matches`);
    else fail("the search's pager counts its matches", `${pager} (matches: ${matches})`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => { console.log(results.join('\n')); },
  err => { console.log(results.join('\n')); console.log(`fail browser run: ${err.message.split('\n')[0]}`); });
