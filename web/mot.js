/* The moments-of-truth page (#/mot): the touchpoint cycle as a ring — one slice per moment in the
   order a customer meets them, coloured by its mean score (red at the bottom of the scale, green
   at the top), an inner ring of the moments' elements (hardware, software, humanware) — with the
   cycle score by the multiplication rule beside the mean in its centre; then each moment's link
   to NPS and repurchase (/api/mot/drivers, strongest first). Moment names come from the cycle
   (name_en, name_ko), the rest from the vocabulary. */
import { t, lang, valueLabel, fieldLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const ELEMENT_COLOURS = { hardware: PALETTE[6], software: PALETTE[5], humanware: PALETTE[4] };

/* red (0) through amber (0.5) to green (1) */
function scoreColour(x) {
  if (x == null) return '#d5d9e2';
  const stops = [[0, [214, 69, 65]], [0.5, [240, 160, 32]], [1, [20, 163, 139]]];
  const i = x <= 0.5 ? 0 : 1;
  const [a, ca] = stops[i], [b, cb] = stops[i + 1];
  const f = Math.max(0, Math.min(1, (x - a) / (b - a)));
  return `rgb(${ca.map((c, k) => Math.round(c + f * (cb[k] - c))).join(',')})`;
}

const name = r => (lang() === 'ko' ? r.name_ko : r.name_en);
const rho = (v, lo, hi) => (v == null ? '–' : `${v.toFixed(2)}${lo == null ? '' : ` [${lo.toFixed(2)}, ${hi.toFixed(2)}]`}`);

export async function renderMot(view) {
  const params = { as_of: state.asOf };
  const [cycle, score, drivers] = await Promise.all([api('/api/mot/cycle', params),
    api('/api/mot/score', params), api('/api/mot/drivers', params)]);
  const rated = cycle.rows.some(r => r.ratings > 0);
  if (!rated) {
    view.replaceChildren(h('p', { class: 'muted', 'data-mot': 'empty' }, t('mot_no_visits')));
    return;
  }
  const rules = Object.fromEntries(score[0].rows.map(r => [r.rule, r]));
  const ring = chartBox('tall');
  const legend = h('p', { class: 'muted' }, t('mot_ring_note'));
  const cols = ['rank', 'moment', 'element', 'nps_rho', 'repurchase_rho'];
  const rows = drivers.rows.map(r => h('tr', null,
    h('td', { class: 'num' }, fmtInt(r.rank)),
    h('td', null, name(r)),
    h('td', null, valueLabel('element', r.element)),
    h('td', { class: 'num' }, rho(r.nps_rho, r.nps_low, r.nps_high)),
    h('td', { class: 'num' }, rho(r.repurchase_rho, r.repurchase_low, r.repurchase_high))));
  const table = h('table', { class: 'data', 'data-mot': 'drivers' },
    h('thead', null, h('tr', null, cols.map((c, i) => h('th', { class: i === 0 || i > 2 ? 'num' : '' }, fieldLabel(c))))),
    h('tbody', null, rows));
  const kpis = h('div', { class: 'grid kpis' }, [['cycle_product', rules.product], ['cycle_mean', rules.mean]].map(([k, r]) =>
    h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel(k)),
      h('div', { class: 'value' }, r && r.mean != null ? r.mean.toFixed(3) : '–'),
      h('div', { class: 'delta' }, k === 'cycle_product' ? `${fieldLabel('zero_cycles')} ${fmtPct(r.zero_cycles)}` : `${fieldLabel('visits')} ${fmtInt(r.visits)}`))));
  view.replaceChildren(kpis, h('div', { style: 'height:18px' }),
    card(t('mot_ring_title'), ring, legend), h('div', { style: 'height:18px' }),
    card(t('mot_drivers_title'), table));
  const elements = [...new Set(cycle.rows.map(r => r.element))];
  mountChart(ring, {
    legend: { bottom: 0, data: elements.map(e => valueLabel('element', e)) },
    tooltip: { trigger: 'item', formatter: p => (p.seriesIndex === 1
      ? `${p.name}<br>${fieldLabel('mean_score')}: ${p.data.score == null ? '–' : p.data.score.toFixed(2)}<br>${fieldLabel('zero_share')}: ${fmtPct(p.data.zero)}<br>${fieldLabel('weakest_share')}: ${fmtPct(p.data.weakest)}`
      : p.name) },
    series: [
      { type: 'pie', radius: ['34%', '44%'], startAngle: 90, clockwise: true, silent: false,
        label: { show: false }, labelLine: { show: false },
        data: cycle.rows.map(r => ({ name: valueLabel('element', r.element), value: 1, itemStyle: { color: ELEMENT_COLOURS[r.element] } })) },
      { type: 'pie', radius: ['47%', '72%'], startAngle: 90, clockwise: true,
        itemStyle: { borderColor: '#fff', borderWidth: 3 },
        label: { formatter: p => `${p.data.position}. ${p.name}\n${p.data.score == null ? '–' : p.data.score.toFixed(2)}`, lineHeight: 16 },
        data: cycle.rows.map(r => ({ name: name(r), value: 1, position: r.position, score: r.mean_score, zero: r.zero_share, weakest: r.weakest_share,
          itemStyle: { color: scoreColour(r.mean_score) } })) },
    ],
    graphic: [{ type: 'text', left: 'center', top: 'middle', style: {
      text: `${fieldLabel('cycle_product')}\n${rules.product && rules.product.mean != null ? rules.product.mean.toFixed(3) : '–'}`,
      textAlign: 'center', fontSize: 12, fill: '#1d2433', lineHeight: 18, width: 100, overflow: 'break' } }],
  });
}
