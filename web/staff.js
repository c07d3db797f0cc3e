/* The staff page (#/staff?by=staff|site&rank=...): from /api/staff, each staff member's or site's
   customers, revenue, repeat rate, CSAT, NPS and service rating, shrunk toward the site by
   empirical Bayes, each with its 95 % interval; a chart of the sites' ranked share (else their
   service rating or CSAT): shrunk bar, own rate dot, interval ends. Staff ids are data, shown as written.
   Below, the service-profit chain (/api/staff/chain): per site the staff's own satisfaction against
   their customers' NPS (a scatter), the sites' table and the correlations with their intervals,
   with the caveat that a correlation is not a cause. */
import { t, valueLabel, fieldLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtPct } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const RATES = [['repeat', fmtPct], ['csat', fmtPct], ['nps', v => (v == null ? '–' : v.toFixed(1))], ['rating', fmtPct]];

/* "shrunk (low–high)" of a rate, or – when it has no estimate. */
function rateCell(r, name, fmt) {
  if (r[name] == null) return h('td', { class: 'num' }, '–');
  return h('td', { class: 'num', title: `${fieldLabel(name + '_raw')}: ${fmt(r[name + '_raw'])} · n = ${fmtInt(r[name + '_n'])}` },
    fmt(r[name]), h('small', null, ` (${fmt(r[name + '_low'])}–${fmt(r[name + '_high'])})`));
}

