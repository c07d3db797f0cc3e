/* The dangol dashboard. A hash router shows one view at a time; the navigation lists only the
   pages whose API route the server documents in /api/openapi.json, so a page appears when its
   analysis lands in the server. Every chart is an ECharts instance kept in CHARTS (the browser
   test reads them to check that each one holds data). */
'use strict';

const PALETTE = ['#2f6fde', '#14a38b', '#f0a020', '#e4574c', '#7b61ff', '#3fb1e3', '#8c96a8', '#d36fb1'];
echarts.registerTheme('dangol', {
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: { fontFamily: getComputedStyle(document.documentElement).fontFamily },
  categoryAxis: { axisLine: { lineStyle: { color: '#c9cfdb' } }, axisTick: { show: false }, axisLabel: { color: '#6b7385' }, nameTextStyle: { color: '#6b7385' } },
  valueAxis: { axisLine: { show: false }, splitLine: { lineStyle: { color: '#eef1f6' } }, axisLabel: { color: '#6b7385' }, nameTextStyle: { color: '#6b7385' } },
  legend: { textStyle: { color: '#1d2433' } },
});

const state = { store: null, routes: new Set(), asOf: '', routeToken: 0 };
const CHARTS = [];
window.dangol = { CHARTS, state };

/* ---- API ---- */

/* Fetches JSON. If the user has moved to another view meanwhile, throws a 'stale' error instead, so
   a slow answer never draws over the page now shown. */
