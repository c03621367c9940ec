import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from './browser.ts';

const { url, key } = inject('server');

let context: BrowserContext;
let close = async (): Promise<void> => undefined;
/** Every URL the pages asked for: the dashboard must need nothing but its own origin. */
const requested: string[] = [];

beforeAll(async () => {
  ({ context, close } = await launchBrowser());
});
afterAll(async () => {
  await close();
});

async function open(width = 1100): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(url);
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
}

async function submitBatch(page: Page, texts: string[]): Promise<string> {
  const box = page.getByLabel('Texts, one per line');
  // Typing 10,000 lines takes playwright minutes; a big batch arrives by paste, all at once.
  if (texts.length > 100) await box.evaluate((area, value) => ((area as HTMLTextAreaElement).value = value), texts.join('\n'));
  else await box.fill(texts.join('\n'));
  await page.getByRole('button', { name: 'Submit batch' }).click();
  await page.waitForURL(/#\/jobs\/[\w-]+$/);
  return new URL(page.url()).hash.split('/').at(-1) ?? '';
}

const progressOf = (page: Page) => page.locator('#detail-progress').evaluate((bar) => (bar as HTMLProgressElement).value);

describe('the dashboard in headless Chromium', () => {
  it('refuses a bad key with a message, and keeps no key in the URL', async () => {
    const page = await open();
    await page.getByLabel('API key').fill('definitely-not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    expect(await page.locator('#app').isHidden()).toBe(true);
    expect(page.url()).not.toContain('definitely');
    await page.close();
  });

  it('signs in, submits a batch, follows the bar to 100 % and shows the result', async () => {
    const page = await open();
    await signIn(page);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    const id = await submitBatch(page, ['I love this product!', 'This is terrible quality.', 'Mail me at jane@example.com']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => progressOf(page), { timeout: 30_000 }).toBe(100);
    await expect.poll(() => page.locator('#detail-progress-label').textContent()).toBe('completed, 100%');
    const table = page.getByRole('table');
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    expect(await table.textContent()).toContain('[EMAIL]');
    expect(await page.locator('#detail-history').textContent()).toContain('job.create');
    expect(await page.getByRole('button', { name: 'Cancel job' }).isHidden()).toBe(true);
    const shot = screenshotPath('dashboard-completed-job');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    // Back on the list, the job is there with a full bar; filters narrow it.
    await page.getByRole('link', { name: '← All jobs' }).click();
    await page.getByRole('link', { name: id }).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.locator('#job-list').textContent()).toContain('No jobs match');
    await page.close();
  });

  it('cancels a running job, then retries it as a new job', async () => {
    const page = await open();
    await signIn(page);
    const id = await submitBatch(page, Array.from({ length: 10_000 }, (_, i) => `Review number ${i} says the product is fine and works well.`));
    await expect.poll(() => page.locator('#detail-progress-label').textContent(), { timeout: 30_000 }).toMatch(/^running/);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => page.locator('#detail-message').textContent()).toMatch(/cancel/i);
    await expect.poll(() => page.locator('#detail-progress-label').textContent(), { timeout: 30_000 }).toMatch(/^cancelled/);
    expect(await progressOf(page)).toBeLessThan(100);

    await page.getByRole('button', { name: 'Retry job' }).click();
    await page.waitForURL((u) => /#\/jobs\/[\w-]+$/.test(u.hash) && !u.hash.endsWith(id));
    await expect.poll(() => page.locator('#detail-fields').textContent()).toContain(`Retry of${id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => page.locator('#detail-progress-label').textContent(), { timeout: 30_000 }).toMatch(/^cancelled/);
    await page.close();
  });

  it('pauses and resumes the queue from the stats', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await expect.poll(() => page.locator('#queue-state').textContent()).toMatch(/^Paused/);
    await page.getByRole('button', { name: 'Resume queue' }).click();
    await expect.poll(() => page.locator('#queue-state').textContent()).toBe('Running.');
    await page.getByRole('button', { name: 'Pause queue' }).waitFor();
    await page.close();
  });

  it('fits a 375 px phone screen', async () => {
    const page = await open(375);
    await signIn(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const shot = screenshotPath('dashboard-phone');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    await page.close();
  });

  it('renders the API reference offline, from this origin only', async () => {
    const page = await open();
    await page.goto(`${url}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'DataCloak Job Queue API' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(15);
    const shot = screenshotPath('api-reference');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    await page.close();
  });

  afterAll(() => {
    expect(requested.filter((u) => !u.startsWith(url) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
  });
});
