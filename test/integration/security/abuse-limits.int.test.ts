import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, bearer, createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumRunnable } from '../../helpers/chromium.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('rate limits', () => {
  it('counts per client across instances sharing Redis, with RateLimit headers and a 429 problem with Retry-After', async () => {
    const env = { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60' };
    const [one, two] = await Promise.all([createTestApp({ env }), createTestApp({ env })]);
    try {
      const organisation = await uniqueOrganisation(one.deps);
      const authorization = await bearer(one.deps, organisation, ['status:read']);
      const other = await bearer(one.deps, organisation, ['status:read']);
      const answers = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? one : two;
        answers.push(await app.app.inject({ url: '/v1/changes', headers: { authorization } }));
      }
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(answers[0]?.headers['ratelimit-policy']).toBe('"client";q=5;w=60');
      expect(answers[0]?.headers.ratelimit).toMatch(/^"client";r=4;t=\d+$/);
      expect(answers[4]?.headers.ratelimit).toMatch(/^"client";r=0;t=\d+$/);
      const refused = answers[5];
      expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused?.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
      // Another client of the same organisation has its own count.
      expect(
        (await two.app.inject({ url: '/v1/changes', headers: { authorization: other } })).statusCode,
      ).toBe(200);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('counts requests without a valid key per address, so guessing keys is limited too', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS_MAX: '2' } });
    try {
      const from = (remoteAddress: string) =>
        limited.app.inject({
          url: '/v1/plans',
          remoteAddress,
          headers: { authorization: 'Bearer pbk_guess' },
        });
      const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
      expect([(await from(address)).statusCode, (await from(address)).statusCode]).toEqual([401, 401]);
      const third = await from(address);
      expect(third.statusCode).toBe(429);
      expect(third.headers['ratelimit-policy']).toBe('"anonymous";q=2;w=60');
      expect((await from('192.0.2.44')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('lets requests through, quickly, when Redis cannot be reached', async () => {
    const down = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_MAX: '1' } });
    try {
      const { authorization } = await adminOf(down.deps);
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        const res = await down.app.inject({ url: '/v1/plans', headers: { authorization } });
        expect(res.statusCode).toBe(200);
        expect(res.headers.ratelimit).toBeUndefined();
      }
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await down.close();
    }
  });
});

describe('body limits', () => {
  it('refuses an oversize JSON body with a 413 problem, and takes plan documents beyond that size', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization },
      payload: { personnummer: TEST_PERSON.identityNumber, padding: 'x'.repeat(100 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(big.json()).toMatchObject({ status: 413, title: 'Content Too Large' });

    const plan = validPlan({ municipalityCode: organisation });
    plan.interventions = Array.from({ length: 60 }, (_, i) => ({
      ...(plan.interventions[0] as (typeof plan.interventions)[0]),
      decisionId: `SOL-2024-${i}`,
      how: 'Personalen stöttar. '.repeat(100),
    }));
    const document = JSON.stringify(plan);
    expect(document.length).toBeGreaterThan(100 * 1024);
    const push = await t.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization, 'content-type': 'application/json' },
      payload: document,
    });
    expect(push.statusCode, push.body).toBe(201);
  });
});

describe('headers, CORS and timeouts', () => {
  it('sends API-appropriate security headers on API answers and errors alike', async () => {
    const { authorization } = await adminOf(t.deps);
    for (const res of [
      await t.app.inject({ url: '/v1/plans', headers: { authorization } }),
      await t.app.inject({ url: '/v1/plans' }),
      await t.app.inject({ url: '/health' }),
    ]) {
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('gives browser pages their own Content-Security-Policy and every other security header of the API', async () => {
    const api = await t.app.inject({ url: '/health' });
    const pages = {
      '/admin/login':
        "default-src 'none';style-src 'unsafe-inline';form-action 'self';frame-ancestors 'none';base-uri 'none'",
      '/admin/queues':
        "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'",
    };
    const security = (headers: Record<string, unknown>) =>
      Object.fromEntries(
        [
          'cross-origin-opener-policy',
          'cross-origin-resource-policy',
          'origin-agent-cluster',
          'referrer-policy',
          'strict-transport-security',
          'x-content-type-options',
          'x-dns-prefetch-control',
          'x-download-options',
          'x-frame-options',
          'x-permitted-cross-domain-policies',
          'x-xss-protection',
        ].map((name) => [name, headers[name]]),
      );
    expect(Object.values(security(api.headers)).every((value) => typeof value === 'string')).toBe(true);
    for (const [url, csp] of Object.entries(pages)) {
      const page = await t.app.inject({ url });
      expect(page.headers['content-security-policy'], url).toBe(csp);
      expect(security(page.headers), url).toEqual(security(api.headers));
    }
  });

  it('refuses CORS preflights unless CORS_ORIGINS allows the origin', async () => {
    const preflight = (app: TestApp, origin: string) =>
      app.app.inject({
        method: 'OPTIONS',
        url: '/v1/plans',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const closed = await preflight(t, 'https://portal.example.se');
    expect(closed.statusCode).toBeGreaterThanOrEqual(400);
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();

    const open = await createTestApp({
      env: { CORS_ORIGINS: 'https://portal.example.se, https://intra.example.se' },
    });
    try {
      const allowed = await preflight(open, 'https://portal.example.se');
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.se');
      expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
      const stranger = await preflight(open, 'https://evil.example.com');
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('sets the server timeouts from the configuration', async () => {
    const tuned = await createTestApp({
      env: {
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        HTTP_CONNECTION_TIMEOUT_MS: '7000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '6000',
      },
    });
    try {
      expect(tuned.app.initialConfig).toMatchObject({
        requestTimeout: 5000,
        connectionTimeout: 7000,
        keepAliveTimeout: 6000,
      });
      expect(t.app.initialConfig).toMatchObject({ requestTimeout: 60_000, keepAliveTimeout: 72_000 });
    } finally {
      await tuned.close();
    }
  });

  it.runIf(chromiumRunnable('API documentation browser test'))(
    'still renders the API documentation in a real browser under its CSP',
    async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on('console', (message) => {
          // Inline style attributes are swagger-ui's own policy's business (staticCSP); scripts blocked would break the page.
          if (/Content Security Policy/i.test(message.text()) && !/inline style/i.test(message.text())) {
            violations.push(message.text());
          }
        });
        await page.goto(`${address}/docs`);
        await page.waitForSelector('.swagger-ui .info .title', { timeout: 15_000 });
        expect(await page.textContent('.swagger-ui .info .title')).toContain('planbrygga');
        expect(await page.locator('.opblock').count()).toBeGreaterThan(5);
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    // Chromium and swagger-ui's bundle take their time on a loaded 2-core machine.
    90_000,
  );
});
