import { describe, expect, it } from 'vitest';
import { looksLikeJwt, tokenClaims } from '../../../src/http/auth/access-tokens.js';

const config = { issuer: 'https://idp.example', organisationClaim: 'kommunkod', scopeClaim: 'scope' };
const base = { sub: 'svc-1', exp: 1_800_000_000, kommunkod: '0180' };

describe('tokenClaims', () => {
  it('maps a space-separated scope claim onto planbrygga scopes, dropping the ones it does not know', () => {
    const result = tokenClaims(
      { ...base, azp: 'procapita', scope: 'openid plans:read  status:read profile' },
      config,
    );
    expect(result).toEqual({
      valid: true,
      token: {
        issuer: 'https://idp.example',
        subject: 'svc-1',
        clientId: 'procapita',
        organisation: '0180',
        scopes: ['plans:read', 'status:read'],
        expiresAt: new Date(1_800_000_000_000),
      },
    });
  });

  it("takes an array claim such as Entra ID's roles, and its v1 appid as the client id", () => {
    const result = tokenClaims(
      { ...base, appid: '11111111-2222', roles: ['plans:write', 'plans:write', 42, 'inbox:read'] },
      { ...config, scopeClaim: 'roles' },
    );
    expect(result).toMatchObject({
      valid: true,
      token: { clientId: '11111111-2222', scopes: ['plans:write', 'inbox:read'] },
    });
  });

  it('refuses a token without a municipality code, a known scope or a subject', () => {
    const refusals = [
      { ...base, kommunkod: undefined, scope: 'admin' },
      { ...base, kommunkod: 180, scope: 'admin' },
      { ...base, kommunkod: '01800', scope: 'admin' },
      { ...base, scope: 'openid plans:delete' },
      { ...base, sub: '', scope: 'admin' },
    ];
    for (const payload of refusals) {
      const result = tokenClaims(payload, config);
      expect(result.valid, JSON.stringify(payload)).toBe(false);
    }
  });

  it('tells a JWT from an API key by its shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(true);
    expect(looksLikeJwt('pbk_abcDEF012-_')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });
});
