import * as oidc from 'openid-client';
import type { OidcConfig } from '../../config.js';

/** A fetch to the provider gives up after this many seconds (openid-client counts in seconds). */
const PROVIDER_TIMEOUT_SECONDS = 5;

export const CALLBACK_PATH = '/auth/callback';
export const SIGNED_OUT_PATH = '/auth/signed-out';

/** The provider did not answer, or answered with a server error: the sign-in page says so (503). */
export class ProviderUnavailable extends Error {}

/** A callback that fails its checks (state, nonce, PKCE, a used code): no session (400). */
export class CallbackRejected extends Error {}

/** What a sign-in started here must be finished with; kept server-side, keyed by a cookie. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The page the person asked for, a local path. */
  returnTo: string;
}

/**
 * The relying-party side of OpenID Connect, through openid-client (a certified RP library):
 * authorization code with PKCE (S256), `state` and `nonce`, client_secret_basic at the token
 * endpoint, and RP-initiated logout. Discovery happens at the first sign-in, not at start, so
 * a provider that is down never keeps the API from starting; a failed discovery is tried again
 * at the next one.
 */
export interface OpenIdProvider {
  begin(returnTo: string): Promise<{ authorizationUrl: URL; pending: PendingSignIn }>;
  /** The verified ID token's claims for a callback URL (as the browser sent it). */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<Record<string, unknown>>;
  /** Where to send the browser to end the provider's session too. */
  endSessionUrl(): Promise<URL>;
}

export function createOpenIdProvider(config: OidcConfig): OpenIdProvider {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = (): Promise<oidc.Configuration> => {
    discovered ??= discover(config).catch((err: unknown) => {
      discovered = undefined;
      throw unavailable(err);
    });
    return discovered;
  };
  const redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;

  return {
    async begin(returnTo) {
      const server = await configuration();
      const pending: PendingSignIn = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        returnTo,
      };
      const authorizationUrl = oidc.buildAuthorizationUrl(server, {
        redirect_uri: redirectUri,
        scope: config.scopes,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { authorizationUrl, pending };
    },

    async finish(callbackUrl, pending) {
      const server = await configuration();
      try {
        const tokens = await oidc.authorizationCodeGrant(server, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new CallbackRejected('the token endpoint sent no ID token');
        return { ...claims };
      } catch (err) {
        if (err instanceof CallbackRejected) throw err;
        if (isUnavailable(err))
          throw new ProviderUnavailable('the token endpoint did not answer', { cause: err });
        throw new CallbackRejected('the callback failed its checks', { cause: err });
      }
    },

    async endSessionUrl() {
      const server = await configuration();
      return oidc.buildEndSessionUrl(server, {
        post_logout_redirect_uri: `${config.publicUrl}${SIGNED_OUT_PATH}`,
      });
    },
  };
}

function discover(config: OidcConfig): Promise<oidc.Configuration> {
  const issuer = new URL(config.issuer);
  return oidc.discovery(
    issuer,
    config.clientId,
    { client_secret: config.clientSecret },
    oidc.ClientSecretBasic(config.clientSecret),
    {
      timeout: PROVIDER_TIMEOUT_SECONDS,
      // The config allows plain http only for a provider on this machine (a local provider, tests).
      ...(issuer.protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
    },
  );
}

function unavailable(err: unknown): ProviderUnavailable {
  return new ProviderUnavailable('the provider did not answer discovery', { cause: err });
}

// Network failures and timeouts, and 5xx answers; anything else is the callback's fault.
function isUnavailable(err: unknown): boolean {
  if (err instanceof TypeError) return true;
  if (err instanceof oidc.ResponseBodyError) return err.status >= 500;
  if (err instanceof oidc.ClientError) {
    if (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT') return true;
    return err.cause instanceof Response && err.cause.status >= 500;
  }
  return false;
}
