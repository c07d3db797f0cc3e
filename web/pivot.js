/* The pivot explorer over /api/cube. The whole query lives in the URL hash (rows, cols, measure,
   where, totals, sort, top, and one `drill` per drill-down step), so a view survives a reload and
   can be bookmarked; every control writes the hash and the page redraws from it. Clicking a row
   drills down: its labels become filters and its rows move one level down their hierarchy
   (year > quarter > month > day, category > brand > product); the breadcrumb rolls back up. The
   dimensions, measures and hierarchies are the server's (GET /api/cube/dimensions). */
import { t, dimLabel, valueLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt, fmtMoney, fmtCompact, fmtPct } from './format.js';
import { h, card, chartBox, noteCaption } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const MONEY_MEASURES = new Set(['revenue', 'aov', 'revenue_per_customer']);

/* The cube's catalog, fetched once: dimension and measure names, the hierarchies (chains of
   parent links), the level a drill-down moves to, and the time levels. A week is not nested in a
   month (docs/cube.md), so a month drills to its days. */
let catalogRequest = null;
let CUBE = null;
function loadCubeCatalog() {
  catalogRequest = catalogRequest || fetch(new URL('/api/cube/dimensions', location.origin)).then(res => {
    if (!res.ok) throw new Error(`/api/cube/dimensions: HTTP ${res.status}`);
    return res.json();
  }).then(doc => {
    const children = name => doc.dimensions.filter(d => d.parent === name).map(d => d.name);
    const hierarchies = doc.dimensions.filter(d => !d.parent && children(d.name).length).map(d => {
      const chain = [d.name];
      for (let next = children(d.name)[0]; next; next = children(next)[0]) chain.push(next);
      return chain;
    });
    const finer = {};
    for (const d of doc.dimensions) if (d.parent) finer[d.parent] = d.name;
    if (finer.month === 'week') finer.month = 'day';
    return { dims: doc.dimensions.map(d => d.name), measures: doc.measures, hierarchies, finer,
      timeDims: new Set(doc.dimensions.filter(d => d.grain === 'day').map(d => d.name)) };
  }).catch(err => { catalogRequest = null; throw err; });
  return catalogRequest;
}

const PIVOT_DEFAULT = { rows: ['year', 'quarter'], measures: ['revenue', 'orders'], totals: 'rollup' };
const CHART_ROWS = 50;

function fmtMeasure(m, v) {
  if (v == null) return '–';
  if (m === 'share') return fmtPct(v);
  if (MONEY_MEASURES.has(m)) return fmtMoney(Math.round(v));
  return fmtInt(Math.round(v));
}

/* ---- the query in the URL ---- */

function pivotState(params) {
  const list = (key, sep) => (params.get(key) || '').split(sep).filter(Boolean);
  const or = (values, fallback) => (values.length ? values : fallback);
  const step = text => {
    const cut = text.indexOf('~');
    return cut < 0 ? null : { rows: text.slice(0, cut).split(',').filter(Boolean), terms: text.slice(cut + 1).split(';').filter(Boolean) };
  };
  return {
    rows: or(list('rows', ','), PIVOT_DEFAULT.rows),
    cols: list('cols', ','),
    measures: or(list('measure', ','), PIVOT_DEFAULT.measures),
    totals: params.get('totals') || PIVOT_DEFAULT.totals,
    where: list('where', ';'),
    sort: params.get('sort') || '',
    top: params.get('top') || '',
    drill: params.getAll('drill').map(step).filter(Boolean),
  };
}

/* The hash of a state; separators the query syntax uses stay readable. */
function pivotHash(s) {
  const p = new URLSearchParams();
  p.set('rows', s.rows.join(','));
  if (s.cols.length) p.set('cols', s.cols.join(','));
  p.set('measure', s.measures.join(','));
  p.set('totals', s.totals);
  if (s.where.length) p.set('where', s.where.join(';'));
  if (s.sort) p.set('sort', s.sort);
  if (s.top) p.set('top', s.top);
  for (const d of s.drill) p.append('drill', `${d.rows.join(',')}~${d.terms.join(';')}`);
  return '#/pivot?' + p.toString().replace(/%2C/g, ',').replace(/%3B/g, ';').replace(/%3D/g, '=').replace(/%7E/gi, '~');
}

function goPivot(s, change) { location.hash = pivotHash(Object.assign({}, s, change)); }

/* The API query of a state: the user's filters and the drill-down filters together; only the
   parameters /api/cube documents. */
