// Starts the real `suyang` binary on a free port with a fresh SQLite database, launches Debian's
// Chromium through playwright-core, and runs axe-core with the WCAG 2.2 AA tags.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const artifacts = resolve(here, '..', 'artifacts');
const binary = process.env.SUYANG_BIN || join(root, 'target', 'debug', 'suyang');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A running Suyang with its own database. */
export async function startServer() {
  if (!existsSync(binary)) throw new Error(`build the binary first: ${binary} is missing`);
  const dir = mkdtempSync(join(tmpdir(), 'suyang-e2e-'));
  const port = await freePort();
  const env = { ...process.env, SUYANG_DATABASE_URL: `sqlite:${join(dir, 'suyang.db')}`, SUYANG_LOG: 'warn' };
  // The first platform admin is created through the CLI, as an operator would.
  const add = spawnSync(binary, ['user', 'add', 'e2e.admin', '--admin', '--name', 'E2E Admin'], { env, input: 'e2e admin password\n', encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
  const child = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error('server exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A browser context as a person would have it: a language preference, a 360 px phone or a desktop. */
export async function context(browser, { locale = 'zh-CN', phone = false, javaScript = true } = {}) {
  return browser.newContext({
    locale,
    extraHTTPHeaders: { 'Accept-Language': locale },
    viewport: phone ? { width: 360, height: 740 } : { width: 1280, height: 900 },
    javaScriptEnabled: javaScript,
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe on the current page; returns the violations (an empty list passes). The script is
 * evaluated through the DevTools protocol, so the site's strict CSP stays on. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

export async function screenshot(page, name) {
  mkdirSync(join(artifacts, 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(artifacts, 'screenshots', `${name}.png`), fullPage: true });
}

export async function signUp(page, base, login, password = 'correct horse battery') {
  await page.goto(`${base}/signup`);
  await page.fill('#login', login);
  await page.fill('#display_name', '测试');
  await page.fill('#password', password);
  await page.fill('#password_again', password);
  await Promise.all([page.waitForURL(/\/assessment$/), page.click('form[action="/signup"] button[type=submit]')]);
}

/** Answers every statement: `value` for all, 1 for the competence `low`. */
export async function answerAssessment(page, value = 3, low = '6.3') {
  const names = await page.$$eval('input[type=radio]', (els) => [...new Set(els.map((e) => e.name))]);
  for (const name of names) {
    const v = name === `r-${low}` ? 1 : value;
    await page.check(`input[name="${name}"][value="${v}"]`);
  }
  return names.length;
}

/** One server and one browser for a test file, started before its tests and stopped after. */
export function serverAndBrowser() {
  const shared = {};
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}
