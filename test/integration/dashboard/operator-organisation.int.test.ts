import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../helpers/app.js';
import { isolatedTestApp } from './support.js';

const OPERATOR = '0180';
const OTHER = '1880';
let t: Awaited<ReturnType<typeof isolatedTestApp>>;

beforeAll(async () => {
  t = await isolatedTestApp({ OPERATOR_ORGANISATION: OPERATOR });
});

afterAll(async () => {
  await t?.close();
});

// The queues hold every organisation's jobs: with OPERATOR_ORGANISATION set, another
// municipality's admin key must not see or retry them.
describe('operator pages with OPERATOR_ORGANISATION', () => {
  it("lets the operating organisation's admin see the dashboard queues and metrics", async () => {
    const admin = await bearer(t.deps, OPERATOR, ['admin']);
    const queues = await t.app.inject({ url: '/admin/queues/api/queues', headers: { authorization: admin } });
    expect(queues.statusCode, queues.body).toBe(200);
    const metrics = await t.app.inject({ url: '/metrics', headers: { authorization: admin } });
    expect(metrics.statusCode).toBe(200);
  });

  it("refuses another organisation's admin on the dashboard, the login page and metrics", async () => {
    const admin = await bearer(t.deps, OTHER, ['admin']);
    const queues = await t.app.inject({ url: '/admin/queues/api/queues', headers: { authorization: admin } });
    expect(queues.statusCode).toBe(403);
    expect(queues.headers['content-type']).toMatch(/^application\/problem\+json/);
    const metrics = await t.app.inject({ url: '/metrics', headers: { authorization: admin } });
    expect(metrics.statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      payload: `key=${encodeURIComponent(admin.replace('Bearer ', ''))}`,
    });
    expect(login.statusCode).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });
});
