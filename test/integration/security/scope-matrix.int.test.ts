import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_AUDIT_ACTIONS } from '../../../src/http/audit/route-audit.js';
import { ROUTE_SCOPES } from '../../../src/http/auth/route-scopes.js';
import { SCOPES, type Scope } from '../../../src/services/clients.service.js';
import { adminOf, bearer, createTestApp, pushedPlan, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';
import { oauthEnv, startTokenIssuer, type TokenIssuer } from '../../helpers/token-issuer.js';

/**
 * Every route the app registers × every credential × own and other organisation. Routes
 * come from the app itself, so a route added later is walked too; a /v1 route missing from
 * the scope table fails at start-up, one missing from the audit table fails here. Every
 * scope is held once by an API key and once by an OAuth2 access token from a provider on
 * loopback, and both must be treated alike.
 */

// Routes outside /v1: open by design, or behind the dashboard's own login.
const OPEN_ROUTES = [
  /^\/health$/,
  /^\/ready$/,
  /^\/metrics$/,
  /^\/openapi\.json$/,
  /^\/docs(\/.*)?$/,
  /^\*$/,
];
const DASHBOARD = /^\/admin(\/.*)?$/;
const DASHBOARD_OPEN = [/^\/admin\/login$/, /^\/admin\/logout$/, /\/static\//];

let t: TestApp;
let issuer: TokenIssuer;
let own: { organisation: string; authorization: string; planId: string };
let other: { organisation: string; authorization: string; planId: string };
const CREDENTIAL_KINDS = ['API key', 'access token'] as const;
type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
/** `Authorization` values by kind and scope: `access token:plans:read`. */
const credentials = new Map<string, string>();
const credentialOf = (kind: CredentialKind, scope: Scope) => credentials.get(`${kind}:${scope}`);
/** Credentials that identify no one: 401 on every /v1 route. */
const invalid: (string | undefined)[] = [undefined, 'Bearer pbk_not-a-key', 'Basic dXNlcjpwYXNz'];

beforeAll(async () => {
  issuer = await startTokenIssuer(() => new Date());
  t = await createTestApp({ env: oauthEnv(issuer) });
  const a = await adminOf(t.deps);
  const b = await adminOf(t.deps);
  own = { ...a, planId: await pushedPlan(t, a.organisation, a.authorization) };
  other = { ...b, planId: await pushedPlan(t, b.organisation, b.authorization) };
  for (const scope of SCOPES) {
    credentials.set(`API key:${scope}`, await bearer(t.deps, own.organisation, [scope]));
    const token = await issuer.sign(
      { kommunkod: own.organisation, sub: `matrix-${scope}`, scope },
      { expiresIn: 3600 },
    );
    credentials.set(`access token:${scope}`, `Bearer ${token}`);
  }
  const claims = { kommunkod: own.organisation, scope: 'admin' };
  invalid.push(
    `Bearer ${await issuer.sign(claims, { expiresIn: -3600 })}`,
    `Bearer ${await issuer.sign(claims, { key: await issuer.unpublishedKey() })}`,
    `Bearer ${await issuer.sign(claims, { audience: 'api://another-application' })}`,
  );
  // So that the policy routes' own-organisation reads find something.
  for (const url of [
    `/v1/admin/policies/${a.organisation}`,
    `/v1/admin/policies/${a.organisation}/units/HT-SODER`,
  ]) {
    const res = await t.app.inject({
      method: 'PUT',
      url,
      headers: { authorization: a.authorization },
      payload: { preset: 'omsorg' },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

type Target = 'own' | 'other' | 'absent';

function pathFor(url: string, target: Target): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'system') return 'procapita';
    if (name === 'org')
      return target === 'own' ? own.organisation : target === 'other' ? other.organisation : '9999';
    if (name === 'unit') return 'HT-SODER';
    if (name === 'id' && url.includes('/plans/:id')) {
      return target === 'own' ? own.planId : target === 'other' ? other.planId : randomUUID();
    }
    return randomUUID();
  });
}

// Whether every object the path names exists (a sub-resource id like :sid is a random one).
const namesExisting = (url: string) =>
  (url.match(/:[A-Za-z]+/g) ?? []).every(
    (param) =>
      [':system', ':org', ':unit'].includes(param) || (param === ':id' && url.includes('/plans/:id')),
  );

// Whether the route names one plan or one organisation in its path: the ones a BOLA probe targets.
const targetsObject = (url: string) => url.includes('/plans/:id') || url.includes(':org');

function sampleBody(method: string, url: string): { payload?: object | string; contentType?: string } {
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') return {};
  if (url === '/v1/plans') return { payload: validPlan({ municipalityCode: own.organisation }) };
  if (url.endsWith('/search')) return { payload: { personnummer: TEST_PERSON.identityNumber } };
  if (url === '/v1/systems/:system/plans')
    return { payload: '<not-a-plan/>', contentType: 'application/xml' };
  return { payload: {} };
}

async function call(method: string, url: string, target: Target, authorization?: string) {
  const { payload, contentType } = sampleBody(method, url);
  return t.app.inject({
    method: method as 'GET',
    url: pathFor(url, target),
    headers: {
      ...(authorization !== undefined && { authorization }),
      ...(contentType !== undefined && { 'content-type': contentType }),
    },
    ...(payload !== undefined && { payload }),
  });
}

const describeAnswer = (res: LightMyRequestResponse) => `${res.statusCode} ${res.body.slice(0, 200)}`;

describe('scope matrix', () => {
  it('knows every route: /v1 ones have a scope and an audit action, others are open or behind the dashboard login', () => {
    const routes = t.app.registeredRoutes().filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(10);
    for (const { method, url } of routes) {
      if (url.startsWith('/v1/')) {
        expect(ROUTE_SCOPES[`${method} ${url}`], `${method} ${url} has a scope`).toBeDefined();
        expect(ROUTE_AUDIT_ACTIONS[`${method} ${url}`], `${method} ${url} has an audit action`).toBeDefined();
      } else {
        expect(OPEN_ROUTES.some((p) => p.test(url)) || DASHBOARD.test(url), `${method} ${url} is known`).toBe(
          true,
        );
      }
    }
  });

  it('gives the core routes the scopes the contract names, stated here independently of the table', () => {
    expect(ROUTE_SCOPES['GET /v1/plans/:id']).toBe('plans:read');
    expect(ROUTE_SCOPES['POST /v1/plans/search']).toBe('plans:read');
    expect(ROUTE_SCOPES['POST /v1/plans']).toBe('plans:write');
    expect(ROUTE_SCOPES['GET /v1/plans/:id/status']).toBe('status:read');
    expect(ROUTE_SCOPES['GET /v1/changes']).toBe('status:read');
    expect(ROUTE_SCOPES['POST /v1/admin/audit/search']).toBe('admin');
  });

  it('refuses every /v1 route without a key or token or with an invalid one (401), and without the scope (403)', async () => {
    const routes = t.app.registeredRoutes().filter((r) => r.url.startsWith('/v1/') && r.method !== 'HEAD');
    const failures: string[] = [];
    for (const { method, url } of routes) {
      const required = ROUTE_SCOPES[`${method} ${url}`] as Scope;
      for (const authorization of invalid) {
        const res = await call(method, url, 'own', authorization);
        if (res.statusCode !== 401)
          failures.push(`${method} ${url} ${authorization?.slice(0, 40)}: ${describeAnswer(res)}`);
      }
      for (const kind of CREDENTIAL_KINDS) {
        for (const scope of SCOPES) {
          const as = `${method} ${url} as ${kind} ${scope}`;
          const res = await call(method, url, 'own', credentialOf(kind, scope));
          const allowed = scope === required || scope === 'admin';
          const refused = res.statusCode === 403;
          if (allowed === refused || res.statusCode === 401 || res.statusCode >= 500) {
            failures.push(`${as} (${allowed ? 'allowed' : 'denied'}): ${describeAnswer(res)}`);
          }
          if (!allowed) continue;
          if (method === 'GET' && namesExisting(url) && res.statusCode >= 300) {
            failures.push(`${as}: a read of its own organisation answers ${describeAnswer(res)}`);
          }
          if (res.statusCode < 300 && res.body.includes(other.planId)) {
            failures.push(`${as}: shows the other organisation's plan`);
          }
          const personal = [TEST_PERSON.identityNumber, TEST_PERSON.givenName, TEST_PERSON.familyName];
          if (scope !== 'plans:read' && scope !== 'admin' && personal.some((p) => res.body.includes(p))) {
            failures.push(`${as}: shows plan content`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every route × every scope × every credential kind: well past the default 30 s on a busy machine.
  }, 120_000);

  it("answers another organisation's plan exactly like a plan that does not exist, for every scope that may ask", async () => {
    const routes = t.app
      .registeredRoutes()
      .filter((r) => r.url.startsWith('/v1/') && r.method !== 'HEAD' && targetsObject(r.url));
    expect(routes.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const { method, url } of routes) {
      const required = ROUTE_SCOPES[`${method} ${url}`] as Scope;
      for (const kind of CREDENTIAL_KINDS) {
        for (const scope of new Set<Scope>([required, 'admin'])) {
          const as = `${method} ${url} as ${kind} ${scope}`;
          const authorization = credentialOf(kind, scope);
          const probe = await call(method, url, 'other', authorization);
          const absent = await call(method, url, 'absent', authorization);
          const same =
            probe.statusCode === absent.statusCode &&
            probe.json().detail === absent.json().detail &&
            probe.json().title === absent.json().title;
          if (probe.statusCode < 400 || !same) {
            failures.push(`${as}: other ${describeAnswer(probe)} / absent ${describeAnswer(absent)}`);
          }
          if (method === 'GET' && url.includes('/plans/:id') && probe.statusCode !== 404) {
            failures.push(`${as}: other organisation's plan answers ${probe.statusCode}, not 404`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps the dashboard behind its login', async () => {
    const routes = t.app
      .registeredRoutes()
      .filter(
        (r) => r.method === 'GET' && DASHBOARD.test(r.url) && !DASHBOARD_OPEN.some((p) => p.test(r.url)),
      );
    for (const { url } of routes) {
      const res = await t.app.inject({ url: pathFor(url, 'own') });
      expect(res.statusCode, `GET ${url}`).not.toBeLessThan(300);
    }
  });
});