async function api(path, params) {
  const token = state.routeToken;
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  if (token !== state.routeToken) {
    const err = new Error('stale');
    err.stale = true;
    throw err;
  }
  if (!res.ok) {
    const err = new Error(body && body.error ? body.error.message : `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

/* ---- numbers ---- */

function locale() { return LANG === 'ko' ? 'ko-KR' : 'en-US'; }
function fmtInt(v) { return v == null ? '–' : new Intl.NumberFormat(locale()).format(v); }
/* Money in the store's currency (/api/stats: currency, minor_digits). */
function moneyFormat() {
  const digits = state.store.minor_digits;
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: state.store.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function fmtMoney(v) { return v == null ? '–' : moneyFormat().format(v); }
function currencySymbol() { return moneyFormat().formatToParts(0).find(p => p.type === 'currency').value; }
function fmtCompact(v) {
  return new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}
function fmtPct(v, digits = 1) { return v == null ? '–' : `${(v * 100).toFixed(digits)}%`; }
function fmtSigned(v, digits = 1) { return v == null ? '–' : (v > 0 ? '+' : '') + v.toFixed(digits); }
function fmtDate(s) { return s ? s.slice(0, 10) : '–'; }

/* ---- DOM helpers ---- */

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false)
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function card(title, ...body) {
  return h('div', { class: 'card' }, title ? h('h2', null, title) : null, ...body);
}

function chartBox(cls) { return h('div', { class: 'chart' + (cls ? ' ' + cls : '') }); }

function mountChart(el, option) {
  const chart = echarts.init(el, 'dangol', { renderer: 'canvas' });
  chart.setOption(Object.assign({ animation: !navigator.webdriver, animationDuration: 400, grid: { left: 56, right: 56, top: 40, bottom: 36 } }, option));
  CHARTS.push(chart);
  return chart;
}

function disposeCharts() {
  while (CHARTS.length) CHARTS.pop().dispose();
}

window.addEventListener('resize', () => CHARTS.forEach(c => c.resize()));

function showError(view, err) {
  view.replaceChildren(h('div', { class: 'error' }, `${t('load_error')}: ${err.message}`));
}

/* A result table (the library's {title, columns, rows}) as an HTML table. money: column names
   holding amounts. */
function resultTable(table, opts = {}) {
  const money = new Set(opts.money || []);
  const head = h('tr', null, table.columns.map(c => h('th', { class: isNumCol(table, c) ? 'num' : '' }, fieldLabel(c))));
  const rows = table.rows.map(r => h('tr', opts.onRow ? { class: 'link', onclick: () => opts.onRow(r) } : null,
    table.columns.map(c => {
      const v = r[c];
      let text = v;
      if (v === null || v === undefined) text = '–';
      else if (money.has(c)) text = fmtMoney(v);
      else if (typeof v === 'number') text = Number.isInteger(v) ? fmtInt(v) : v.toFixed(2);
      else if (c === 'kind') return h('td', null, h('span', { class: 'badge ' + v }, valueLabel(c, v)));
      else if (RAW_FIELDS.has(c)) return h('td', { 'data-raw': '', class: c === 'text' ? 'wrap' : null }, v);
      else if (typeof v === 'string') text = valueLabel(c, v);
      return h('td', { class: typeof v === 'number' ? 'num' : '' }, text);
    })));
  return h('table', { class: 'data' }, h('thead', null, head), h('tbody', null, rows));
}

function isNumCol(table, c) { return table.rows.length > 0 && typeof table.rows[0][c] === 'number'; }

/* ---- pages ---- */

const PAGES = [
  { id: 'overview', icon: '◎', requires: '/api/kpi', render: renderOverview },
  { id: 'ladder', icon: '△', requires: '/api/stages/migration', render: renderLadder },
  { id: 'rfm', icon: '▣', requires: '/api/rfm', render: renderRfm },
  { id: 'cohorts', icon: '◫', requires: '/api/cohorts', render: renderCohorts },
  { id: 'clv', icon: '◇', requires: '/api/clv', render: renderClv },
  { id: 'pivot', icon: '▦', requires: '/api/cube', render: renderPivot },
  { id: 'customers', icon: '☺', requires: '/api/customers', render: renderCustomers },
];

function kpiCard(label, value, delta, deltaText, spark, sparkFmt) {
  const spk = h('div', { class: 'spark' });
  const el = h('div', { class: 'card kpi' },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    h('div', { class: 'delta ' + (delta > 0 ? 'up' : delta < 0 ? 'down' : '') },
      delta == null ? '' : (delta > 0 ? '▲ ' : delta < 0 ? '▼ ' : '■ ') + deltaText + ' ' + t('vs_prev')),
    spk);
  return { el, mount: () => mountChart(spk, {
    grid: { left: 0, right: 0, top: 4, bottom: 0 },
    xAxis: { type: 'category', show: false, data: spark.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    tooltip: { trigger: 'axis', formatter: p => sparkFmt(p[0].value) },
    series: [{ type: 'line', data: spark, smooth: true, symbol: 'none', lineStyle: { width: 2 }, areaStyle: { opacity: 0.12 } }],
  }) };
}

async function renderOverview(view) {
  const kpi = await api('/api/kpi', { as_of: state.asOf, months: 12 });
  const rows = kpi.rows;
  if (!rows.length || rows.every(r => r.orders === 0 && r.customers === 0)) {
    view.replaceChildren(h('div', { class: 'card empty' }, t('empty_store')));
    return;
  }
  const last = rows[rows.length - 1], prev = rows.length > 1 ? rows[rows.length - 2] : null;
  const months = rows.map(r => r.month);
  const rel = (a, b) => (b ? (a - b) / b : null);
  const pctText = d => d == null ? '' : `${(Math.abs(d) * 100).toFixed(1)}%`;
  const dCust = prev ? rel(last.customers, prev.customers) : null;
  const dAct = prev ? rel(last.active_customers, prev.active_customers) : null;
  const dRev = prev ? rel(last.revenue, prev.revenue) : null;
  const dNps = prev && last.nps != null && prev.nps != null ? last.nps - prev.nps : null;
  const dRep = prev && last.repeat_rate != null && prev.repeat_rate != null ? last.repeat_rate - prev.repeat_rate : null;
  const cards = [
    kpiCard(t('kpi_customers'), fmtInt(last.customers), dCust, pctText(dCust), rows.map(r => r.customers), fmtInt),
    kpiCard(t('kpi_active'), fmtInt(last.active_customers), dAct, pctText(dAct), rows.map(r => r.active_customers), fmtInt),
    kpiCard(t('kpi_revenue'), fmtMoney(last.revenue), dRev, pctText(dRev), rows.map(r => r.revenue), fmtMoney),
    kpiCard(t('kpi_nps'), last.nps == null ? '–' : fmtSigned(last.nps), dNps, dNps == null ? '' : `${Math.abs(dNps).toFixed(1)}${t('nps_points')}`,
      rows.map(r => r.nps), v => (v == null ? '–' : fmtSigned(v))),
    kpiCard(t('kpi_repeat'), fmtPct(last.repeat_rate), dRep, dRep == null ? '' : `${Math.abs(dRep * 100).toFixed(1)}${t('share_points')}`,
      rows.map(r => r.repeat_rate), v => fmtPct(v)),
  ];
  const cRevenue = chartBox(), cCustomers = chartBox(), cNps = chartBox(), cRepeat = chartBox();
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, `${t('this_month')} ${last.month} · NPS ${t('answers')} ${fmtInt(last.nps_n)}`),
    h('div', { class: 'grid kpis' }, cards.map(c => c.el)),
    h('div', { class: 'grid charts' },
      card(t('chart_revenue'), cRevenue), card(t('chart_customers'), cCustomers),
      card(t('chart_nps'), cNps), card(t('chart_repeat'), cRepeat)));
  cards.forEach(c => c.mount());
  mountChart(cRevenue, {
    // each series formats its own unit: revenue as money, orders as a count
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', axisLabel: { formatter: fmtCompact } }, { type: 'value', axisLabel: { formatter: fmtCompact }, splitLine: { show: false } }],
    series: [
      { name: t('revenue'), type: 'bar', data: rows.map(r => r.revenue), barMaxWidth: 28, itemStyle: { borderRadius: [3, 3, 0, 0] },
        tooltip: { valueFormatter: fmtMoney } },
      { name: t('orders'), type: 'line', yAxisIndex: 1, data: rows.map(r => r.orders), smooth: true, color: PALETTE[2],
        tooltip: { valueFormatter: fmtInt } },
    ],
  });
  mountChart(cCustomers, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    legend: { top: 0 },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', axisLabel: { formatter: fmtCompact } }, { type: 'value', axisLabel: { formatter: fmtCompact }, splitLine: { show: false } }],
    series: [
      { name: t('active'), type: 'bar', data: rows.map(r => r.active_customers), barMaxWidth: 22, color: PALETTE[0] },
      { name: t('new'), type: 'bar', data: rows.map(r => r.new_customers), barMaxWidth: 22, color: PALETTE[1] },
      { name: t('total'), type: 'line', yAxisIndex: 1, data: rows.map(r => r.customers), smooth: true, color: PALETTE[4] },
    ],
  });
  mountChart(cNps, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', min: v => Math.min(-20, Math.floor(v.min / 10) * 10), max: v => Math.max(40, Math.ceil(v.max / 10) * 10) },
      { type: 'value', splitLine: { show: false } }],
    series: [
      { name: 'NPS', type: 'line', data: rows.map(r => r.nps == null ? null : +r.nps.toFixed(1)), smooth: true, color: PALETTE[0],
        markLine: { silent: true, symbol: 'none', label: { show: false }, data: [{ yAxis: 0 }], lineStyle: { color: '#8c96a8', type: 'dashed' } } },
      { name: t('answers'), type: 'bar', yAxisIndex: 1, data: rows.map(r => r.nps_n), barMaxWidth: 18, color: '#c9d6f3' },
    ],
  });
  mountChart(cRepeat, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: v => fmtPct(v, 0) } },
    series: [{ name: t('kpi_repeat'), type: 'line', data: rows.map(r => r.repeat_rate), smooth: true, color: PALETTE[1], areaStyle: { opacity: 0.1 } }],
  });
}

const STAGES = ['prospect', 'customer', 'client', 'advocate', 'partner'];
const STAGE_COLORS = { prospect: '#8c96a8', customer: '#3fb1e3', client: '#2f6fde', advocate: '#14a38b', partner: '#7b61ff' };

function isoDay(d) { return d.toISOString().slice(0, 10); }
function dayBefore(iso, days) { const d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - days); return isoDay(d); }

/* The relationship ladder: the funnel today, the stage counts with their activity flags, the
   Sankey of stage migration between two dates and the month-end history. */
async function renderLadder(view, params) {
  const funnel = await api('/api/stages/funnel', { as_of: state.asOf });
  const at = (funnel.title.match(/\d{4}-\d{2}-\d{2}/) || [])[0] || isoDay(new Date());
  const to = params.get('to') || at, from = params.get('from') || dayBefore(to, 365);
  const [stages, migration, history] = await Promise.all([
    api('/api/stages', { as_of: state.asOf }),
    api('/api/stages/migration', { as_of: state.asOf, from, to }),
    api('/api/stages/history', { as_of: state.asOf, from: dayBefore(to, 730), to }),
  ]);
  const fromInput = h('input', { type: 'date', name: 'from', value: from, 'aria-label': 'from' });
  const toInput = h('input', { type: 'date', name: 'to', value: to, 'aria-label': 'to' });
  const form = h('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); location.hash = `#/ladder?from=${fromInput.value}&to=${toInput.value}`; } },
    h('span', { class: 'muted' }, t('migration_between')), fromInput, '→', toInput, h('button', { class: 'btn', type: 'submit' }, t('pivot_run')));
  const cFunnel = chartBox(), cFlags = chartBox(), cSankey = chartBox('tall'), cHistory = chartBox();
  view.replaceChildren(
    h('div', { class: 'grid charts' }, card(`${t('chart_funnel')} · ${at}`, cFunnel), card(t('chart_flags'), cFlags)),
    h('div', { style: 'height:18px' }),
    card(`${t('chart_migration')} · ${from} → ${to}`, form, cSankey),
    h('div', { style: 'height:18px' }),
    card(t('chart_stage_history'), cHistory));
  mountChart(cFunnel, {
    tooltip: { trigger: 'item', formatter: p => `${p.name}: ${fmtInt(p.value)} (${fmtPct(p.data.share)})` },
    series: [{ type: 'funnel', left: '10%', width: '80%', top: 10, bottom: 10, sort: 'none', minSize: '22%', gap: 3,
      label: { position: 'inside', formatter: p => `${vocab('stage', p.data.step)}  ${fmtInt(p.value)}`, color: '#fff', fontWeight: 600 },
      data: funnel.rows.map(r => ({ name: vocab('stage', r.step), step: r.step, value: r.reached, share: r.share_of_known,
        itemStyle: { color: STAGE_COLORS[r.step] } })) }],
  });
  const flagRows = stages.rows.filter(r => r.stage !== 'prospect');
  mountChart(cFlags, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    legend: { top: 0 },
    xAxis: { type: 'category', data: flagRows.map(r => vocab('stage', r.stage)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [['active', '#14a38b'], ['lapsed', '#f0a020'], ['churned', '#e4574c']].map(([k, color]) => ({
      name: vocab('activity', k), type: 'bar', stack: 'flags', data: flagRows.map(r => r[k] || 0), color, barMaxWidth: 48 })),
  });
  const nodes = [], links = [];
  for (const s of STAGES) {
    nodes.push({ name: `${vocab('stage', s)} · ${from}`, itemStyle: { color: STAGE_COLORS[s] } });
    nodes.push({ name: `${vocab('stage', s)} · ${to}`, itemStyle: { color: STAGE_COLORS[s] } });
  }
  nodes.push({ name: `${t('not_yet_known')} · ${from}`, itemStyle: { color: '#c9cfdb' } });
  for (const r of migration.rows) {
    const src = STAGES.includes(r['from \\ to']) ? `${vocab('stage', r['from \\ to'])} · ${from}` : `${t('not_yet_known')} · ${from}`;
    for (const s of STAGES)
      if (r[s] > 0) links.push({ source: src, target: `${vocab('stage', s)} · ${to}`, value: r[s] });
  }
  const used = new Set(links.flatMap(l => [l.source, l.target]));
  mountChart(cSankey, {
    tooltip: { trigger: 'item', valueFormatter: fmtInt },
    series: [{ type: 'sankey', left: 10, right: 150, top: 10, bottom: 10, nodeGap: 12, nodeAlign: 'justify', layoutIterations: 0,
      data: nodes.filter(n => used.has(n.name)), links, emphasis: { focus: 'adjacency' },
      lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 }, label: { color: '#1d2433' } }],
  });
  mountChart(cHistory, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    legend: { top: 0 },
    xAxis: { type: 'category', data: history.rows.map(r => r.date.slice(0, 7)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: STAGES.map(s => ({ name: vocab('stage', s), type: 'line', stack: 'stages', areaStyle: { opacity: 0.75 }, symbol: 'none',
      data: history.rows.map(r => r[s]), color: STAGE_COLORS[s] })),
  });
}

/* RFM: the R × F heatmap of scored customers and the named segments with their revenue. */
async function renderRfm(view) {
  const [grid, segments] = await Promise.all([api('/api/rfm', { as_of: state.asOf, view: 'grid' }), api('/api/rfm', { as_of: state.asOf })]);
  const cGrid = chartBox('tall'), cSeg = chartBox('tall');
  const rows = segments.rows;
  const table = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['segment', 'customers', 'customer_share', 'revenue', 'revenue_share', 'mean_recency_days', 'mean_frequency', 'mean_monetary']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t('rfm_' + c))))),
    h('tbody', null, rows.map(r => h('tr', null,
      h('td', null, valueLabel('segment', r.segment)), h('td', { class: 'num' }, fmtInt(r.customers)), h('td', { class: 'num' }, fmtPct(r.customer_share)),
      h('td', { class: 'num' }, fmtMoney(r.revenue)), h('td', { class: 'num' }, fmtPct(r.revenue_share)),
      h('td', { class: 'num' }, r.mean_recency_days == null ? '–' : r.mean_recency_days.toFixed(0)),
      h('td', { class: 'num' }, r.mean_frequency == null ? '–' : r.mean_frequency.toFixed(1)),
      h('td', { class: 'num' }, fmtMoney(r.mean_monetary))))));
  view.replaceChildren(h('div', { class: 'grid charts' }, card(t('chart_rfm_grid'), cGrid), card(t('chart_rfm_segments'), cSeg)),
    h('div', { style: 'height:18px' }), card(t('rfm_table'), table));
  const counts = grid.rows.map(r => r.customers);
  const max = Math.max(1, ...counts), min = Math.min(max - 1, ...counts);
  mountChart(cGrid, {
    tooltip: { formatter: p => `R ${p.value[1]} · F ${p.value[0]}<br>${t('kpi_customers')}: ${fmtInt(p.value[2])}<br>${t('revenue')}: ${fmtMoney(p.value[3])}` },
    grid: { left: 60, right: 96, top: 20, bottom: 56 },
    xAxis: { type: 'category', data: [1, 2, 3, 4, 5], name: t('frequency_score'), nameLocation: 'middle', nameGap: 30, splitArea: { show: true } },
    yAxis: { type: 'category', data: [1, 2, 3, 4, 5], name: t('recency_score'), nameLocation: 'middle', nameGap: 36, splitArea: { show: true } },
    // the colour is the customer count written in the cell (value[2]), not the revenue beside it;
    // the scale stands at the right so no axis title meets it
    visualMap: { dimension: 2, min, max, calculable: true, orient: 'vertical', right: 0, top: 'middle', itemHeight: 180,
      formatter: v => fmtInt(v), inRange: { color: ['#e3ebfb', '#6f9be8', '#2f6fde', '#142f6b'] } },
    series: [{ type: 'heatmap', data: grid.rows.map(r => [r.f - 1, r.r - 1, r.customers, r.revenue]),
      label: { show: true, formatter: p => fmtInt(p.value[2]) }, emphasis: { itemStyle: { borderColor: '#1d2433', borderWidth: 1 } } }],
  });
  const named = rows.filter(r => r.customer_share != null && r.revenue_share != null);
  mountChart(cSeg, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    legend: { top: 0 },
    grid: { left: 130, right: 30, top: 36, bottom: 30 },
    xAxis: { type: 'value', axisLabel: { formatter: v => fmtPct(v, 0) } },
    yAxis: { type: 'category', data: named.map(r => valueLabel('segment', r.segment)).reverse() },
    series: [
      { name: t('rfm_customer_share'), type: 'bar', data: named.map(r => r.customer_share).reverse(), color: PALETTE[5] },
      { name: t('rfm_revenue_share'), type: 'bar', data: named.map(r => r.revenue_share).reverse(), color: PALETTE[0] },
    ],
  });
}