function cubeQuery(s) {
  return {
    rows: s.rows.join(','), cols: s.cols.join(','), measure: s.measures.join(','),
    where: s.where.concat(...s.drill.map(d => d.terms)).join(';'),
    totals: s.totals === 'none' ? undefined : s.totals, sort: s.sort, top: s.top, as_of: state.asOf,
  };
}

/* The rows after drilling into a row whose labels fix the dimensions in `fixed`: fixed levels
   leave the rows, and a hierarchy with no level left moves one level finer than its finest
   fixed level. Empty when there is nowhere to go. */
function drillRows(rows, fixed) {
  const rest = rows.filter(d => !fixed.has(d));
  const out = [];
  for (const d of rows) {
    if (!fixed.has(d)) { out.push(d); continue; }
    const hier = CUBE.hierarchies.find(hr => hr.includes(d));
    if (!hier || !CUBE.finer[d] || rest.some(r => hier.includes(r))) continue;
    const finest = rows.filter(r => fixed.has(r) && hier.includes(r)).sort((a, b) => hier.indexOf(b) - hier.indexOf(a))[0];
    if (d === finest) out.push(CUBE.finer[d]);
  }
  return out;
}

/* A filter term as the API reads it (`dim=a,b`, `dim!=a`) and its label. */
function parseTerm(term) {
  const m = term.match(/^([a-z_]+)(!=|=)(.*)$/);
  return m ? { dim: m[1], op: m[2], values: m[3] } : null;
}

function termLabel(term) {
  const p = parseTerm(term);
  if (!p) return term;
  const values = p.values.includes('..') ? p.values : p.values.split(',').map(v => valueLabel(p.dim, v)).join(', ');
  return `${dimLabel(p.dim)} ${p.op === '=' ? '=' : '≠'} ${values}`;
}

/* ---- controls ---- */

function chip(text, onRemove, title) {
  return h('span', { class: 'chip', title },
    h('span', null, text),
    onRemove ? h('button', { type: 'button', class: 'chip-x', 'aria-label': `${t('pivot_remove')} ${text}`, onclick: onRemove }, '×') : null);
}

/* An ordered list of dimensions (rows or columns) as removable chips and a select to add one. */
function levelPicker(name, levels, taken, minimum, onChange) {
  const add = h('select', { class: 'add', name: `${name}-add`, 'aria-label': `${name} add`,
    onchange: e => { if (e.target.value) onChange(levels.concat(e.target.value)); } },
  h('option', { value: '' }, `+ ${t('pivot_add_level')}`),
  CUBE.dims.filter(d => !taken.has(d)).map(d => h('option', { value: d }, dimLabel(d))));
  return h('span', { class: 'levels', 'data-levels': name },
    levels.flatMap((d, i) => [i ? h('span', { class: 'sep' }, '→') : null,
      chip(dimLabel(d), levels.length > minimum ? () => onChange(levels.filter(x => x !== d)) : null)]),
    add);
}

function segmented(name, options, value, onPick) {
  return h('span', { class: 'segmented', role: 'group', 'aria-label': name, 'data-control': name },
    options.map(([v, label]) => h('button', { type: 'button', class: v === value ? 'on' : '', 'aria-pressed': String(v === value),
      'data-value': v, onclick: () => { if (v !== value) onPick(v); } }, label)));
}

function measurePicker(s) {
  return h('span', { class: 'segmented multi', role: 'group', 'aria-label': 'measure', 'data-control': 'measure' },
    CUBE.measures.map(m => {
      const on = s.measures.includes(m);
      return h('button', { type: 'button', class: on ? 'on' : '', 'aria-pressed': String(on), 'data-value': m,
        onclick: () => {
          const measures = on ? s.measures.filter(x => x !== m) : CUBE.measures.filter(x => x === m || s.measures.includes(x));
          if (!measures.length) return;
          const sortMeasure = s.sort.split(':')[0];
          goPivot(s, { measures, sort: measures.includes(sortMeasure) ? s.sort : '' });
        } }, dimLabel(m));
    }));
}

/* The filters: a chip per term of `where`, and a row to add one; the value box suggests the
   dimension's labels (from the cube itself). */
