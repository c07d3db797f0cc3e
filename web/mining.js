/* The data-mining pages: churn risk (#/churn: the distribution of today's scores, the stored
   model's validation as a lift chart with its calibration, and the customers at the highest risk
   among the most valuable), segments
   (#/segments: the k-means profiles with their names, sizes and revenue shares) and lookalike
   prospects (#/lookalike: the held-out lift curve, what the best customers look like, the most
   alike prospects). Every figure is the API's table; the pages only draw them. */
import { t, vocab, valueLabel, fieldLabel, lang } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtPct } from './format.js';
import { h, card, chartBox, resultTable } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const kv = rows => h('div', { class: 'kv' }, rows.flatMap(([k, v]) => [h('div', { class: 'k' }, k), h('div', null, v)]));
/* A table without the library's English remarks on a Korean page (the English page shows them). */
const shown = table => (lang() === 'ko' ? Object.assign({}, table, { notes: [], note_codes: [] }) : table);
const toCustomer = r => { location.hash = `#/customer/${encodeURIComponent(r.customer_id)}`; };

/* A lift chart by deciles (10 = the top tenth by score first): bars of the lift of each decile,
   a line of the cumulative lift, and 1 (chance) marked. */
function liftChart(el, deciles, lift, cumulative) {
  mountChart(el, {
    tooltip: { trigger: 'axis', valueFormatter: v => (v == null ? '–' : v.toFixed(2)) },
    legend: { top: 0 },
    grid: { left: 48, right: 20, top: 36, bottom: 40 },
    xAxis: { type: 'category', data: deciles.map(String), name: t('mining_decile_axis'), nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: t('mining_lift') },
    series: [
      { name: t('mining_lift'), type: 'bar', data: lift, color: PALETTE[0], barCategoryGap: '20%',
        markLine: { symbol: 'none', silent: true, lineStyle: { color: PALETTE[3], type: 'dashed' }, data: [{ yAxis: 1, name: t('mining_chance') }],
          label: { formatter: t('mining_chance'), position: 'insideEndTop' } } },
      { name: t('mining_cumulative_lift'), type: 'line', data: cumulative, color: PALETTE[2], symbolSize: 6 },
    ],
  });
}

export async function renderChurn(view) {
  let report;
  try {
    report = await api('/api/churn/report');
  } catch (err) {
    if (err.status !== 404) throw err;
    view.replaceChildren(card(t('page_churn'), h('div', { class: 'muted', 'data-empty': 'churn' }, t('no_churn_model'))));
    return;
  }
  const [metrics, calibration] = report;
  const [scores, distribution] = await Promise.all([
    api('/api/churn/scores', { as_of: state.asOf, limit: 1000 }),
    api('/api/churn/distribution', { as_of: state.asOf })]);
  // the riskiest tenth of the scored, the most valuable of them first
  const riskiest = scores.rows.filter(r => r.risk_decile === 10).sort((a, b) => b.monetary - a.monetary).slice(0, 15);
  const cLift = chartBox(), cCalib = chartBox(), cDist = chartBox();
  const kept = metrics.rows.find(r => r.model === 'kept') || metrics.rows[0];
  const base = kept ? kept.churn_rate : 0;
  const top = calibration.rows.slice().reverse();
  let seen = 0, found = 0;
  const total = top.reduce((s, r) => s + r.customers * r.observed_churn, 0), n = top.reduce((s, r) => s + r.customers, 0);
  const cumulative = top.map(r => { seen += r.customers; found += r.customers * r.observed_churn; return (found / total) / (seen / n); });
  const validation = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['algorithm', 'auc', 'pr_auc', 'lift_top_decile'].map((c, i) => h('th', { class: i ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, metrics.rows.map(r => h('tr', null,
      h('td', null, `${vocab('churn_algorithm', r.algorithm) || r.algorithm} (${t(r.model === 'kept' ? 'churn_kept' : 'churn_baseline')})`),
      ...['auc', 'pr_auc', 'lift_top_decile'].map(c => h('td', { class: 'num' }, r[c] == null ? '–' : r[c].toFixed(3)))))));
  const riskTable = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['customer_id', 'churn_probability', 'recency_days', 'frequency', 'monetary']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t('churn_col_' + c))))),
    h('tbody', null, riskiest.map(r => h('tr', { class: 'link', onclick: () => toCustomer(r) },
      h('td', null, r.customer_id), h('td', { class: 'num' }, fmtPct(r.churn_probability)),
      h('td', { class: 'num' }, fmtInt(r.recency_days)), h('td', { class: 'num' }, fmtInt(r.frequency)),
      h('td', { class: 'num' }, fmtMoney(r.monetary))))));
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, t('churn_page_note', { rate: fmtPct(base), auc: kept ? kept.auc.toFixed(3) : '–' })),
    card(t('chart_churn_distribution'), cDist),
    h('div', { style: 'height:18px' }),
    h('div', { class: 'grid charts' }, card(t('chart_churn_lift'), cLift), card(t('chart_churn_risk'), cCalib)),
    h('div', { style: 'height:18px' }),
    h('div', { class: 'grid charts' }, card(t('chart_churn_top_risk'), riskTable), card(t('chart_churn_validation'), validation)));
  // a histogram of the scores by bands of 5 points: customers (bars) and their share of revenue
  const bands = distribution.rows;
  mountChart(cDist, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 36, bottom: 40 },
    xAxis: { type: 'category', data: bands.map(r => `${fmtPct(r.from, 0)}–${fmtPct(r.to, 0)}`), name: t('churn_distribution_axis'), nameLocation: 'middle', nameGap: 26 },
    yAxis: [{ type: 'value', name: t('churn_distribution_customers'), axisLabel: { formatter: v => fmtInt(v) } },
      { type: 'value', max: 1, axisLabel: { formatter: v => fmtPct(v, 0) }, splitLine: { show: false } }],
    series: [
      { name: t('churn_distribution_customers'), type: 'bar', data: bands.map(r => r.customers), color: PALETTE[0], barCategoryGap: '10%',
        tooltip: { valueFormatter: v => fmtInt(v) } },
      { name: t('churn_distribution_revenue'), type: 'line', yAxisIndex: 1, data: bands.map(r => r.revenue_share), color: PALETTE[3], symbolSize: 5,
        tooltip: { valueFormatter: v => fmtPct(v) } },
    ],
  });
  liftChart(cLift, top.map(r => r.decile), top.map(r => (base ? r.observed_churn / base : 0)), cumulative);
  mountChart(cCalib, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    legend: { top: 0 },
    grid: { left: 48, right: 20, top: 36, bottom: 40 },
    xAxis: { type: 'category', data: calibration.rows.map(r => String(r.decile)), name: t('mining_decile_axis_low'), nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', max: 1, axisLabel: { formatter: v => fmtPct(v, 0) } },
    series: [
      { name: t('churn_mean_predicted'), type: 'bar', data: calibration.rows.map(r => r.mean_predicted), color: PALETTE[4], barCategoryGap: '20%' },
      { name: t('churn_observed'), type: 'line', data: calibration.rows.map(r => r.observed_churn), color: PALETTE[3], symbolSize: 6 },
    ],
  });
}