/* Cohorts: retention (or activity, revenue) of each acquisition cohort by month since acquisition. */
async function renderCohorts(view, params) {
  const by = params.get('by') || 'month', measure = params.get('measure') || 'retention';
  const table = await api('/api/cohorts', { as_of: state.asOf, by, measure, periods: 13 });
  const sel = (name, values, value) => h('select', { name, 'aria-label': name }, values.map(v => h('option', { value: v, selected: v === value ? 'selected' : null }, t('cohort_' + v))));
  const form = h('form', { class: 'toolbar', onchange: () => { const d = new FormData(form); location.hash = `#/cohorts?by=${d.get('by')}&measure=${d.get('measure')}`; } },
    h('label', null, t('cohort_by'), ' ', sel('by', ['month', 'channel', 'category'], by)),
    h('label', null, t('pivot_measure'), ' ', sel('measure', ['retention', 'active', 'revenue', 'revenue_per_customer'], measure)));
  const cohortLabel = c => (by === 'channel' ? valueLabel('acquisition', c) : c);
  const periods = table.columns.filter(c => /^M\d+$/.test(c));
  const rows = table.rows;
  const cells = [];
  rows.forEach((r, y) => periods.forEach((p, x) => { if (r[p] != null) cells.push([x, y, r[p]]); }));
  const values = cells.map(c => c[2]).filter((v, i) => measure !== 'retention' || cells[i][0] > 0);
  const fmt = v => (measure === 'retention' ? fmtPct(v, 0) : measure === 'active' ? fmtInt(v) : fmtCompact(v));
  const chart = chartBox();
  chart.style.height = `${Math.max(320, 60 + rows.length * 26)}px`;
  view.replaceChildren(form, card(t('cohort_title', { measure: t('cohort_' + measure), by: t('cohort_' + by) }), chart));
  mountChart(chart, {
    tooltip: { formatter: p => `${cohortLabel(rows[p.value[1]].cohort)} · ${periods[p.value[0]]}<br>${measure === 'retention' ? fmtPct(p.value[2]) : MONEY_MEASURES.has(measure) || measure.startsWith('revenue') ? fmtMoney(p.value[2]) : fmtInt(p.value[2])}` },
    grid: { left: 10, right: 20, top: 10, bottom: 70, containLabel: true },
    xAxis: { type: 'category', data: periods, splitArea: { show: true }, position: 'top' },
    yAxis: { type: 'category', data: rows.map(r => `${cohortLabel(r.cohort)} (${fmtInt(r.customers)})`), inverse: true, splitArea: { show: true } },
    visualMap: { dimension: 2, min: 0, max: Math.max(...values, 0.0001), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
      inRange: { color: ['#f4f7fd', '#8fb2ef', '#2f6fde', '#142f6b'] }, formatter: v => fmt(v) },
    series: [{ type: 'heatmap', data: cells, label: { show: rows.length <= 30, fontSize: 10, formatter: p => fmt(p.value[2]) } }],
  });
}

