import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const BASE = {
  OIDC_ISSUER: 'https://login.microsoftonline.com/4b1a5c2e-0000-4000-8000-00000000abcd/v2.0',
  OIDC_CLIENT_ID: 'planbrygga-inkorg',
  OIDC_CLIENT_SECRET: 'secret',
  PUBLIC_URL: 'https://planbrygga.kommun.se',
};

describe('loadConfig: sign-in to the browser pages (OpenID Connect)', () => {
  it('leaves the pages off unless OIDC_ISSUER is set', () => {
    expect(loadConfig({}).oidc).toBeNull();
  });

  it('takes the provider and the public address, with the documented defaults', () => {
    expect(loadConfig(BASE).oidc).toEqual({
      issuer: BASE.OIDC_ISSUER,
      clientId: 'planbrygga-inkorg',
      clientSecret: 'secret',
      publicUrl: 'https://planbrygga.kommun.se',
      scopes: 'openid profile',
      organisationClaim: 'kommunkod',
      roleClaim: 'roles',
      caseOfficerRole: 'lss-handlaggare',
      adminRole: 'planbrygga-admin',
      sessionIdleSeconds: 30 * 60,
      sessionMaxSeconds: 8 * 3600,
    });
  });

  it('stops with a message naming the variable', () => {
    const { OIDC_CLIENT_ID: _id, ...withoutClient } = BASE;
    const { PUBLIC_URL: _url, ...withoutUrl } = BASE;
    const cases: [Record<string, string>, RegExp][] = [
      [withoutClient, /OIDC_CLIENT_ID: is required when OIDC_ISSUER is set/],
      [withoutUrl, /PUBLIC_URL: is required when OIDC_ISSUER is set/],
      [{ OIDC_CLIENT_SECRET: 'x' }, /OIDC_CLIENT_SECRET: is set but OIDC_ISSUER is not/],
      [{ ...BASE, OIDC_ISSUER: 'http://idp.example' }, /OIDC_ISSUER: must be an https URL/],
      [
        { ...BASE, PUBLIC_URL: 'https://host.example/' },
        /PUBLIC_URL: must be an origin and path without a trailing slash/,
      ],
      [{ ...BASE, OIDC_SCOPES: 'profile email' }, /OIDC_SCOPES: must include openid/],
      [{ ...BASE, SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
  });
});
