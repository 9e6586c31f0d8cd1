// The learner's first path in a real browser, in zh-CN, en, ug and elder mode: every page passes
// axe-core (WCAG 2.0/2.1/2.2 A and AA) with zero violations, elder-mode sizes are measured in the
// page, the path works with the keyboard alone and with JavaScript turned off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, context, axe, screenshot, signUp, answerAssessment } from '../lib/harness.mjs';

const shared = serverAndBrowser();

/** Fails with a readable list when axe finds anything. */
async function assertAccessible(page, label, violations) {
  const found = await axe(page);
  if (found.length) violations.push({ page: label, url: page.url(), found });
}

/** Elder mode as the brief defines it, measured on the rendered page. */
async function elderMetrics(page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && r.bottom > 0 && !el.closest('.visually-hidden') && getComputedStyle(el).visibility !== 'hidden';
    };
    const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
    const texts = [...document.querySelectorAll('main p, main li, main td, main th, main dd, main label, main legend')].filter(visible);
    const fonts = texts.map((e) => px(e, 'fontSize'));
    const ratios = texts.map((e) => px(e, 'lineHeight') / px(e, 'fontSize'));
    const targets = [...document.querySelectorAll('a[href], button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), label.choice')].filter(visible);
    const small = targets
      .map((el) => { const r = el.getBoundingClientRect(); return { el: `${el.tagName.toLowerCase()} ${(el.textContent || el.name || '').trim().slice(0, 20)}`, w: Math.round(r.width), h: Math.round(r.height) }; })
      .filter((t) => t.w < 60 || t.h < 60);
    return { minFont: Math.min(...fonts), minLineHeight: Math.min(...ratios), targets: targets.length, small, popups: document.querySelectorAll('dialog[open], [role=dialog], [role=alertdialog]').length };
  });
}

async function checkElder(page, label, minFont, problems) {
  const m = await elderMetrics(page);
  if (m.minFont < minFont) problems.push(`${label}: smallest text ${m.minFont}px < ${minFont}px`);
  if (m.minLineHeight < 1.3) problems.push(`${label}: line height ${m.minLineHeight.toFixed(2)} < 1.3`);
  if (m.small.length) problems.push(`${label}: targets under 60×60: ${JSON.stringify(m.small.slice(0, 5))}`);
  if (m.popups) problems.push(`${label}: pop-ups present`);
  if (m.targets === 0) problems.push(`${label}: no targets measured`);
}

const variants = [
  { name: 'zh-CN', locale: 'zh-CN' },
  { name: 'en', locale: 'en' },
  { name: 'ug', locale: 'ug', rtl: true },
  { name: 'elder', locale: 'zh-CN', elder: true, phone: true },
];