/* Customer lifetime value (BG/NBD + Gamma-Gamma over the next 52 weeks): the CLV distribution,
   P(alive), and the most valuable customers. */
async function renderClv(view) {
  const q = { as_of: state.asOf };
  const [top, value, alive] = await Promise.all([
    api('/api/clv', Object.assign({ view: 'top', top: 25 }, q)),
    api('/api/clv', Object.assign({ view: 'value' }, q)),
    api('/api/clv', Object.assign({ view: 'p_alive' }, q)),
  ]);
  const cValue = chartBox(), cAlive = chartBox();
  const table = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['customer_id', 'frequency', 'monetary', 'p_alive', 'expected_purchases', 'clv']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t('clv_' + c))))),
    h('tbody', null, top.rows.map(r => h('tr', { class: 'link', onclick: () => { location.hash = `#/customer/${encodeURIComponent(r.customer_id)}`; } },
      h('td', null, r.customer_id), h('td', { class: 'num' }, fmtInt(r.frequency)),
      h('td', { class: 'num' }, r.frequency > 0 ? fmtMoney(Math.round(r.monetary)) : '–'), h('td', { class: 'num' }, fmtPct(r.p_alive)),
      h('td', { class: 'num' }, r.expected_purchases.toFixed(1)), h('td', { class: 'num' }, r.clv == null ? '–' : fmtMoney(Math.round(r.clv)))))));
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, t('clv_note')),
    h('div', { class: 'grid charts' }, card(t('chart_clv_value'), cValue), card(t('chart_clv_alive'), cAlive)),
    h('div', { style: 'height:18px' }), card(t('chart_clv_top'), table));
  const bandLabel = r => (r.to == null ? `${fmtCompact(r.from)}+` : fmtCompact(r.from));
  mountChart(cValue, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    grid: { left: 56, right: 20, top: 20, bottom: 64 },
    xAxis: { type: 'category', data: value.rows.map(bandLabel), name: `${t('clv_clv')} (${currencySymbol()})`, nameLocation: 'middle', nameGap: 42,
      axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('kpi_customers'), type: 'bar', data: value.rows.map(r => r.customers), color: PALETTE[0], barCategoryGap: '8%' }],
  });
  mountChart(cAlive, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    grid: { left: 56, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: alive.rows.map(r => `${Math.round(r.from * 100)}–${Math.round(r.to * 100)}%`) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('kpi_customers'), type: 'bar', barCategoryGap: '8%',
      data: alive.rows.map((r, i) => ({ value: r.customers, itemStyle: { color: echarts.color.lerp(i / 9, ['#e4574c', '#f0a020', '#14a38b']) } })) }],
  });
}

