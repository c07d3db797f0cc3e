/* The customer lifetime value page (#/clv): from /api/clv at a stated horizon and discount rate,
   the CLV and P(alive) distributions and the most valuable customers. */
import { t } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtCompact, fmtPct, currencySymbol } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, echarts, mountChart } from './charts.js';

// the library's defaults (DG_CLV_DEFAULT_HORIZON, DG_CLV_DEFAULT_DISCOUNT_RATE; docs/clv.md)
const CLV_HORIZON_WEEKS = 52, CLV_DISCOUNT_PER_WEEK = 0;

/* Customer lifetime value (BG/NBD + Gamma-Gamma over the next 52 weeks): the CLV distribution,
   P(alive), and the most valuable customers. */
export async function renderClv(view) {
  // the horizon and discount rate are stated on the page, and sent, so the figures say what they are
  const q = { as_of: state.asOf, horizon: CLV_HORIZON_WEEKS, discount_rate: CLV_DISCOUNT_PER_WEEK };
  const [top, value, alive] = await Promise.all([
    api('/api/clv', Object.assign({ view: 'top', top: 25 }, q)),
    api('/api/clv', Object.assign({ view: 'value' }, q)),
    api('/api/clv', Object.assign({ view: 'p_alive' }, q)),
  ]);
  const cValue = chartBox(), cAlive = chartBox();
  const table = h('table', { class: 'data' }, noteCaption(top),
    h('thead', null, h('tr', null, ['customer_id', 'frequency', 'monetary', 'p_alive', 'expected_purchases', 'clv']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t('clv_' + c))))),
    h('tbody', null, top.rows.map(r => h('tr', { class: 'link', onclick: () => { location.hash = `#/customer/${encodeURIComponent(r.customer_id)}`; } },
      h('td', null, r.customer_id), h('td', { class: 'num' }, fmtInt(r.frequency)),
      h('td', { class: 'num' }, r.frequency > 0 ? fmtMoney(Math.round(r.monetary)) : '–'), h('td', { class: 'num' }, fmtPct(r.p_alive)),
      h('td', { class: 'num' }, r.expected_purchases.toFixed(1)), h('td', { class: 'num' }, r.clv == null ? '–' : fmtMoney(Math.round(r.clv)))))));
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, t('clv_note', { weeks: CLV_HORIZON_WEEKS, rate: fmtPct(CLV_DISCOUNT_PER_WEEK, 1) })),
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