function filterEditor(s) {
  const values = h('datalist', { id: 'pivot-values' });
  const dim = h('select', { name: 'filter-dim', 'aria-label': 'filter dimension' }, CUBE.dims.map(d => h('option', { value: d }, dimLabel(d))));
  const op = h('select', { name: 'filter-op', 'aria-label': 'filter operator' }, h('option', { value: '=' }, '='), h('option', { value: '!=' }, '≠'));
  const value = h('input', { name: 'filter-value', list: 'pivot-values', placeholder: t('pivot_value'), 'aria-label': 'filter value' });
  const suggest = () => api('/api/cube', { rows: dim.value, measure: 'orders', as_of: state.asOf })
    .then(tb => values.replaceChildren(...tb.rows.map(r => h('option', { value: r[dim.value] }, valueLabel(dim.value, r[dim.value])))))
    .catch(() => values.replaceChildren());
  dim.addEventListener('change', suggest);
  const form = h('form', { class: 'filter-add', onsubmit: e => {
    e.preventDefault();
    if (value.value.trim()) goPivot(s, { where: s.where.concat(`${dim.value}${op.value}${value.value.trim()}`) });
  } }, dim, op, value, values, h('button', { class: 'btn', type: 'submit' }, t('pivot_add')));
  value.addEventListener('focus', () => { if (!values.children.length) suggest(); }, { once: true });
  return h('span', { class: 'filters' },
    s.where.map(term => chip(termLabel(term), () => goPivot(s, { where: s.where.filter(x => x !== term) }), term)), form);
}

function pivotControls(s) {
  const taken = new Set(s.rows.concat(s.cols));
  const sortOptions = [['', t('pivot_sort_label')]].concat(...s.measures.map(m =>
    [[`${m}:desc`, `${dimLabel(m)} ↓`], [`${m}:asc`, `${dimLabel(m)} ↑`]]));
  const sort = h('select', { name: 'sort', 'aria-label': 'sort', onchange: e => goPivot(s, { sort: e.target.value }) },
    sortOptions.map(([v, label]) => h('option', { value: v, selected: v === s.sort ? 'selected' : null }, label)));
  const top = h('input', { name: 'top', type: 'number', min: 1, value: s.top, placeholder: t('pivot_all_rows'), 'aria-label': 'top',
    class: 'top', onchange: e => goPivot(s, { top: e.target.value > 0 ? String(Math.floor(e.target.value)) : '' }) });
  const line = (label, ...controls) => h('div', { class: 'control' }, h('span', { class: 'control-label' }, label), ...controls);
  return card(null, h('div', { class: 'pivot-controls' },
    line(t('pivot_rows'), levelPicker('rows', s.rows, taken, 1, rows => goPivot(s, { rows }))),
    line(t('pivot_cols'), levelPicker('cols', s.cols, taken, 0, cols => goPivot(s, { cols }))),
    line(t('pivot_measure'), measurePicker(s)),
    line(t('pivot_filters'), filterEditor(s)),
    h('div', { class: 'control' },
      h('span', { class: 'control-label' }, t('pivot_totals')),
      segmented('totals', [['none', t('totals_none')], ['rollup', t('totals_rollup')], ['cube', t('totals_cube')]], s.totals, totals => goPivot(s, { totals })),
      h('span', { class: 'control-label gap' }, t('pivot_sort')), sort,
      h('span', { class: 'control-label gap' }, t('pivot_top')), top)));
}

function breadcrumb(s) {
  const crumbs = [h('a', { href: pivotHash(Object.assign({}, s, { rows: s.drill.length ? s.drill[0].rows : s.rows, drill: [] })),
    class: s.drill.length ? '' : 'here', 'data-crumb': 0 }, t('pivot_all'))];
  s.drill.forEach((d, i) => {
    const last = i === s.drill.length - 1;
    const fixed = Object.fromEntries(d.terms.map(parseTerm).filter(Boolean).map(p => [p.dim, p.values]));
    const label = rowLabel(Object.keys(fixed), fixed);
    crumbs.push(h('span', { class: 'sep' }, '/'));
    crumbs.push(last ? h('span', { class: 'here', 'data-crumb': i + 1 }, label)
      : h('a', { href: pivotHash(Object.assign({}, s, { rows: s.drill[i + 1].rows, drill: s.drill.slice(0, i + 1) })), 'data-crumb': i + 1 }, label));
  });
  return h('nav', { class: 'crumbs', 'aria-label': 'drill-down' }, crumbs);
}

/* ---- the answer ---- */

/* The value columns of a cube table: its column key (labels of the column dimensions, '' when
   there are none) and its measure. Several measures name a column "KEY MEASURE". */
