/* The customer card (#/customer/ID): the library's card sections (/api/customers/ID/card) with
   every field name and coded value in the current language, and the order history chart; for a
   role that may set it, a control to set the consultation type (POST /api/customers/ID/type with
   the type read, so a change made meanwhile by someone else is a 409, said, never overwritten). */
import { t, tr, vocab, valueLabel, fieldLabel, lang } from './i18n.js';
import { api, apiPost, state, asOfDay } from './api.js';
import { fmtInt, fmtMoney, fmtPct, fmtCompact, fmtDate, locale } from './format.js';
import { h, card, chartBox, resultTable, RAW_FIELDS } from './dom.js';
import { PALETTE, mountChart } from './charts.js';
import { tierName } from './tiers.js';
import { couponBenefit } from './coupons.js';

/* The library writes a consultation type's guidance as "English. (한국어)": the part in the
   current language. */
function guidanceText(text) {
  const m = text.match(/^(.*?)\s*\(([^()]*[\uac00-\ud7a3][^()]*)\)\s*$/);
  return m ? (lang() === 'ko' ? m[2] : m[1]) : text;
}

/* Money the library writes as "869,000 KRW" (amount, then the store currency), as the dashboard
   writes money everywhere else (₩869,000). */
function cardMoney(text) {
  const m = text.match(/^(-?[\d,]+(?:\.\d+)?) ([A-Z]{3})$/);
  return m ? fmtMoney(parseFloat(m[1].replace(/,/g, '')), m[2]) : text;
}

/* An item of the card's loyalty and lifetime-value sections (src/crm/customer_analytics.c,
   src/analytics/clv_card.c), whose names and values the library writes in English, as the
   label and value elements of the current language. */
function cardItem(item, value) {
  let label = vocab('card_item', item), text = value == null ? '–' : typeof value === 'number' ? fmtInt(value) : String(value);
  const unit = u => t('unit_' + (u.endsWith('s') ? u : u + 's')), per = u => t('unit_' + u.replace(/s$/, ''));
  let m;
  if ((m = item.match(/^expected purchases, next (\S+) (\w+)$/))) label = tr('card_item', 'expected purchases', { n: m[1], unit: unit(m[2]) });
  else if ((m = item.match(/^CLV, next (\S+) (\w+) at (\S+) per (\w+)$/))) label = tr('card_item', 'CLV', { n: m[1], unit: unit(m[2]), rate: m[3], per: per(m[4]) });
  else if ((m = item.match(/^(last repeat purchase|customer age) \(\w+, (\w+)\)$/))) label = tr('card_item', m[1], { unit: unit(m[2]) });
  if (item === 'stage' && (m = text.match(/^(\w+)(?: \((\w+)\))?$/)))
    text = valueLabel('stage', m[1]) + (m[2] ? ` (${valueLabel('activity', m[2])})` : '');
  else if (item === 'segment' || item === 'model') text = valueLabel(item, text);
  else if (item === 'k-means segment' && (m = text.match(/^(\d+) .* \((\w+)\)$/))) text = `${m[1]} · ${vocab('cluster', m[2]) || m[2]}`;
  else if (item === 'churn probability' && /^[\d.]+$/.test(text)) text = fmtPct(parseFloat(text));
  else if (item === 'churn model' && (m = text.match(/^(\d+) \((\w+), horizon (\d+) days\)$/)))
    text = `${m[1]} · ${vocab('churn_algorithm', m[2]) || m[2]} · ${t('churn_horizon', { n: m[3] })}`;
  else if (item === 'churn probability' && text === 'no churn model trained yet') text = t('no_churn_model');
  else if (text === 'no order by the as-of day') text = t('no_order_yet');
  else if (item === 'RFM' && (m = text.match(/^R(\d) F(\d) M(\d): last order (-?\d+) days ago, ([\d,]+) orders, (.*)$/)))
    text = t('rfm_line', { r: m[1], f: m[2], m: m[3], days: m[4], orders: m[5], money: cardMoney(m[6]) });
  else if (item === 'loyalty index') text = text.replace('(behaviour only: no survey answer)', `(${t('behaviour_only')})`);
  else if (text === 'no purchase in the calibration period') text = t('no_calibration_purchase');
  else if (text.startsWith('- (mean repeat purchase value')) text = t('outside_gamma_gamma');
  // figures as the CLV page shows them: P(alive) in percent, purchases to one decimal, money
  else if (/^-?[\d,.]+$/.test(text)) {
    const number = parseFloat(text.replace(/,/g, ''));
    if (item === 'P(alive)') text = fmtPct(number);
    else if (item.startsWith('expected purchases')) text = number.toFixed(1);
    else if (item === 'expected spend per purchase' || item.startsWith('CLV')) text = fmtMoney(Math.round(number));
  }
  return [h('div', { class: 'k' }, label || fieldLabel(item)), h('div', null, text)];
}

