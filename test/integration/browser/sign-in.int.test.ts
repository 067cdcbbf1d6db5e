import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { type OpenIdTestProvider, oidcEnv, startOpenIdProvider } from '../../helpers/openid-provider.js';
import { APP_URL, cookieOf, csrfOf, setCookieHeader, signIn, throughProvider } from './support.js';

let provider: OpenIdTestProvider;
let t: TestApp;
let organisation: string;
let now = new Date('2026-03-02T08:00:00Z');

const officer = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub,
  name: 'Karin Handläggare',
  kommunkod: organisation,
  roles: ['lss-handlaggare'],
  ...extra,
});

beforeAll(async () => {
  provider = await startOpenIdProvider({ appUrl: APP_URL });
  t = await createTestApp({ env: oidcEnv(provider, APP_URL), clock: () => now });
  organisation = await uniqueOrganisation(t.deps);
});

afterAll(async () => {
  await t?.close();
  await provider?.stop();
});

describe('sign-in through the OpenID provider', () => {
  it('sends a browser without a session straight to the authorization endpoint, with PKCE, state and nonce', async () => {
    const res = await t.app.inject({ url: '/inbox' });
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.origin + location.pathname).toBe(`${provider.issuer}/auth`);
    const query = location.searchParams;
    expect(query.get('response_type')).toBe('code');
    expect(query.get('client_id')).toBe(provider.clientId);
    expect(query.get('redirect_uri')).toBe(`${APP_URL}/auth/callback`);
    expect(query.get('scope')).toBe('openid profile');
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toBeTruthy();
    expect(query.get('nonce')).toBeTruthy();
    const cookie = setCookieHeader(res, 'planbrygga_sign_in');
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('opens a session for a case officer: a new id in an HttpOnly, SameSite=Lax cookie, and the inbox', async () => {
    const { cookie, callback } = await signIn(t, provider, officer('officer-1'));
    expect(callback.headers.location).toBe('/inbox');
    const header = setCookieHeader(callback, 'planbrygga_session');
    expect(header).toMatch(/^planbrygga_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const page = await t.app.inject({ url: '/inbox', headers: { cookie } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('Inloggad som Karin Handläggare');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');

    // A second sign-in of the same browser gets another id; the old one is gone.
    const again = await signIn(t, provider, officer('officer-1'));
    expect(again.cookie).not.toBe(cookie);
  });

  it('refuses a replayed callback and a tampered state with a 400 page and no session', async () => {
    provider.signInAs(officer('officer-2'));
    const start = await t.app.inject({ url: '/inbox' });
    const signInCookie = cookieOf(start, 'planbrygga_sign_in') ?? '';
    const callbackPath = await throughProvider(provider, String(start.headers.location));

    const tampered = callbackPath.replace(/state=[^&]+/, 'state=tampered');
    const refused = await t.app.inject({ url: tampered, headers: { cookie: signInCookie } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Inloggningen kunde inte slutföras');
    expect(cookieOf(refused, 'planbrygga_session')).toBeUndefined();

    // The pending sign-in was used up by the tampered attempt: the genuine callback, replayed, opens nothing.
    const replayed = await t.app.inject({ url: callbackPath, headers: { cookie: signInCookie } });
    expect(replayed.statusCode).toBe(400);
    expect(cookieOf(replayed, 'planbrygga_session')).toBeUndefined();
  });

  it('refuses a callback whose code was made for another sign-in (PKCE verifier and nonce do not match)', async () => {
    provider.signInAs(officer('officer-3'));
    const first = await t.app.inject({ url: '/inbox' });
    const second = await t.app.inject({ url: '/inbox' });
    const firstPath = await throughProvider(provider, String(first.headers.location));
    const secondState = new URL(String(second.headers.location)).searchParams.get('state') ?? '';
    // The first sign-in's code, with the second's state: only PKCE and the nonce can tell.
    const swapped = firstPath.replace(/state=[^&]+/, `state=${encodeURIComponent(secondState)}`);
    const res = await t.app.inject({
      url: swapped,
      headers: { cookie: cookieOf(second, 'planbrygga_sign_in') ?? '' },
    });
    expect(res.statusCode).toBe(400);
    expect(cookieOf(res, 'planbrygga_session')).toBeUndefined();
  });

  it('answers a person without the case-officer role with a 403 page naming the role and offering "Logga ut"', async () => {
    const { cookie } = await signIn(t, provider, officer('clerk-1', { roles: ['reception'] }));
    const page = await t.app.inject({ url: '/inbox', headers: { cookie } });
    expect(page.statusCode).toBe(403);
    expect(page.headers.location).toBeUndefined();
    expect(page.body).toContain('lss-handlaggare');
    expect(page.body).toContain('Logga ut');
    expect(page.body).toMatch(/<form method="post" action="\/auth\/logout">/);
  });

  it('refuses at the next sign-in a person who lost the role at the provider', async () => {
    const first = await signIn(t, provider, officer('officer-4'));
    expect((await t.app.inject({ url: '/inbox', headers: { cookie: first.cookie } })).statusCode).toBe(200);
    const second = await signIn(t, provider, officer('officer-4', { roles: [] }));
    expect((await t.app.inject({ url: '/inbox', headers: { cookie: second.cookie } })).statusCode).toBe(403);
  });

  it('ends the session after its absolute lifetime, however busy', async () => {
    const { cookie } = await signIn(t, provider, officer('officer-5'));
    expect((await t.app.inject({ url: '/inbox', headers: { cookie } })).statusCode).toBe(200);
    const signedInAt = now;
    now = new Date(signedInAt.getTime() + 8 * 3600_000 + 1000);
    try {
      const res = await t.app.inject({ url: '/inbox', headers: { cookie } });
      expect(res.statusCode).toBe(302);
      expect(String(res.headers.location)).toContain(provider.issuer);
    } finally {
      now = signedInAt;
    }
  });

  it('"Logga ut" needs the CSRF token, ends the session here and sends the browser to end the provider\'s', async () => {
    const { cookie } = await signIn(t, provider, officer('officer-6'));
    const page = await t.app.inject({ url: '/inbox', headers: { cookie } });
    const csrf = csrfOf(page.body);

    const forged = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(forged.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/inbox', headers: { cookie } })).statusCode).toBe(200);

    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers.location));
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_URL}/auth/signed-out`);
    expect(location.searchParams.get('client_id')).toBe(provider.clientId);
    expect(setCookieHeader(res, 'planbrygga_session')).toMatch(/Max-Age=0/);

    // The copied cookie opens nothing any more: the next visit goes to the provider again.
    const after = await t.app.inject({ url: '/inbox', headers: { cookie } });
    expect(after.statusCode).toBe(302);
    expect(String(after.headers.location)).toContain(provider.issuer);

    const signedOut = await t.app.inject({ url: '/auth/signed-out' });
    expect(signedOut.statusCode).toBe(200);
    expect(signedOut.body).toContain('Du är utloggad');
  });

  it('audits sign-in under the person, subject and name, never a token', async () => {
    await signIn(t, provider, officer('officer-7'));
    const { rows } = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'organisation', 'details'])
      .where('action', '=', 'browser.sign_in')
      .where('organisation', '=', organisation)
      .execute()
      .then((rows) => ({ rows }));
    const entry = rows.find(
      (row) => (row.details as { personSubject?: string }).personSubject === 'officer-7',
    );
    expect(entry?.details).toEqual({ personSubject: 'officer-7', personName: 'Karin Handläggare' });
  });
});

describe('role claims', () => {
  let keycloak: OpenIdTestProvider;
  let app: TestApp;

  beforeAll(async () => {
    keycloak = await startOpenIdProvider({
      appUrl: APP_URL,
      claims: ['kommunkod', 'realm_access', 'https://kommun.example/roles'],
    });
    app = await createTestApp({
      env: oidcEnv(keycloak, APP_URL, { OIDC_ROLE_CLAIM: 'realm_access.roles' }),
    });
  });

  afterAll(async () => {
    await app?.close();
    await keycloak?.stop();
  });

  it("follows a dotted path such as Keycloak's realm_access.roles", async () => {
    const { cookie } = await signIn(app, keycloak, {
      sub: 'kc-1',
      name: 'Kim',
      kommunkod: organisation,
      realm_access: { roles: ['offline_access', 'lss-handlaggare'] },
    });
    expect((await app.app.inject({ url: '/inbox', headers: { cookie } })).statusCode).toBe(200);
  });
});

describe('an exact claim name with dots', () => {
  let entra: OpenIdTestProvider;
  let app: TestApp;

  beforeAll(async () => {
    entra = await startOpenIdProvider({
      appUrl: APP_URL,
      claims: ['kommunkod', 'https://kommun.example/roles'],
    });
    app = await createTestApp({
      env: oidcEnv(entra, APP_URL, { OIDC_ROLE_CLAIM: 'https://kommun.example/roles' }),
    });
  });

  afterAll(async () => {
    await app?.close();
    await entra?.stop();
  });

  it('is tried as a key before it is read as a path, and takes a space-separated string', async () => {
    const { cookie } = await signIn(app, entra, {
      sub: 'entra-1',
      name: 'Eva',
      kommunkod: organisation,
      'https://kommun.example/roles': 'lss-handlaggare planbrygga-admin',
    });
    expect((await app.app.inject({ url: '/inbox', headers: { cookie } })).statusCode).toBe(200);
  });
});

describe('the provider down', () => {
  it('answers the page with 503 "inloggningstjänsten svarar inte" and leaves the API alone', async () => {
    const gone = await startOpenIdProvider({ appUrl: APP_URL });
    await gone.stop();
    const app = await createTestApp({ env: oidcEnv(gone, APP_URL) });
    try {
      const page = await app.app.inject({ url: '/inbox' });
      expect(page.statusCode).toBe(503);
      expect(page.body.toLowerCase()).toContain('inloggningstjänsten svarar inte');
      expect(cookieOf(page, 'planbrygga_session')).toBeUndefined();
      expect((await app.app.inject({ url: '/health' })).statusCode).toBe(200);
      expect((await app.app.inject({ url: '/v1/inbox' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('without OIDC_ISSUER', () => {
  it('has no inbox page: /inbox and /auth/login answer 404', async () => {
    const app = await createTestApp();
    try {
      expect((await app.app.inject({ url: '/inbox' })).statusCode).toBe(404);
      expect((await app.app.inject({ url: '/auth/login' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('with an https PUBLIC_URL', () => {
  it('marks the cookies Secure', async () => {
    const app = await createTestApp({ env: oidcEnv(provider, 'https://planbrygga.example') });
    try {
      const res = await app.app.inject({ url: '/inbox' });
      expect(setCookieHeader(res, 'planbrygga_sign_in')).toMatch(/; Secure$/);
    } finally {
      await app.close();
    }
  });
});