const PAGE_SIZE = 20;

async function renderCustomers(view, params) {
  const q = params.get('q') || '';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const input = h('input', { type: 'search', value: q, placeholder: t('search_placeholder'), 'aria-label': 'search' });
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { location.hash = `#/customers?q=${encodeURIComponent(input.value)}`; }, 250);
  });
  const page = await api('/api/customers', { q, offset, limit: PAGE_SIZE });
  const cols = [['customer_id', 'col_customer_id'], ['name', 'col_name'], ['phone', 'col_phone'], ['email', 'col_email'],
    ['region', 'col_region'], ['customer_type', 'col_type'], ['acquired_on', 'col_acquired']];
  const table = page.items.length
    ? h('table', { class: 'data' },
      h('thead', null, h('tr', null, cols.map(([, k]) => h('th', null, t(k))))),
      h('tbody', null, page.items.map(c => h('tr', { class: 'link', onclick: () => { location.hash = `#/customer/${encodeURIComponent(c.customer_id)}`; } },
        cols.map(([f]) => h('td', RAW_FIELDS.has(f) ? { 'data-raw': '' } : null, c[f] == null ? '–' : valueLabel(f, c[f])))))))
    : h('div', { class: 'empty' }, t('no_results'));
  const go = o => { location.hash = `#/customers?q=${encodeURIComponent(q)}&offset=${o}`; };
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'muted' }, page.items.length ? `${t('showing')} ${fmtInt(offset + 1)}–${fmtInt(offset + page.items.length)}` : ''),
    h('button', { class: 'btn', type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }, t('prev')),
    h('button', { class: 'btn', type: 'button', disabled: page.next_offset == null, onclick: () => go(page.next_offset) }, t('next')));
  view.replaceChildren(h('div', { class: 'toolbar' }, input), card(null, table, pager));
  input.focus();
  input.setSelectionRange(q.length, q.length);
}