/* The consultation type control: the types of /api/consult-types by name, the type read with the
   card sent as expected_type; saved, the card is drawn again; a 409 says another change came
   first and leaves the choice for the user to make again on the card redrawn. */
async function typeControl(id, current, redraw) {
  const { types } = await api('/api/consult-types');
  const name = ty => (lang() === 'ko' ? ty.name_ko : ty.name_en);
  const select = h('select', { name: 'type', 'aria-label': t('card_type_title') },
    h('option', { value: '' }, t('card_type_none')),
    ...types.map(ty => h('option', { value: ty.code, selected: ty.code === current ? 'selected' : null }, name(ty))));
  const message = h('p', { class: 'muted', 'data-type-message': '' });
  const save = h('button', { type: 'button', 'data-type-save': '', onclick: async () => {
    save.disabled = true;
    const r = await apiPost(`/api/customers/${encodeURIComponent(id)}/type`, { type: select.value || null, expected_type: current });
    if (r.status === 200) { await redraw(); return; }
    save.disabled = false;
    message.dataset.typeMessage = r.status === 409 ? 'conflict' : 'error';
    message.textContent = r.status === 409 ? t('card_type_conflict')
      : `${t('card_type_failed')} (HTTP ${r.status})`;
  } }, t('card_type_save'));
  return h('div', { class: 'card', 'data-card': 'type' }, h('h2', null, t('card_type_title')),
    h('div', { class: 'toolbar' }, select, ' ', save), message);
}

export async function renderCustomer(view, params, id) {
  let sections, orders;
  try {
    [sections, orders] = await Promise.all([
      api(`/api/customers/${encodeURIComponent(id)}/card`),
      // the order history is for managers: an analyst's card goes without it
      state.routes.has('/api/customers/{customer_id}/orders')
        ? api(`/api/customers/${encodeURIComponent(id)}/orders`, { limit: 1000 }) : null,
    ]);
  } catch (err) {
    if (err.status === 404) {
      view.replaceChildren(h('a', { class: 'back', href: '#/customers' }, t('back_to_customers')),
        h('div', { class: 'card empty' }, `${t('not_found')}: ${id}`));
      return;
    }
    throw err;
  }
  const programme = await loyaltyProgramme(id);
  document.getElementById('page-title').textContent = `${t('page_customer')} · ${id}`;
  const byTitle = Object.fromEntries(sections.map(s => [s.title, s]));
  const profile = byTitle['Customer'];
  const fields = profile ? Object.fromEntries(profile.rows.map(r => [r.field, r.value])) : {};
  const kv = h('div', { class: 'kv' }, (profile ? profile.rows : []).filter(r => r.field !== 'guidance')
    .flatMap(r => [h('div', { class: 'k' }, fieldLabel(r.field)),
      h('div', RAW_FIELDS.has(r.field) ? { 'data-raw': '' } : null, r.value == null ? '–' : valueLabel(r.field, r.value))]));
  const left = [card(vocab('card_section', 'Customer'), kv)];
  if (fields.guidance) left.push(card(vocab('card_section', 'Guidance'), h('div', { class: 'guidance' }, guidanceText(fields.guidance))));
  if (state.writes.has('/api/customers/{customer_id}/type') && state.routes.has('/api/consult-types'))
    left.push(await typeControl(id, fields.customer_type == null ? null : fields.customer_type,
      () => renderCustomer(view, params, id)));
  left.push(...programme.left);
  const summary = byTitle['Orders'];
  const right = [];
  if (summary && summary.rows.length) {
    const s = summary.rows[0];
    right.push(h('div', { class: 'grid kpis four', style: 'margin-bottom:0' },
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('orders')), h('div', { class: 'value' }, fmtInt(s.orders))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('revenue')), h('div', { class: 'value' }, fmtMoney(s.revenue))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('average order')), h('div', { class: 'value' }, fmtMoney(s['average order']))),
      h('div', { class: 'card kpi' }, h('div', { class: 'label' }, fieldLabel('last order')), h('div', { class: 'value' }, s['last order'] || '–'))));
  }
  const history = orders ? chartBox() : null;
  right.push(card(t('order_history'), history || h('div', { class: 'forbidden', 'data-forbidden': 'orders' }, t('forbidden_section'))));
  for (const title of ['Recent orders', 'Recent feedback'])
    if (byTitle[title] && byTitle[title].rows.length)
      right.push(card(vocab('card_section', title) || title, resultTable(byTitle[title], { money: ['total'] })));
  right.push(...programme.right);
  // any further sections of the library's card (loyalty, lifetime value, ...): item/value pairs
  // beside the profile, other tables under the orders
  const known = new Set(['Customer', 'Orders', 'Recent orders', 'Recent feedback']);
  for (const sec of sections.filter(x => !known.has(x.title) && x.rows.length)) {
    if (sec.columns.length === 2 && sec.columns[1] === 'value')
      left.push(card(vocab('card_section', sec.title) || sec.title, h('div', { class: 'kv' }, sec.rows.flatMap(r => [
        ...cardItem(String(r[sec.columns[0]]), r.value)]))));
    else
      right.push(card(vocab('card_section', sec.title) || sec.title, resultTable(sec)));
  }
  view.replaceChildren(h('a', { class: 'back', href: '#/customers' }, t('back_to_customers')),
    h('div', { class: 'grid', style: 'grid-template-columns: minmax(300px, 1fr) 2fr; align-items: start' },
      h('div', { class: 'grid' }, left), h('div', { class: 'grid' }, right)));
  if (!orders) return;
  const points = orders.items.slice().reverse();
  mountChart(history, {
    tooltip: { trigger: 'axis', valueFormatter: fmtMoney },
    xAxis: { type: 'category', data: points.map(o => fmtDate(o.ordered_at)) },
    yAxis: { type: 'value', axisLabel: { formatter: fmtCompact } },
    series: [{ name: t('revenue'), type: 'bar', data: points.map(o => o.total), barMaxWidth: 24, color: PALETTE[0], itemStyle: { borderRadius: [3, 3, 0, 0] } }],
  });
}