for (const v of variants) {
  test(`learner path, ${v.name}: sign up → self-assessment → profile → lesson → complete, zero axe violations`, async () => {
    const ctx = await context(shared.browser, { locale: v.locale, phone: v.phone });
    const page = await ctx.newPage();
    const violations = [];
    const elder = [];
    const visit = async (label) => {
      await assertAccessible(page, label, violations);
      if (v.elder) await checkElder(page, label, 18, elder);
      await screenshot(page, `${v.name}-${label}`);
    };
    const base = shared.server.base;

    await page.goto(`${base}/`);
    const html = page.locator('html');
    assert.equal(await html.getAttribute('lang'), v.locale);
    assert.equal(await html.getAttribute('dir'), v.rtl ? 'rtl' : 'ltr');
    if (v.elder) {
      await Promise.all([page.waitForNavigation(), page.click('button[name=elder][value=on]')]);
      assert.match(await html.getAttribute('class'), /elder/);
    }
    await visit('home');
    await page.goto(`${base}/framework`);
    await visit('framework');
    await page.goto(`${base}/accessibility`);
    await visit('accessibility');
    await page.goto(`${base}/privacy`);
    await visit('privacy');
    await page.goto(`${base}/no-such-page`);
    await visit('not-found');

    // A sign-up with mistakes shows its errors accessibly, then a correct one goes through.
    await page.goto(`${base}/signup`);
    await visit('signup');
    await page.fill('#login', 'x');
    await page.click('form[action="/signup"] button[type=submit]');
    await page.waitForSelector('.error');
    await visit('signup-errors');
    await signUp(page, base, `learner.${v.name.replace('-', '')}`);

    await visit('assessment');
    await page.click('form[action="/assessment"] button[type=submit]');
    await page.waitForSelector('.alert');
    await visit('assessment-errors');
    const answered = await answerAssessment(page, 3, '6.3');
    assert.equal(answered, 21);
    await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/assessment"] button[type=submit]')]);
    assert.equal(await page.locator('svg[role=img]').count(), 1, 'profile chart');
    assert.equal(await page.locator('table tbody tr').count(), 28, '7 areas + 21 competences');
    await visit('profile');

    const lessonLink = page.locator('.recommendation a[href^="/lessons/"]');
    const href = await lessonLink.getAttribute('href');
    assert.match(href, /fraud/, 'the weakest competence (6.3) gets the anti-fraud lesson');
    await Promise.all([page.waitForURL(new RegExp(href)), lessonLink.click()]);
    await visit('lesson');
    await Promise.all([page.waitForURL(/\/me\?done=lesson/), page.click('form[action$="/complete"] button')]);
    assert.equal(await page.locator('[role=status]').count(), 1);
    await visit('profile-after-lesson');
    assert.notEqual(await page.locator('.recommendation a[href^="/lessons/"]').getAttribute('href'), href, 'a new recommendation');

    await page.goto(`${base}/me/record`);
    assert.ok((await page.locator('table tbody tr').count()) >= 4, 'sign-up, assessment, lesson opened and completed');
    await visit('learning-record');
    await page.goto(`${base}/me/settings`);
    await visit('settings');
    if (v.elder) {
      await page.check('input[name=elder_mode][value=large]');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/me/settings"] button[type=submit]')]);
      await checkElder(page, 'settings-large', 30, elder);
      await assertAccessible(page, 'settings-large', violations);
      await screenshot(page, `${v.name}-settings-large`);
      await page.goto(`${base}/me`);
      await checkElder(page, 'profile-large', 30, elder);
      await assertAccessible(page, 'profile-large', violations);
    }
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signout"] button')]);
    await page.goto(`${base}/signin`);
    await visit('signin');
    await page.fill('#login', 'nobody.here');
    await page.fill('#password', 'wrong password');
    await page.click('form[action="/signin"] button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await visit('signin-error');

    await ctx.close();
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.deepEqual(elder, []);
  });
}

test('administration page passes axe', async () => {
  const ctx = await context(shared.browser, { locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${shared.server.base}/signin?next=/admin`);
  await page.fill('#login', 'e2e.admin');
  await page.fill('#password', 'e2e admin password');
  await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/signin"] button[type=submit]')]);
  assert.equal(await page.locator('h1').count(), 1);
  const violations = await axe(page);
  await screenshot(page, 'zh-CN-admin');
  await ctx.close();
  assert.deepEqual(violations, []);
});

test('keyboard only: sign up and complete the self-assessment without a mouse', async () => {
  const ctx = await context(shared.browser, { locale: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${shared.server.base}/signup`);
  const tabTo = async (selector, limit = 200) => {
    for (let i = 0; i < limit; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not reach ${selector} with Tab`);
  };
  // The skip link comes first and moves focus to the main content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await tabTo('#login');
  await page.keyboard.type('keyboard.user');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keys');
  await page.keyboard.press('Tab');
  await page.keyboard.type('correct horse battery');
  await page.keyboard.press('Tab');
  await page.keyboard.type('correct horse battery');
  await Promise.all([page.waitForURL(/\/assessment$/), page.keyboard.press('Enter')]);
  // Each statement: Tab into the group, Space picks the first option, arrows move the choice.
  await tabTo('input[name="r-1.1"]');
  const groups = await page.$$eval('fieldset.rating', (f) => f.length);
  for (let g = 0; g < groups; g++) {
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    if (g < groups - 1) await page.keyboard.press('Tab');
  }
  const checked = await page.$$eval('input[type=radio]:checked', (els) => els.map((e) => e.value));
  assert.equal(checked.length, groups);
  assert.ok(checked.every((x) => x === '2'));
  await tabTo('form[action="/assessment"] button[type=submit]');
  await Promise.all([page.waitForURL(/\/me$/), page.keyboard.press('Enter')]);
  // Focus is always visible.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await ctx.close();
});

test('without JavaScript: the whole path works', async () => {
  const ctx = await context(shared.browser, { locale: 'zh-CN', javaScript: false, phone: true });
  const page = await ctx.newPage();
  await signUp(page, shared.server.base, 'nojs.user');
  await answerAssessment(page, 2, '1.1');
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/assessment"] button[type=submit]')]);
  const href = await page.locator('.recommendation a[href^="/lessons/"]').getAttribute('href');
  await page.goto(`${shared.server.base}${href}`);
  await Promise.all([page.waitForURL(/done=lesson/), page.click('form[action$="/complete"] button')]);
  await page.click('button[name=lang][value=en]');
  await page.waitForLoadState();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await screenshot(page, 'nojs-profile-en');
  await ctx.close();
});