/* Fields whose values are the customer's own data (names, contacts, ids), shown as written. */
const RAW_FIELDS = new Set(['customer_id', 'name', 'phone', 'email', 'staff_id', 'text', 'order']);

/* The library writes a consultation type's guidance as "English. (한국어)": the part in the
   current language. */
function guidanceText(text) {
  const m = text.match(/^(.*?)\s*\(([^()]*[\uac00-\ud7a3][^()]*)\)\s*$/);
  return m ? (LANG === 'ko' ? m[2] : m[1]) : text;
}

/* An item of the card's loyalty and lifetime-value sections (src/crm/customer_analytics.c,
   src/analytics/clv_card.c), whose names and values the library writes in English, as the
   label and value elements of the current language. */
function cardItem(item, value) {
  let label = vocab('card_item', item), text = value == null ? '–' : typeof value === 'number' ? fmtInt(value) : String(value);
  const unit = u => t('unit_' + (u.endsWith('s') ? u : u + 's'));
  let m;
  if ((m = item.match(/^expected purchases, next (\S+) (\w+)$/))) label = tr('card_item', 'expected purchases', { n: m[1], unit: unit(m[2]) });
  else if ((m = item.match(/^CLV, next (\S+) (\w+) at (\S+) per (\w+)$/))) label = tr('card_item', 'CLV', { n: m[1], unit: unit(m[2]), rate: m[3], per: unit(m[4]) });
  else if ((m = item.match(/^(last repeat purchase|customer age) \(\w+, (\w+)\)$/))) label = tr('card_item', m[1], { unit: unit(m[2]) });
  if (item === 'stage' && (m = text.match(/^(\w+)(?: \((\w+)\))?$/)))
    text = valueLabel('stage', m[1]) + (m[2] ? ` (${valueLabel('activity', m[2])})` : '');
  else if (item === 'segment' || item === 'model') text = valueLabel(item, text);
  else if (item === 'RFM' && (m = text.match(/^R(\d) F(\d) M(\d): last order (-?\d+) days ago, ([\d,]+) orders, (.*)$/)))
    text = t('rfm_line', { r: m[1], f: m[2], m: m[3], days: m[4], orders: m[5], money: m[6] });
  else if (item === 'loyalty index') text = text.replace('(behaviour only: no survey answer)', `(${t('behaviour_only')})`);
  else if (text === 'no purchase in the calibration period') text = t('no_calibration_purchase');
  else if (text.startsWith('- (mean repeat purchase value')) text = t('outside_gamma_gamma');
  return [h('div', { class: 'k' }, label || fieldLabel(item)), h('div', null, text)];
}

