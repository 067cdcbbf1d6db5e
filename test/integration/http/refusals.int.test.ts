import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';

/** Refusals say what was refused and why, in words an integrator can act on (issue #17, item 6). */
let t: TestApp;
let authorization: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ authorization } = await adminOf(t.deps));
});

afterAll(() => t?.close());

async function answer(method: 'GET' | 'POST', url: string, payload?: string, contentType?: string) {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization, ...(contentType && { 'content-type': contentType }) },
    ...(payload !== undefined && { payload }),
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return { status: res.statusCode, ...res.json() };
}

describe('refusals', () => {
  it('answers a JSON body sent as text/plain with 415 naming the accepted media types', async () => {
    const json = await answer('POST', '/v1/plans/search', '{"personnummer":"x"}', 'text/plain');
    expect(json.status).toBe(415);
    expect(json.detail).toContain('application/json');
    const native = await answer('POST', '/v1/systems/lifecare/plans', '<plan/>', 'text/plain');
    expect(native.status).toBe(415);
    expect(native.detail).toContain('application/xml, text/xml, application/json');
  });

  it('says that a __proto__ key is refused, and why, instead of calling the JSON malformed', async () => {
    const res = await answer(
      'POST',
      '/v1/plans/search',
      '{"personnummer":"x","__proto__":{"admin":true}}',
      'application/json',
    );
    expect(res.status).toBe(400);
    expect(res.detail).toMatch(/__proto__/);
    expect(res.detail).not.toMatch(/well-formed/);
    const malformed = await answer('POST', '/v1/plans/search', '{"personnummer":', 'application/json');
    expect(malformed.detail).toBe('The body is not well-formed JSON');
  });

  it('refuses an unknown plan status with 400 naming the allowed values', async () => {
    const res = await answer('GET', '/v1/plans?status=bogus');
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([{ path: '/status', message: expect.stringContaining('draft, established') }]);
    expect(res.detail).toBe(`The query parameter status ${res.errors[0].message}`);
  });

  it('names the part of the request and each field in plain words', async () => {
    const query = await answer('GET', '/v1/plans?limit=abc&overdue=maybe');
    expect(query.detail).toBe('2 query parameters are not valid; errors names each');
    expect(query.errors).toEqual([
      { path: '/overdue', message: 'must be one of: true, false' },
      { path: '/limit', message: 'must be a number' },
    ]);
    const path = await answer('GET', '/v1/admin/policies/12');
    expect(path.detail).toBe('The path parameter org must be 4 digits (kommunkod)');
    const body = await answer('POST', '/v1/plans/search', '{"extra":1}', 'application/json');
    expect(body.status).toBe(422);
    expect(body.errors).toEqual([
      { path: '/personnummer', message: 'is required' },
      { path: '/extra', message: 'is not a field this endpoint knows; check its spelling' },
    ]);
    for (const res of [query, path, body]) expect(res.detail).not.toMatch(/querystring|params|Invalid/);
  });
});
