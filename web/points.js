/* The points page (#/points): from /api/points/liability on the as-of day, the points outstanding
   and their money value, the points expiring within 30, 60 and 90 days, the outstanding points by
   age (chart and table) and the breakage of each expiry year (chart and table). The library names
   its rows in English ("expiring in 30 days", "91-180 days"); they are shown from the vocabulary. */
import { t } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt, fmtMoney, fmtPct, fmtCompact } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

/* An age bucket of the library ("0-90 days", "over 365 days") in the current language. */
function ageLabel(text) {
  let m;
  if ((m = text.match(/^(\d+)-(\d+) days$/))) return t('points_age_range', { from: m[1], to: m[2] });
  if ((m = text.match(/^over (\d+) days$/))) return t('points_age_over', { days: m[1] });
  return text;
}

const pts = v => (v == null ? '–' : `${fmtInt(v)} ${t('points_unit')}`);

export async function renderPoints(view) {
  const tables = await api('/api/points/liability', { as_of: asOfDay() });
  const [summary, ageing, breakage] = tables;
  const day = (summary.title.match(/\d{4}-\d{2}-\d{2}/) || [asOfDay()])[0];
  const measure = Object.fromEntries(summary.rows.map(r => [r.measure, r]));
  const expiring = summary.rows.map(r => [r, (r.measure.match(/^expiring in (\d+) days$/) || [])[1]]).filter(x => x[1]);
  const kpi = (label, value, sub, key) => h('div', { class: 'card kpi', 'data-kpi': key }, h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value), h('div', { class: 'delta' }, sub || ''));
  const out = measure.outstanding || {};
  const kpis = h('div', { class: 'grid kpis six' },
    kpi(t('points_outstanding'), pts(out.points), '', 'outstanding'),
    kpi(t('points_value'), fmtMoney(out.value), '', 'value'),
    kpi(t('points_lots'), fmtInt((measure.lots || {}).points), '', 'lots'),
    expiring.map(([r, days]) => kpi(t('points_expiring', { days }), pts(r.points), fmtMoney(r.value), `expiring_${days}`)));
  const expChart = chartBox(), ageChart = chartBox(), brkChart = chartBox();
  const ageTable = h('table', { class: 'data', 'data-points': 'ageing' },
    h('thead', null, h('tr', null, [t('points_age'), t('points_lots'), t('points_points'), t('points_value'), t('tiers_share')]
      .map((c, i) => h('th', { class: i ? 'num' : '' }, c)))),
    h('tbody', null, ageing.rows.map(r => h('tr', null, h('td', null, ageLabel(r.age)), h('td', { class: 'num' }, fmtInt(r.lots)),
      h('td', { class: 'num' }, fmtInt(r.points)), h('td', { class: 'num' }, fmtMoney(r.value)), h('td', { class: 'num' }, fmtPct(r.share))))));
  const brkTable = breakage.rows.length ? h('table', { class: 'data', 'data-points': 'breakage' },
    h('thead', null, h('tr', null, [t('points_expiry_year'), t('points_points'), t('points_debited'), t('points_expired'), t('points_breakage_rate')]
      .map((c, i) => h('th', { class: i ? 'num' : '' }, c)))),
    h('tbody', null, breakage.rows.map(r => h('tr', null, h('td', null, String(r.expiry_year)), h('td', { class: 'num' }, fmtInt(r.points)),
      h('td', { class: 'num' }, fmtInt(r.debited)), h('td', { class: 'num' }, fmtInt(r.expired)), h('td', { class: 'num' }, fmtPct(r.breakage))))))
    : h('p', { class: 'muted' }, t('points_no_breakage'));
  view.replaceChildren(h('p', { class: 'muted' }, t('points_note', { day })), kpis,
    h('div', { class: 'grid charts' },
      card(t('points_expiring_chart'), expChart, h('table', { class: 'data', 'data-points': 'expiring' },
        h('thead', null, h('tr', null, [t('points_window'), t('points_points'), t('points_value')].map((c, i) => h('th', { class: i ? 'num' : '' }, c)))),
        h('tbody', null, expiring.map(([r, days]) => h('tr', null, h('td', null, t('points_expiring', { days })),
          h('td', { class: 'num' }, fmtInt(r.points)), h('td', { class: 'num' }, fmtMoney(r.value))))))),
      card(t('points_ageing', { day }), ageChart, ageTable)),
    h('div', { style: 'height:18px' }),
    card(t('points_breakage'), breakage.rows.length ? brkChart : null, brkTable));
  mountChart(expChart, {
    tooltip: { trigger: 'axis', formatter: p => `${p[0].name}<br>${pts(p[0].value)} · ${fmtMoney(expiring[p[0].dataIndex][0].value)}` },
    grid: { left: 64, right: 20, top: 24, bottom: 30 },
    xAxis: { type: 'category', data: expiring.map(([, days]) => t('points_within', { days })), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('points_points'), type: 'bar', barMaxWidth: 64, color: PALETTE[2], data: expiring.map(([r]) => r.points),
      label: { show: true, position: 'top', formatter: p => fmtInt(p.value) } }],
  });
  mountChart(ageChart, {
    tooltip: { trigger: 'axis', formatter: p => `${p[0].name}<br>${pts(p[0].value)} (${fmtPct(ageing.rows[p[0].dataIndex].share)})` },
    grid: { left: 64, right: 20, top: 24, bottom: 30 },
    xAxis: { type: 'category', data: ageing.rows.map(r => ageLabel(r.age)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('points_points'), type: 'bar', barMaxWidth: 64, color: PALETTE[0], data: ageing.rows.map(r => r.points),
      label: { show: true, position: 'top', formatter: p => fmtPct(ageing.rows[p.dataIndex].share) } }],
  });
  if (breakage.rows.length)
    mountChart(brkChart, {
      tooltip: { trigger: 'axis', valueFormatter: v => pts(v) },
      legend: { top: 0, data: [t('points_debited'), t('points_expired'), t('points_breakage_rate')] },
      grid: { left: 64, right: 64, top: 60, bottom: 30 },
      xAxis: { type: 'category', data: breakage.rows.map(r => String(r.expiry_year)) },
      yAxis: [{ type: 'value', axisLabel: { formatter: fmtCompact } },
        { type: 'value', min: 0, max: 1, splitLine: { show: false }, axisLabel: { formatter: v => fmtPct(v, 0) } }],
      series: [
        { name: t('points_debited'), type: 'bar', stack: 'p', barMaxWidth: 64, color: PALETTE[1], data: breakage.rows.map(r => r.debited) },
        { name: t('points_expired'), type: 'bar', stack: 'p', barMaxWidth: 64, color: PALETTE[3], data: breakage.rows.map(r => r.expired) },
        { name: t('points_breakage_rate'), type: 'line', yAxisIndex: 1, color: '#1d2433', data: breakage.rows.map(r => r.breakage),
          tooltip: { valueFormatter: v => fmtPct(v) }, label: { show: true, formatter: p => fmtPct(p.value) } },
      ],
    });
}