function valueColumns(table, s) {
  return table.columns.slice(s.rows.length).map(name => {
    let measure = s.measures[0], key = s.cols.length ? name : '';
    if (s.measures.length > 1) {
      measure = s.measures.filter(m => name === m || name.endsWith(' ' + m)).sort((a, b) => b.length - a.length)[0];
      key = name === measure ? '' : name.slice(0, -(measure.length + 1));
    }
    const parts = key ? key.split(' / ') : [];
    return { name, measure, key, parts, total: parts.includes('Total'),
      label: parts.map((v, i) => valueLabel(s.cols[i], v)).join(' / ') };
  });
}

function rowDrill(s, r) {
  const fixed = s.rows.filter(d => r[d] !== 'Total');
  // a label holding the filter syntax (a list, a range, the term separator) cannot be a filter
  if (!fixed.length || fixed.some(d => /[,;]|\.\./.test(r[d]))) return null;
  const rows = drillRows(s.rows, new Set(fixed));
  if (!rows.length) return null;
  return Object.assign({}, s, { rows, drill: s.drill.concat({ rows: s.rows, terms: fixed.map(d => `${d}=${r[d]}`) }) });
}

/* The label of a row in the chart: a time label carries its coarser levels (2025-03 is in
   2025-Q1), so only the finest time level is shown. */
function rowLabel(dims, r) {
  const lastTime = dims.filter(d => CUBE.timeDims.has(d)).pop();
  return dims.filter(d => !CUBE.timeDims.has(d) || d === lastTime).map(d => valueLabel(d, r[d])).join(' · ');
}

function pivotTable(s, table, cols, drills) {
  const isTotal = r => s.rows.some(d => r[d] === 'Total');
  const grouped = !s.sort;
  const max = {};
  for (const r of table.rows) if (!isTotal(r)) for (const c of cols)
    if (!c.total && r[c.name] != null) max[c.measure] = Math.max(max[c.measure] || 0, Math.abs(r[c.name]));
  const multi = s.cols.length && s.measures.length > 1;
  const head = [];
  if (multi) {
    const groups = [];
    for (const c of cols) {
      if (groups.length && groups[groups.length - 1].key === c.key) groups[groups.length - 1].span++;
      else groups.push({ key: c.key, label: c.label, span: 1 });
    }
    head.push(h('tr', null, h('th', { colspan: s.rows.length }), groups.map(g => h('th', { class: 'num group', colspan: g.span }, g.label))));
  }
  head.push(h('tr', null, s.rows.map(d => h('th', null, dimLabel(d))),
    cols.map(c => h('th', { class: 'num' }, multi || !c.key ? dimLabel(c.measure) : c.label))));
  let prev = null;
  const body = table.rows.map((r, n) => {
    const total = isTotal(r), grand = s.rows.every(d => r[d] === 'Total');
    const next = drills[n];
    const firstTotal = s.rows.findIndex(d => r[d] === 'Total');
    const chevronAt = firstTotal < 0 ? s.rows.length - 1 : firstTotal;
    const cells = s.rows.map((d, i) => {
      // a group's label only on its first row; a subtotal row says Total once, at its first rolled-up level
      const same = (grouped && prev && s.rows.slice(0, i + 1).every(x => prev[x] === r[x]) && r[d] !== 'Total') ||
        (i > 0 && r[d] === 'Total' && r[s.rows[i - 1]] === 'Total');
      return h('td', { class: same ? 'repeat' : '' }, same ? '' : valueLabel(d, r[d]), i === chevronAt && next ? h('span', { class: 'chev' }, '▸') : null);
    });
    prev = r;
    const attrs = { class: [total ? 'total' : '', grand ? 'grand' : '', next ? 'link drill' : ''].join(' ').trim() };
    if (next) Object.assign(attrs, { title: t('pivot_drill_hint'), onclick: () => goPivot(next) });
    return h('tr', attrs,
    cells, cols.map(c => {
      const v = r[c.name];
      const heat = !total && !c.total && v != null && max[c.measure] > 0;
      const style = heat ? `background: rgba(47,111,222,${(0.04 + 0.4 * Math.abs(v) / max[c.measure]).toFixed(2)})` : null;
      return h('td', { class: 'num' + (c.total ? ' total' : ''), style }, fmtMeasure(c.measure, v));
    }));
  });
  return h('table', { class: 'data pivot' }, noteCaption(table), h('thead', null, head), h('tbody', null, body));
}

