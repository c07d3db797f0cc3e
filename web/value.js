/* The customer value page (#/value?by=none|segment|tier|stage|type&outcome=...): from
   /api/value/grid the importance-performance grid (a scatter of the seven components, importance
   = |effect| on the outcome, performance = mean score as a share of the scale, split at the
   means; and the table, per group when asked), and from /api/value/reliability Cronbach's alpha
   of each component, flagged under 0.7. A store without answers, or with too few for a
   regression, says so (docs/value.md). */
import { t, valueLabel, fieldLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const BY = ['none', 'segment', 'tier', 'stage', 'type'];
const OUTCOMES = ['repurchase_intent', 'nps', 'repurchase'];
const fix = (v, d) => (v == null ? '–' : v.toFixed(d));
const num = (v, d) => h('td', { class: 'num' }, fix(v, d));

/* A group's name: a segment, stage or type of the vocabulary, a tier code, or (none). */
function groupName(by, g) {
  if (g === '(none)' || g === '(no orders)' || g === '(lowest tier)') return t('not_yet_known');
  return valueLabel(by === 'type' ? 'customer_type' : by, g);
}

function remark(r) {
  if (r.remark === 'group too small for a regression') return t('value_group_too_small');
  if (r.remark && r.remark.startsWith('constant')) return t('value_constant');
  return r.quadrant ? valueLabel('quadrant', r.quadrant) : '–';
}

export async function renderValue(view, params) {
  const by = BY.includes(params.get('by')) ? params.get('by') : 'none';
  const outcome = OUTCOMES.includes(params.get('outcome')) ? params.get('outcome') : 'repurchase_intent';
  const reliability = await api('/api/value/reliability', { as_of: state.asOf });
  if (!reliability.rows.some(r => r.responses > 0)) {
    view.replaceChildren(card(t('page_value'), h('p', { class: 'muted' }, t('value_no_answers'), ' ',
      h('code', { 'data-raw': '' }, 'dangol value import FILE'))));
    return;
  }
  const form = h('form', { class: 'toolbar', onchange: () => { const d = new FormData(form); location.hash = `#/value?by=${d.get('by')}&outcome=${d.get('outcome')}`; } },
    h('label', null, h('select', { name: 'by', 'aria-label': 'by' },
      BY.map(v => h('option', { value: v, selected: v === by ? 'selected' : null }, t('value_by_' + v))))),
    h('label', null, t('value_outcome'), ' ', h('select', { name: 'outcome', 'aria-label': 'outcome' },
      OUTCOMES.map(v => h('option', { value: v, selected: v === outcome ? 'selected' : null }, t('value_outcome_' + v))))));
  let overall = null, grouped = null;
  try {
    [overall, grouped] = await Promise.all([api('/api/value/grid', { as_of: state.asOf, outcome }),
      by === 'none' ? null : api('/api/value/grid', { as_of: state.asOf, outcome, by })]);
  } catch (err) {
    if (err.stale || err.status !== 400) throw err;
  }
  const relTable = h('table', { class: 'data' },
    h('thead', null, h('tr', null, ['component', 'items', 'responses', 'alpha', 'mean', 'sd'].map((c, i) => h('th', { class: i ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, reliability.rows.map(r => h('tr', null, h('td', null, valueLabel('component', r.component)),
      h('td', { class: 'num' }, fmtInt(r.items)), h('td', { class: 'num' }, fmtInt(r.responses)),
      h('td', { class: 'num' }, fix(r.alpha, 3), r.alpha != null && r.alpha < 0.7 ? h('small', null, ` (${t('value_alpha_low')})`) : null),
      num(r.mean, 2), num(r.sd, 2)))));
  const parts = [h('p', { class: 'muted' }, t('value_note')), form];
  if (!overall) {
    parts.push(card(t('value_grid'), h('p', { class: 'muted' }, t('value_too_few'))));
  } else {
    const chart = chartBox('tall');
    const table = grouped || overall;
    const cols = [...(grouped ? ['group'] : []), 'component', 'responses', 'effect', 'importance', 'p', 'mean', 'performance', 'quadrant'];
    const gridTable = h('table', { class: 'data', 'data-value-grid': '' },
      h('thead', null, h('tr', null, cols.map((c, i) => h('th', { class: i < (grouped ? 2 : 1) || c === 'quadrant' ? '' : 'num' }, fieldLabel(c))))),
      h('tbody', null, table.rows.map(r => h('tr', null, grouped ? h('td', null, groupName(by, r.group)) : null,
        h('td', null, r.component === '(all)' ? t('loyalty_all') : valueLabel('component', r.component)),
        h('td', { class: 'num' }, fmtInt(r.responses)), num(r.effect, 3), num(r.importance, 3), num(r.p, 4), num(r.mean, 2),
        h('td', { class: 'num' }, r.performance == null ? '–' : fmtPct(r.performance)), h('td', null, remark(r))))));
    parts.push(card(t('value_grid'), chart), h('div', { style: 'height:18px' }), card(t('value_grid'), gridTable));
    const points = overall.rows.filter(r => r.importance != null);
    const mean = k => points.reduce((s, r) => s + r[k], 0) / (points.length || 1);
    view.replaceChildren(...parts, h('div', { style: 'height:18px' }), card(t('value_reliability'), relTable));
    mountChart(chart, {
      tooltip: { formatter: p => `${p.data.name}<br>${fieldLabel('importance')}: ${fix(p.data.value[1], 3)}<br>${fieldLabel('performance')}: ${fmtPct(p.data.value[0])}` },
      grid: { left: 60, right: 110, top: 30, bottom: 50 },
      xAxis: { type: 'value', name: fieldLabel('performance'), nameLocation: 'middle', nameGap: 30, scale: true, axisLabel: { formatter: v => fmtPct(v, 0) } },
      yAxis: { type: 'value', name: fieldLabel('importance'), scale: true },
      series: [{
        type: 'scatter', symbolSize: 16,
        data: points.map((r, i) => ({ name: valueLabel('component', r.component), value: [r.performance, r.importance],
          itemStyle: { color: PALETTE[i < 3 ? 1 : 3] } })),
        label: { show: true, position: 'right', formatter: p => p.data.name },
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#8c96a8' },
          data: [{ xAxis: mean('performance') }, { yAxis: mean('importance') }] },
      }],
    });
    return;
  }
  view.replaceChildren(...parts, h('div', { style: 'height:18px' }), card(t('value_reliability'), relTable));
}
