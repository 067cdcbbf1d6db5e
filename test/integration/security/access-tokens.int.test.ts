import { createHmac } from 'node:crypto';
import { base64url, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS_COOLDOWN_MS, KEYS_MAX_AGE_MS } from '../../../src/http/auth/signing-keys.js';
import { adminOf, createTestApp, pushedPlan, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';
import { oauthEnv, startTokenIssuer, type TokenIssuer } from '../../helpers/token-issuer.js';

/**
 * OAuth2 access tokens beside API keys, against a provider on loopback (test/helpers/token-issuer.ts)
 * that the app finds through discovery. The app's clock is the test's, so the cool-down and
 * the age of the cached keys can be walked past without waiting.
 */

let now = Date.parse('2026-12-04T09:00:00Z');
const clock = () => new Date(now);
let issuer: TokenIssuer;
let t: TestApp;
let own: { organisation: string; authorization: string; planId: string };
let other: { organisation: string; authorization: string; planId: string };

beforeAll(async () => {
  issuer = await startTokenIssuer(clock);
  t = await createTestApp({ clock, env: oauthEnv(issuer) });
  const a = await adminOf(t.deps);
  const b = await adminOf(t.deps);
  own = { ...a, planId: await pushedPlan(t, a.organisation, a.authorization) };
  other = { ...b, planId: await pushedPlan(t, b.organisation, b.authorization) };
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

const read = (planId: string, token: string) =>
  t.app.inject({ url: `/v1/plans/${planId}`, headers: { authorization: `Bearer ${token}` } });

function expectInvalidToken(res: Awaited<ReturnType<typeof read>>, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate'], what).toBe('Bearer error="invalid_token"');
  // One answer for every failed check: which one failed is the provider operator's business, in the log.
  expect(res.json().detail, what).toBe('The access token is not valid');
}

describe('access tokens', () => {
  it("reads its own organisation's plans, and answers another organisation's plan as absent", async () => {
    const token = await issuer.sign({ kommunkod: own.organisation });
    const ownRead = await read(own.planId, token);
    expect(ownRead.statusCode, ownRead.body).toBe(200);
    expect(ownRead.json().plan.municipalityCode).toBe(own.organisation);
    const probe = await read(other.planId, token);
    expect(probe.statusCode).toBe(404);
  });

  it('accepts PS256 and ES256 keys, and an expiry within the allowed clock skew', async () => {
    for (const alg of ['PS256', 'ES256'] as const) {
      const key = await issuer.publishKey(alg);
      now += KEYS_COOLDOWN_MS; // the new kid is fetched, as after a rotation
      const res = await read(own.planId, await issuer.sign({ kommunkod: own.organisation }, { key }));
      expect(res.statusCode, `${alg}: ${res.body}`).toBe(200);
    }
    const justExpired = await issuer.sign({ kommunkod: own.organisation }, { expiresIn: -10 });
    expect((await read(own.planId, justExpired)).statusCode).toBe(200);
  });

  it('refuses every token that fails a check with the same 401 invalid_token', async () => {
    const claims = { kommunkod: own.organisation };
    const valid = await issuer.sign(claims);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const published = issuer.publicJwk();
    const otherPayload = base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))),
        kommunkod: other.organisation,
      }),
    );
    const hs256Header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: published.kid, typ: 'at+jwt' }));
    // The classic confusion: an HMAC "signed" with the provider's public key as the secret.
    const hmacWithPublicKey = createHmac('sha256', JSON.stringify(published))
      .update(`${hs256Header}.${payload}`)
      .digest('base64url');
    const unsigned = new UnsecuredJWT({ sub: 'service-account-1', scope: 'admin', ...claims })
      .setIssuer(issuer.url)
      .setAudience(issuer.audience)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 300)
      .encode();
    const refused: Record<string, string> = {
      expired: await issuer.sign(claims, { expiresIn: -120 }),
      'not yet valid': await issuer.sign(claims, { notBefore: 120 }),
      'wrong issuer': await issuer.sign(claims, { issuer: 'https://login.example.org/other' }),
      'wrong audience': await issuer.sign(claims, { audience: 'api://another-application' }),
      'unknown kid': await issuer.sign(claims, { key: await issuer.unpublishedKey() }),
      'alg none': unsigned,
      'HS256 signed with the public key': `${hs256Header}.${payload}.${hmacWithPublicKey}`,
      'tampered payload': `${header}.${otherPayload}.${signature}`,
      'no organisation': await issuer.sign({}),
      'organisation not a municipality code': await issuer.sign({ kommunkod: 'Malmö' }),
      'no known scope': await issuer.sign({ ...claims, scope: 'openid profile plans:delete' }),
      'no subject': await issuer.sign({ ...claims, sub: undefined }),
    };
    for (const [what, token] of Object.entries(refused))
      expectInvalidToken(await read(own.planId, token), what);
    const logged = t.logLines().filter((line) => line.event === 'auth.token-refused');
    expect(logged.length).toBeGreaterThanOrEqual(Object.keys(refused).length);
    for (const token of Object.values(refused)) expect(t.logs()).not.toContain(token);
  });

  it('answers a missing scope with 403 insufficient_scope', async () => {
    const token = await issuer.sign({ kommunkod: own.organisation, scope: 'status:read' });
    const res = await read(own.planId, token);
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="plans:read"');
    const status = await t.app.inject({
      url: `/v1/plans/${own.planId}/status`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.statusCode).toBe(200);
  });

  it("pushes as its own client, idempotently, and the audit log names the token's subject and client, never the token", async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const token = await issuer.sign({
      kommunkod: organisation,
      sub: 'f3a1c2d4-lifecare',
      azp: 'lifecare-prod',
      scope: 'plans:write plans:read',
    });
    const push = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'push-1' },
        payload: validPlan({ municipalityCode: organisation }),
      });
    const first = await push();
    expect(first.statusCode, first.body).toBe(201);
    const again = await push();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const planId = first.json().id as string;
    expect((await read(planId, token)).statusCode).toBe(200);

    const client = await t.deps.db
      .selectFrom('clients')
      .selectAll()
      .where('token_subject', '=', 'f3a1c2d4-lifecare')
      .executeTakeFirstOrThrow();
    expect(client).toMatchObject({
      name: 'lifecare-prod',
      organisation,
      key_hash: null,
      token_issuer: issuer.url,
    });
    const version = await t.deps.db
      .selectFrom('plan_versions')
      .select('pushed_by')
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    expect(version.pushed_by).toBe(client.id);

    const entries = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('id')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['plan.push', 'plan.read']);
    for (const entry of entries) {
      expect(entry.client_id).toBe(client.id);
      expect(entry.details).toMatchObject({
        tokenSubject: 'f3a1c2d4-lifecare',
        tokenClientId: 'lifecare-prod',
      });
      expect(JSON.stringify(entry)).not.toContain(token.split('.')[2]);
    }
    expect(t.logs()).not.toContain(token.split('.')[2]);
  });

  it('keeps one client per subject and organisation: a token naming another organisation is another client', async () => {
    const a = await uniqueOrganisation(t.deps);
    const b = await uniqueOrganisation(t.deps);
    for (const kommunkod of [a, b, a]) {
      const token = await issuer.sign({ kommunkod, sub: 'shared-subject', scope: 'status:read' });
      const res = await t.app.inject({ url: '/v1/changes', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const clients = await t.deps.db
      .selectFrom('clients')
      .select('organisation')
      .where('token_subject', '=', 'shared-subject')
      .orderBy('organisation')
      .execute();
    expect(clients.map((c) => c.organisation)).toEqual([a, b].sort());
  });

  it('accepts a rotated key (new kid) after one re-fetch, and fetches at most once per cool-down', async () => {
    now += KEYS_COOLDOWN_MS;
    const rotated = await issuer.publishKey('RS256');
    const fetchesBefore = issuer.jwksFetches();
    const token = await issuer.sign({ kommunkod: own.organisation }, { key: rotated });
    expect((await read(own.planId, token)).statusCode).toBe(200);
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);

    // Unknown kids within the cool-down are refused without asking the provider again.
    const stranger = await issuer.unpublishedKey();
    for (let i = 0; i < 3; i += 1) {
      const res = await read(
        own.planId,
        await issuer.sign({ kommunkod: own.organisation }, { key: stranger }),
      );
      expectInvalidToken(res, 'unknown kid');
    }
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);
    now += KEYS_COOLDOWN_MS;
    await read(own.planId, await issuer.sign({ kommunkod: own.organisation }, { key: stranger }));
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 2);
  });

  // Last: it stops the provider.
  it('goes on accepting API keys and tokens of cached keys while the provider is down', async () => {
    const cachedKeyToken = await issuer.sign({ kommunkod: own.organisation });
    expect((await read(own.planId, cachedKeyToken)).statusCode).toBe(200);
    await issuer.stop();
    now += KEYS_MAX_AGE_MS + KEYS_COOLDOWN_MS; // the cached set is due for a refresh, which fails

    const token = await issuer.sign({ kommunkod: own.organisation });
    const res = await read(own.planId, token);
    expect(res.statusCode, res.body).toBe(200);
    const byKey = await t.app.inject({
      url: `/v1/plans/${own.planId}`,
      headers: { authorization: own.authorization },
    });
    expect(byKey.statusCode).toBe(200);
    const unknown = await issuer.sign(
      { kommunkod: own.organisation },
      { key: await issuer.unpublishedKey() },
    );
    expectInvalidToken(await read(own.planId, unknown), 'unknown kid while the provider is down');
    expect(t.logs()).toContain('the signing keys could not be fetched');
  });
});
