/* The VOC trends page (#/voc): from /api/voc/stats at the as-of time, the tickets, complaints,
   reopen rate and repeat complainants; tickets by ISO week; by kind, channel and category; the
   first-response and resolution times in business hours (median, 90th percentile) with SLA
   attainment; and from /api/voc/terms the most frequent terms of each category's ticket subjects
   (Korean particles stripped). Terms and categories are the customers' and staff's words, shown as
   written. */
import { t, valueLabel } from './i18n.js';
import { api, asOfDay } from './api.js';
import { fmtInt, fmtPct } from './format.js';
import { h, card, chartBox } from './dom.js';
import { PALETTE, mountChart } from './charts.js';
import { categoryCell } from './tickets.js';

const hours = v => (v == null ? '–' : v.toFixed(1));

/* A dimension's value by its name: kinds and channels from the vocabulary, categories as written
   (the recovery job's code by its name), a missing one as "none". */
function valueName(dimension, value) {
  if (value == null || value === '') return t('voc_none');
  if (dimension === 'ticket_kind') return valueLabel('ticket_kind', value);
  if (dimension === 'channel') return valueLabel('channel', value);
  return value === 'service_recovery' ? t('voc_service_recovery') : value;
}

function barChart(el, rows, dimension, color) {
  mountChart(el, {
    tooltip: { trigger: 'axis' },
    grid: { left: 110, right: 48, top: 10, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rows.map(r => valueName(dimension, r.value)) },
    series: [{ name: t('voc_tickets'), type: 'bar', barMaxWidth: 22, color, data: rows.map(r => r.tickets),
      label: { show: true, position: 'right', formatter: p => fmtPct(rows[p.dataIndex].share, 0) } }],
  });
}

export async function renderVoc(view) {
  const asOf = asOfDay();
  const [stats, terms] = await Promise.all([api('/api/voc/stats', { as_of: asOf }),
    api('/api/voc/terms', { as_of: asOf, top: 5 })]);
  const [summary, times, volume] = stats;
  const s = summary.rows[0] || {};
  const time = Object.fromEntries(times.rows.map(r => [r.measure, r]));
  const dim = d => volume.rows.filter(r => r.dimension === d && r.tickets > 0);
  const kpi = (key, value, sub) => h('div', { class: 'card kpi', 'data-kpi': key }, h('div', { class: 'label' }, t(key)),
    h('div', { class: 'value' }, value), h('div', { class: 'delta' }, sub || ''));
  const kpis = h('div', { class: 'grid kpis six' },
    kpi('voc_tickets', fmtInt(s.tickets), t('voc_complaints_n', { n: fmtInt(s.complaints) })),
    kpi('voc_first_response_sla', fmtPct((time.first_response || {}).sla_attainment), t('voc_median_hours', { h: hours((time.first_response || {}).median_business_hours) })),
    kpi('voc_resolution_sla', fmtPct((time.resolution || {}).sla_attainment), t('voc_median_hours', { h: hours((time.resolution || {}).median_business_hours) })),
    kpi('voc_reopen_rate', fmtPct(s.reopen_rate), t('voc_reopened_n', { n: fmtInt(s.reopened) })),
    kpi('voc_complainants', fmtInt(s.complainants), ''),
    kpi('voc_repeat', fmtPct(s.repeat_share), t('voc_repeat_n', { n: fmtInt(s.repeat_complainants) })));
  const weekChart = chartBox(), kindChart = chartBox(), channelChart = chartBox(), categoryChart = chartBox();
  const timeTable = h('table', { class: 'data', 'data-voc': 'times' },
    h('thead', null, h('tr', null, ['voc_measure', 'voc_measured', 'voc_median', 'voc_p90', 'voc_met', 'voc_late', 'voc_breached', 'voc_attainment']
      .map((c, i) => h('th', { class: i ? 'num' : '' }, t(c))))),
    h('tbody', null, times.rows.map(r => h('tr', null, h('td', null, valueLabel('voc_measure', r.measure)),
      h('td', { class: 'num' }, fmtInt(r.measured)), h('td', { class: 'num' }, hours(r.median_business_hours)),
      h('td', { class: 'num' }, hours(r.p90_business_hours)), h('td', { class: 'num' }, fmtInt(r.sla_met)),
      h('td', { class: 'num' }, fmtInt(r.sla_late)), h('td', { class: 'num' }, fmtInt(r.sla_breached)),
      h('td', { class: 'num' }, fmtPct(r.sla_attainment))))));
  const termTable = terms.rows.length ? h('table', { class: 'data', 'data-voc': 'terms' },
    h('thead', null, h('tr', null, ['voc_category', 'voc_rank', 'voc_term', 'voc_tickets', 'voc_term_share']
      .map((c, i) => h('th', { class: i === 1 || i > 2 ? 'num' : '' }, t(c))))),
    h('tbody', null, terms.rows.map(r => h('tr', null, categoryCell(r.category), h('td', { class: 'num' }, fmtInt(r.rank)),
      h('td', { 'data-raw': '' }, r.term), h('td', { class: 'num' }, fmtInt(r.tickets)), h('td', { class: 'num' }, fmtPct(r.share))))))
    : h('p', { class: 'muted' }, t('voc_no_terms'));
  view.replaceChildren(kpis,
    card(t('voc_by_week'), weekChart),
    h('div', { style: 'height:18px' }),
    h('div', { class: 'grid charts three' }, card(t('voc_by_kind'), kindChart), card(t('voc_by_channel'), channelChart),
      card(t('voc_by_category'), categoryChart)),
    h('div', { style: 'height:18px' }),
    card(t('voc_times_title'), timeTable, h('p', { class: 'muted' }, t('voc_times_note'))),
    h('div', { style: 'height:18px' }),
    card(t('voc_terms_title'), termTable));
  const weeks = dim('week');
  mountChart(weekChart, {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 20, top: 16, bottom: 30 },
    xAxis: { type: 'category', data: weeks.map(r => r.value) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: t('voc_tickets'), type: 'bar', barMaxWidth: 18, color: PALETTE[0], data: weeks.map(r => r.tickets) }],
  });
  barChart(kindChart, dim('ticket_kind'), 'ticket_kind', PALETTE[3]);
  barChart(channelChart, dim('channel'), 'channel', PALETTE[5]);
  barChart(categoryChart, dim('category'), 'category', PALETTE[1]);
}
