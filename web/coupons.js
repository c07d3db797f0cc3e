/* The coupons page (#/coupons): from /api/coupons the definitions with their state today, and from
   /api/coupons/rates their redemption rates with 95 % Wilson intervals, the discount given and the
   revenue of the redeeming orders (a chart of the rates with their interval ends, and one table
   of both); below, the same by campaign (/api/coupons/rates?by=campaign). */
import { t, valueLabel } from './i18n.js';
import { api } from './api.js';
import { fmtInt, fmtMoney, fmtPct, fmtDate } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

/* A definition's discount: the amount, or the percent with its cap. */
export function couponBenefit(d) {
  if (d.coupon_kind !== 'percent') return fmtMoney(d.amount);
  const percent = `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(d.percent)}%`;
  return d.cap == null ? percent : t('coupons_percent_cap', { percent, cap: fmtMoney(d.cap) });
}

const rateCell = r => h('td', { class: 'num' }, fmtPct(r.redemption_rate),
  r.ci_low == null ? null : h('small', null, ` (${fmtPct(r.ci_low)}–${fmtPct(r.ci_high)})`));

export async function renderCoupons(view) {
  const [defs, rates, byCampaign] = await Promise.all([api('/api/coupons'), api('/api/coupons/rates'),
    api('/api/coupons/rates', { by: 'campaign' })]);
  if (!defs.rows.length) {
    view.replaceChildren(h('div', { class: 'card empty' }, t('coupons_empty')));
    return;
  }
  const rateOf = Object.fromEntries(rates.rows.map(r => [r.definition_id, r]));
  const label = d => (d.name ? `${d.name} (${d.definition_id})` : d.definition_id);
  // the campaign is in the table by campaign below; the id and the minimum spend go under the name
  // and the discount, so the table fits the page
  const head = [['coupons_coupon', ''], ['coupons_benefit', 'num'], ['coupons_audience', ''],
    ['coupons_valid', ''], ['coupons_state', ''], ['coupons_issued', 'num'], ['coupons_redeemed', 'num'],
    ['coupons_rate', 'num'], ['coupons_discount', 'num'], ['coupons_revenue', 'num']];
  const table = h('table', { class: 'data wrap-head', 'data-coupons': 'definitions' }, noteCaption(rates),
    h('thead', null, h('tr', null, head.map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, defs.rows.map(d => {
      const r = rateOf[d.definition_id] || {};
      return h('tr', { 'data-definition': d.definition_id }, h('td', { 'data-raw': '' }, d.name || d.definition_id,
        d.name ? h('div', { class: 'sub muted' }, d.definition_id) : null),
        h('td', { class: 'num' }, couponBenefit(d), d.min_spend ? h('div', { class: 'sub muted' }, `${t('coupons_min_spend')} ${fmtMoney(d.min_spend)}`) : null),
        h('td', null, valueLabel('audience', d.audience)),
        h('td', null, `${fmtDate(d.valid_from)} – ${fmtDate(d.valid_until)}`),
        h('td', null, h('span', { class: 'badge ' + d.coupon_state }, valueLabel('coupon_state', d.coupon_state))),
        h('td', { class: 'num' }, fmtInt(d.issued)), h('td', { class: 'num' }, fmtInt(d.redeemed)), rateCell(r),
        h('td', { class: 'num' }, fmtMoney(r.discount)), h('td', { class: 'num' }, fmtMoney(r.revenue)));
    })));
  const campaigns = h('table', { class: 'data wrap-head', 'data-coupons': 'campaigns' },
    h('thead', null, h('tr', null, [['coupons_campaign', ''], ['coupons_definitions_n', 'num'], ['coupons_issued', 'num'],
      ['coupons_redeemed', 'num'], ['coupons_rate', 'num'], ['coupons_discount', 'num'], ['coupons_revenue', 'num']]
      .map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, byCampaign.rows.map(r => h('tr', null,
      r.campaign_id === '(none)' ? h('td', null, t('coupons_none_campaign')) : h('td', { 'data-raw': '' }, r.campaign_id),
      h('td', { class: 'num' }, fmtInt(r.definitions)), h('td', { class: 'num' }, fmtInt(r.issued)), h('td', { class: 'num' }, fmtInt(r.redeemed)),
      rateCell(r), h('td', { class: 'num' }, fmtMoney(r.discount)), h('td', { class: 'num' }, fmtMoney(r.revenue))))));
  // the chart: the definitions with codes issued, by rate
  const shown = defs.rows.filter(d => (rateOf[d.definition_id] || {}).issued > 0)
    .map(d => ({ d, r: rateOf[d.definition_id] })).sort((a, b) => a.r.redemption_rate - b.r.redemption_rate);
  const chart = chartBox();
  chart.style.height = `${Math.max(220, 90 + shown.length * 40)}px`;
  view.replaceChildren(
    shown.length ? card(t('coupons_rates'), chart) : null, shown.length ? h('div', { style: 'height:18px' }) : null,
    card(t('coupons_definitions'), table), h('div', { style: 'height:18px' }),
    card(t('coupons_by_campaign'), campaigns));
  if (!shown.length) return;
  const ends = key => ({ name: t('coupons_interval'), type: 'scatter', symbol: 'rect', symbolSize: [2, 14], color: '#1d2433',
    data: shown.map(x => x.r['ci_' + key]), tooltip: { show: false } });
  mountChart(chart, {
    tooltip: { trigger: 'axis', formatter: p => { const x = shown[p[0].dataIndex]; return `${label(x.d)}<br>${t('coupons_rate')}: ${fmtPct(x.r.redemption_rate)} (${fmtPct(x.r.ci_low)}–${fmtPct(x.r.ci_high)})<br>${t('coupons_redeemed')} ${fmtInt(x.r.redeemed)} / ${t('coupons_issued')} ${fmtInt(x.r.issued)}`; } },
    grid: { left: 10, right: 40, top: 20, bottom: 30, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: v => fmtPct(v, 0) } },
    yAxis: { type: 'category', data: shown.map(x => x.d.name || x.d.definition_id), axisLabel: { width: 220, overflow: 'truncate' } },
    series: [{ name: t('coupons_rate'), type: 'bar', barMaxWidth: 24, color: PALETTE[1], data: shown.map(x => x.r.redemption_rate),
      label: { show: true, position: 'insideLeft', formatter: p => fmtPct(p.value) } }, ends('low'), ends('high')],
  });
}
