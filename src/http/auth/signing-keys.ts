import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Clock } from '../../services/context.js';

/** After this long a token's key is looked up again at the provider; until then an outage of the provider changes nothing. */
export const KEYS_MAX_AGE_MS = 10 * 60_000;
/** The provider is asked at most this often, whatever tokens arrive: an unknown `kid` cannot make us hammer it. */
export const KEYS_COOLDOWN_MS = 30_000;

export interface SigningKeysOptions {
  /** The JWKS URL; null: the `jwks_uri` of the issuer's /.well-known/openid-configuration. */
  jwksUrl: string | null;
  issuer: string;
  clock: Clock;
  /** One request to the provider (discovery or the key set) gives up after this long. */
  fetchTimeoutMs: number;
  /** A failed fetch: the cached keys stay in use, but an operator should hear of it. */
  onFetchError: (err: unknown) => void;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The provider's signing keys (JWKS), cached. They are fetched when a token first needs one,
 * again when a token names a `kid` the cached set lacks (key rotation at the provider) and when
 * the set is older than KEYS_MAX_AGE_MS, but never more often than once per KEYS_COOLDOWN_MS.
 * A failed fetch keeps the keys already held, so a provider outage refuses only tokens signed
 * with a key this process has not seen. jose's createRemoteJWKSet does almost this, but drops
 * a stale set when its refresh fails, counts its cool-down from the last success (so a provider
 * that is down is asked on every unknown kid) and reads the system clock.
 */
export class SigningKeys {
  #keys: KeySet | null = null;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | null = null;
  #jwksUrl: string | null;

  constructor(private readonly options: SigningKeysOptions) {
    this.#jwksUrl = options.jwksUrl;
  }

  /** jose's key resolver: the key a token's header names. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const now = this.options.clock().getTime();
    if (now - this.#fetchedAt >= KEYS_MAX_AGE_MS) await this.#refresh(now);
    if (!this.#keys) throw new errors.JWKSNoMatchingKey();
    try {
      return await this.#keys(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      await this.#refresh(now);
      return this.#keys(header, token);
    }
  };

  // One fetch at a time for every waiting token, and none within the cool-down of the last attempt.
  async #refresh(now: number): Promise<void> {
    if (!this.#pending) {
      if (now - this.#attemptedAt < KEYS_COOLDOWN_MS) return;
      this.#attemptedAt = now;
      this.#pending = this.#fetch(now)
        .catch((err: unknown) => this.options.onFetchError(err))
        .finally(() => {
          this.#pending = null;
        });
    }
    await this.#pending;
  }

  async #fetch(now: number): Promise<void> {
    this.#jwksUrl ??= await this.#discoverJwksUrl();
    // createLocalJWKSet checks the shape and throws on anything that is not a key set.
    this.#keys = createLocalJWKSet((await this.#getJson(this.#jwksUrl)) as JSONWebKeySet);
    this.#fetchedAt = now;
  }

  // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked for.
  async #discoverJwksUrl(): Promise<string> {
    const issuer = this.options.issuer;
    const document = (await this.#getJson(
      `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    )) as {
      issuer?: unknown;
      jwks_uri?: unknown;
    };
    if (document.issuer !== issuer)
      throw new Error(`the discovery document names another issuer: ${document.issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
    return document.jwks_uri;
  }

  async #getJson(url: string): Promise<unknown> {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs),
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }
}
