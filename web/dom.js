/* DOM helpers: an element builder, cards, chart boxes, error boxes and the library's result tables. */
import { t, tr, vocab, valueLabel, fieldLabel } from './i18n.js';
import { fmtInt, fmtMoney, locale } from './format.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false)
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export function card(title, ...body) {
  return h('div', { class: 'card' }, title ? h('h2', null, title) : null, ...body);
}

export function chartBox(cls) { return h('div', { class: 'chart' + (cls ? ' ' + cls : '') }); }

/* An error in place of the view; a 403 (the user's role may not read the page) says so in the
   current language. */
export function showError(view, err) {
  view.replaceChildren(err.status === 403 ? h('div', { class: 'error', 'data-forbidden': '' }, t('forbidden'))
    : h('div', { class: 'error' }, `${t('load_error')}: ${err.message}`));
}

/* A result table (the library's {title, columns, rows}) as an HTML table. money: column names
   holding amounts. */
export function resultTable(table, opts = {}) {
  const money = new Set(opts.money || []);
  const head = h('tr', null, table.columns.map(c => h('th', { class: isNumCol(table, c) ? 'num' : '' }, fieldLabel(c))));
  const rows = table.rows.map(r => h('tr', opts.onRow ? { class: 'link', onclick: () => opts.onRow(r) } : null,
    table.columns.map(c => {
      const v = r[c];
      let text = v;
      if (v === null || v === undefined) text = '–';
      else if (money.has(c)) text = fmtMoney(v);
      else if (typeof v === 'number') text = Number.isInteger(v) ? fmtInt(v) : v.toFixed(2);
      else if (c === 'kind') return h('td', null, h('span', { class: 'badge ' + v }, valueLabel(c, v)));
      else if (RAW_FIELDS.has(c)) return h('td', { 'data-raw': '', class: c === 'text' ? 'wrap' : null }, v);
      else if (typeof v === 'string') text = valueLabel(c, v);
      return h('td', { class: typeof v === 'number' ? 'num' : '' }, text);
    })));
  return h('table', { class: 'data' }, noteCaption(table), h('thead', null, head), h('tbody', null, rows));
}

/* A result table's notes (remarks on the whole result, e.g. that --top left rows out) as the
   caption shown beneath its HTML table, or null when it has none. A note with a code in
   "note_codes" is shown in the current language from the vocabulary's "note" domain, its
   {placeholders} filled from the note's parameters; any other shows the library's English. */
export function noteCaption(table) {
  const notes = table.notes || [];
  if (!notes.length) return null;
  const codes = table.note_codes || [];
  return h('caption', { class: 'notes' }, notes.map((text, i) =>
    h('div', { class: 'note', 'data-note': codes[i] ? codes[i].code : '' }, noteText(text, codes[i]))));
}

function noteText(text, coded) {
  if (!coded || !vocab('note', coded.code)) return text;
  const args = {};
  for (const [k, v] of Object.entries(coded.params || {}))
    args[k] = Number.isInteger(v) ? fmtInt(v) : new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(v);
  return tr('note', coded.code, args);
}

export function isNumCol(table, c) { return table.rows.length > 0 && typeof table.rows[0][c] === 'number'; }

/* Fields whose values are the customer's own data (names, contacts, ids), shown as written. */
export const RAW_FIELDS = new Set(['customer_id', 'name', 'phone', 'email', 'staff_id', 'text', 'order']);