async function renderCustomer(view, params, id) {
  let sections, orders;
  try {
    [sections, orders] = await Promise.all([
      api(`/api/customers/${encodeURIComponent(id)}/card`),
      api(`/api/customers/${encodeURIComponent(id)}/orders`, { limit: 1000 }),
    ]);
  } catch (err) {
    if (err.status === 404) {
      view.replaceChildren(h('a', { class: 'back', href: '#/customers' }, t('back_to_customers')),
        h('div', { class: 'card empty' }, `${t('not_found')}: ${id}`));
      return;
    }
    throw err;
  }
  document.getElementById('page-title').textContent = `${t('page_customer')} · ${id}`;
  const byTitle = Object.fromEntries(sections.map(s => [s.title, s]));
  const profile = byTitle['Customer'];
  const fields = profile ? Object.fromEntries(profile.rows.map(r => [r.field, r.value])) : {};
  const kv = h('div', { class: 'kv' }, (profile ? profile.rows : []).filter(r => r.field !== 'guidance')
    .flatMap(r => [h('div', { class: 'k' }, fieldLabel(r.field)),
      h('div', RAW_FIELDS.has(r.field) ? { 'data-raw': '' } : null, r.value == null ? '–' : valueLabel(r.field, r.value))]));
  const left = [card(vocab('card_section', 'Customer'), kv)];
  if (fields.guidance) left.push(card(vocab('card_section', 'Guidance'), h('div', { class: 'guidance' }, guidanceText(fields.guidance))));
  const summary = byTitle['Orders'];
  const right = [];
  if (summary && summary.rows.length) {
    const s = summary.rows[0];
    right.push(h('div', { class: 'grid kpis four', style: 'margin-bottom:0' },
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('orders')), h('div', { class: 'value' }, fmtInt(s.orders))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('revenue')), h('div', { class: 'value' }, fmtMoney(s.revenue))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('average order')), h('div', { class: 'value' }, fmtMoney(s['average order']))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('last order')), h('div', { class: 'value' }, s['last order'] || '–'))));
  }
  const history = chartBox();
  right.push(card(t('order_history'), history));
  for (const title of ['Recent orders', 'Recent feedback'])
    if (byTitle[title] && byTitle[title].rows.length)
      right.push(card(vocab('card_section', title) || title, resultTable(byTitle[title], { money: ['total'] })));
  // any further sections of the library's card (loyalty, lifetime value, ...): item/value pairs
  // beside the profile, other tables under the orders
  const known = new Set(['Customer', 'Orders', 'Recent orders', 'Recent feedback']);
  for (const sec of sections.filter(x => !known.has(x.title) && x.rows.length)) {
    if (sec.columns.length === 2 && sec.columns[1] === 'value')
      left.push(card(vocab('card_section', sec.title) || sec.title, h('div', { class: 'kv' }, sec.rows.flatMap(r => [
        ...cardItem(String(r[sec.columns[0]]), r.value)]))));
    else
      right.push(card(vocab('card_section', sec.title) || sec.title, resultTable(sec)));
  }
  view.replaceChildren(h('a', { class: 'back', href: '#/customers' }, t('back_to_customers')),
    h('div', { class: 'grid', style: 'grid-template-columns: minmax(300px, 1fr) 2fr; align-items: start' },
      h('div', { class: 'grid' }, left), h('div', { class: 'grid' }, right)));
  const points = orders.items.slice().reverse();
  mountChart(history, {
    tooltip: { trigger: 'axis', valueFormatter: fmtMoney },
    xAxis: { type: 'category', data: points.map(o => fmtDate(o.ordered_at)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('revenue'), type: 'bar', data: points.map(o => o.total), barMaxWidth: 24, color: PALETTE[0], itemStyle: { borderRadius: [3, 3, 0, 0] } }],
  });
}

