/* The overview page (#/overview): from /api/kpi, the latest month's KPIs with their change and a
   sparkline, and four monthly charts (revenue and orders, customers, NPS, repeat rate). */
import { t } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtCompact, fmtPct, fmtSigned } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

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

export async function renderOverview(view) {
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
