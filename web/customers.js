/* The customer list (#/customers?q&offset): search by id, name, phone or e-mail, 20 at a time;
   coded values (region, consultation type) by name, contacts as written. */
import { t, valueLabel } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt } from './format.js';
import { h, card, RAW_FIELDS } from './dom.js';

const PAGE_SIZE = 20;

export async function renderCustomers(view, params) {
  const q = params.get('q') || '';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const input = h('input', { type: 'search', value: q, placeholder: t('search_placeholder'), 'aria-label': 'search' });
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { location.hash = `#/customers?q=${encodeURIComponent(input.value)}`; }, 250);
  });
  // with users, a page of unmasked personal fields needs a reason: it goes to the audit trail
  // (docs/security.md); asked once per browser session
  const reasonInput = h('input', { type: 'text', value: sessionStorage.getItem('dangol.reason') || '',
    placeholder: t('reason_placeholder'), 'aria-label': t('reason_label'), class: 'reason' });
  reasonInput.addEventListener('change', () => {
    sessionStorage.setItem('dangol.reason', reasonInput.value.trim());
    location.hash = `#/customers?q=${encodeURIComponent(q)}&offset=${offset}&r=${Date.now()}`;
  });
  let page;
  try {
    page = await api('/api/customers', { q, offset, limit: PAGE_SIZE, reason: sessionStorage.getItem('dangol.reason') || undefined });
  } catch (err) {
    if (err.code !== 'reason_required') throw err;
    view.replaceChildren(h('div', { class: 'toolbar' }, input, reasonInput), card(null, h('div', { class: 'empty' }, t('reason_needed'))));
    reasonInput.focus();
    return;
  }
  const cols = [['customer_id', 'col_customer_id'], ['name', 'col_name'], ['phone', 'col_phone'], ['email', 'col_email'],
    ['region', 'col_region'], ['customer_type', 'col_type'], ['acquired_on', 'col_acquired']];
  const table = page.items.length
    ? h('table', { class: 'data' },
      h('thead', null, h('tr', null, cols.map(([, k]) => h('th', null, t(k))))),
      h('tbody', null, page.items.map(c => h('tr', { class: 'link', onclick: () => { location.hash = `#/customer/${encodeURIComponent(c.customer_id)}`; } },
        cols.map(([f]) => h('td', RAW_FIELDS.has(f) ? { 'data-raw': '' } : null, c[f] == null ? '–' : valueLabel(f, c[f])))))))
    : h('div', { class: 'empty' }, t('no_results'));
  // a search's page counts its matches; the whole list's size is the store's customer count (/api/stats)
  const total = page.total ?? ((state.store.entities.find(e => e.entity === 'customers') || {}).records ?? null);
  const go = o => { location.hash = `#/customers?q=${encodeURIComponent(q)}&offset=${o}`; };
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'muted' }, page.items.length ? `${t('showing')} ${fmtInt(offset + 1)}–${fmtInt(offset + page.items.length)}` +
      (total == null ? '' : ` / ${fmtInt(total)}`) : ''),
    h('button', { class: 'btn', type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }, t('prev')),
    h('button', { class: 'btn', type: 'button', disabled: page.next_offset == null, onclick: () => go(page.next_offset) }, t('next')));
  view.replaceChildren(h('div', { class: 'toolbar' }, input, reasonInput), card(null, table, pager));
  input.focus();
  input.setSelectionRange(q.length, q.length);
}
