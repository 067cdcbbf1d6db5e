import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { oauthEnv, startTokenIssuer, type TokenIssuer } from '../../helpers/token-issuer.js';

/** Access tokens where API keys go besides /v1: the admin login, the dashboard, /metrics; and the rate limit. */

let issuer: TokenIssuer;
let t: TestApp;
let organisation: string;

beforeAll(async () => {
  issuer = await startTokenIssuer(() => new Date());
  // An hour's window: a fixed window turning over between the test's requests would reset the count.
  t = await createTestApp({
    env: oauthEnv(issuer, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '3600' }),
  });
  organisation = await uniqueOrganisation(t.deps);
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

const tokenOf = (scope: string, sub = `operator-${scope}`) =>
  issuer.sign({ kommunkod: organisation, scope, sub, azp: 'ops-console' });

function login(credential: string) {
  return t.app.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    payload: `key=${encodeURIComponent(credential)}`,
  });
}

describe('access tokens on the operator pages', () => {
  it('logs an admin token in to the dashboard for no longer than the token lives, and audits it by subject', async () => {
    const token = await tokenOf('admin');
    const res = await login(token);
    expect(res.statusCode, res.body).toBe(303);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const board = await t.app.inject({ url: '/admin/queues/api/queues', headers: { cookie } });
    expect(board.statusCode, board.body).toBe(200);

    // The session holds the token's caller, never the token, and ends when the token would (300 s).
    const sessionId = cookie.split('=')[1]!;
    const sessionKey = `admin-session:${createHash('sha256').update(sessionId).digest('hex')}`;
    const ttl = await t.deps.redis.ttl(sessionKey);
    expect(ttl).toBeGreaterThan(250);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await t.deps.redis.get(sessionKey)).not.toContain(token.split('.')[2]);

    const entry = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'admin.login')
      .where('organisation', '=', organisation)
      .executeTakeFirstOrThrow();
    expect(entry.details).toMatchObject({ tokenSubject: 'operator-admin', tokenClientId: 'ops-console' });
  });

  it('answers the dashboard API and /metrics to an admin or viewer token sent as Bearer, not to others', async () => {
    for (const scope of ['admin', 'viewer']) {
      const authorization = `Bearer ${await tokenOf(scope)}`;
      const board = await t.app.inject({ url: '/admin/queues/api/queues', headers: { authorization } });
      expect(board.statusCode, `${scope}: ${board.body}`).toBe(200);
      const metrics = await t.app.inject({ url: '/metrics', headers: { authorization } });
      expect(metrics.statusCode, scope).toBe(200);
    }
    const reader = `Bearer ${await tokenOf('plans:read')}`;
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: reader } })).statusCode).toBe(
      401,
    );
    const forged = `Bearer ${await issuer.sign({ kommunkod: organisation, scope: 'admin' }, { key: await issuer.unpublishedKey() })}`;
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: forged } })).statusCode).toBe(
      401,
    );
    expect((await login(forged.slice('Bearer '.length))).statusCode).toBe(401);
  });
});

describe('access tokens and the rate limit', () => {
  it("counts a token client's requests as its own, whichever token it sends", async () => {
    const statuses = async (sub: string, times: number) => {
      const answers: number[] = [];
      for (let i = 0; i < times; i += 1) {
        // A new token each time: the count follows the client, not the token.
        const authorization = `Bearer ${await tokenOf('status:read', sub)}`;
        answers.push((await t.app.inject({ url: '/v1/changes', headers: { authorization } })).statusCode);
      }
      return answers;
    };
    expect(await statuses('busy-poller', 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses('quiet-poller', 1)).toEqual([200]);
  });
});
