/* The ticket queue and SLA board (#/tickets): the tickets at the as-of time (/api/tickets) counted by
   state, with those past a due time (breached) and those within it; the breached list
   (/api/tickets/breached) and the at-risk list (/api/tickets/at-risk: the next due time within the
   SLA file's at_risk_hours business hours), most urgent first. An agent sees only the tickets of
   their own customers: the API lists no other. Customer ids, categories and assignees are data,
   shown as written; times are UTC. */
import { t, valueLabel } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';

const STATES = ['open', 'assigned', 'in_progress', 'resolved', 'closed'];
const when = s => (s ? s.slice(0, 16).replace('T', ' ') : '–');
const unresolved = r => r.ticket_state !== 'resolved' && r.ticket_state !== 'closed';
const isBreached = r => r.first_response === 'breached' || r.resolution === 'breached';

/* A category as written, but the recovery job's own code by its name. */
export function categoryCell(category) {
  if (category === 'service_recovery') return h('td', null, t('voc_service_recovery'));
  return h('td', { 'data-raw': '' }, category || '–');
}

function slaBadge(status) {
  return h('span', { class: 'badge sla-' + status }, valueLabel('ticket_sla', status));
}

/* A list of tickets: the columns every list shows, and the one that tells why it is listed. */
function ticketTable(rows, kind) {
  const heads = ['ticket_no', 'ticket_customer', 'ticket_kind', 'ticket_priority', 'ticket_state', 'ticket_category',
    'ticket_assignee', 'ticket_opened', 'ticket_first_response', 'ticket_resolution',
    kind === 'at_risk' ? 'ticket_hours_left' : 'ticket_escalated'];
  return h('table', { class: 'data', 'data-tickets': kind },
    h('thead', null, h('tr', null, heads.map((c, i) => h('th', { class: i === 0 || i === 10 ? 'num' : '' }, t(c))))),
    h('tbody', null, rows.map(r => h('tr', null,
      h('td', { class: 'num' }, fmtInt(r.ticket)),
      h('td', { 'data-raw': '' }, h('a', { href: `#/customer/${encodeURIComponent(r.customer_id)}` }, r.customer_id)),
      h('td', null, h('span', { class: 'badge ' + r.ticket_kind }, valueLabel('ticket_kind', r.ticket_kind))),
      h('td', null, valueLabel('ticket_priority', r.priority)),
      h('td', null, valueLabel('ticket_state', r.ticket_state)),
      categoryCell(r.category),
      h('td', { 'data-raw': '' }, r.assignee || '–'),
      h('td', null, when(r.opened_at)),
      h('td', { title: when(r.first_response_due) }, slaBadge(r.first_response)),
      h('td', { title: when(r.resolution_due) }, slaBadge(r.resolution)),
      kind === 'at_risk' ? h('td', { class: 'num' }, r.business_hours_left == null ? '–' : r.business_hours_left.toFixed(1))
        : h('td', null, r.escalated === 'yes' ? t('ticket_escalated_yes') : '–')))));
}

export async function renderTickets(view) {
  const asOf = asOfDay();
  const [all, breached, atRisk] = await Promise.all([api('/api/tickets', { as_of: asOf }),
    api('/api/tickets/breached', { as_of: asOf }), api('/api/tickets/at-risk', { as_of: asOf })]);
  const open = all.rows.filter(unresolved);
  const byState = STATES.map(s => {
    const rows = all.rows.filter(r => r.ticket_state === s);
    return { state: s, breached: rows.filter(r => unresolved(r) && isBreached(r)).length,
      within: rows.filter(r => unresolved(r) && !isBreached(r)).length, done: rows.filter(r => !unresolved(r)).length };
  });
  const kpi = (key, value, sub) => h('div', { class: 'card kpi', 'data-kpi': key }, h('div', { class: 'label' }, t(key)),
    h('div', { class: 'value' }, value), h('div', { class: 'delta' }, sub || ''));
  const kpis = h('div', { class: 'grid kpis four' },
    kpi('tickets_open', fmtInt(open.length), t('tickets_of_all', { all: fmtInt(all.rows.length) })),
    kpi('tickets_breached', fmtInt(breached.rows.length), ''),
    kpi('tickets_at_risk', fmtInt(atRisk.rows.length), ''),
    kpi('tickets_escalated', fmtInt(open.filter(r => r.escalated === 'yes').length), ''));
  const chart = chartBox();
  view.replaceChildren(h('p', { class: 'muted' }, t('tickets_note')), kpis,
    card(t('tickets_by_state'), chart),
    h('div', { style: 'height:18px' }),
    card(t('tickets_breached_title', { n: fmtInt(breached.rows.length) }),
      breached.rows.length ? ticketTable(breached.rows, 'breached') : h('p', { class: 'muted' }, t('tickets_none'))),
    h('div', { style: 'height:18px' }),
    card(t('tickets_at_risk_title', { n: fmtInt(atRisk.rows.length) }),
      atRisk.rows.length ? ticketTable(atRisk.rows, 'at_risk') : h('p', { class: 'muted' }, t('tickets_none'))));
  const series = [['breached', 'tickets_series_breached', PALETTE[3]], ['within', 'tickets_series_within', PALETTE[0]],
    ['done', 'tickets_series_done', PALETTE[1]]];
  mountChart(chart, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: series.map(s => t(s[1])) },
    grid: { left: 56, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: STATES.map(s => valueLabel('ticket_state', s)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([key, label, color]) => ({ name: t(label), type: 'bar', stack: 'n', barMaxWidth: 64, color,
      data: byState.map(s => s[key]) })),
  });
}
