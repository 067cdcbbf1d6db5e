import { createHash } from 'node:crypto';
import { z } from 'zod';
import { developmentKeyring, type Keyring, KeyringError, parseKeyring } from './crypto/keyring.js';
import { DATABASE_DEFAULTS } from './db/database.js';

/**
 * The development fallback for the blind-index key. It is public, so an index built with
 * it protects nothing; `loadConfig` flags its use so the process can warn loudly.
 */
const DEV_INDEX_KEY = createHash('sha256')
  .update('planbrygga development index key; never use in production')
  .digest('hex');

/** The shortest audit retention: the database refuses to remove younger entries. */
export const MIN_AUDIT_RETENTION_DAYS = 365;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/postgres'),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(DATABASE_DEFAULTS.connectTimeoutMs),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(DATABASE_DEFAULTS.statementTimeoutMs),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'], 'must be true or false')
    .default(DATABASE_DEFAULTS.preparedStatements ? 'true' : 'false')
    .transform((v) => v === 'true'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/)
    .default('planbrygga:'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  PLANBRYGGA_INDEX_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PLANBRYGGA_ENCRYPTION_KEYS: z.string().optional(),
  PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: z.string().optional(),
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  // Five years; the database never removes an entry less than a year old (migrations/1795434310000-audit-expiry.ts).
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .refine((days) => days === 0 || days >= MIN_AUDIT_RETENTION_DAYS, {
      message: `must be 0 (keep) or at least ${MIN_AUDIT_RETENTION_DAYS}`,
    })
    .default(1825),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(3000),
  RATE_LIMIT_ANONYMOUS_MAX: z.coerce.number().int().min(0).default(60),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins scheme://host[:port]')))
    .optional(),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(72_000),
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .regex(/^[^?#]*[^/?#]$/, 'must be an origin and path without a trailing slash, query or fragment')
    .optional(),
  OPERATOR_ORGANISATION: z
    .string()
    .regex(/^\d{4}$/, 'must be a 4-digit municipality code')
    .optional(),
  OAUTH_ISSUER: providerUrl().optional(),
  OAUTH_AUDIENCE: z.string().max(1000).optional(),
  OAUTH_JWKS_URL: providerUrl().optional(),
  OAUTH_ORGANISATION_CLAIM: claimName().default('kommunkod'),
  OAUTH_SCOPE_CLAIM: claimName().default('scope'),
  OIDC_ISSUER: providerUrl().optional(),
  OIDC_CLIENT_ID: z.string().max(1000).optional(),
  OIDC_CLIENT_SECRET: z.string().max(1000).optional(),
  OIDC_SCOPES: z
    .string()
    .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'must be space-separated scopes')
    .refine((value) => value.split(' ').includes('openid'), 'must include openid')
    .default('openid profile'),
  OIDC_ORGANISATION_CLAIM: claimName().default('kommunkod'),
  OIDC_ROLE_CLAIM: claimName().default('roles'),
  OIDC_CASE_OFFICER_ROLE: claimName().default('lss-handlaggare'),
  OIDC_ADMIN_ROLE: claimName().default('planbrygga-admin'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(8),
});

// Signing keys and discovery come over TLS; plain http only to this machine (a local provider, tests).
function providerUrl() {
  return z.url({ protocol: /^https?$/ }).refine((value) => {
    // Runs on values the url check already refused too; those have their message.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must be an https URL (http only for localhost)');
}

function claimName() {
  return z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be a claim name without spaces');
}

export interface Config {
  databaseUrl: string;
  database: DatabaseSettings;
  redisUrl: string;
  /** Prefix of every Redis key this process writes, so deployments and test runs never share keys. */
  redisKeyPrefix: string;
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Secret of the HMAC blind index over identity numbers (search by personnummer). */
  indexKey: string;
  /** True when PLANBRYGGA_INDEX_KEY was not set and the public development key is in use. */
  usingDevelopmentIndexKey: boolean;
  /** Keys that encrypt personal data at rest; new values use the active one. */
  encryption: Keyring;
  /** True when PLANBRYGGA_ENCRYPTION_KEYS was not set and the public development key is in use. */
  usingDevelopmentEncryptionKey: boolean;
  /** Dispatch: the outbox relay, workers and outbound deliveries. */
  dispatch: DispatchConfig;
  /** Abuse limits of the HTTP API (src/http/security). */
  http: HttpLimits;
  /**
   * Days audit entries are kept, and the metadata of a plan after its content was pruned; the
   * daily retention run removes what is older. 0: kept without a limit.
   */
  auditRetentionDays: number;
  /** Bearer token a Prometheus scraper sends to GET /metrics; null: only admin or viewer API keys may read it. */
  metricsToken: string | null;
  /**
   * The organisation that operates this installation: only its admin/viewer keys see the queue
   * dashboard and metrics, which span every organisation. Null: any organisation's (one
   * municipality per installation).
   */
  operatorOrganisation: string | null;
  /** PUBLIC_URL: the URL clients reach the API at, the OpenAPI document's server; null when unset. */
  publicUrl: string | null;
  /** OAuth2 access tokens accepted beside API keys; null: API keys only (OAUTH_ISSUER not set). */
  oauth: OAuthConfig | null;
  /** Sign-in to the browser pages (the inbox, the dashboard) through OpenID Connect; null: OIDC_ISSUER not set, the inbox is off. */
  oidc: OidcConfig | null;
}

/** The municipality's OpenID provider and how its ID token's claims make a person (src/http/browser). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Sent with client_secret_basic. */
  clientSecret: string;
  /** PUBLIC_URL, the address browsers use; the redirect URI is PUBLIC_URL/auth/callback. */
  publicUrl: string;
  /** The scopes asked for, space-separated; always with `openid`. */
  scopes: string;
  /** The claim holding the 4-digit municipality code (kommunkod). */
  organisationClaim: string;
  /** The claim holding the roles: an exact key first, else a dotted path (`realm_access.roles`). */
  roleClaim: string;
  /** The role that opens the inbox (LSS-handläggare). */
  caseOfficerRole: string;
  /** The role that opens the queue dashboard, for the operating organisation. */
  adminRole: string;
  /** A session unused this long ends. */
  sessionIdleSeconds: number;
  /** A session ends this long after sign-in, however busy. */
  sessionMaxSeconds: number;
}

/** Where access tokens come from and how their claims map onto a caller (src/http/auth/access-tokens.ts). */
export interface OAuthConfig {
  /** The exact `iss` of every accepted token. */
  issuer: string;
  /** The `aud` a token must name: this installation. */
  audience: string;
  /** The provider's signing keys; null: the `jwks_uri` of the issuer's /.well-known/openid-configuration. */
  jwksUrl: string | null;
  /** The claim holding the 4-digit municipality code (kommunkod). */
  organisationClaim: string;
  /** The claim holding the scopes: a space-separated string or an array of strings. */
  scopeClaim: string;
}

/** How the pool talks to PostgreSQL: the bounds on waiting for it, and prepared statements. */
export interface DatabaseSettings {
  /** Longest wait for a connection (new, or a free one of the pool); 0: no limit. */
  connectTimeoutMs: number;
  /** Longest a statement may run; 0: no limit. */
  statementTimeoutMs: number;
  /** False behind a pooler in transaction mode (PgBouncer before 1.21), where named statements break. */
  preparedStatements: boolean;
}

export interface HttpLimits {
  /** Requests per window per client; 0 turns the limit off. */
  rateLimitMax: number;
  /** Requests per window per address without a valid key; 0 turns the limit off. */
  rateLimitAnonymousMax: number;
  rateLimitWindowMs: number;
  /** How long an instance keeps a valid key's client without looking it up: a revoked key works this much longer. 0: every request looks. */
  apiKeyCacheMs: number;
  /** Browser origins allowed by CORS; empty: CORS closed. */
  corsOrigins: readonly string[];
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface DispatchConfig {
  /** How often an idle outbox relay looks for new rows. */
  relayPollIntervalMs: number;
  /** One delivery attempt gives up after this long and is retried. */
  deliveryTimeoutMs: number;
  /** First retry delay; it doubles per attempt (with full jitter) up to an hour. */
  retryBaseMs: number;
  /** Jobs one worker process runs at once per queue. */
  workerConcurrency: number;
  /** A job whose worker died runs again elsewhere after at most about twice this long. */
  lockDurationMs: number;
  /** On SIGTERM/SIGINT: how long in-flight work may finish before it is aborted and released. */
  shutdownGraceMs: number;
}

export class ConfigError extends Error {}

/** Parses the environment once into a frozen config; a bad value throws naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(blankAsUnset(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const encryption = encryptionKeyring(e.PLANBRYGGA_ENCRYPTION_KEYS, e.PLANBRYGGA_ENCRYPTION_ACTIVE_KEY);
  const indexKey = e.PLANBRYGGA_INDEX_KEY ?? DEV_INDEX_KEY;
  if ([...encryption.keys.values()].some((key) => key.equals(Buffer.from(indexKey, 'base64')))) {
    throw new ConfigError(
      'invalid configuration:\n  PLANBRYGGA_INDEX_KEY: must not be one of the PLANBRYGGA_ENCRYPTION_KEYS',
    );
  }
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    database: Object.freeze({
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    }),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    indexKey,
    usingDevelopmentIndexKey: e.PLANBRYGGA_INDEX_KEY === undefined,
    encryption,
    usingDevelopmentEncryptionKey: e.PLANBRYGGA_ENCRYPTION_KEYS === undefined,
    dispatch: Object.freeze({
      relayPollIntervalMs: e.RELAY_POLL_INTERVAL_MS,
      deliveryTimeoutMs: e.DELIVERY_TIMEOUT_MS,
      retryBaseMs: e.DELIVERY_RETRY_BASE_MS,
      workerConcurrency: e.WORKER_CONCURRENCY,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    }),
    http: Object.freeze({
      rateLimitMax: e.RATE_LIMIT_MAX,
      rateLimitAnonymousMax: e.RATE_LIMIT_ANONYMOUS_MAX,
      rateLimitWindowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000,
      apiKeyCacheMs: e.API_KEY_CACHE_SECONDS * 1000,
      corsOrigins: Object.freeze(e.CORS_ORIGINS ?? []),
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.HTTP_CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    }),
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    metricsToken: e.METRICS_TOKEN ?? null,
    operatorOrganisation: e.OPERATOR_ORGANISATION ?? null,
    publicUrl: e.PUBLIC_URL ?? null,
    oauth: oauthConfig(e),
    oidc: oidcConfig(e),
  });
}

function oauthConfig(e: z.output<typeof envSchema>): OAuthConfig | null {
  if (e.OAUTH_ISSUER === undefined) {
    const orphan = (['OAUTH_AUDIENCE', 'OAUTH_JWKS_URL'] as const).find((name) => e[name] !== undefined);
    if (orphan) throw new ConfigError(`invalid configuration:\n  ${orphan}: is set but OAUTH_ISSUER is not`);
    return null;
  }
  // Without an audience any token of the provider would do, whichever application it was issued for.
  if (e.OAUTH_AUDIENCE === undefined) {
    throw new ConfigError('invalid configuration:\n  OAUTH_AUDIENCE: is required when OAUTH_ISSUER is set');
  }
  return Object.freeze({
    issuer: e.OAUTH_ISSUER,
    audience: e.OAUTH_AUDIENCE,
    jwksUrl: e.OAUTH_JWKS_URL ?? null,
    organisationClaim: e.OAUTH_ORGANISATION_CLAIM,
    scopeClaim: e.OAUTH_SCOPE_CLAIM,
  });
}

function oidcConfig(e: z.output<typeof envSchema>): OidcConfig | null {
  if (e.OIDC_ISSUER === undefined) {
    const orphan = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).find((name) => e[name] !== undefined);
    if (orphan) throw new ConfigError(`invalid configuration:\n  ${orphan}: is set but OIDC_ISSUER is not`);
    return null;
  }
  const missing = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL'] as const).find(
    (name) => e[name] === undefined,
  );
  if (missing)
    throw new ConfigError(`invalid configuration:\n  ${missing}: is required when OIDC_ISSUER is set`);
  return Object.freeze({
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID as string,
    clientSecret: e.OIDC_CLIENT_SECRET as string,
    publicUrl: e.PUBLIC_URL as string,
    scopes: e.OIDC_SCOPES,
    organisationClaim: e.OIDC_ORGANISATION_CLAIM,
    roleClaim: e.OIDC_ROLE_CLAIM,
    caseOfficerRole: e.OIDC_CASE_OFFICER_ROLE,
    adminRole: e.OIDC_ADMIN_ROLE,
    sessionIdleSeconds: e.SESSION_IDLE_MINUTES * 60,
    sessionMaxSeconds: e.SESSION_MAX_HOURS * 3600,
  });
}

function encryptionKeyring(keys: string | undefined, active: string | undefined): Keyring {
  if (keys === undefined) {
    if (active === undefined) return developmentKeyring();
    throw new ConfigError(
      'invalid configuration:\n  PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: is set but PLANBRYGGA_ENCRYPTION_KEYS is not',
    );
  }
  try {
    return parseKeyring(keys, active);
  } catch (err) {
    if (!(err instanceof KeyringError)) throw err;
    throw new ConfigError(`invalid configuration:\n  ${err.variable}: ${err.message}`);
  }
}

// `FOO=` in a compose file or shell means "not set", not "set to the empty string".
function blankAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
