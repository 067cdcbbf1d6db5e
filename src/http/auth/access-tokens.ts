import { errors, type JWTPayload, jwtVerify } from 'jose';
import type { OAuthConfig } from '../../config.js';
import { SCOPES, type Scope } from '../../services/clients.service.js';
import type { Clock } from '../../services/context.js';
import type { AccessTokenClaims } from '../../services/token-clients.service.js';
import { SigningKeys } from './signing-keys.js';

/** Asymmetric signatures only: `none` and the HMAC family (whose key would be the public one) never verify. */
export const TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256'];
/** Clocks of the provider and this host may differ this much for `exp`, `nbf` and `iat`. */
const CLOCK_SKEW_SECONDS = 30;
const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
const MUNICIPALITY_CODE = /^\d{4}$/;

/**
 * A valid access token (RFC 9068 claims): `sub` is the client's identity at the provider (a
 * service account, a service principal); the client id is `azp`, `client_id` or Entra ID's v1
 * `appid`; the organisation is the municipality code (kommunkod) of the organisation claim;
 * the scopes are the planbrygga scopes among the scope claim's values, never none.
 */
export interface VerifiedAccessToken extends AccessTokenClaims {
  expiresAt: Date;
}

/** Either the token, or why it is refused: for the log only, never for the answer. */
export type TokenVerification =
  | { valid: true; token: VerifiedAccessToken }
  | { valid: false; reason: string };

export interface AccessTokenVerifier {
  verify(token: string): Promise<TokenVerification>;
}

export interface AccessTokenOptions {
  clock: Clock;
  /** A fetch of discovery or of the keys gives up after this long (default 5 s). */
  fetchTimeoutMs?: number;
  onKeyFetchError: (err: unknown) => void;
}

/** Compact JWS: three base64url parts (the last empty for `alg: none`). An API key never has a dot. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
}

/**
 * Verifies OAuth2 access tokens in JWT form (RFC 9068) from the configured provider: signature
 * by one of its keys (SigningKeys), `iss`, `aud`, `exp` and `nbf` with a small skew, and the
 * claims that make a caller: a subject, a municipality code and at least one known scope.
 */
export function createAccessTokenVerifier(
  config: OAuthConfig,
  options: AccessTokenOptions,
): AccessTokenVerifier {
  const keys = new SigningKeys({
    jwksUrl: config.jwksUrl,
    issuer: config.issuer,
    clock: options.clock,
    fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
    onFetchError: options.onKeyFetchError,
  });
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys.getKey, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: TOKEN_ALGORITHMS,
          clockTolerance: CLOCK_SKEW_SECONDS,
          currentDate: options.clock(),
          requiredClaims: ['exp', 'sub'],
        });
        return tokenClaims(payload, config);
      } catch (err) {
        if (err instanceof errors.JOSEError) return { valid: false, reason: err.code };
        throw err;
      }
    },
  };
}

/** The caller a verified payload describes, mapped as an API key's client is: organisation and scopes. */
export function tokenClaims(
  payload: JWTPayload,
  config: Pick<OAuthConfig, 'issuer' | 'organisationClaim' | 'scopeClaim'>,
): TokenVerification {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0) return { valid: false, reason: 'no subject' };
  const organisation = payload[config.organisationClaim];
  if (typeof organisation !== 'string' || !MUNICIPALITY_CODE.test(organisation)) {
    return { valid: false, reason: `no municipality code in ${config.organisationClaim}` };
  }
  const scopes = scopeValues(payload[config.scopeClaim]).filter((value): value is Scope =>
    (SCOPES as readonly string[]).includes(value),
  );
  if (scopes.length === 0) return { valid: false, reason: `no planbrygga scope in ${config.scopeClaim}` };
  return {
    valid: true,
    token: {
      issuer: config.issuer,
      subject,
      clientId: firstString(payload.azp, payload.client_id, payload.appid),
      organisation,
      scopes: [...new Set(scopes)],
      expiresAt: new Date(Number(payload.exp) * 1000),
    },
  };
}

// RFC 9068 §2.2.3 names a space-separated `scope`; Entra ID's app roles come as an array in `roles`.
function scopeValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

function firstString(...values: unknown[]): string | null {
  const found = values.find((value) => typeof value === 'string' && value.length > 0);
  return typeof found === 'string' ? found : null;
}
