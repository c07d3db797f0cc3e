/* The relationship ladder page (#/ladder): from /api/stages/*, the funnel on the as-of day, the
   activity flags per stage, the migration between two chosen days and the month-end history. */
import { t, vocab } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtCompact, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { mountChart } from './charts.js';

const STAGES = ['prospect', 'customer', 'client', 'advocate', 'partner'];
const STAGE_COLORS = { prospect: '#8c96a8', customer: '#3fb1e3', client: '#2f6fde', advocate: '#14a38b', partner: '#7b61ff' };

function isoDay(d) { return d.toISOString().slice(0, 10); }
function dayBefore(iso, days) { const d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - days); return isoDay(d); }

/* The relationship ladder: the funnel today, the stage counts with their activity flags, the
   Sankey of stage migration between two dates and the month-end history. */
export async function renderLadder(view, params) {
  const funnel = await api('/api/stages/funnel', { as_of: state.asOf });
  const at = (funnel.title.match(/\d{4}-\d{2}-\d{2}/) || [])[0] || isoDay(new Date());
  const to = params.get('to') || at, from = params.get('from') || dayBefore(to, 365);
  const [stages, migration, history] = await Promise.all([
    api('/api/stages', { as_of: state.asOf }),
    api('/api/stages/migration', { as_of: state.asOf, from, to }),
    api('/api/stages/history', { as_of: state.asOf, from: dayBefore(to, 730), to }),
  ]);
  const fromInput = h('input', { type: 'date', name: 'from', value: from, 'aria-label': 'from' });
  const toInput = h('input', { type: 'date', name: 'to', value: to, 'aria-label': 'to' });
  const form = h('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); location.hash = `#/ladder?from=${fromInput.value}&to=${toInput.value}`; } },
    h('span', { class: 'muted' }, t('migration_between')), fromInput, '→', toInput, h('button', { class: 'btn', type: 'submit' }, t('pivot_run')));
  const cFunnel = chartBox(), cFlags = chartBox(), cSankey = chartBox('tall'), cHistory = chartBox();
  view.replaceChildren(
    h('div', { class: 'grid charts' }, card(`${t('chart_funnel')} · ${at}`, cFunnel), card(t('chart_flags'), cFlags)),
    h('div', { style: 'height:18px' }),
    card(`${t('chart_migration')} · ${from} → ${to}`, form, cSankey),
    h('div', { style: 'height:18px' }),
    card(t('chart_stage_history'), cHistory));
  mountChart(cFunnel, {
    tooltip: { trigger: 'item', formatter: p => `${p.name}: ${fmtInt(p.value)} (${fmtPct(p.data.share)})` },
    series: [{ type: 'funnel', left: '10%', width: '80%', top: 10, bottom: 10, sort: 'none', minSize: '22%', gap: 3,
      label: { position: 'inside', formatter: p => `${vocab('stage', p.data.step)}  ${fmtInt(p.value)}`, color: '#fff', fontWeight: 600 },
      data: funnel.rows.map(r => ({ name: vocab('stage', r.step), step: r.step, value: r.reached, share: r.share_of_known,
        itemStyle: { color: STAGE_COLORS[r.step] } })) }],
  });
  const flagRows = stages.rows.filter(r => r.stage !== 'prospect');
  mountChart(cFlags, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    legend: { top: 0 },
    xAxis: { type: 'category', data: flagRows.map(r => vocab('stage', r.stage)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [['active', '#14a38b'], ['lapsed', '#f0a020'], ['churned', '#e4574c']].map(([k, color]) => ({
      name: vocab('activity', k), type: 'bar', stack: 'flags', data: flagRows.map(r => r[k] || 0), color, barMaxWidth: 48 })),
  });
  const nodes = [], links = [];
  for (const s of STAGES) {
    nodes.push({ name: `${vocab('stage', s)} · ${from}`, itemStyle: { color: STAGE_COLORS[s] } });
    nodes.push({ name: `${vocab('stage', s)} · ${to}`, itemStyle: { color: STAGE_COLORS[s] } });
  }
  nodes.push({ name: `${t('not_yet_known')} · ${from}`, itemStyle: { color: '#c9cfdb' } });
  for (const r of migration.rows) {
    const src = STAGES.includes(r['from \\ to']) ? `${vocab('stage', r['from \\ to'])} · ${from}` : `${t('not_yet_known')} · ${from}`;
    for (const s of STAGES)
      if (r[s] > 0) links.push({ source: src, target: `${vocab('stage', s)} · ${to}`, value: r[s] });
  }
  const used = new Set(links.flatMap(l => [l.source, l.target]));
  mountChart(cSankey, {
    tooltip: { trigger: 'item', valueFormatter: fmtInt },
    series: [{ type: 'sankey', left: 10, right: 150, top: 10, bottom: 10, nodeGap: 12, nodeAlign: 'justify', layoutIterations: 0,
      data: nodes.filter(n => used.has(n.name)), links, emphasis: { focus: 'adjacency' },
      lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 }, label: { color: '#1d2433' } }],
  });
  mountChart(cHistory, {
    tooltip: { trigger: 'axis', valueFormatter: fmtInt },
    legend: { top: 0 },
    xAxis: { type: 'category', data: history.rows.map(r => r.date.slice(0, 7)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: STAGES.map(s => ({ name: vocab('stage', s), type: 'line', stack: 'stages', areaStyle: { opacity: 0.75 }, symbol: 'none',
      data: history.rows.map(r => r[s]), color: STAGE_COLORS[s] })),
  });
}
