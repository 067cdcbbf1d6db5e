import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { type OpenIdTestProvider, oidcEnv, startOpenIdProvider } from '../../helpers/openid-provider.js';
import { APP_URL, signIn } from './support.js';

let provider: OpenIdTestProvider;
let t: TestApp;
let operator: string;
let other: string;

beforeAll(async () => {
  provider = await startOpenIdProvider({ appUrl: APP_URL });
  const probe = await createTestApp();
  operator = await uniqueOrganisation(probe.deps);
  other = await uniqueOrganisation(probe.deps);
  await probe.close();
  t = await createTestApp({ env: oidcEnv(provider, APP_URL, { OPERATOR_ORGANISATION: operator }) });
});

afterAll(async () => {
  await t?.close();
  await provider?.stop();
});

const person = (sub: string, kommunkod: string, roles: string[]) => ({
  sub,
  name: 'Ola Drift',
  kommunkod,
  roles,
});

// One sign-in module serves the inbox and the queue dashboard.
describe('the queue dashboard through the OpenID provider', () => {
  it('offers the sign-in on the login page, beside the API-key form', async () => {
    const page = await t.app.inject({ url: '/admin/login' });
    expect(page.body).toContain('href="/auth/login?return=/admin/queues"');
    expect(page.body).toContain('name="key"');
  });

  it('opens the board to a person with the admin role of the operating organisation', async () => {
    const { cookie, callback } = await signIn(
      t,
      provider,
      person('drift-1', operator, ['planbrygga-admin']),
      '/auth/login?return=/admin/queues',
    );
    expect(callback.headers.location).toBe('/admin/queues');
    const queues = await t.app.inject({ url: '/admin/queues/api/queues', headers: { cookie } });
    expect(queues.statusCode, queues.body).toBe(200);
    const board = await t.app.inject({ url: '/admin/queues', headers: { cookie } });
    expect(board.statusCode).toBe(200);
  });

  it('refuses the admin role of another organisation, and a person of the operator without the role', async () => {
    const outsider = await signIn(
      t,
      provider,
      person('drift-2', other, ['planbrygga-admin']),
      '/auth/login?return=/admin/queues',
    );
    const refused = await t.app.inject({
      url: '/admin/queues/api/queues',
      headers: { cookie: outsider.cookie },
    });
    expect(refused.statusCode).toBe(403);
    const officer = await signIn(
      t,
      provider,
      person('drift-3', operator, ['lss-handlaggare']),
      '/auth/login?return=/admin/queues',
    );
    const none = await t.app.inject({ url: '/admin/queues/api/queues', headers: { cookie: officer.cookie } });
    expect(none.statusCode).toBe(401);
  });

  it('refuses a change sent with the session cookie from another site', async () => {
    const { cookie } = await signIn(
      t,
      provider,
      person('drift-4', operator, ['planbrygga-admin']),
      '/auth/login?return=/admin/queues',
    );
    const res = await t.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/pause',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
  });
});
