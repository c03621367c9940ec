import { readFileSync } from 'node:fs';
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

const WIDE = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(WIDE);
  page.on('request', (request) => requested.push(request.url()));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
}

const jobIdOf = (page: Page) => /#\/jobs\/([\w-]+)$/.exec(new URL(page.url()).hash)?.[1] ?? '';
const progressLabel = (page: Page) => page.locator('#detail-progress-label').textContent();

async function startJob(page: Page, button: RegExp): Promise<string> {
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL(/#\/jobs\/[\w-]+$/);
  return jobIdOf(page);
}

async function completes(page: Page): Promise<void> {
  await expect.poll(() => progressLabel(page), { timeout: 30_000 }).toBe('completed, 100%');
}

/**
 * Screenshots of the current view at a desktop and a phone size, each checked: the page never
 * scrolls sideways and shows no raw JSON (an object literal, or an object stringified by mistake).
 */
async function capture(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [['wide', WIDE], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(0);
    const text = await page.locator('#view').innerText();
    expect(text, `${name} shows raw JSON`).not.toMatch(/[{[]\s*"[^"]*"\s*[:,\]]|\[object Object\]/);
    const shot = screenshotPath(`${name}-${size}`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  }
  await page.setViewportSize(WIDE);
}

const CSV = [
  'text,email,date',
  '"I love this product, great service",jane@example.com,2026-01-02',
  '"Terrible quality, never again",bob@example.com,2026-01-03',
  '"It is fine",,2026-01-04',
  '"Key AKIAIOSFODNN7EXAMPLE was pasted here",,2026-01-05',
  'broken,"unterminated',
  '',
].join('\n');

describe('the dashboard in headless Chromium', () => {
  it('refuses a bad key with a message, offers the local key on localhost, keeps no key in the URL', async () => {
    const page = await open();
    expect(await page.locator('#local-key-hint').textContent()).toContain('local-dev-key');
    await page.getByLabel('API key').fill('definitely-not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    expect(await page.locator('#view').isHidden()).toBe(true);
    expect(page.url()).not.toContain('definitely');
    await page.close();
  });

  it('runs the whole workflow: upload → process → scan → export → download, each job type on its own page', async () => {
    const page = await open();
    await signIn(page);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

    // Upload and process, from the New job panel.
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByRole('radio', { name: /File processing/ }).check();
    // The upload opens by itself only while no file is stored (other suites may have stored some).
    await page.locator('#file-path').waitFor();
    if (!(await page.locator('#upload-file').isVisible())) await page.getByText('Upload a file', { exact: true }).click();
    await page.locator('#upload-file').setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    expect(await page.getByLabel('Store as').inputValue()).toBe('uploads/reviews.csv');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => page.locator('#upload-status').textContent()).toContain('Uploaded uploads/reviews.csv');
    expect(await page.getByLabel('File', { exact: true }).inputValue()).toBe('uploads/reviews.csv');
    expect(await page.getByRole('radio', { name: 'Parse and score sentiment' }).isChecked()).toBe(true);
    const processed = await startJob(page, /^Start file processing/);
    await completes(page);
    expect(await page.locator('#rows-parsed').textContent()).toBe('4');
    expect(await page.locator('#detail-result').textContent()).toContain('Line 6: Unterminated');
    await capture(page, 'job-file-processing');

    // The dataset's records, one link away.
    await page.getByRole('link', { name: 'View records' }).click();
    await page.getByRole('heading', { name: /^Dataset / }).waitFor();
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(5);
    expect(await page.getByRole('table').textContent()).toContain('[EMAIL]');
    await capture(page, 'dataset-records');

    // Scan the same file.
    await page.goto(`${url}/#/jobs/${processed}`);
    await page.getByRole('link', { name: 'Scan this file' }).click();
    await page.getByRole('radio', { name: /Security scan/ }).waitFor();
    expect(await page.getByRole('radio', { name: /Security scan/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('File', { exact: true }).inputValue()).toBe('uploads/reviews.csv');
    await startJob(page, /^Start security scan/);
    await completes(page);
    expect(await page.locator('#risk-level').textContent()).toMatch(/^(critical|high|medium|low) risk$/);
    const findings = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Preview (masked)' }) });
    expect(await findings.textContent()).toContain('AWS_ACCESS_KEY_ID');
    expect(await findings.textContent()).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const compliance = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Framework' }) });
    expect(await compliance.getByRole('row').count()).toBe(6); // header + GDPR, HIPAA, PCI-DSS, SOC2, CCPA
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report' }).click()]);
    expect(report.suggestedFilename()).toMatch(/^security-scan-.+\.json$/);
    const reportBody = JSON.parse(readFileSync(await report.path(), 'utf8')) as { totalFindings: number };
    expect(reportBody.totalFindings).toBeGreaterThanOrEqual(3);
    await capture(page, 'job-security-scan');

    // Export the dataset and download it.
    await page.goto(`${url}/#/jobs/${processed}`);
    await page.getByRole('link', { name: 'Export the dataset' }).click();
    await page.getByRole('radio', { name: 'CSV', exact: true }).waitFor();
    await startJob(page, /^Start data export/);
    await completes(page);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv).toContain('I love this product');
    expect(csv.trim().split('\n')).toHaveLength(5);
    await capture(page, 'job-data-export');

    // A sentiment batch.
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Texts, one per line').fill(['I love this product!', 'This is terrible quality.', 'Mail me at jane@example.com'].join('\n'));
    await startJob(page, /^Start sentiment analysis/);
    await completes(page);
    await page.locator('.distribution').waitFor();
    const results = page.getByRole('table');
    await expect.poll(() => results.getByRole('row').count()).toBe(4);
    expect(await results.textContent()).toContain('[EMAIL]');
    expect(await page.locator('#detail-result').textContent()).toContain('Average score');
    await expect.poll(() => page.locator('#detail-history').textContent()).toMatch(/Created.*Started.*Completed/);
    expect(await page.getByRole('button', { name: 'Cancel job' }).isHidden()).toBe(true);
    await capture(page, 'job-sentiment');

    // Back on the list: the jobs are there, filters sit beside their labels, search opens a job.
    await page.getByRole('link', { name: '← All jobs' }).click();
    await page.locator(`[data-job="${processed}"]`).waitFor();
    const label = await page.locator('label[for=filter-status]').boundingBox();
    const select = await page.locator('#filter-status').boundingBox();
    expect(label && select && Math.abs(label.y + label.height / 2 - (select.y + select.height / 2))).toBeLessThan(8);
    await capture(page, 'job-list');
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await expect.poll(() => page.locator('#job-list').textContent()).toContain('No jobs match');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.locator(`[data-job="${processed}"]`).waitFor();
    await page.getByLabel('Find a job').fill(processed);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(new RegExp(`#/jobs/${processed}$`));
    await page.close();
  });

  it('says when a delayed job runs and what a dependent job waits for', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Texts, one per line').fill('Later, please');
    await page.getByText('Priority, timing and dependencies').click();
    await page.getByRole('radio', { name: 'Later' }).check();
    const inAnHour = new Date(Date.now() + 3_600_000);
    const local = new Date(inAnHour.getTime() - inAnHour.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Run at').fill(local);
    const delayed = await startJob(page, /^Start sentiment analysis/);
    await expect.poll(() => page.locator('#detail-fields').textContent()).toMatch(/Runs at.*in (59 min|60 min|1 h)/);

    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Texts, one per line').fill('After that one');
    await page.getByText('Priority, timing and dependencies').click();
    await page.getByLabel('After jobs').fill(delayed);
    await startJob(page, /^Start sentiment analysis/);
    await expect.poll(() => page.locator('#detail-fields').textContent()).toContain(`Waiting for${delayed}`);
    await capture(page, 'job-waiting');
    // Still there after the job's live events have redrawn the page.
    expect(await page.locator('#detail-fields').textContent()).toContain(`Waiting for${delayed}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => progressLabel(page)).toMatch(/^cancelled/);
    await page.goto(`${url}/#/jobs/${delayed}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => progressLabel(page)).toMatch(/^cancelled/);
    await page.close();
  });

  it('shows a job created elsewhere on the open list without a reload', async () => {
    const page = await open();
    await signIn(page);
    const api = (path: string, init: RequestInit = {}) => fetch(`${url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    const created = (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ type: 'sentiment_analysis_batch', delay: 3_600_000, data: { texts: ['from a script'] } }) })).json()) as { data: { jobId: string } };
    const id = created.data.jobId;
    await page.locator(`[data-job="${id}"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`[data-job="${id}"] .badge`).textContent()).toBe('pending');
    await api(`/jobs/${id}`, { method: 'DELETE' });
    await expect.poll(() => page.locator(`[data-job="${id}"] .badge`).textContent(), { timeout: 20_000 }).toBe('cancelled');
    await page.close();
  });

  it('cancels a running job, then retries it as a new job', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('link', { name: 'New job' }).click();
    // Typing 10,000 lines takes playwright minutes; a big batch arrives by paste, all at once.
    const texts = Array.from({ length: 10_000 }, (_, i) => `Review number ${i} says the product is fine and works well.`).join('\n');
    await page.getByLabel('Texts, one per line').evaluate((area, value) => ((area as HTMLTextAreaElement).value = value), texts);
    const id = await startJob(page, /^Start sentiment analysis/);
    await expect.poll(() => progressLabel(page), { timeout: 30_000 }).toMatch(/^running/);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => page.locator('#detail-message').textContent()).toMatch(/cancel/i);
    await expect.poll(() => progressLabel(page), { timeout: 30_000 }).toMatch(/^cancelled/);
    expect(await page.locator('#detail-progress').evaluate((bar) => (bar as HTMLProgressElement).value)).toBeLessThan(100);

    await page.getByRole('button', { name: 'Retry job' }).click();
    await page.waitForURL((u) => /#\/jobs\/[\w-]+$/.test(u.hash) && !u.hash.endsWith(id));
    await expect.poll(() => page.locator('#detail-fields').textContent()).toContain(`Retry of${id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => progressLabel(page), { timeout: 30_000 }).toMatch(/^cancelled/);
    await page.close();
  });

  it('has its own views for the queue (pause and resume) and for schedules', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await expect.poll(() => page.locator('#queue-state').textContent()).toMatch(/^Paused/);
    expect(await page.locator('#nav-paused').isVisible()).toBe(true);
    expect(await page.locator('#throughput').textContent()).toMatch(/^[\d.]+$/);
    await capture(page, 'queue-paused');
    await page.getByRole('button', { name: 'Resume queue' }).click();
    await expect.poll(() => page.locator('#queue-state').textContent()).toMatch(/^Running/);
    expect(await page.locator('#nav-paused').isHidden()).toBe(true);

    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Texts, one per line').fill('Nightly hello');
    await page.getByText('Priority, timing and dependencies').click();
    await page.getByRole('radio', { name: 'On a schedule' }).check();
    await page.getByLabel('Cron expression').fill('0 3 * * *');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: /^Start sentiment analysis/ }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Europe/Berlin' });
    expect(await row.textContent()).toContain('0 3 * * *');
    await capture(page, 'schedules');
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Europe/Berlin' }).count()).toBe(0);
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
