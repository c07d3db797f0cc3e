/* The RFM page (#/rfm): from /api/rfm, the R × F grid as a heatmap coloured by customer count, and
   the named segments (by their vocabulary names) with their shares and means. */
import { t, valueLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtPct } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

/* RFM: the R × F heatmap of scored customers and the named segments with their revenue. */
export async function renderRfm(view) {
  const [grid, segments] = await Promise.all([api('/api/rfm', { as_of: state.asOf, view: 'grid' }), api('/api/rfm', { as_of: state.asOf })]);
  const cGrid = chartBox('tall'), cSeg = chartBox('tall');
  const rows = segments.rows;
  const table = h('table', { class: 'data' }, noteCaption(segments),
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
