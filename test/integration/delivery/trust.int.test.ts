import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { generateWebhookSecret } from '../../../src/delivery/contract/webhook-signature.js';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';
import { createScratchDatabase, isolatedDatabase } from '../../helpers/scratch-database.js';
import { INDEX_KEY, runPrefix, startReceiver, waitFor } from './support.js';

// What a receiver relies on: one delivery per submission of a version, a webhook-id that no
// other message ever carries, and a delivery that leaves at the commit, not at the next poll.
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const installations: Installation[] = [];
let nextOrganisation = 2700;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(installations.map((i) => i.close()));
  await receiver?.close();
});

interface Installation {
  t: TestApp;
  dispatch: Dispatch;
  close(): Promise<void>;
}

/**
 * An API with its relay and workers on a database of its own, as one municipality's
 * installation. The relay's poll is a minute: only the commit's notification wakes it.
 */
async function install(databaseUrl: string, label: string): Promise<Installation> {
  const t = await createTestApp({
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: runPrefix(label),
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      RELAY_POLL_INTERVAL_MS: '60000',
      DELIVERY_RETRY_BASE_MS: '100',
    },
  });
  const dispatch = startDispatch(t.deps);
  const installation = {
    t,
    dispatch,
    close: async () => {
      await dispatch.close(1_000);
      await t.close();
    },
  };
  installations.push(installation);
  return installation;
}

/** An organisation of the installation with a submission destination at `path`. */
async function organisation({ t }: Installation, path: string) {
  const code = String(nextOrganisation++);
  const authorization = await bearer(t.deps, code, ['admin']);
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, headers: { authorization }, ...(payload && { payload }) });
    return { status: res.statusCode, body: res.json(), raw: res.body };
  };
  const destination = await call('POST', '/v1/admin/destinations', {
    kind: 'submission',
    system: 'pulsen-combine',
    url: receiver.url(path),
    secret: generateWebhookSecret(),
  });
  expect(destination.status, destination.raw).toBe(201);
  const push = async (sourcePlanId: string) => {
    // Complete, communicated and signed: ready to be submitted.
    const plan = validPlan({ municipalityCode: code, sourcePlanId });
    const res = await call('POST', '/v1/plans', {
      ...plan,
      dates: { ...plan.dates, communicated: '2025-01-17' },
    });
    expect(res.status, res.raw).toBe(201);
    return res.body.id as string;
  };
  const submit = (planId: string, body?: object) => call('POST', `/v1/plans/${planId}/submissions`, body);
  const submission = async (planId: string, id: string) =>
    (await call('GET', `/v1/plans/${planId}/submissions/${id}`)).body;
  return { code, call, push, submit, submission };
}

