import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from '../spec-support/boot-dashboard.js';
import { eventually } from '../spec-support/eventually.js';
import { XSS_IMG, XSS_SCRIPT, fixtureState } from '../spec-support/fixture-jobs.js';
import { browserAvailable, launchChromium } from './browser.js';

const suite = browserAvailable ? describe : describe.skip;

suite('dashboard in headless Chromium', () => {
  let booted: DashboardSpecApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const alerts: string[] = [];

  beforeAll(async () => {
    fixtureState.failing = true;
    fixtureState.slowMs = 150;
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH });
    browser = await launchChromium();
    context = await browser.newContext({ httpCredentials: DEMO_AUTH, viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'alert') alerts.push(dialog.message());
      void dialog.accept();
    });
  }, 30_000);

  afterAll(async () => {
    fixtureState.slowMs = 0;
    await browser?.close();
    await booted?.app.close();
  });

  const url = (path: string): string => `${booted.url}/jobs${path}`;
  const mailCount = (state: string) => page.locator(`tr[data-queue-row="mail"] td[data-count="${state}"]`);

  it('opens the overview and sees the counts change live as jobs run, without reloading', async () => {
    const started = Date.now();
    await page.goto(url('/'));
    expect(Date.now() - started).toBeLessThan(1_000);
    await page.locator('#live-status.on').waitFor();
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    await expectText(mailCount('completed'), '0');
    await booted.producer.enqueueMany(Array.from({ length: 6 }, (_, index) => ({ job: 'send' as const, payload: { to: `user${index}@example.com` } })));
    await expectText(mailCount('completed'), '6', 15_000);
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('opens a dead job, sees its stack, clicks retry and watches it complete', async () => {
    const handle = await booted.producer.enqueue('flaky', { note: 'card declined' });
    await eventually(async () => (await handle.state()) === 'dead', 5_000, 'dead');
    await page.goto(url('/dead'));
    await page.locator(`tr[data-job-row="${handle.id}"] a`).first().click();
    await page.waitForURL(`**/jobs/queues/mail/jobs/${handle.id}`);
    expect(await page.locator('pre.stack').first().textContent()).toMatch(/^Error: flaky failed: card declined\n\s+at /);
    await expectText(page.locator('[data-state]'), 'dead');
    fixtureState.failing = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await expectText(page.locator('[data-state]'), 'completed', 10_000);
    expect(await page.locator('pre.result').textContent()).toContain('"recovered"');
  });

  it('pauses a schedule from the schedules page', async () => {
    await page.goto(url('/schedules'));
    const row = page.locator('tr[data-schedule-row="nightly-cleanup"]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.badge.paused').waitFor();
    expect((await booted.admin.schedules()).find((schedule) => schedule.name === 'nightly-cleanup')!.paused).toBe(true);
    await row.getByRole('button', { name: 'Resume' }).waitFor();
  });

  it('renders hostile names, payloads and errors as text', async () => {
    fixtureState.failing = true;
    await booted.producer.enqueue('hostileName');
    await booted.producer.enqueue('flaky', { note: XSS_SCRIPT });
    await eventually(async () => (await booted.admin.list('mail', 'dead', { limit: 10 })).length >= 2, 5_000, 'hostile dead jobs');
    await page.goto(url('/dead'));
    await expect(page.locator('main').textContent()).resolves.toContain(XSS_SCRIPT);
    expect(await page.locator('main').textContent()).toContain(XSS_IMG);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    await page.goto(url(`/queues/mail?id=${encodeURIComponent(XSS_IMG)}`));
    expect(await page.locator('main img').count()).toBe(0);
    expect(alerts).toEqual([]);
  });

  it('wraps a job name after its dot, never inside a word', async () => {
    const handle = await booted.producer.enqueue('send', { to: 'wrap@example.com' }, { delay: 3_600_000 });
    await page.goto(url(`/queues/mail/jobs/${handle.id}`));
    // A break-anywhere rule would leave "nd" alone on the second line.
    const lines = await page.evaluate(LINES_OF_JOB_NAME) as string[];
    await booted.admin.remove('mail', handle.id);
    expect(lines).toEqual(['FixtureJobs.', 'send']);
  });

  it('answers 401 to a browser without credentials', async () => {
    const anonymous = await browser.newContext();
    const response = await anonymous.request.get(url('/'));
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toMatch(/^Basic /);
    await anonymous.close();
  });

  it('refuses a POST without the CSRF token, even from an authenticated page', async () => {
    await page.goto(url('/'));
    const status = await page.evaluate(async (target) => (await fetch(target, { method: 'POST' })).status, url('/queues/mail/pause'));
    expect(status).toBe(403);
    expect((await booted.admin.queues()).find((queue) => queue.name === 'mail')!.paused).toBe(false);
  });

  it('shows waiting, delayed, completed and dead jobs side by side (the README screenshot)', async () => {
    fixtureState.failing = false;
    await page.goto(url('/'));
    await booted.producer.enqueueMany(Array.from({ length: 12 }, (_, index) => ({ job: 'send' as const, payload: { to: `batch${index}@example.com` } })));
    await booted.producer.enqueue('send', { to: 'later@example.com' }, { delay: 3_600_000 });
    await booted.producer.enqueue('send', { to: 'tomorrow@example.com' }, { delay: 86_400_000 });
    await expectText(mailCount('delayed'), '2', 10_000);
    await expectText(mailCount('completed'), '19', 15_000);
    await page.locator('tr[data-queue-row="maintenance"]').getByRole('button', { name: 'Pause' }).click();
    await page.locator('tr[data-queue-row="maintenance"] .badge.paused').waitFor();
    await booted.admin.trigger('hourly-sync');
    await expectText(page.locator('tr[data-queue-row="maintenance"] td[data-count="waiting"]'), '1', 10_000);
    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  });
});

async function expectText(locator: ReturnType<Page['locator']>, expected: string, timeoutMs = 5_000): Promise<void> {
  await eventually(async () => (await locator.first().textContent())?.trim() === expected, timeoutMs, `text "${expected}"`);
}

/**
 * In the page (a string: this package compiles without the DOM's types): the lines of
 * `dd.job-name` in a box that holds "FixtureJobs.se" but not the whole name.
 */
const LINES_OF_JOB_NAME = `(() => {
  const dd = document.querySelector('dd.job-name');
  const context = document.createElement('canvas').getContext('2d');
  context.font = getComputedStyle(dd).font;
  dd.style.display = 'block';
  dd.style.width = Math.ceil(context.measureText('FixtureJobs.se').width) + 1 + 'px';
  const byLine = new Map();
  const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let index = 0; index < node.textContent.length; index++) {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const top = Math.round(range.getBoundingClientRect().top);
      byLine.set(top, (byLine.get(top) ?? '') + node.textContent[index]);
    }
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
})()`;
