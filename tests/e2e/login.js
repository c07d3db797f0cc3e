// Browser test of the sign-in page (web/login.html) against a `dangol serve` whose store has
// users: the dashboard sends a browser that is not signed in to it; it shows its labels in
// English and Korean; the server's Content-Security-Policy refuses nothing it loads (a refusal is
// a console error); a wrong password shows the refusal; the right one opens the dashboard, whose
// sign-out button ends the session.
// Prints "pass NAME" / "fail NAME" lines. usage: node login.js URL NAME PASSWORD
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const { chromium } = require(path.join(root, 'web/node_modules/playwright-core'));

const [url, name, password] = process.argv.slice(2);
const results = [];
const check = (label, ok, detail) =>
  results.push(ok ? `pass ${label}` : `fail ${label}${detail ? `: ${String(detail).slice(0, 300)}` : ''}`);

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangol-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const errors = [];
    page.on('console', m => {
      // the dashboard's first calls answer 401 before it moves to the sign-in page
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', e => errors.push(e.message));

    await page.goto(`${url}/#/overview`);
    await page.waitForURL(/login\.html/, { timeout: 15000 });
    check('the dashboard sends a browser that is not signed in to the sign-in page', true);
    await page.click('.lang button[data-lang=ko]');
    await page.waitForFunction(() => document.documentElement.lang === 'ko');
    const ko = await page.textContent('button[type=submit]');
    check('the sign-in page speaks Korean', ko === '로그인', ko);
    await page.click('.lang button[data-lang=en]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const en = await page.textContent('h1');
    check('and English', en === 'Sign in to dangol', en);

    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
    const refusal = await page.textContent('#login-error');
    check('a wrong password is refused on the page', refusal === 'Unknown user or wrong password', refusal);

    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('view') &&
      document.getElementById('view').dataset.state === 'ready', null, { timeout: 20000 });
    check('the right password opens the dashboard', true);
    await page.click('#sign-out');
    await page.waitForURL(/login\.html/, { timeout: 15000 });
    const after = await page.evaluate(async () => (await fetch('/api/session')).status);
    check('the sign-out button ends the session', after === 401, after);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('view') &&
      document.getElementById('view').dataset.state === 'ready', null, { timeout: 20000 });
    const cookies = await context.cookies();
    const session = cookies.find(c => c.name === 'dangol_session');
    check('the session cookie is HttpOnly and SameSite=Strict',
      session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(session));
    check('no console errors (the CSP refused nothing)', errors.filter(e => !/401/.test(e)).length === 0,
      errors.join(' | '));
  } finally {
    await context.close();
  }
}

main().then(() => { console.log(results.join('\n')); },
  err => { console.log(results.join('\n')); console.log(`fail login page browser run: ${err.message.split('\n')[0]}`); });