const hitsAt = (path: string) => receiver.hits.filter((h) => h.path === path);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('one delivery per submission of a version', () => {
  let one: Installation;
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  beforeAll(async () => {
    database = await isolatedDatabase('trust');
    one = await install(database.url, 'trust');
  });
  afterAll(async () => {
    await one?.close();
    installations.splice(installations.indexOf(one), 1);
    await database?.drop();
  });
  /** The delivery jobs written for a plan's submissions. */
  const submissionJobs = async (planId: string) =>
    (
      await database.db
        .selectFrom('outbox')
        .select('webhook_id')
        .where('kind', '=', 'submission.deliver')
        .where(sql<string>`payload->>'planId'`, '=', planId)
        .execute()
    ).length;

  it('a version submitted again answers 200 with the existing submission and queues nothing', async () => {
    const o = await organisation(one, '/again');
    const planId = await o.push('AGAIN');
    const first = await o.submit(planId);
    expect(first.status, first.raw).toBe(202);
    const [queued] = first.body.submissions;
    await waitFor(async () => (await o.submission(planId, queued.id)).status === 'delivered', 10_000);

    const again = await o.submit(planId);
    expect(again.status, again.raw).toBe(200);
    expect(again.body.submissions.map((s: { id: string }) => s.id)).toEqual([queued.id]);
    expect(await submissionJobs(planId)).toBe(1);
    await pause(300);
    expect(hitsAt('/again')).toHaveLength(1);
    const status = await o.call('GET', `/v1/plans/${planId}/status`);
    expect(status.body.submissions.map((s: { id: string }) => s.id)).toEqual([queued.id]);
  });

  it('two concurrent submits of one version make one submission and one delivery', async () => {
    const o = await organisation(one, '/race');
    const planId = await o.push('RACE');
    const answers = await Promise.all([o.submit(planId), o.submit(planId), o.submit(planId)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    const ids = new Set(answers.flatMap((a) => a.body.submissions.map((s: { id: string }) => s.id)));
    expect(ids.size).toBe(1);
    await waitFor(async () => hitsAt('/race').length === 1, 10_000);
    await pause(300);
    expect(hitsAt('/race')).toHaveLength(1);
    expect(await submissionJobs(planId)).toBe(1);
  });

  it("the lss policy's automatic submission stands: a later submit answers 200 with it", async () => {
    const o = await organisation(one, '/automatic');
    const set = await one.t.app.inject({
      method: 'PUT',
      url: `/v1/admin/policies/${o.code}`,
      headers: { authorization: await bearer(one.t.deps, o.code, ['admin']) },
      payload: { preset: 'lss' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const planId = await o.push('AUTOMATIC');
    await waitFor(async () => hitsAt('/automatic').length === 1, 10_000, 'submitted by the policy');
    const manual = await o.submit(planId);
    expect(manual.status, manual.raw).toBe(200);
    await pause(300);
    expect(hitsAt('/automatic')).toHaveLength(1);
  });

  it('a resend is explicit: refused while the previous is queued, then a new submission with a new webhook-id, audited', async () => {
    const o = await organisation(one, '/resend');
    receiver.answer.set('/resend', () => (hitsAt('/resend').length === 1 ? 'hold' : 200));
    const planId = await o.push('RESEND');
    const first = (await o.submit(planId)).body.submissions[0];
    await waitFor(async () => hitsAt('/resend').length === 1, 10_000);
    const whileQueued = await o.submit(planId, { resend: true });
    expect(whileQueued.status, whileQueued.raw).toBe(409);
    expect(whileQueued.body.detail).toMatch(/still queued/);

    for (const res of receiver.held) res.writeHead(200).end();
    await waitFor(async () => (await o.submission(planId, first.id)).status === 'delivered', 10_000);
    const resent = await o.submit(planId, { resend: true });
    expect(resent.status, resent.raw).toBe(202);
    const [second] = resent.body.submissions;
    expect(second.id).not.toBe(first.id);
    await waitFor(async () => (await o.submission(planId, second.id)).status === 'delivered', 10_000);
    const ids = hitsAt('/resend').map((h) => h.webhookId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);

    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'details', 'status'])
      .where('plan_id', '=', planId)
      .where('status', '=', 202)
      .orderBy('id')
      .execute();
    expect(audit.at(-1)?.details).toMatchObject({ resend: true, submissions: [second.id] });
    expect(await submissionJobs(planId)).toBe(2);
    expect((await o.submit(planId, { resend: 'yes' })).status).toBe(422);
  });

  it('a failed submission does not count: submitting again queues a new one', async () => {
    const o = await organisation(one, '/refusing');
    receiver.answer.set('/refusing', () => (hitsAt('/refusing').length === 1 ? 400 : 200));
    const planId = await o.push('REFUSING');
    const first = (await o.submit(planId)).body.submissions[0];
    await waitFor(async () => (await o.submission(planId, first.id)).status === 'failed', 10_000);
    const again = await o.submit(planId);
    expect(again.status, again.raw).toBe(202);
    expect(again.body.submissions[0].id).not.toBe(first.id);
    await waitFor(async () => hitsAt('/refusing').length === 2, 10_000);
  });

  it('leaves at the commit: delivered well before the relay would have polled', async () => {
    const o = await organisation(one, '/prompt');
    const planId = await o.push('PROMPT');
    const submitted = Date.now();
    expect((await o.submit(planId)).status).toBe(202);
    await waitFor(async () => hitsAt('/prompt').length === 1, 10_000);
    const latency = Date.now() - submitted;
    console.info(`submission at the receiver ${latency} ms after the submit answered (relay poll: 60 s)`);
    expect(latency).toBeLessThan(10_000);
  });
});

describe('webhook ids that never repeat', () => {
  it('two installations sending to one receiver never share an id, nor does a re-created database', async () => {
    const scratch = [await createScratchDatabase('ids_a'), await createScratchDatabase('ids_b')];
    try {
      const deliverFrom = async (url: string, label: string, count: number) => {
        const installation = await install(url, label);
        const o = await organisation(installation, `/ids/${label}`);
        for (let n = 0; n < count; n++) {
          expect((await o.submit(await o.push(`IDS-${n}`))).status).toBe(202);
        }
        await waitFor(async () => hitsAt(`/ids/${label}`).length === count, 15_000, `${label} delivered`);
        await installation.close();
        installations.splice(installations.indexOf(installation), 1);
      };
      await deliverFrom(scratch[0]!.url, 'a', 3);
      await deliverFrom(scratch[1]!.url, 'b', 3);
      // The first database dropped and made again under the same name: its sequences start over.
      await scratch[0]!.drop();
      await recreate(scratch[0]!.url);
      await deliverFrom(scratch[0]!.url, 'a-again', 3);

      const ids = ['a', 'b', 'a-again'].flatMap((label) => hitsAt(`/ids/${label}`).map((h) => h.webhookId));
      expect(ids).toHaveLength(9);
      expect(new Set(ids).size).toBe(9);
      for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    } finally {
      await Promise.all(scratch.map((s) => s.drop().catch(() => undefined)));
    }
  }, 90_000);
});

async function recreate(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const db = createDatabase(admin.toString(), { maxConnections: 1 });
  try {
    await sql.raw(`create database "${name}"`).execute(db);
  } finally {
    await db.destroy();
  }
  const fresh = createDatabase(url, { maxConnections: 1 });
  try {
    await migrateToLatest(fresh);
  } finally {
    await fresh.destroy();
  }
}
