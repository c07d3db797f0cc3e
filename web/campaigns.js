/* The campaign results page (#/campaigns?campaign=ID): the launched campaigns as a choice, and for
   the chosen one (/api/campaigns/ID/results on the as-of day) the response rate and revenue per
   customer of the treatment and control groups with their 95 % intervals (charts and a table),
   the uplift of each with its 95 % interval (Newcombe's hybrid score for the rate difference,
   Welch's t for revenue per customer), incremental responders and revenue, and the cost of the
   offer (coupons redeemed, points granted) beside the incremental revenue. The library writes
   its table notes in English; the page says the same from the vocabulary. */
import { t, valueLabel } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt, fmtMoney, fmtPct, fmtDate, locale } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const GROUP_COLOR = { treatment: PALETTE[0], control: '#9aa5b8' };

/* A signed number of percentage points ("+21.5 pp"). */
const fmtPp = v => (v == null ? '–' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} ${t('campaigns_pp')}`);
const fmtSignedMoney = v => (v == null ? '–' : `${v > 0 ? '+' : ''}${fmtMoney(Math.round(v))}`);
const fmtRange = (lo, hi, f) => (lo == null ? '' : `${f(lo)} – ${f(hi)}`);

/* The 95 % interval of each bar: a whisker from its low to its high end, in the bar's category. */
const whiskers = (ends, name) => ends.map(([lo, hi], i) => ({ name, type: 'line', data: [[i, lo], [i, hi]], symbol: 'rect',
  symbolSize: [16, 2], lineStyle: { color: '#1d2433', width: 1.5 }, itemStyle: { color: '#1d2433' }, tooltip: { show: false }, z: 3 }));

function groupChart(el, groups, value, low, high, fmt) {
  mountChart(el, {
    tooltip: { trigger: 'axis', formatter: p => { const g = groups[p[0].dataIndex]; return `${valueLabel('group', g.group)}<br>${fmt(g[value])} (${t('campaigns_interval')} ${fmtRange(g[low], g[high], fmt)})`; } },
    grid: { left: 10, right: 20, top: 24, bottom: 30, containLabel: true },
    xAxis: { type: 'category', data: groups.map(g => valueLabel('group', g.group)) },
    yAxis: { type: 'value', axisLabel: { formatter: v => fmt(v) } },
    series: [{ name: t(value === 'response_rate' ? 'campaigns_response_rate' : 'campaigns_rpc'), type: 'bar', barMaxWidth: 72,
      data: groups.map(g => ({ value: g[value], itemStyle: { color: GROUP_COLOR[g.group] } })),
      label: { show: true, position: 'insideBottom', color: '#fff', formatter: p => fmt(p.value) } },
    ...whiskers(groups.map(g => [g[low], g[high]]), t('campaigns_interval'))],
  });
}

/* The uplift of the response rate with its interval, drawn against zero: a bar from the interval's
   low end to its high end and a mark at the estimate. */
function upliftChart(el, u) {
  const r = u.response_rate, label = t('campaigns_uplift_rate');
  mountChart(el, {
    tooltip: { trigger: 'item', formatter: () => `${label}: ${fmtPp(r.estimate)}<br>${t('campaigns_interval')} ${fmtRange(r.low, r.high, fmtPp)}` },
    grid: { left: 36, right: 44, top: 30, bottom: 30, containLabel: true },
    xAxis: { type: 'value', min: v => Math.min(0, v.min), axisLabel: { formatter: v => `${(v * 100).toFixed(0)} ${t('campaigns_pp')}` } },
    yAxis: { type: 'category', data: [label], axisLabel: { show: false } },
    series: [
      { name: t('campaigns_interval'), type: 'line', data: [[r.low, label], [r.high, label]], symbol: 'rect', symbolSize: [2, 20],
        lineStyle: { width: 10, color: '#c9d7f4' }, itemStyle: { color: '#1d2433' } },
      { name: label, type: 'scatter', symbol: 'diamond', symbolSize: 16, color: PALETTE[0], data: [[r.estimate, label]],
        label: { show: true, position: 'top', formatter: () => fmtPp(r.estimate) },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: '#1d2433', type: 'dashed' }, label: { show: false }, data: [{ xAxis: 0 }] } },
    ],
  });
}

export async function renderCampaigns(view, params) {
  const list = await api('/api/campaigns');
  const launched = list.rows.filter(c => c.state === 'launched')
    .sort((a, b) => (b.launched_on || '').localeCompare(a.launched_on || '') || a.campaign.localeCompare(b.campaign));
  if (!launched.length) {
    view.replaceChildren(h('div', { class: 'card empty' }, t('campaigns_empty')));
    return;
  }
  const chosen = launched.find(c => c.campaign === params.get('campaign')) || launched[0];
  const tables = await api(`/api/campaigns/${encodeURIComponent(chosen.campaign)}/results`, { as_of: asOfDay() });
  const [groupsTable, upliftTable, costTable] = tables;
  const groups = ['treatment', 'control'].map(g => groupsTable.rows.find(r => r.group === g)).filter(Boolean);
  const u = Object.fromEntries(upliftTable.rows.map(r => [r.measure, r]));
  const cost = costTable.rows[0] || {};
  const end = new Date(Date.parse(chosen.launched_on) + (chosen.window_days - 1) * 86400000).toISOString().slice(0, 10);

  const picker = h('div', { class: 'toolbar', 'data-campaigns': 'picker' }, h('span', { class: 'muted' }, t('campaigns_choose')),
    launched.map(c => h('a', { href: `#/campaigns?campaign=${encodeURIComponent(c.campaign)}`, 'data-campaign': c.campaign,
      class: 'chip' + (c === chosen ? ' on' : '') }, h('span', { 'data-raw': '' }, c.name || c.campaign))));
  const about = kv([
    [t('campaigns_campaign'), h('span', { 'data-raw': '' }, chosen.name ? `${chosen.name} (${chosen.campaign})` : chosen.campaign)],
    [t('campaigns_offer'), [valueLabel('offer', chosen.offer), ' ',
      chosen.offer === 'points' ? `${fmtInt(Number(chosen.offer_detail))} ${t('points_unit')}` : h('span', { 'data-raw': '' }, chosen.offer_detail || '')]],
    [t('campaigns_audience'), h('code', { 'data-raw': '' }, chosen.audience || '*')],
    [t('campaigns_window'), t('campaigns_window_days', { from: fmtDate(chosen.launched_on), to: end, days: fmtInt(chosen.window_days) })],
    [t('campaigns_groups'), t('campaigns_group_sizes', { treatment: fmtInt(chosen.treatment), control: fmtInt(chosen.control),
      share: fmtPct(chosen.control_share, 0) })],
  ]);

  const kpi = (label, value, sub, key) => h('div', { class: 'card kpi', 'data-kpi': key }, h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value), h('div', { class: 'delta' }, sub || ''));
  const rate = u.response_rate || {}, rev = u.incremental_revenue || {};
  const kpis = h('div', { class: 'grid kpis six' },
    kpi(t('campaigns_uplift_rate'), fmtPp(rate.estimate), `${t('campaigns_interval')} ${fmtRange(rate.low, rate.high, fmtPp)}`, 'uplift'),
    kpi(t('campaigns_rate_treatment'), fmtPct((groups[0] || {}).response_rate), '', 'rate_treatment'),
    kpi(t('campaigns_rate_control'), fmtPct((groups[1] || {}).response_rate), '', 'rate_control'),
    kpi(t('campaigns_incremental_revenue'), fmtSignedMoney(rev.estimate), `${t('campaigns_interval')} ${fmtRange(rev.low, rev.high, fmtSignedMoney)}`, 'incremental_revenue'),
    kpi(t('campaigns_cost'), fmtMoney(cost.cost), '', 'cost'),
    kpi(t('campaigns_net'), fmtSignedMoney(cost.net), '', 'net'));

  const groupRows = h('table', { class: 'data', 'data-campaigns': 'groups' },
    h('thead', null, h('tr', null, [['campaigns_group', ''], ['campaigns_customers', 'num'], ['campaigns_responders', 'num'],
      ['campaigns_response_rate', 'num'], ['campaigns_revenue', 'num'], ['campaigns_rpc', 'num']].map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, groups.map(g => h('tr', { 'data-group': g.group }, h('td', null, valueLabel('group', g.group)),
      h('td', { class: 'num' }, fmtInt(g.customers)), h('td', { class: 'num' }, fmtInt(g.responders)),
      h('td', { class: 'num' }, fmtPct(g.response_rate), h('small', null, ` (${fmtRange(g.rate_low, g.rate_high, fmtPct)})`)),
      h('td', { class: 'num' }, fmtMoney(g.revenue)),
      h('td', { class: 'num' }, fmtMoney(g.revenue_per_customer), h('small', null, ` (${fmtRange(g.rpc_low, g.rpc_high, fmtMoney)})`))))),
    h('caption', { class: 'notes' }, h('div', { class: 'note' }, t('campaigns_note_window', { from: fmtDate(chosen.launched_on), to: end }))));
  const measureFmt = { response_rate: fmtPp, revenue_per_customer: fmtSignedMoney, incremental_revenue: fmtSignedMoney,
    incremental_responders: v => (v == null ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(v)) };
  const upliftRows = h('table', { class: 'data', 'data-campaigns': 'uplift' },
    h('thead', null, h('tr', null, [['campaigns_measure', ''], ['campaigns_estimate', 'num'], ['campaigns_interval', 'num'], ['campaigns_method', '']]
      .map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, upliftTable.rows.map(r => {
      const f = measureFmt[r.measure] || (v => String(v));
      return h('tr', { 'data-measure': r.measure }, h('td', null, t('campaigns_measure_' + r.measure)), h('td', { class: 'num' }, f(r.estimate)),
        h('td', { class: 'num' }, fmtRange(r.low, r.high, f)), h('td', { class: 'muted' }, t('campaigns_method_' + r.measure)));
    })));
  const costRows = h('table', { class: 'data', 'data-campaigns': 'cost' },
    h('tbody', null, [['campaigns_coupons_issued', fmtInt(cost.coupons_issued)], ['campaigns_coupons_redeemed', fmtInt(cost.coupons_redeemed)],
      ['campaigns_discount', fmtMoney(cost.discount)], ['campaigns_points_granted', `${fmtInt(cost.points_granted)} ${t('points_unit')}`],
      ['campaigns_points_value', fmtMoney(cost.points_value)], ['campaigns_cost', fmtMoney(cost.cost)],
      ['campaigns_incremental_revenue', fmtSignedMoney(cost.incremental_revenue)], ['campaigns_net', fmtSignedMoney(cost.net)],
      ['campaigns_cost_per_retained', cost.cost_per_retained == null ? '–'
        : fmtMoney(cost.cost_per_retained) + (cost.cpr_low == null ? '' : ` (${fmtRange(cost.cpr_low, cost.cpr_high, fmtMoney)})`)]]
      .map(([k, v]) => h('tr', { 'data-cost': k.replace('campaigns_', '') }, h('th', null, t(k)), h('td', { class: 'num' }, v)))),
    h('caption', { class: 'notes' }, h('div', { class: 'note' }, t('campaigns_note_cost'))));

  const rateChart = chartBox(), rpcChart = chartBox(), upChart = chartBox();
  upChart.style.height = '160px';
  view.replaceChildren(picker, kpis,
    h('div', { class: 'grid charts' },
      card(t('campaigns_about'), about, h('h3', { class: 'sub' }, t('campaigns_uplift_rate')), upChart),
      card(t('campaigns_cost_title'), costRows)),
    h('div', { style: 'height:18px' }),
    h('div', { class: 'grid charts' },
      card(t('campaigns_rate_by_group'), rateChart),
      card(t('campaigns_rpc_by_group'), rpcChart)),
    h('div', { style: 'height:18px' }),
    card(t('campaigns_groups_title'), groupRows),
    h('div', { style: 'height:18px' }),
    card(t('campaigns_uplift_title'), upliftRows));
  groupChart(rateChart, groups, 'response_rate', 'rate_low', 'rate_high', v => fmtPct(v));
  groupChart(rpcChart, groups, 'revenue_per_customer', 'rpc_low', 'rpc_high', fmtMoney);
  if (u.response_rate) upliftChart(upChart, u);
}

function kv(pairs) {
  return h('div', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('div', { class: 'k' }, k), h('div', null, v)]));
}
