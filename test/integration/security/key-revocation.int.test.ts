import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/services/clients.service.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';

// A revoked key (clients.revoked_at set) stops working on /v1 within API_KEY_CACHE_SECONDS,
// and on the admin pages at once.
let now = Date.parse('2026-12-03T09:00:00Z');
let cached: TestApp;
let uncached: TestApp;

beforeAll(async () => {
  cached = await createTestApp({ clock: () => new Date(now), env: { API_KEY_CACHE_SECONDS: '5' } });
  uncached = await createTestApp({ env: { API_KEY_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await cached.close();
  await uncached.close();
});

async function revoke(t: TestApp, authorization: string): Promise<void> {
  const keyHash = hashApiKey(authorization.slice('Bearer '.length));
  const { numAffectedRows } =
    await sql`update clients set revoked_at = now() where key_hash = ${keyHash}`.execute(t.deps.db);
  expect(numAffectedRows).toBe(1n);
}

const listPlans = (t: TestApp, authorization: string) =>
  t.app.inject({ url: '/v1/plans', headers: { authorization } }).then((res) => res.statusCode);

describe('revoking an API key', () => {
  it('refuses it on /v1 once the instance has kept its client for API_KEY_CACHE_SECONDS', async () => {
    const { authorization } = await adminOf(cached.deps);
    expect(await listPlans(cached, authorization)).toBe(200);
    await revoke(cached, authorization);
    now += 4_999;
    expect(await listPlans(cached, authorization)).toBe(200);
    now += 1;
    expect(await listPlans(cached, authorization)).toBe(401);
    now += 60_000;
    expect(await listPlans(cached, authorization)).toBe(401);
  });

  it('refuses it at once with API_KEY_CACHE_SECONDS=0', async () => {
    const { authorization } = await adminOf(uncached.deps);
    expect(await listPlans(uncached, authorization)).toBe(200);
    await revoke(uncached, authorization);
    expect(await listPlans(uncached, authorization)).toBe(401);
  });

  it('refuses it on the admin pages at once, whatever /v1 still keeps', async () => {
    const { authorization } = await adminOf(cached.deps);
    const queues = () =>
      cached.app
        .inject({ url: '/admin/queues/api/queues', headers: { authorization } })
        .then((res) => res.statusCode);
    expect(await listPlans(cached, authorization)).toBe(200);
    expect(await queues()).toBe(200);
    await revoke(cached, authorization);
    expect(await listPlans(cached, authorization)).toBe(200);
    expect(await queues()).toBe(401);
  });
});
