import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('operations endpoints', () => {
  it('answers /health and /ready when PostgreSQL and Redis are reachable', async () => {
    expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
  });

  it('reports not ready with 503 problem+json when Redis is unreachable', async () => {
    const down = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await down.app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        detail: 'Not reachable: Redis',
        errors: [{ path: '/redis', message: 'Redis is not reachable' }],
      });
      expect(ready.headers['retry-after']).toBe('5');
    } finally {
      await down.close();
    }
  });

  it('serves the OpenAPI document and the docs UI', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/plans',
        '/v1/plans/{id}',
        '/v1/plans/{id}/status',
        '/v1/changes',
        '/v1/plans/search',
      ]),
    );
    const ui = await t.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await t.app.inject({ url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
