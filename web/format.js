/* Numbers, money, shares and dates as the dashboard shows them, in the current language's
   grouping; money in the store's currency (/api/stats: currency, minor_digits). */
import { lang } from './i18n.js';
import { state } from './api.js';

export function locale() { return lang() === 'ko' ? 'ko-KR' : 'en-US'; }
export function fmtInt(v) { return v == null ? '–' : new Intl.NumberFormat(locale()).format(v); }
/* Money in the store's currency (/api/stats: currency, minor_digits). A role that may not read
   the store's summary (an agent) knows no currency: then the code the text itself carried (the
   card writes "869,000 KRW"), else a plain number. */
export function moneyFormat(code) {
  if (!state.store)
    return code ? new Intl.NumberFormat(locale(), { style: 'currency', currency: code }) : new Intl.NumberFormat(locale());
  const digits = state.store.minor_digits;
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: state.store.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
}
export function fmtMoney(v, code) { return v == null ? '–' : moneyFormat(code).format(v); }
export function currencySymbol() { return (moneyFormat().formatToParts(0).find(p => p.type === 'currency') || { value: '' }).value; }
export function fmtCompact(v) {
  return new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}
export function fmtPct(v, digits = 1) { return v == null ? '–' : `${(v * 100).toFixed(digits)}%`; }
export function fmtSigned(v, digits = 1) { return v == null ? '–' : (v > 0 ? '+' : '') + v.toFixed(digits); }
export function fmtDate(s) { return s ? s.slice(0, 10) : '–'; }
