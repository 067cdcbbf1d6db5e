import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, webhookHeaders } from '../../../src/delivery/contract/webhook-signature.js';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';
import { isolatedDatabase } from '../../helpers/scratch-database.js';
import { INDEX_KEY, runPrefix, waitFor } from './support.js';

// examples/receiver/receiver.mjs as a receiving system would run it: its own process, the
// destination's secret, a folder to store in, and an API key for its receipts.
const RECEIVER = join(import.meta.dirname, '../../../examples/receiver/receiver.mjs');
const ORGANISATION = '2950';

let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
let dispatch: Dispatch;
let store: string;
let child: ChildProcess;
let output = '';
let receiverUrl: string;
const secret = generateWebhookSecret();

beforeAll(async () => {
  database = await isolatedDatabase('receiver');
  t = await createTestApp({
    env: {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: runPrefix('receiver'),
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      RELAY_POLL_INTERVAL_MS: '50',
      DELIVERY_RETRY_BASE_MS: '100',
    },
  });
  // The receiver sends its receipts to this API over HTTP, as it would in production.
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  dispatch = startDispatch(t.deps);
  store = await mkdtemp(join(tmpdir(), 'planbrygga-receiver-'));
  const receiptKey = (await bearer(t.deps, ORGANISATION, ['inbox:read'])).replace(/^Bearer /, '');
  child = spawn(process.execPath, [RECEIVER], {
    env: {
      PATH: process.env.PATH ?? '',
      WEBHOOK_SECRET: secret,
      PORT: '0',
      STORE_DIR: store,
      PLANBRYGGA_URL: apiUrl,
      PLANBRYGGA_API_KEY: receiptKey,
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitFor(async () => /listening on (\S+)/.test(output), 10_000, 'the receiver listens');
  receiverUrl = /listening on (\S+)/.exec(output)![1]!;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await dispatch?.close(1_000);
  await t?.close();
  await database?.drop();
  if (store) await rm(store, { recursive: true, force: true });
});

async function call(method: 'GET' | 'POST', url: string, payload?: object) {
  const authorization = await bearer(t.deps, ORGANISATION, ['admin']);
  const res = await t.app.inject({ method, url, headers: { authorization }, ...(payload && { payload }) });
  return { status: res.statusCode, body: res.json(), raw: res.body };
}

describe('the example receiver (examples/receiver)', () => {
  it('stores a submission once, verified, and confirms it with a receipt', async () => {
    const destination = await call('POST', '/v1/admin/destinations', {
      kind: 'submission',
      system: 'lifecare',
      url: `${receiverUrl}/planbrygga`,
      secret,
    });
    expect(destination.status, destination.raw).toBe(201);
    const plan = validPlan({ municipalityCode: ORGANISATION, sourcePlanId: 'RECEIVER' });
    const pushed = await call('POST', '/v1/plans', {
      ...plan,
      dates: { ...plan.dates, communicated: '2025-01-17' },
    });
    expect(pushed.status, pushed.raw).toBe(201);
    const planId = pushed.body.id as string;
    const submitted = await call('POST', `/v1/plans/${planId}/submissions`);
    expect(submitted.status, submitted.raw).toBe(202);
    const [submission] = submitted.body.submissions;

    await waitFor(
      async () => (await call('GET', `/v1/plans/${planId}/status`)).body.status === 'acknowledged',
      15_000,
      'acknowledged by the receiver',
    );
    const files = (await readdir(store)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const meta = JSON.parse(await readFile(join(store, files[0]!), 'utf8'));
    expect(meta).toMatchObject({
      event: 'plan.submitted',
      planId,
      version: '1',
      submissionId: submission.id,
    });
    expect(meta.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
    const body = await readFile(join(store, files[0]!.replace(/\.json$/, '.body')), 'utf8');
    expect(body).toContain('<?xml');

    // A retry of the same message (same webhook-id) is answered 2xx and not stored again.
    const retried = await sign(meta.webhookId, body);
    expect(retried.status).toBe(200);
    expect((await readdir(store)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('refuses a request whose signature does not verify, at once and without storing it', async () => {
    const forged = await fetch(`${receiverUrl}/planbrygga`, {
      method: 'POST',
      headers: {
        ...webhookHeaders(generateWebhookSecret(), 'msg_forged', new Date(), 'x'),
        'content-type': 'application/json',
      },
      body: 'x',
    });
    expect(forged.status).toBe(401);
    const stale = await sign('msg_stale', 'x', new Date(Date.now() - 10 * 60 * 1000));
    expect(stale.status).toBe(401);
    expect((await readdir(store)).some((f) => f.includes('forged') || f.includes('stale'))).toBe(false);
  });
});

function sign(webhookId: string, body: string, at = new Date()) {
  return fetch(`${receiverUrl}/planbrygga`, {
    method: 'POST',
    headers: { ...webhookHeaders(secret, webhookId, at, body), 'content-type': 'application/xml' },
    body,
  });
}
