/* The dangol dashboard's shell: a hash router shows one view at a time; the navigation lists only
   the pages whose API route the server documents in /api/openapi.json, so a page appears when its
   analysis lands in the server. Each page is its own module; every label comes from the server's
   vocabulary (i18n.js). */
import { t, lang, setLang, loadVocabulary } from './i18n.js';
import { api, state } from './api.js';
import { fmtInt } from './format.js';
import { h, showError } from './dom.js';
import { CHARTS, disposeCharts } from './charts.js';
import { renderOverview } from './overview.js';
import { renderLadder } from './ladder.js';
import { renderRfm } from './rfm.js';
import { renderCohorts } from './cohorts.js';
import { renderClv } from './clv.js';
import { renderPivot } from './pivot.js';
import { renderStaff } from './staff.js';
import { renderTypes } from './types.js';
import { renderValue } from './value.js';
import { renderCustomers } from './customers.js';
import { renderCustomer } from './customer.js';
import { renderTiers } from './tiers.js';
import { renderPoints } from './points.js';
import { renderCoupons } from './coupons.js';
import { renderCampaigns } from './campaigns.js';
import { renderMot } from './mot.js';
import { renderChurn, renderSegments, renderLookalike } from './mining.js';
import { renderTickets } from './tickets.js';
import { renderVoc } from './voc.js';
import { renderRecovery } from './recovery.js';

window.dangol = { CHARTS, state };

const PAGES = [
  { id: 'overview', icon: '◎', requires: '/api/kpi', render: renderOverview },
  { id: 'ladder', icon: '△', requires: '/api/stages/migration', render: renderLadder },
  { id: 'rfm', icon: '▣', requires: '/api/rfm', render: renderRfm },
  { id: 'cohorts', icon: '◫', requires: '/api/cohorts', render: renderCohorts },
  { id: 'clv', icon: '◇', requires: '/api/clv', render: renderClv },
  { id: 'pivot', icon: '▦', requires: '/api/cube', render: renderPivot },
  { id: 'staff', icon: '♜', requires: '/api/staff', render: renderStaff },
  { id: 'types', icon: '☷', requires: '/api/types', render: renderTypes },
  { id: 'customers', icon: '☺', requires: '/api/customers', render: renderCustomers },
  { id: 'tiers', icon: '◆', requires: '/api/tiers/distribution', render: renderTiers },
  { id: 'points', icon: '◉', requires: '/api/points/liability', render: renderPoints },
  { id: 'coupons', icon: '✂', requires: '/api/coupons/rates', render: renderCoupons },
  { id: 'campaigns', icon: '⚑', requires: '/api/campaigns', render: renderCampaigns },
  { id: 'value', icon: '⚖', requires: '/api/value/grid', render: renderValue },
  { id: 'mot', icon: '◔', requires: '/api/mot/cycle', render: renderMot },
  { id: 'segments', icon: '◈', requires: '/api/segments', render: renderSegments },
  { id: 'churn', icon: '↘', requires: '/api/churn/report', render: renderChurn },
  { id: 'lookalike', icon: '◑', requires: '/api/lookalike/report', render: renderLookalike },
  { id: 'tickets', icon: '☎', requires: '/api/tickets', render: renderTickets },
  { id: 'voc', icon: '✎', requires: '/api/voc/stats', render: renderVoc },
  { id: 'recovery', icon: '↺', requires: '/api/voc/recovery', render: renderRecovery },
];

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...PAGES.filter(p => state.routes.has(p.requires)).map(p =>
    h('a', { href: `#/${p.id}`, class: p.id === current ? 'active' : '', 'data-page': p.id },
      h('span', { class: 'icon' }, p.icon), h('span', { class: 'label' }, t('page_' + p.id)))));
}

function applyLanguage() {
  document.documentElement.lang = lang();
  if (state.store) {
    const count = name => (state.store.entities.find(e => e.entity === name) || {}).records || 0;
    document.getElementById('store-info').textContent =
      `${t('kpi_customers')} ${fmtInt(count('customers'))} · ${t('orders')} ${fmtInt(count('orders'))} · ${state.store.currency}`;
  }
  document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('.lang button').forEach(b => b.classList.toggle('on', b.dataset.lang === lang()));
}

