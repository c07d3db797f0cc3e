/* The recovery outcomes page (#/recovery?window=90): from /api/voc/recovery, do complainants come
   back? The repurchase rate within the window of complainants whose first complaint was resolved
   within its SLA, resolved late or not resolved, beside the customers without a complaint, each
   with its 95 % Wilson interval (a bar with the interval drawn across it) and the counts. */
import { t, valueLabel } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const WINDOWS = [30, 60, 90, 180];
const COLOURS = { within_sla: PALETTE[1], late: PALETTE[2], unresolved: PALETTE[3], no_complaint: PALETTE[6] };

export async function renderRecovery(view, params) {
  const window = WINDOWS.includes(Number(params.get('window'))) ? Number(params.get('window')) : 90;
  const table = await api('/api/voc/recovery', { as_of: asOfDay(), window });
  const rows = table.rows;
  const form = h('form', { class: 'toolbar', onchange: () => { location.hash = `#/recovery?window=${new FormData(form).get('window')}`; } },
    h('label', null, t('recovery_window'), ' ', h('select', { name: 'window', 'aria-label': 'window' },
      WINDOWS.map(d => h('option', { value: d, selected: d === window ? 'selected' : null }, t('recovery_days', { days: d }))))));
  const chart = chartBox('tall');
  const detail = h('table', { class: 'data', 'data-recovery': 'groups' },
    h('thead', null, h('tr', null, ['recovery_group', 'recovery_customers', 'recovery_repurchased', 'recovery_rate', 'recovery_interval']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t(c))))),
    h('tbody', null, rows.map(r => h('tr', { 'data-group': r.recovery_group },
      h('td', null, valueLabel('recovery_group', r.recovery_group)),
      h('td', { class: 'num' }, fmtInt(r.customers)), h('td', { class: 'num' }, fmtInt(r.repurchased)),
      h('td', { class: 'num' }, fmtPct(r.repurchase_rate)),
      h('td', { class: 'num' }, r.ci_low == null ? '–' : `${fmtPct(r.ci_low)} – ${fmtPct(r.ci_high)}`)))));
  view.replaceChildren(form, h('p', { class: 'muted' }, t('recovery_note', { days: window })),
    card(t('recovery_title', { days: window }), chart), h('div', { style: 'height:18px' }), card(null, detail));
  const names = rows.map(r => valueLabel('recovery_group', r.recovery_group));
  mountChart(chart, {
    tooltip: { trigger: 'item', formatter: p => {
      const r = rows[p.dataIndex];
      return `${names[p.dataIndex]}<br>${t('recovery_rate')}: ${fmtPct(r.repurchase_rate)}<br>${t('recovery_interval')}: ${r.ci_low == null ? '–' : `${fmtPct(r.ci_low)} – ${fmtPct(r.ci_high)}`}<br>${t('recovery_customers')}: ${fmtInt(r.customers)}`;
    } },
    grid: { left: 64, right: 24, top: 24, bottom: 40 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: v => fmtPct(v, 0) } },
    series: [
      { name: t('recovery_rate'), type: 'bar', barMaxWidth: 72,
        data: rows.map(r => ({ value: r.repurchase_rate, itemStyle: { color: COLOURS[r.recovery_group] } })),
        label: { show: true, position: 'insideBottom', color: '#fff', formatter: p => fmtPct(p.value) } },
      { name: t('recovery_interval'), type: 'custom', z: 10,
        data: rows.map((r, i) => [i, r.ci_low, r.ci_high]).filter(d => d[1] != null),
        renderItem: (params, api) => {
          const lo = api.coord([api.value(0), api.value(1)]), hi = api.coord([api.value(0), api.value(2)]);
          const w = 10, style = { stroke: '#1d2433', lineWidth: 1.5 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
            { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style },
            { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style }] };
        } },
    ],
  });
}
