/* The tiers page (#/tiers?from&to&by): from /api/tiers/distribution the customers per tier on the
   as-of day (bar chart and table), from /api/tiers/migration the from × to matrix between two
   days (heatmap, with how many moved up, stayed and moved down), and from /api/tiers/crosstab
   the tiers against the relationship stage or the RFM segment (heatmap). Tier names come with
   the tables (name_en, name_ko: the rules are data, docs/tiers.md). */
import { t, lang, valueLabel } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { echarts, mountChart } from './charts.js';

/* A tier's name in the current language, from a row of a tier table. */
export function tierName(row) { return (lang() === 'ko' ? row.name_ko : row.name_en) || row.tier; }

/* The day a year before DAY (YYYY-MM-DD). */
function yearBefore(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.toISOString().slice(0, 10);
}

const HEAT = ['#f4f7fd', '#8fb2ef', '#2f6fde', '#142f6b'];

/* A heatmap of a tier table's rows (tiers) against columns cols, labelled by colLabel. */
function heatmap(el, table, cols, colLabel, xName) {
  const rows = table.rows;
  const cells = [];
  rows.forEach((r, y) => cols.forEach((c, x) => cells.push([x, y, r[c]])));
  const max = Math.max(1, ...cells.map(c => c[2]));
  el.style.height = `${Math.max(260, 150 + rows.length * 44)}px`;
  mountChart(el, {
    tooltip: { formatter: p => `${tierName(rows[p.value[1]])} → ${colLabel(cols[p.value[0]])}<br>${t('tiers_customers')}: ${fmtInt(p.value[2])}` },
    grid: { left: 10, right: 20, top: 44, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: cols.map(colLabel), position: 'top', name: xName, nameLocation: 'middle', nameGap: 28,
      splitArea: { show: false }, axisLabel: { interval: 0, hideOverlap: false, width: 86, overflow: 'break' } },
    // the rows are the tiers (the card's title says on which day): no rotated axis name
    yAxis: { type: 'category', data: rows.map(tierName), inverse: true, splitArea: { show: false } },
    visualMap: { dimension: 2, min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160,
      inRange: { color: HEAT }, formatter: v => fmtInt(Math.round(v)) },
    series: [{ type: 'heatmap', data: cells, label: { show: true, formatter: p => fmtInt(p.value[2]) } }],
  });
}

export async function renderTiers(view, params) {
  const day = asOfDay();
  const to = params.get('to') || day || new Date().toISOString().slice(0, 10);
  const from = params.get('from') || yearBefore(to);
  const by = params.get('by') === 'segment' ? 'segment' : 'stage';
  const [dist, migration, crosstab] = await Promise.all([
    api('/api/tiers/distribution', { as_of: day }),
    api('/api/tiers/migration', { from, to }),
    api('/api/tiers/crosstab', { as_of: day, by }),
  ]);
  const go = changes => {
    const q = new URLSearchParams({ from, to, by });
    for (const [k, v] of Object.entries(changes)) q.set(k, v);
    location.hash = `#/tiers?${q}`;
  };
  const dateBox = (name, value) => h('input', { type: 'date', name, value, 'aria-label': t('tiers_' + name),
    onchange: e => { if (e.target.value) go({ [name]: e.target.value }); } });
  const bySel = h('select', { name: 'by', 'aria-label': t('tiers_by'), onchange: e => go({ by: e.target.value }) },
    ['stage', 'segment'].map(v => h('option', { value: v, selected: v === by ? 'selected' : null }, valueLabel('dimension', v))));
  const toolbar = h('div', { class: 'toolbar' },
    h('label', null, t('tiers_from'), ' ', dateBox('from', from)), h('label', null, t('tiers_to'), ' ', dateBox('to', to)),
    h('label', null, t('tiers_by'), ' ', bySel));

  // the distribution: chart and table
  const shownDay = (dist.title.match(/\d{4}-\d{2}-\d{2}/) || [day || ''])[0];
  const distChart = chartBox();
  const distTable = h('table', { class: 'data', 'data-tiers': 'distribution' },
    h('thead', null, h('tr', null, h('th', null, t('tiers_tier')), h('th', { class: 'num' }, t('tiers_threshold')),
      h('th', { class: 'num' }, t('tiers_customers')), h('th', { class: 'num' }, t('tiers_share')))),
    h('tbody', null, dist.rows.map(r => h('tr', null, h('td', null, tierName(r)), h('td', { class: 'num' }, fmtInt(r.threshold)),
      h('td', { class: 'num' }, fmtInt(r.customers)), h('td', { class: 'num' }, fmtPct(r.share))))),
    h('tfoot', null, h('tr', null, h('td', null, t('tiers_total')), h('td'), h('td', { class: 'num' }, fmtInt(dist.rows.reduce((n, r) => n + r.customers, 0))), h('td', { class: 'num' }, fmtPct(1)))));

  // the migration: who moved up, stayed, moved down (the rows and columns are the tiers in order)
  const codes = migration.rows.map(r => r.tier);
  const moves = { up: 0, same: 0, down: 0 };
  migration.rows.forEach((r, i) => codes.forEach((c, j) => { moves[j > i ? 'up' : j < i ? 'down' : 'same'] += r[c]; }));
  const nameOf = Object.fromEntries(migration.rows.map(r => [r.tier, tierName(r)]));
  const migChart = chartBox();
  const crossCols = crosstab.columns.filter(c => !['tier', 'name_en', 'name_ko', 'total'].includes(c));
  const crossChart = chartBox();
  const byLabel = valueLabel('dimension', by);
  view.replaceChildren(toolbar,
    h('div', { class: 'grid charts' },
      card(t('tiers_distribution', { day: shownDay }), distChart, distTable),
      card(t('tiers_migration', { from, to }),
        h('div', { class: 'grid kpis three', style: 'margin-bottom:0' },
          ['up', 'same', 'down'].map(k => h('div', { class: 'card kpi', 'data-move': k }, h('div', { class: 'label' }, t('tiers_' + k)),
            h('div', { class: 'value' }, fmtInt(moves[k]))))),
        migChart)),
    h('div', { style: 'height:18px' }),
    card(t('tiers_crosstab', { by: byLabel, day: shownDay }), crossChart));
  mountChart(distChart, {
    tooltip: { trigger: 'axis', formatter: p => `${p[0].name}<br>${t('tiers_customers')}: ${fmtInt(p[0].value)} (${fmtPct(dist.rows[p[0].dataIndex].share)})` },
    grid: { left: 56, right: 20, top: 24, bottom: 30 },
    xAxis: { type: 'category', data: dist.rows.map(tierName) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtInt } },
    series: [{ name: t('tiers_customers'), type: 'bar', barMaxWidth: 64, data: dist.rows.map((r, i) => ({ value: r.customers,
        // the tiers in order, light to dark
        itemStyle: { color: echarts.color.lerp(dist.rows.length > 1 ? i / (dist.rows.length - 1) : 1, ['#8fb2ef', '#142f6b']) } })),
      label: { show: true, position: 'top', formatter: p => fmtPct(dist.rows[p.dataIndex].share) } }],
  });
  heatmap(migChart, migration, codes, c => nameOf[c] || c, `${t('tiers_to')} ${to}`);
  heatmap(crossChart, crosstab, crossCols, c => valueLabel(by, c), byLabel);
}
