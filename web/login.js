/* The sign-in page: labels from the server's vocabulary (Korean or English), the name and
   password sent as JSON to POST /api/login; on success the session cookie is set and the
   dashboard opens, else the server's refusal is shown (wrong password, or too many tries). */
import { loadVocabulary, lang, setLang, t } from './i18n.js';

function label() {
  document.documentElement.lang = lang();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById('login-error');
  error.textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: form.name.value, password: form.password.value }),
  });
  if (res.ok) {
    location.href = '/';
    return;
  }
  form.password.value = '';
  error.textContent = t(res.status === 429 ? 'login_throttled' : 'login_failed');
}

await loadVocabulary();
label();
for (const b of document.querySelectorAll('[data-lang]'))
  b.addEventListener('click', () => { setLang(b.dataset.lang); label(); });
document.getElementById('login').addEventListener('submit', signIn);
