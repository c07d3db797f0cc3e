/* The relationship ladder page (#/ladder): from /api/stages/*, the funnel on the as-of day, the
   activity flags per stage, the migration between two chosen days and the month-end history; from
   /api/loyalty, NPS and CSAT by behavioural stage and by RFM segment (table and bar chart). */
import { t, vocab, valueLabel, fieldLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtCompact, fmtPct, fmtSigned } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
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
  const [stages, migration, history, byStage, bySegment] = await Promise.all([
    api('/api/stages', { as_of: state.asOf }),
    api('/api/stages/migration', { as_of: state.asOf, from, to }),
    api('/api/stages/history', { as_of: state.asOf, from: dayBefore(to, 730), to }),
    api('/api/loyalty', { as_of: state.asOf, view: 'stages' }),
    api('/api/loyalty', { as_of: state.asOf, view: 'segments' }),
  ]);
  const fromInput = h('input', { type: 'date', name: 'from', value: from, 'aria-label': 'from' });
  const toInput = h('input', { type: 'date', name: 'to', value: to, 'aria-label': 'to' });
  const form = h('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); location.hash = `#/ladder?from=${fromInput.value}&to=${toInput.value}`; } },
    h('span', { class: 'muted' }, t('migration_between')), fromInput, '→', toInput, h('button', { class: 'btn', type: 'submit' }, t('pivot_run')));
  const cFunnel = chartBox(), cFlags = chartBox(), cSankey = chartBox('tall'), cHistory = chartBox();
  const cNpsStage = chartBox(), cNpsSegment = chartBox();
  view.replaceChildren(
    h('div', { class: 'grid charts' }, card(`${t('chart_funnel')} · ${at}`, cFunnel), card(t('chart_flags'), cFlags)),
    h('div', { style: 'height:18px' }),
    card(`${t('chart_migration')} · ${from} → ${to}`, form, cSankey),
    h('div', { style: 'height:18px' }),
    card(t('chart_stage_history'), cHistory),
    h('div', { style: 'height:18px' }),
    card(t('loyalty_by_stage'), h('p', { class: 'muted' }, t('loyalty_stage_note'), ' ', t('loyalty_ci_note')),
      loyaltyTable(byStage, 'stage'), cNpsStage),
    h('div', { style: 'height:18px' }),
    card(t('loyalty_by_segment'), h('p', { class: 'muted' }, t('loyalty_ci_note')),
      loyaltyTable(bySegment, 'segment'), cNpsSegment));
  mountNpsBars(cNpsStage, byStage, 'stage');
  mountNpsBars(cNpsSegment, bySegment, 'segment');
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

/* The name of a loyalty group: a stage or segment from the vocabulary, or the whole base. */
function groupLabel(key, code) { return code === '(all)' ? t('loyalty_all') : code === '(not yet known)' ? t('not_yet_known') : valueLabel(key, code); }

/* A loyalty table of /api/loyalty?view=stages|segments: one row per group (KEY), the last the
   whole base; NPS with its 95 % interval, CSAT as a share, the mean loyalty index. */
function loyaltyTable(table, key) {
  const cols = [key, 'customers', 'nps_n', 'nps', 'nps_ci', 'csat_n', 'csat', 'mean_loyalty_index'];
  const cell = (r, c) => {
    if (c === key) return groupLabel(key, r[c]);
    if (c === 'nps') return fmtSigned(r.nps);
    if (c === 'nps_ci') return r.nps_ci_low == null ? '–' : `${fmtSigned(r.nps_ci_low)} … ${fmtSigned(r.nps_ci_high)}`;
    if (c === 'csat') return fmtPct(r.csat);
    if (c === 'mean_loyalty_index') return r[c] == null ? '–' : r[c].toFixed(1);
    return fmtInt(r[c]);
  };
  return h('table', { class: 'data', 'data-loyalty': key }, noteCaption(table),
    h('thead', null, h('tr', null, cols.map(c => h('th', { class: c === key ? '' : 'num' }, fieldLabel(c))))),
    h('tbody', null, table.rows.map(r => h('tr', r[key] === '(all)' ? { class: 'total' } : null,
      cols.map(c => h('td', { class: c === key ? (r[key] === '(all)' ? 'total' : '') : 'num' + (r[key] === '(all)' ? ' total' : '') }, cell(r, c)))))));
}

/* NPS per group with answers (the whole base left out) as bars, the 95 % interval in the tooltip. */
function mountNpsBars(box, table, key) {
  const rows = table.rows.filter(r => r.nps != null && r[key] !== '(all)');
  mountChart(box, {
    tooltip: { trigger: 'axis', formatter: ps => { const r = rows[ps[0].dataIndex];
      return `${groupLabel(key, r[key])}<br>NPS ${fmtSigned(r.nps)} (${fmtSigned(r.nps_ci_low)} … ${fmtSigned(r.nps_ci_high)}) · ${fieldLabel('nps_n')} ${fmtInt(r.nps_n)}`; } },
    grid: { left: 40, right: 10, top: 20, bottom: 60 },
    xAxis: { type: 'category', data: rows.map(r => groupLabel(key, r[key])), axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', min: -100, max: 100 },
    series: [{ name: 'NPS', type: 'bar', barMaxWidth: 40,
      data: rows.map(r => ({ value: +r.nps.toFixed(1), itemStyle: { color: r.nps >= 0 ? '#14a38b' : '#e4574c' } })) }],
  });
}
