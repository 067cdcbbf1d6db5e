import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import { createClient } from '../../../src/services/clients.service.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumRunnable } from '../../helpers/chromium.js';
import {
  isolatedTestApp,
  loopbackReceiver,
  startDelivering,
  submissionDestination,
  submitPlan,
  waitFor,
} from './support.js';

const runnable = chromiumRunnable('dashboard browser test');

const ORG = '0180';
let t: Awaited<ReturnType<typeof isolatedTestApp>>;
let receiver: Awaited<ReturnType<typeof loopbackReceiver>>;
let dispatch: ReturnType<typeof startDelivering>;
let browser: Browser;
let base: string;
let destinationId: string;

beforeAll(async () => {
  if (!runnable) return;
  t = await isolatedTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  receiver = await loopbackReceiver();
  dispatch = startDelivering(t.deps);
  destinationId = (await submissionDestination(t.deps, ORG, receiver.url)).id;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dispatch?.stop();
  await receiver?.close();
  await t?.close();
});

async function key(scopes: ('admin' | 'viewer')[]): Promise<string> {
  return (await createClient(serviceContext(t.deps), { name: 'dashboard test', organisation: ORG, scopes }))
    .key;
}

/** A submission the receiver refused with 400: failed at once, its BullMQ job id returned. */
async function failedJob(): Promise<{ planId: string; jobId: string }> {
  receiver.answer(400);
  const planId = await submitPlan(t.deps, ORG, destinationId);
  dispatch.relay.wake();
  let jobId = '';
  await waitFor(async () => {
    const row = await t.deps.db
      .selectFrom('deliveries')
      .select(['job_id', 'status'])
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    jobId = row?.status === 'failed' ? row.job_id : '';
    return jobId !== '';
  });
  const queue = t.deps.queues.queue('submissions');
  await waitFor(async () => (await queue.getJob(jobId))?.failedReason !== undefined);
  return { planId, jobId };
}

async function logIn(apiKey: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/admin/queues`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.fill('#key', apiKey);
  await Promise.all([page.waitForURL(`${base}/admin/queues`), page.click('button[type=submit]')]);
  return page;
}

async function openFailedJob(page: Page, jobId: string): Promise<void> {
  await page.goto(`${base}/admin/queues/queue/submissions?status=failed`);
  await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
}

/** The job card's retry button (an icon); "Retry all" above the list has the same icon and its label. */
function jobRetryButton(page: Page) {
  return page.locator('button:has(svg.lucide-refresh-cw):not(:has-text("Retry all"))');
}

async function jobState(jobId: string): Promise<string> {
  const job = await t.deps.queues.queue('submissions').getJob(jobId);
  return job ? job.getState() : 'missing';
}

describe.skipIf(!runnable)('queue dashboard in Chromium', () => {
  it('an admin logs in with a key, sees the queues, and retries a failed job', async () => {
    const { planId, jobId } = await failedJob();
    const page = await logIn(await key(['admin']));
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'planbrygga_admin',
        httpOnly: true,
        sameSite: 'Strict',
        path: '/admin',
      }),
    ]);
    for (const queue of ['submissions', 'signoffs', 'notifications', 'maintenance']) {
      await page.getByText(queue, { exact: true }).first().waitFor();
    }
    // For a person to look at when the board changes; never compared.
    await page.screenshot({ path: join(tmpdir(), 'planbrygga-dashboard.png'), fullPage: true });

    await openFailedJob(page, jobId);
    receiver.answer(200);
    await jobRetryButton(page).click();
    await page.getByRole('alertdialog').getByText('Are you sure that you want to retry this job?').waitFor();
    const retried = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.endsWith('/retry'),
    );
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    expect((await retried).status()).toBe(204);

    await waitFor(async () => (await jobState(jobId)) === 'completed');
    const delivery = await t.deps.db
      .selectFrom('deliveries')
      .select(['status', 'attempts'])
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    expect(delivery).toEqual({ status: 'delivered', attempts: 2 });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'status', 'details'])
      .where('organisation', '=', ORG)
      .where('action', 'in', ['admin.login', 'admin.queues.job.retry'])
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'admin.login', status: 303 }),
        expect.objectContaining({
          action: 'admin.queues.job.retry',
          status: 204,
          details: expect.objectContaining({ queueName: 'submissions', jobId }),
        }),
      ]),
    );
  });

  it('a viewer sees the board and the failed job, but has no retry button and a retry is refused', async () => {
    const { jobId } = await failedJob();
    const page = await logIn(await key(['viewer']));
    await openFailedJob(page, jobId);
    expect(await jobRetryButton(page).count()).toBe(0);
    const status = await page.evaluate(
      async (id) =>
        (await fetch(`api/queues/submissions/${encodeURIComponent(id)}/retry`, { method: 'PUT' })).status,
      jobId,
    );
    expect(status).toBe(403);
    expect(await jobState(jobId)).toBe('failed');
  });

  it('refuses a change sent with the session cookie from another origin, and ends the session on logout', async () => {
    const { jobId } = await failedJob();
    const page = await logIn(await key(['admin']));
    const [cookie] = await page.context().cookies();
    const forged = await fetch(`${base}/admin/queues/api/queues/submissions/${jobId}/retry`, {
      method: 'PUT',
      headers: { cookie: `${cookie!.name}=${cookie!.value}`, origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(await jobState(jobId)).toBe('failed');

    await page.goto(`${base}/admin/login`);
    await Promise.all([page.waitForURL(`${base}/admin/login`), page.click('button[type=submit]')]);
    const after = await fetch(`${base}/admin/queues/api/queues`, {
      headers: { cookie: `${cookie!.name}=${cookie!.value}` },
    });
    expect(after.status).toBe(401);
  });
});
