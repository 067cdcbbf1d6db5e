import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Clock } from '../../src/services/context.js';

export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SignOptions {
  /** The key to sign with; the newest published one by default. */
  key?: SigningKey;
  /** Seconds from the clock's now; default 300. */
  expiresIn?: number;
  /** Seconds from the clock's now; unset by default. */
  notBefore?: number;
  issuer?: string;
  audience?: string;
}

/**
 * An OAuth2 provider on loopback, as far as a resource server sees one: its discovery document
 * and its signing keys (JWKS), generated here with jose, and tokens it signs. Counts the key-set
 * fetches, and can rotate keys or stop answering altogether.
 */
export interface TokenIssuer {
  /** `iss` of its tokens and the base of its discovery document: http://127.0.0.1:PORT */
  url: string;
  audience: string;
  /** How often the key set was fetched. */
  jwksFetches(): number;
  /** The public half of the newest published key, as the key set shows it. */
  publicJwk(): JWK;
  /** A key pair whose public half is published (rotation: a new `kid`); the old ones stay published. */
  publishKey(alg?: SigningAlgorithm): Promise<SigningKey>;
  /** A key pair never published. */
  unpublishedKey(alg?: SigningAlgorithm): Promise<SigningKey>;
  /** A signed token with these claims over the defaults (sub, azp, kommunkod, scope). */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** Closes the port: every later fetch is refused. */
  stop(): Promise<void>;
}

export const TEST_AUDIENCE = 'api://planbrygga-test';

export async function startTokenIssuer(clock: Clock): Promise<TokenIssuer> {
  const published: SigningKey[] = [];
  let fetches = 0;
  const server = createServer((request, response) => {
    const json = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') {
      return json({ issuer: url, jwks_uri: `${url}/jwks`, token_endpoint: `${url}/token` });
    }
    if (request.url === '/jwks') {
      fetches += 1;
      return json({ keys: published.map((key) => key.publicJwk) });
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const newKey = async (alg: SigningAlgorithm): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  };
  published.push(await newKey('RS256'));

  return {
    url,
    audience: TEST_AUDIENCE,
    jwksFetches: () => fetches,
    publicJwk: () => published.at(-1)!.publicJwk,
    async publishKey(alg = 'RS256') {
      const key = await newKey(alg);
      published.push(key);
      return key;
    },
    unpublishedKey: (alg = 'RS256') => newKey(alg),
    async sign(claims, options = {}) {
      const key = options.key ?? published.at(-1)!;
      const now = Math.floor(clock().getTime() / 1000);
      const jwt = new SignJWT({
        sub: 'service-account-1',
        azp: 'procapita-prod',
        scope: 'plans:read',
        ...claims,
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(options.issuer ?? url)
        .setAudience(options.audience ?? TEST_AUDIENCE)
        .setIssuedAt(now)
        .setJti(randomUUID())
        .setExpirationTime(now + (options.expiresIn ?? 300));
      if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
      return jwt.sign(key.privateKey);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment that points the app at an issuer. */
export function oauthEnv(issuer: TokenIssuer, extra: Record<string, string> = {}): Record<string, string> {
  return { OAUTH_ISSUER: issuer.url, OAUTH_AUDIENCE: issuer.audience, ...extra };
}
