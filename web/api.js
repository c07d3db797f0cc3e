/* The JSON API client and the dashboard's shared state (the store's summary, the routes the server
   documents and those the user's role may read, the as-of day, and the token of the view now shown). */

export const state = { store: null, routes: new Set(), documented: new Set(), writes: new Set(), csrf: '', asOf: '',
  routeToken: 0 };

/* Fetches JSON. If the user has moved to another view meanwhile, throws a 'stale' error instead, so
   a slow answer never draws over the page now shown. */
export async function api(path, params) {
  const token = state.routeToken;
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  if (token !== state.routeToken) {
    const err = new Error('stale');
    err.stale = true;
    throw err;
  }
  if (res.status === 401) {   /* the store has users and this browser is not signed in */
    location.href = '/login.html';
  }
  if (!res.ok) {
    const err = new Error(body && body.error ? body.error.message : `HTTP ${res.status}`);
    err.status = res.status;
    err.code = body && body.error ? body.error.code : undefined;
    throw err;
  }
  return body;
}

/* Sends a JSON write (with the session's CSRF token); resolves to { status, body } whatever the
   status, so the caller can tell a conflict (409) from a refusal. */
export async function apiPost(path, body) {
  const res = await fetch(new URL(path, location.origin), { method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf } });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/* The day the analyses run to: the as-of box's (it starts at the last day with activity). */
export function asOfDay() {
  const box = document.getElementById('as-of');
  return state.asOf || (box && box.value) || undefined;
}
