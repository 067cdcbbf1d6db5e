import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('loadConfig: OAuth2 access tokens', () => {
  it('leaves tokens off unless OAUTH_ISSUER is set', () => {
    expect(loadConfig({}).oauth).toBeNull();
  });

  it('takes the issuer and audience, discovers the keys by default, and names the default claims', () => {
    const config = loadConfig({
      OAUTH_ISSUER: 'https://sso.kommun.se/realms/integrationer',
      OAUTH_AUDIENCE: 'planbrygga',
    });
    expect(config.oauth).toEqual({
      issuer: 'https://sso.kommun.se/realms/integrationer',
      audience: 'planbrygga',
      jwksUrl: null,
      organisationClaim: 'kommunkod',
      scopeClaim: 'scope',
    });
    expect(Object.isFrozen(config.oauth)).toBe(true);
  });

  it('keeps the issuer exactly as written (iss is compared as a string)', () => {
    const issuer = 'https://login.microsoftonline.com/4b1a5c2e-0000-4000-8000-00000000abcd/v2.0';
    const config = loadConfig({
      OAUTH_ISSUER: issuer,
      OAUTH_AUDIENCE: 'api://planbrygga',
      OAUTH_JWKS_URL:
        'https://login.microsoftonline.com/4b1a5c2e-0000-4000-8000-00000000abcd/discovery/v2.0/keys',
      OAUTH_SCOPE_CLAIM: 'roles',
      OAUTH_ORGANISATION_CLAIM: 'extn.kommunkod',
    });
    expect(config.oauth).toMatchObject({ issuer, scopeClaim: 'roles', organisationClaim: 'extn.kommunkod' });
  });

  it('stops with a message naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ OAUTH_ISSUER: 'https://idp.example' }, /OAUTH_AUDIENCE: is required when OAUTH_ISSUER is set/],
      [{ OAUTH_AUDIENCE: 'planbrygga' }, /OAUTH_AUDIENCE: is set but OAUTH_ISSUER is not/],
      [{ OAUTH_JWKS_URL: 'https://idp.example/keys' }, /OAUTH_JWKS_URL: is set but OAUTH_ISSUER is not/],
      [{ OAUTH_ISSUER: 'not a url', OAUTH_AUDIENCE: 'a' }, /OAUTH_ISSUER/],
      [{ OAUTH_ISSUER: 'http://idp.example', OAUTH_AUDIENCE: 'a' }, /OAUTH_ISSUER: must be an https URL/],
      [
        { OAUTH_ISSUER: 'https://idp.example', OAUTH_AUDIENCE: 'a', OAUTH_JWKS_URL: 'http://idp.example/k' },
        /OAUTH_JWKS_URL: must be an https URL/,
      ],
      [{ OAUTH_SCOPE_CLAIM: 'two words' }, /OAUTH_SCOPE_CLAIM/],
      [{ OAUTH_ORGANISATION_CLAIM: 'x'.repeat(201) }, /OAUTH_ORGANISATION_CLAIM/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
  });

  it('allows plain http only to this machine', () => {
    const config = loadConfig({ OAUTH_ISSUER: 'http://127.0.0.1:8080/realms/dev', OAUTH_AUDIENCE: 'a' });
    expect(config.oauth?.issuer).toBe('http://127.0.0.1:8080/realms/dev');
    expect(loadConfig({ OAUTH_ISSUER: 'http://localhost:8080', OAUTH_AUDIENCE: 'a' }).oauth).not.toBeNull();
  });
});
