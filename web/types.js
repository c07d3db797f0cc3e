/* The consultation-types page (#/types): from /api/types, conversion, CSAT, spend and complaint
   rate per customer type with their 95 % intervals (a chart of complaint rate and conversion with
   interval ends, and the table), and from /api/types?view=suggestions how the type-suggestion
   rules fall on the customers. */
import { t, valueLabel, fieldLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtPct } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const typeName = v => (v === '(all)' ? t('loyalty_all') : v === '(none)' ? t('not_yet_known') : valueLabel('customer_type', v));

/* "value (low–high)" of a measure, or – without one. */
function withInterval(r, name, fmt) {
  return h('td', { class: 'num' }, fmt(r[name]), r[name + '_low'] == null ? null : h('small', null, ` (${fmt(r[name + '_low'])}–${fmt(r[name + '_high'])})`));
}

export async function renderTypes(view) {
  const [types, rules] = await Promise.all([api('/api/types', { as_of: state.asOf }), api('/api/types', { as_of: state.asOf, view: 'suggestions' })]);
  const rows = types.rows;
  const table = h('table', { class: 'data', 'data-types': '' }, noteCaption(types),
    h('thead', null, h('tr', null, ['type', 'customers', 'conversion', 'csat', 'spend', 'complaint_rate'].map((c, i) => h('th', { class: i ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, rows.map(r => h('tr', null, h('td', null, typeName(r.type)), h('td', { class: 'num' }, fmtInt(r.customers)),
      withInterval(r, 'conversion', fmtPct), withInterval(r, 'csat', fmtPct), withInterval(r, 'spend', fmtMoney),
      h('td', { class: 'num' }, fmtPct(r.complaint_rate), h('small', null, ` (${fmtPct(r.complaint_low)}–${fmtPct(r.complaint_high)})`))))));
  const suggestions = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['line', 'rule', 'type', 'customers', 'untyped', 'agreement'].map((c, i) => h('th', { class: i === 1 || i === 2 ? '' : 'num' }, fieldLabel(c))))),
    h('tbody', null, rules.rows.map(r => h('tr', null, h('td', { class: 'num' }, r.line == null ? '–' : fmtInt(r.line)),
      h('td', { 'data-raw': '' }, h('code', null, r.rule)), h('td', null, r.type == null ? '–' : valueLabel('customer_type', r.type)),
      h('td', { class: 'num' }, fmtInt(r.customers)), h('td', { class: 'num' }, fmtInt(r.untyped)), h('td', { class: 'num' }, fmtPct(r.agreement))))));
  const chart = chartBox('tall');
  view.replaceChildren(h('p', { class: 'muted' }, t('types_note')), card(t('page_types'), chart),
    h('div', { style: 'height:18px' }), card(t('page_types'), table), h('div', { style: 'height:18px' }), card(t('types_suggestions'),
      h('p', { class: 'muted' }, t('types_rules_file'), ' ', h('code', { 'data-raw': '' }, 'config/customer_types.conf')), suggestions));
  const shown = rows.filter(r => r.type !== '(all)').reverse();
  const ends = (name, key) => ({ name: `${fieldLabel(name + '_' + key)}`, type: 'scatter', symbol: 'rect', symbolSize: [2, 12],
    data: shown.map(r => r[name + '_' + key]), color: '#1d2433' });
  mountChart(chart, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    legend: { top: 0, data: [fieldLabel('complaint_rate'), fieldLabel('conversion')] },
    grid: { left: 120, right: 30, top: 36, bottom: 30 },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: v => fmtPct(v, 0) } },
    yAxis: { type: 'category', data: shown.map(r => typeName(r.type)) },
    series: [
      { name: fieldLabel('complaint_rate'), type: 'bar', data: shown.map(r => r.complaint_rate), color: PALETTE[3] },
      { name: fieldLabel('conversion'), type: 'bar', data: shown.map(r => r.conversion), color: PALETTE[1] },
      ends('complaint', 'low'), ends('complaint', 'high'), ends('conversion', 'low'), ends('conversion', 'high'),
    ],
  });
}