function pivotChart(el, s, table, cols, drills) {
  const detail = [];
  table.rows.forEach((r, n) => { if (!s.rows.some(d => r[d] === 'Total') && detail.length < CHART_ROWS) detail.push({ r, drill: drills[n] }); });
  const m0 = s.measures[0];
  const shown = cols.filter(c => c.measure === m0 && !c.total);
  const axisFmt = m => v => (m === 'share' ? fmtPct(v, 0) : fmtCompact(v));
  const horizontal = !s.rows.some(d => CUBE.timeDims.has(d));
  const labels = detail.map(x => rowLabel(s.rows, x.r));
  const series = shown.map((c, i) => ({ name: c.label || dimLabel(m0), type: 'bar', stack: s.cols.length ? 'cols' : undefined,
    tooltip: { valueFormatter: v => fmtMeasure(m0, v) },
    data: detail.map(x => x.r[c.name]), barMaxWidth: 36, color: PALETTE[i % PALETTE.length],
    label: horizontal && !s.cols.length ? { show: true, position: 'right', color: '#6b7385', formatter: p => axisFmt(m0)(p.value) } : undefined,
    itemStyle: s.cols.length ? undefined : { borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] } }));
  const second = !s.cols.length && s.measures.length > 1 && !horizontal ? cols.find(c => c.measure === s.measures[1]) : null;
  if (second)
    series.push({ name: dimLabel(second.measure), type: 'line', yAxisIndex: 1, smooth: true, color: PALETTE[2],
      tooltip: { valueFormatter: v => fmtMeasure(second.measure, v) },
      data: detail.map(x => x.r[second.name]), symbolSize: 6 });
  const category = { type: 'category', data: labels, inverse: horizontal,
    axisLabel: horizontal ? { width: 160, overflow: 'truncate' } : { rotate: labels.length > 12 ? 40 : 0 } };
  const values = [{ type: 'value', axisLabel: { formatter: axisFmt(m0) } }];
  if (second) values.push({ type: 'value', axisLabel: { formatter: axisFmt(second.measure) }, splitLine: { show: false } });
  if (horizontal) el.style.height = `${Math.max(300, 70 + detail.length * 26)}px`;
  const legend = series.length > 1;
  const chart = mountChart(el, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: legend ? { type: 'scroll', top: 0 } : undefined,
    grid: { left: 10, right: horizontal && !s.cols.length ? 64 : 24, top: legend ? 40 : 16, bottom: 10, containLabel: true },
    xAxis: horizontal ? values : category,
    yAxis: horizontal ? category : values,
    series,
  });
  chart.on('click', p => { const next = detail[p.dataIndex] && detail[p.dataIndex].drill; if (next) goPivot(next); });
  return series.map(x => x.name);
}

export async function renderPivot(view, params) {
  CUBE = await loadCubeCatalog();
  const s = pivotState(params);
  const controls = pivotControls(s);
  let table;
  try {
    table = await api('/api/cube', cubeQuery(s));
  } catch (err) {
    if (err.stale) throw err;
    view.replaceChildren(controls, breadcrumb(s), h('div', { class: 'error' }, err.message));
    return;
  }
  const cols = valueColumns(table, s);
  const drills = table.rows.map(r => rowDrill(s, r));
  const detailCount = table.rows.filter(r => !s.rows.some(d => r[d] === 'Total')).length;
  const title = names => `${names.join(', ')} · ${s.rows.map(d => dimLabel(d)).join(' → ')}` +
    (s.cols.length ? ` × ${s.cols.map(d => dimLabel(d)).join(' → ')}` : '');
  const head = h('div', { class: 'pivot-head' }, breadcrumb(s),
    h('span', { class: 'muted' }, `${fmtInt(detailCount)} ${t('pivot_rows_count')}` +
      (drills.some(Boolean) ? ` · ${t('pivot_drill_hint')}` : '')));
  if (!detailCount) {
    view.replaceChildren(controls, head, h('div', { class: 'card empty' }, t('pivot_no_rows')));
    return;
  }
  const chartEl = chartBox(), chartTitle = h('h2');
  view.replaceChildren(controls, head,
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, chartTitle, chartEl),
      card(null, h('div', { class: 'scroll' }, pivotTable(s, table, cols, drills)))));
  const shown = pivotChart(chartEl, s, table, cols, drills);
  chartTitle.textContent = title(s.cols.length ? [dimLabel(s.measures[0])] : shown) +
    (detailCount > CHART_ROWS ? ` (${t('pivot_chart_first')} ${CHART_ROWS})` : '');
}
