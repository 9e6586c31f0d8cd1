// 朗读: the read-aloud control of lesson pages — shown only with JavaScript, accessible, and
// honest: it reads with a voice for the lesson's language, or says that none is available.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, context, axe } from '../lib/harness.mjs';

const shared = serverAndBrowser();

const NONE = {
  'zh-CN': '这台设备没有这种语言的朗读声音，这一课也没有录音。',
  ug: 'بۇ ئۈسكۈنىدە بۇ تىلدا ئوقۇيدىغان ئاۋاز يوق، بۇ دەرسنىڭ ئۈن خاتىرىسىمۇ يوق.',
};

for (const locale of ['zh-CN', 'ug']) {
  test(`read aloud, ${locale}: a keyboard-reachable button that reads or says it cannot`, async () => {
    const ctx = await context(shared.browser, { locale });
    const page = await ctx.newPage();
    await page.goto(`${shared.server.base}/lessons/safe-account-police-impersonation`);
    const button = page.locator('#read-aloud button');
    await button.waitFor({ state: 'visible' });
    const voices = await page.evaluate(() => (window.speechSynthesis ? speechSynthesis.getVoices().length : 0));
    await button.focus();
    await page.keyboard.press('Enter');
    if (voices === 0) {
      assert.equal(await page.locator('#read-aloud [role=status]').textContent(), NONE[locale]);
    } else {
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      await page.keyboard.press('Enter');
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
    }
    assert.deepEqual(await axe(page), []);
    await ctx.close();
  });
}

test('read aloud without JavaScript: no control that cannot work', async () => {
  const ctx = await context(shared.browser, { locale: 'zh-CN', javaScript: false });
  const page = await ctx.newPage();
  await page.goto(`${shared.server.base}/lessons/safe-account-police-impersonation`);
  assert.equal(await page.locator('#read-aloud').isVisible(), false);
  await ctx.close();
});
