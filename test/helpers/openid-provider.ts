import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/** A person at the provider: `sub` and the claims its ID token carries. */
export interface TestAccount {
  sub: string;
  name?: string;
  [claim: string]: unknown;
}

/**
 * A real OpenID provider (panva's oidc-provider, a certified OP implementation) on loopback,
 * with one confidential client for planbrygga. Its login step signs in whichever account the
 * test chose with `signInAs`, consent granted, so a test drives the real authorization code
 * flow (PKCE, state, nonce, ID token signing, RP-initiated logout) without a login form.
 */
export interface OpenIdTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  signInAs(account: TestAccount): void;
  /** Closes the port: every later request to the provider is refused. */
  stop(): Promise<void>;
  /** How many logins the provider performed (a new sign-in after logout counts again). */
  logins(): number;
}

export async function startOpenIdProvider(options: {
  /** Where planbrygga runs: its PUBLIC_URL. */
  appUrl: string;
  /** Claims of the `profile` scope besides `name` (default: kommunkod and roles). */
  claims?: string[];
}): Promise<OpenIdTestProvider> {
  let account: TestAccount | null = null;
  let logins = 0;
  const clientId = 'planbrygga-test';
  const clientSecret = 'a-test-client-secret-of-some-length';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const configuration: Configuration = {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-provider', alg: 'RS256', use: 'sig' }] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [`${options.appUrl}/auth/callback`],
        post_logout_redirect_uris: [`${options.appUrl}/auth/signed-out`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', ...(options.claims ?? ['kommunkod', 'roles'])] },
    // The claims go into the ID token itself, as Entra ID and Keycloak (with a mapper) put them.
    conformIdTokenClaims: false,
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const found = accounts.get(id);
      if (!found) return undefined;
      return { accountId: id, claims: async () => ({ ...found }) };
    },
    // Consent is the organisation's business at a real provider; here it is always given.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
      if (grantId) {
        const existing = await Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new Grant({
        clientId: ctx.oidc.client?.clientId ?? '',
        accountId: ctx.oidc.session?.accountId ?? '',
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  server.on('request', (request, response) => {
    if (!request.url?.startsWith('/interaction/')) return callback(request, response);
    void (async () => {
      if (!account) throw new Error('the test chose no account (signInAs)');
      accounts.set(account.sub, account);
      logins += 1;
      await provider.interactionFinished(request, response, { login: { accountId: account.sub } });
    })().catch((err: unknown) => {
      response.writeHead(500).end(String(err));
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(next) {
      account = next;
    },
    logins: () => logins,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment that turns the browser pages on against a test provider. */
export function oidcEnv(provider: OpenIdTestProvider, appUrl: string, extra: Record<string, string> = {}) {
  return {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    PUBLIC_URL: appUrl,
    ...extra,
  };
}