export async function renderSegments(view) {
  const [profiles] = [await api('/api/segments', { as_of: state.asOf })];
  const cShare = chartBox();
  const name = r => vocab('cluster', r.cluster) || r.name;
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, t('segments_page_note')),
    card(t('chart_segment_share'), cShare), h('div', { style: 'height:18px' }),
    card(t('chart_segment_profiles'), resultTable(Object.assign({}, shown(profiles), {
      columns: profiles.columns.filter(c => c !== 'segment' && c !== 'name' && c !== 'name_ko'),
      rows: profiles.rows.map(r => Object.assign({}, r, { cluster: `${r.segment} · ${name(r)}`,
        share: fmtPct(r.share), revenue_share: fmtPct(r.revenue_share) })) }), { money: ['revenue'] })));
  mountChart(cShare, {
    tooltip: { trigger: 'axis', valueFormatter: v => fmtPct(v) },
    legend: { top: 0 },
    grid: { left: 48, right: 20, top: 36, bottom: 40 },
    xAxis: { type: 'category', data: profiles.rows.map(r => `${r.segment} · ${name(r)}`) },
    yAxis: { type: 'value', axisLabel: { formatter: v => fmtPct(v, 0) } },
    series: [
      { name: t('segment_customer_share'), type: 'bar', data: profiles.rows.map(r => r.share), color: PALETTE[0] },
      { name: t('segment_revenue_share'), type: 'bar', data: profiles.rows.map(r => r.revenue_share), color: PALETTE[1] },
    ],
  });
}

export async function renderLookalike(view) {
  const [report, scores] = await Promise.all([
    api('/api/lookalike/report', { as_of: state.asOf }),
    api('/api/lookalike/scores', { as_of: state.asOf, limit: 20 }),
  ]);
  const [summary, lift, attributes] = report;
  const items = Object.fromEntries(summary.rows.map(r => [r.item, r.value]));
  const cLift = chartBox();
  view.replaceChildren(
    h('div', { class: 'muted', style: 'margin-bottom:12px' }, t('lookalike_page_note')),
    h('div', { class: 'grid charts' },
      card(t('chart_lookalike_lift'), cLift),
      card(t('lookalike_model'), kv([
        [t('lookalike_buyers'), fmtInt(+items['buyers learned from'])],
        [t('lookalike_best'), fmtInt(+items['best customers'])],
        [t('lookalike_heldout'), fmtInt(+items['held-out buyers'])],
        [t('lookalike_auc'), (+items['held-out AUC']).toFixed(3)],
        [t('lookalike_top_lift'), (+items['held-out top-decile lift']).toFixed(2)],
        [t('lookalike_scored'), fmtInt(+items['prospects scored'])]]),
        h('div', { class: 'muted', style: 'margin-top:10px' }, (shown(summary).notes || []).map(n => h('div', null, n))))),
    h('div', { style: 'height:18px' }),
    h('div', { class: 'grid charts' },
      card(t('chart_lookalike_top'), scores.rows.length ? resultTable(shown(scores), { onRow: toCustomer })
        : h('div', { class: 'muted', 'data-empty': 'prospects' }, t('lookalike_no_prospects'))),
      card(t('chart_lookalike_attributes'), resultTable(Object.assign({}, shown(attributes), {
        rows: attributes.rows.slice(0, 12).map(r => Object.assign({}, r,
          { attribute: fieldLabel(r.attribute), value: valueLabel(r.attribute, r.value) })) })))));
  liftChart(cLift, lift.rows.map(r => r.decile), lift.rows.map(r => r.lift), lift.rows.map(r => r.cumulative_lift));
}