async function route() {
  state.routeToken++;
  const [path, query] = (location.hash.slice(1) || '/overview').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query || '');
  const view = document.getElementById('view');
  disposeCharts();
  applyLanguage();
  let page = PAGES.find(p => p.id === parts[0] && state.routes.has(p.requires));
  const isCustomer = parts[0] === 'customer' && parts[1];
  // a page the server has but this role may not read says so (as a 403 does), not another page
  const refused = !page && !isCustomer && PAGES.find(p => p.id === parts[0] && state.documented.has(p.requires));
  if (refused) {
    renderNav(null);
    document.getElementById('page-title').textContent = t('page_' + refused.id);
    showError(view, { status: 403 });
    view.dataset.state = 'error';
    return;
  }
  if (!page && !isCustomer) page = PAGES.find(p => state.routes.has(p.requires));
  renderNav(isCustomer ? 'customers' : page && page.id);
  document.getElementById('page-title').textContent = t(isCustomer ? 'page_customer' : 'page_' + page.id);
  document.title = `dangol · ${document.getElementById('page-title').textContent}`;
  view.replaceChildren(h('div', { class: 'empty' }, '…'));
  view.dataset.state = 'loading';
  try {
    if (isCustomer) await renderCustomer(view, params, decodeURIComponent(parts[1]));
    else await page.render(view, params);
    view.dataset.state = 'ready';
  } catch (err) {
    if (err.stale) return;
    showError(view, err);
    view.dataset.state = 'error';
  }
}

async function start() {
  // the store's summary is an analyst's: an agent (whose routes are their own customers') goes
  // without it, to the pages their role may read (the ticket queue)
  const [doc, stats, session] = await Promise.all([api('/api/openapi.json'),
    api('/api/stats').catch(err => { if (err.status === 403) return null; throw err; }),
    api('/api/session'), loadVocabulary()]);
  // the pages whose data this user's role may read (x-dangol-role of each route, docs/security.md)
  const rank = { none: 0, agent: 1, analyst: 2, manager: 3, admin: 4 };
  state.documented = new Set(Object.keys(doc.paths).filter(p => doc.paths[p].get));
  state.routes = new Set(Object.keys(doc.paths).filter(p => {
    const get = doc.paths[p].get;
    return get && rank[session.role] >= rank[get['x-dangol-role']];
  }));
  // the writes this role may make (the customer card's type control)
  state.writes = new Set(Object.keys(doc.paths).filter(p => {
    const post = doc.paths[p].post;
    return post && rank[session.role] >= rank[post['x-dangol-role']];
  }));
  state.csrf = session.csrf_token || '';
  state.store = stats;
  const asOf = document.getElementById('as-of');
  // the box shows the day the analyses run to by default: the last day with activity
  const lastDay = stats && stats.entities.filter(e => e.entity !== 'staff' && e.last).map(e => e.last).sort().pop();
  if (lastDay) asOf.value = lastDay;
  asOf.addEventListener('change', () => { state.asOf = asOf.value; route(); });
  document.querySelectorAll('.lang button').forEach(b => b.addEventListener('click', () => {
    setLang(b.dataset.lang);
    route();
  }));
  window.addEventListener('hashchange', route);
  signOutButton(session);
  await route();
}

/* When the store has users: a sign-out button (POST /api/logout with the session's CSRF token). */
function signOutButton(session) {
  if (!session.authentication) return;
  const button = document.getElementById('sign-out');
  button.hidden = false;
  button.title = session.user;
  button.addEventListener('click', async () => {
    await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': session.csrf_token || '' } });
    location.href = '/login.html';
  });
}

// a shell that cannot start (the server down, a role with no page) says why in the user's language
start().catch(async err => {
  await loadVocabulary().catch(() => {});   // the refusal in the user's language
  applyLanguage();
  const view = document.getElementById('view');
  showError(view, err);
  view.dataset.state = 'error';
});
