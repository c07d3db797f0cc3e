/* The cohorts page (#/cohorts?by&measure): from /api/cohorts, each acquisition cohort's retention,
   activity or revenue by month since acquisition; months not reached yet stay blank. */
import { t, valueLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtCompact, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { mountChart } from './charts.js';

/* Cohorts: retention (or activity, revenue) of each acquisition cohort by month since acquisition. */
export async function renderCohorts(view, params) {
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
    tooltip: { formatter: p => `${cohortLabel(rows[p.value[1]].cohort)} · ${periods[p.value[0]]}<br>${measure === 'retention' ? fmtPct(p.value[2]) : measure.startsWith('revenue') ? fmtMoney(p.value[2]) : fmtInt(p.value[2])}` },
    grid: { left: 10, right: 20, top: 10, bottom: 70, containLabel: true },
    // months a cohort has not reached yet stay blank: no background stripes behind the cells
    xAxis: { type: 'category', data: periods, splitArea: { show: false }, position: 'top' },
    yAxis: { type: 'category', data: rows.map(r => `${cohortLabel(r.cohort)} (${fmtInt(r.customers)})`), inverse: true, splitArea: { show: false } },
    visualMap: { dimension: 2, min: 0, max: Math.max(...values, 0.0001), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
      inRange: { color: ['#f4f7fd', '#8fb2ef', '#2f6fde', '#142f6b'] }, formatter: v => fmt(v) },
    series: [{ type: 'heatmap', data: cells, label: { show: rows.length <= 30, fontSize: 10, formatter: p => fmt(p.value[2]) } }],
  });
}
