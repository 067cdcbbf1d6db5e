import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS_COOLDOWN_MS, KEYS_MAX_AGE_MS, SigningKeys } from '../../../src/http/auth/signing-keys.js';

/** A key-set endpoint on loopback whose behaviour each test sets. */
let answer: (response: ServerResponse) => void;
let requests = 0;
const server = createServer((request, response) => {
  requests += 1;
  if (request.url === '/.well-known/openid-configuration') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end(JSON.stringify({ issuer: 'https://someone-else.example', jwks_uri: `${base}/jwks` }));
  }
  answer(response);
});
let base: string;
let jwk: JWK;
let now = 0;
let fetchErrors: unknown[] = [];

const keysOf = (options: Partial<ConstructorParameters<typeof SigningKeys>[0]> = {}) =>
  new SigningKeys({
    jwksUrl: `${base}/jwks`,
    issuer: base,
    clock: () => new Date(now),
    fetchTimeoutMs: 2_000,
    onFetchError: (err) => fetchErrors.push(err),
    ...options,
  });
const keySet = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ keys: [jwk] }));
};
const unavailable = (response: ServerResponse) => response.writeHead(503).end();
const header = (kid: string) => ({ alg: 'RS256', kid });
const NO_TOKEN = { payload: '', signature: '' };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = 0;
  now = 1_000_000;
  fetchErrors = [];
  answer = keySet;
});

describe('SigningKeys', () => {
  it('fetches once and serves known kids from the cache', async () => {
    const keys = keysOf();
    for (let i = 0; i < 3; i += 1) await expect(keys.getKey(header('k1'), NO_TOKEN)).resolves.toBeDefined();
    expect(requests).toBe(1);
  });

  it('keeps a stale set when its refresh fails, and asks again only after the cool-down', async () => {
    const keys = keysOf();
    await keys.getKey(header('k1'), NO_TOKEN);
    answer = unavailable;
    now += KEYS_MAX_AGE_MS;
    await expect(keys.getKey(header('k1'), NO_TOKEN)).resolves.toBeDefined();
    await expect(keys.getKey(header('k1'), NO_TOKEN)).resolves.toBeDefined();
    expect(requests).toBe(2);
    expect(fetchErrors).toHaveLength(1);
    now += KEYS_COOLDOWN_MS;
    await keys.getKey(header('k1'), NO_TOKEN);
    expect(requests).toBe(3);
  });

  it('counts the cool-down from the last attempt, so unknown kids cannot make it hammer a failing provider', async () => {
    answer = unavailable;
    const keys = keysOf();
    for (let i = 0; i < 5; i += 1) {
      await expect(keys.getKey(header(`unknown-${i}`), NO_TOKEN)).rejects.toThrow();
      now += 1_000;
    }
    expect(requests).toBe(1);
  });

  it('shares one fetch between tokens that arrive together', async () => {
    const keys = keysOf();
    await Promise.all([1, 2, 3, 4].map(() => keys.getKey(header('k1'), NO_TOKEN)));
    expect(requests).toBe(1);
  });

  it('refuses a discovery document that names another issuer', async () => {
    const keys = keysOf({ jwksUrl: null });
    await expect(keys.getKey(header('k1'), NO_TOKEN)).rejects.toThrow();
    expect(String(fetchErrors[0])).toMatch(/another issuer/);
    expect(requests).toBe(1);
  });

  // Last: the server may receive the abandoned request after the test has ended.
  it('gives up on a provider that does not answer after the timeout', async () => {
    answer = () => undefined; // never answers
    const keys = keysOf({ fetchTimeoutMs: 200 });
    const started = performance.now();
    await expect(keys.getKey(header('k1'), NO_TOKEN)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(String(fetchErrors[0])).toMatch(/timeout|abort/i);
  });
});
