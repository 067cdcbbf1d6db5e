import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';
import {
  isolatedTestApp,
  loopbackReceiver,
  startDelivering,
  submissionDestination,
  submitPlan,
  waitFor,
} from './support.js';

const TOKEN = 'metrics-token-of-at-least-32-characters';
const ORG = '0180';
let t: Awaited<ReturnType<typeof isolatedTestApp>>;
let receiver: Awaited<ReturnType<typeof loopbackReceiver>>;
let dispatch: ReturnType<typeof startDelivering> | undefined;

beforeAll(async () => {
  t = await isolatedTestApp({ METRICS_TOKEN: TOKEN });
  receiver = await loopbackReceiver();
});

afterAll(async () => {
  await dispatch?.stop();
  await receiver?.close();
  await t?.close();
});

async function scrape(authorization = `Bearer ${TOKEN}`): Promise<string> {
  const response = await t.app.inject({ url: '/metrics', headers: { authorization } });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** The value of one series, e.g. `planbrygga_queue_jobs{queue="submissions",state="failed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('is refused without the metrics token or an admin or viewer key', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    const reader = await bearer(t.deps, ORG, ['plans:read']);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: reader } })).statusCode).toBe(
      401,
    );
    await scrape(await bearer(t.deps, ORG, ['viewer']));
    await scrape();
  });

  it('shows the outbox backlog and lag, queue depth by state, deliveries, attempts, failures and latency', async () => {
    const destination = await submissionDestination(t.deps, ORG, receiver.url);
    receiver.answer(400);
    const refused = await submitPlan(t.deps, ORG, destination.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await scrape();
    expect(sample(before, 'planbrygga_outbox_backlog')).toBe(1);
    expect(sample(before, 'planbrygga_outbox_lag_seconds')).toBeGreaterThan(0);

    dispatch = startDelivering(t.deps);
    const failed = async () =>
      (
        await t.deps.db
          .selectFrom('deliveries')
          .select('status')
          .where('plan_id', '=', refused)
          .executeTakeFirst()
      )?.status === 'failed';
    await waitFor(failed);
    receiver.answer(200);
    const delivered = await submitPlan(t.deps, ORG, destination.id);
    dispatch.relay.wake();
    await waitFor(
      async () =>
        (
          await t.deps.db
            .selectFrom('deliveries')
            .select('status')
            .where('plan_id', '=', delivered)
            .executeTakeFirst()
        )?.status === 'delivered',
    );

    const text = await scrape();
    expect(sample(text, 'planbrygga_outbox_backlog')).toBe(0);
    expect(sample(text, 'planbrygga_outbox_lag_seconds')).toBe(0);
    expect(sample(text, 'planbrygga_queue_jobs{queue="submissions",state="failed"}')).toBe(1);
    expect(sample(text, 'planbrygga_queue_jobs{queue="submissions",state="waiting"}')).toBe(0);
    expect(sample(text, 'planbrygga_queue_jobs{queue="signoffs",state="active"}')).toBe(0);
    expect(sample(text, 'planbrygga_deliveries{queue="submissions",status="failed"}')).toBe(1);
    expect(sample(text, 'planbrygga_deliveries{queue="submissions",status="delivered"}')).toBe(1);
    expect(sample(text, 'planbrygga_delivery_failures{queue="submissions",reason="http_4xx"}')).toBe(1);
    expect(sample(text, 'planbrygga_delivery_attempts_total{queue="submissions"}')).toBe(2);
    expect(sample(text, 'planbrygga_delivery_failed_attempts_total{queue="submissions"}')).toBe(1);
    expect(sample(text, 'planbrygga_delivery_latency_seconds_count{queue="submissions"}')).toBe(1);
    expect(sample(text, 'planbrygga_delivery_latency_seconds_bucket{queue="submissions",le="+Inf"}')).toBe(1);
    expect(sample(text, 'planbrygga_delivery_latency_seconds_bucket{queue="submissions",le="14400"}')).toBe(
      1,
    );
    expect(sample(text, 'planbrygga_delivery_latency_seconds_sum{queue="submissions"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^planbrygga_process_resident_memory_bytes \d+/m);
  });

  it('carries no personal data, plan or destination in its labels', async () => {
    const admin = await bearer(t.deps, ORG, ['admin']);
    const push = await t.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization: admin },
      payload: validPlan({ municipalityCode: ORG, sourcePlanId: 'GP-METRICS-1' }),
    });
    expect(push.statusCode, push.body).toBe(201);
    const text = await scrape();
    const digits = TEST_PERSON.identityNumber;
    for (const forbidden of [
      digits,
      `${digits.slice(0, 8)}-${digits.slice(8)}`,
      digits.slice(2),
      TEST_PERSON.givenName,
      TEST_PERSON.familyName,
      receiver.url,
      '127.0.0.1',
      push.json<{ id: string }>().id,
      'GP-METRICS-1',
    ]) {
      expect(text).not.toContain(forbidden);
    }
    const labelValues = [...text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`);
    for (const label of labelValues) {
      expect(label).toMatch(
        /^(queue|state|status|reason|le|version|major|minor|patch|space|kind|type)=[\w.+-]*$/,
      );
    }
  });
});