/* The customer's tier (/api/customers/ID/tier), points balance (/api/customers/ID/points),
   coupons (/api/customers/ID/coupons) and campaign history (/api/customers/ID/campaigns) as cards: beside the profile (left) and under the orders
   (right). A section the user's role may not read says so. */
async function loyaltyProgramme(id) {
  const base = `/api/customers/${encodeURIComponent(id)}`;
  const get = (route, path, params) => (state.routes.has(route)
    ? api(path, params).catch(err => { if (err.status === 403) return null; throw err; }) : Promise.resolve(null));
  const have = route => state.documented.has(route);
  const [tier, points, coupons, campaigns] = await Promise.all([
    get('/api/customers/{customer_id}/tier', `${base}/tier`, { as_of: asOfDay() }),
    get('/api/customers/{customer_id}/points', `${base}/points`, { as_of: asOfDay() }),
    get('/api/customers/{customer_id}/coupons', `${base}/coupons`),
    get('/api/customers/{customer_id}/campaigns', `${base}/campaigns`),
  ]);
  const denied = (key, section) => card(t(key), h('div', { class: 'forbidden', 'data-forbidden': section }, t('forbidden_section')));
  const left = [], right = [];
  if (tier) left.push(tierCard(tier));
  else if (have('/api/customers/{customer_id}/tier')) left.push(denied('card_tier', 'tier'));
  if (points) left.push(pointsCard(points.rows[0]));
  else if (have('/api/customers/{customer_id}/points')) left.push(denied('card_points', 'points'));
  if (coupons) right.push(couponsCard(coupons));
  else if (have('/api/customers/{customer_id}/coupons')) right.push(denied('card_coupons', 'coupons'));
  if (campaigns) right.push(campaignsCard(campaigns));
  else if (have('/api/customers/{customer_id}/campaigns')) right.push(denied('card_campaigns', 'campaigns'));
  return { left, right };
}

const kvRows = pairs => h('div', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('div', { class: 'k' }, k), h('div', null, v)]));

function tierCard([now, history]) {
  const r = now.rows[0];
  const measure = v => (r.measure_kind === 'spend' ? fmtMoney(v) : fmtInt(v));
  const pairs = [[t('card_tier'), h('strong', { 'data-tier': r.tier }, tierName(r))], [t('card_tier_since'), fmtDate(r.since)],
    [t('card_tier_measure', { measure: valueLabel('tier_measure', r.measure_kind) }), measure(r.measure)],
    [t('card_tier_next'), r.next_tier ? valueLabel('tier', r.next_tier) : t('card_tier_top')]];
  if (r.next_tier) pairs.push([t('card_tier_to_next'), measure(r.to_next)]);
  pairs.push([t('card_tier_earn'), `×${(r.earn_per_mille / 1000).toLocaleString(locale())}`],
    [t('card_tier_discount'), `${fmtInt(r.discount_percent)}%`]);
  const body = [kvRows(pairs)];
  if (history && history.rows.length)
    body.push(h('h3', { class: 'sub' }, t('card_tier_history')), h('table', { class: 'data', 'data-tier-history': '' },
      h('thead', null, h('tr', null, h('th', null, fieldLabel('date')), h('th', null, t('card_tier_change')), h('th', null, t('card_tier_reason')))),
      h('tbody', null, history.rows.slice().reverse().map(x => h('tr', null, h('td', null, fmtDate(x.changed_on)),
        h('td', null, `${valueLabel('tier', x.from_tier)} → ${valueLabel('tier', x.to_tier)}`), h('td', null, valueLabel('tier_reason', x.reason)))))));
  return h('div', { class: 'card', 'data-card': 'tier' }, h('h2', null, t('card_tier')), ...body);
}