export async function renderStaff(view, params) {
  const by = params.get('by') === 'site' ? 'site' : 'staff';
  const rank = ['nps', 'csat', 'repeat', 'rating', 'revenue'].includes(params.get('rank')) ? params.get('rank') : 'rating';
  const [table, sites, chain] = await Promise.all([api('/api/staff', { as_of: state.asOf, by, rank }),
    api('/api/staff', { as_of: state.asOf, by: 'site', rank: 'rating' }),
    state.routes.has('/api/staff/chain') ? api('/api/staff/chain', { as_of: state.asOf }) : null]);
  const form = h('form', { class: 'toolbar', onchange: () => { const d = new FormData(form); location.hash = `#/staff?by=${d.get('by')}&rank=${d.get('rank')}`; } },
    h('label', null, h('select', { name: 'by', 'aria-label': 'by' },
      ['staff', 'site'].map(v => h('option', { value: v, selected: v === by ? 'selected' : null }, t('staff_by_' + v))))),
    h('label', null, t('staff_rank_by'), ' ', h('select', { name: 'rank', 'aria-label': 'rank' },
      ['rating', 'csat', 'nps', 'repeat', 'revenue'].map(v => h('option', { value: v, selected: v === rank ? 'selected' : null }, fieldLabel(v))))));
  const cols = ['rank', by, ...(by === 'staff' ? ['site'] : []), 'customers', 'revenue', ...RATES.map(r => r[0])];
  const rows = table.rows.map(r => h('tr', null, cols.map(c => {
    const rate = RATES.find(x => x[0] === c);
    if (rate) return rateCell(r, c, rate[1]);
    if (c === 'staff') return h('td', { 'data-raw': '' }, r.staff);
    if (c === 'site') return h('td', null, r.site == null ? '–' : valueLabel('site', r.site));
    return h('td', { class: 'num' }, c === 'revenue' ? fmtMoney(r.revenue) : fmtInt(r[c]));
  })));
  const data = h('table', { class: 'data', 'data-staff': by }, noteCaption(table),
    h('thead', null, h('tr', null, cols.map((c, i) => h('th', { class: i && c !== 'site' && c !== by ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, rows));
  // the sites chart: the ranked share if it is one, else the first share with an estimate
  const measure = [rank, 'rating', 'csat', 'repeat'].find(m => m !== 'nps' && m !== 'revenue' && sites.rows.some(r => r[m] != null));
  const chart = measure ? chartBox('tall') : null;
  view.replaceChildren(form, h('p', { class: 'muted' }, t('staff_shrink_note')),
    chart ? card(t('chart_staff_sites', { measure: fieldLabel(measure) }), chart) : h('p', { class: 'muted' }, t('no_answers')),
    h('div', { style: 'height:18px' }), card(t('page_staff'), data));
  if (chain) renderChain(view, chain);
  if (!chart) return;
  const named = sites.rows.filter(r => r[measure] != null).reverse();
  const labels = named.map(r => valueLabel('site', r.site));
  mountChart(chart, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    grid: { left: 110, right: 30, top: 20, bottom: 30 },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: v => fmtPct(v, 0) } },
    yAxis: { type: 'category', data: labels },
    series: [
      { name: fieldLabel(measure), type: 'bar', data: named.map(r => r[measure]), color: PALETTE[0] },
      { name: fieldLabel(measure + '_raw'), type: 'scatter', data: named.map(r => r[measure + '_raw']), color: PALETTE[3] },
      { name: fieldLabel(measure + '_low'), type: 'scatter', symbol: 'rect', symbolSize: [2, 14], data: named.map(r => r[measure + '_low']), color: '#1d2433' },
      { name: fieldLabel(measure + '_high'), type: 'scatter', symbol: 'rect', symbolSize: [2, 14], data: named.map(r => r[measure + '_high']), color: '#1d2433' },
    ],
  });
}

/* The correlation measures of /api/staff/chain and the site table's column of each. */
const CHAIN = [['nps', 'nps', v => (v == null ? '–' : v.toFixed(1))], ['csat', 'csat', fmtPct], ['repeat', 'repeat_rate', fmtPct]];

function renderChain(view, [sites, corr]) {
  const fmt1 = v => (v == null ? '–' : v.toFixed(1)), fmt2 = v => (v == null ? '–' : v.toFixed(2));
  const surveyed = sites.rows.filter(r => r.staff_satisfaction != null && r.nps != null);
  const chart = surveyed.length ? chartBox() : null;
  const corrTable = h('table', { class: 'data', 'data-chain': 'correlations' }, noteCaption(corr),
    h('thead', null, h('tr', null, ['measure', 'sites', 'r', 'p'].map((c, i) => h('th', { class: i ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, corr.rows.map(r => h('tr', null,
      h('td', null, fieldLabel(CHAIN.find(m => m[0] === r.measure)[1])),
      h('td', { class: 'num' }, fmtInt(r.sites)),
      h('td', { class: 'num' }, r.r == null ? '–' : fmt2(r.r), r.r == null ? null : h('small', null, ` (${fmt2(r.r_low)}–${fmt2(r.r_high)})`)),
      h('td', { class: 'num' }, r.p == null ? '–' : r.p.toFixed(3))))));
  const cols = ['site', 'staff_responses', 'staff_satisfaction', ...CHAIN.map(m => m[1])];
  const siteTable = h('table', { class: 'data', 'data-chain': 'sites' }, noteCaption(sites),
    h('thead', null, h('tr', null, cols.map((c, i) => h('th', { class: i ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, sites.rows.map(r => h('tr', null, cols.map(c => {
      if (c === 'site') return h('td', null, valueLabel('site', r.site));
      if (c === 'staff_responses') return h('td', { class: 'num' }, fmtInt(r[c]));
      if (c === 'staff_satisfaction') return h('td', { class: 'num' }, fmt1(r[c]));
      return h('td', { class: 'num' }, CHAIN.find(m => m[1] === c)[2](r[c]));
    })))));
  view.append(h('div', { style: 'height:18px' }),
    card(t('staff_chain_title'), h('p', { class: 'muted' }, t('staff_chain_intro')),
      chart || h('p', { class: 'muted' }, t('staff_chain_no_data')), corrTable, h('div', { style: 'height:12px' }), siteTable));
  if (!chart) return;
  mountChart(chart, {
    tooltip: { trigger: 'item', formatter: p => `${p.data[2]}: ${fmt1(p.data[0])} · NPS ${fmt1(p.data[1])}` },
    grid: { left: 60, right: 30, top: 36, bottom: 50 },
    xAxis: { type: 'value', name: fieldLabel('staff_satisfaction'), nameLocation: 'middle', nameGap: 30, scale: true },
    yAxis: { type: 'value', name: fieldLabel('nps'), scale: true },
    series: [{ name: fieldLabel('nps'), type: 'scatter', symbolSize: 12, color: PALETTE[0],
      data: surveyed.map(r => [r.staff_satisfaction, r.nps, valueLabel('site', r.site)]),
      label: { show: true, position: 'right', formatter: p => p.data[2] } }],
  });
}
