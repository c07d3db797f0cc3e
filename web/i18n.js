/* Every label of the dashboard, in Korean and English, comes from the server's vocabulary
   (GET /api/vocabulary, the table of src/core/vocab.c): page chrome is its "ui" domain, values
   (regions, channels, stages, segments, ...) their own domains, which "columns" maps each column
   and dimension to. A missing entry shows its code, so a gap is visible rather than silent. */
let VOCAB = { domains: {}, columns: {} };

let LANG = localStorage.getItem('dangol.lang') ||
  ((navigator.language || 'en').toLowerCase().startsWith('ko') ? 'ko' : 'en');

/* The current language, 'ko' or 'en'. */
export function lang() { return LANG; }

/* Switches the language, remembered in the browser. */
export function setLang(code) {
  LANG = code;
  localStorage.setItem('dangol.lang', LANG);
}

export async function loadVocabulary() {
  const res = await fetch(new URL('/api/vocabulary', location.origin));
  if (!res.ok) throw new Error(`vocabulary: HTTP ${res.status}`);
  VOCAB = await res.json();
}

/* The name of CODE in DOMAIN in the current language, or null when the domain lacks it. */
export function vocab(domain, code) {
  const entry = VOCAB.domains[domain] && VOCAB.domains[domain][code];
  return entry ? (entry[LANG] || entry.en) : null;
}

/* The name of CODE in DOMAIN with its {name} placeholders filled from args. */
export function tr(domain, code, args) {
  const text = vocab(domain, code) || code;
  return args ? text.replace(/\{(\w+)\}/g, (m, k) => (k in args ? args[k] : m)) : text;
}

/* A dashboard label (the "ui" domain). */
export function t(key, args) { return tr('ui', key, args); }

/* A cube dimension or measure. */
export function dimLabel(code) { return vocab('dimension', code) || vocab('measure', code) || code; }

/* A value of a column or dimension: its domain's name, the cube's Total and (none), or itself. */
export function valueLabel(column, value) {
  const domain = VOCAB.columns[column] || column;
  return vocab(domain, value) || vocab('cube', value) || value;
}

/* A column name of records and result tables. */
export function fieldLabel(name) {
  return vocab('field', name) || vocab('dimension', name) || vocab('measure', name) ||
    name.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase());
}