/* ---- shell ---- */

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...PAGES.filter(p => state.routes.has(p.requires)).map(p =>
    h('a', { href: `#/${p.id}`, class: p.id === current ? 'active' : '', 'data-page': p.id },
      h('span', { class: 'icon' }, p.icon), h('span', { class: 'label' }, t('page_' + p.id)))));
}

function applyLanguage() {
  document.documentElement.lang = LANG;
  if (state.store) {
    const count = name => (state.store.entities.find(e => e.entity === name) || {}).records || 0;
    document.getElementById('store-info').textContent =
      `${t('kpi_customers')} ${fmtInt(count('customers'))} · ${t('orders')} ${fmtInt(count('orders'))} · ${state.store.currency}`;
  }
  document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('.lang button').forEach(b => b.classList.toggle('on', b.dataset.lang === LANG));
}

async function route() {
  state.routeToken++;
  const [path, query] = (location.hash.slice(1) || '/overview').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query || '');
  const view = document.getElementById('view');
  disposeCharts();
  applyLanguage();
  let page = PAGES.find(p => p.id === parts[0] && state.routes.has(p.requires));
  const isCustomer = parts[0] === 'customer' && parts[1];
  if (!page && !isCustomer) page = PAGES.find(p => state.routes.has(p.requires));
  renderNav(isCustomer ? 'customers' : page && page.id);
  document.getElementById('page-title').textContent = t(isCustomer ? 'page_customer' : 'page_' + page.id);
  document.title = `dangol · ${document.getElementById('page-title').textContent}`;
  view.replaceChildren(h('div', { class: 'empty' }, '…'));
  view.dataset.state = 'loading';
  try {
    if (isCustomer) await renderCustomer(view, params, decodeURIComponent(parts[1]));
    else await page.render(view, params);
    view.dataset.state = 'ready';
  } catch (err) {
    if (err.stale) return;
    showError(view, err);
    view.dataset.state = 'error';
  }
}

async function start() {
  const [doc, stats] = await Promise.all([api('/api/openapi.json'), api('/api/stats'), loadVocabulary()]);
  state.routes = new Set(Object.keys(doc.paths));
  state.store = stats;
  const asOf = document.getElementById('as-of');
  asOf.addEventListener('change', () => { state.asOf = asOf.value; route(); });
  document.querySelectorAll('.lang button').forEach(b => b.addEventListener('click', () => {
    LANG = b.dataset.lang;
    localStorage.setItem('dangol.lang', LANG);
    route();
  }));
  window.addEventListener('hashchange', route);
  await route();
}

start().catch(err => showError(document.getElementById('view'), err));