function pointsCard(b) {
  const unit = v => `${fmtInt(v)} ${t('points_unit')}`;
  return h('div', { class: 'card', 'data-card': 'points' }, h('h2', null, t('card_points')), kvRows([
    [t('card_points_available'), h('strong', null, unit(b.available))],
    [t('card_points_lots'), fmtInt(b.lots_open)],
    [t('card_points_next_expiry'), b.next_expiry ? t('card_points_expiry_on', { points: unit(b.next_expiry_points), day: fmtDate(b.next_expiry) }) : '–'],
  ]));
}

function couponsCard(table) {
  const body = table.rows.length ? h('table', { class: 'data', 'data-coupons': 'customer' },
    h('thead', null, h('tr', null, [['coupons_code', ''], ['coupons_coupon', ''], ['coupons_benefit', 'num'],
      ['coupons_valid_until', ''], ['coupons_state', ''], ['coupons_redeemed_on', ''], ['coupons_discount', 'num']]
      .map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, table.rows.map(r => h('tr', { title: `${t('coupons_issued_on')} ${fmtDate(r.issued_on)}` }, h('td', { 'data-raw': '' }, h('code', null, r.code)),
      h('td', { 'data-raw': '' }, r.name || r.definition_id), h('td', { class: 'num' }, couponBenefit(r)),
      h('td', null, fmtDate(r.valid_until)), h('td', null, h('span', { class: 'badge ' + r.coupon_state }, valueLabel('coupon_state', r.coupon_state))),
      h('td', null, fmtDate(r.redeemed_on)), h('td', { class: 'num' }, r.discount == null ? '–' : fmtMoney(r.discount))))))
    : h('p', { class: 'muted' }, t('card_no_coupons'));
  return h('div', { class: 'card', 'data-card': 'coupons' }, h('h2', null, t('card_coupons')), body);
}

/* The campaigns the customer was in: the group drawn for them, the offer (their coupon code or
   the points), and their response in the campaign's window (orders, revenue, coupon redeemed). */
function campaignsCard(table) {
  const offer = r => (r.offer === 'points' ? `${fmtInt(r.points)} ${t('points_unit')}`
    : r.offer === 'coupon' ? h('code', { 'data-raw': '' }, r.coupon_code || r.offer_detail) : valueLabel('offer', r.offer));
  const body = table.rows.length ? h('table', { class: 'data wrap-head', 'data-campaigns': 'customer' },
    h('thead', null, h('tr', null, [['campaigns_campaign', ''], ['card_campaign_launched', ''], ['campaigns_group', ''],
      ['campaigns_offer', ''], ['card_campaign_response', ''], ['card_campaign_revenue', 'num']]
      .map(([k, cls]) => h('th', { class: cls }, t(k))))),
    h('tbody', null, table.rows.map(r => h('tr', { 'data-campaign': r.campaign, title: `${fmtDate(r.launched_on)} – ${fmtDate(r.window_end)}` },
      h('td', { 'data-raw': '' }, h('a', { href: `#/campaigns?campaign=${encodeURIComponent(r.campaign)}` }, r.name || r.campaign)),
      h('td', null, fmtDate(r.launched_on)),
      h('td', null, h('span', { class: 'badge ' + r.group }, valueLabel('group', r.group))),
      h('td', null, r.group === 'control' ? t('card_campaign_held_back') : [valueLabel('offer', r.offer), ' ', offer(r)]),
      h('td', { 'data-response': r.orders_in_window > 0 ? 'yes' : 'no' }, r.orders_in_window > 0
        ? t('card_campaign_orders', { n: fmtInt(r.orders_in_window) }) + (r.coupon_redeemed_on ? ` · ${t('card_campaign_redeemed', { day: fmtDate(r.coupon_redeemed_on) })}` : '')
        : t('card_campaign_no_response')),
      h('td', { class: 'num' }, fmtMoney(r.revenue_in_window))))))
    : h('p', { class: 'muted' }, t('card_no_campaigns'));
  return h('div', { class: 'card', 'data-card': 'campaigns' }, h('h2', null, t('card_campaigns')), body);
}
