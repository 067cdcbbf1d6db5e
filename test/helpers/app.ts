import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect, inject } from 'vitest';
import { type AppDependencies, buildApp, serviceContext } from '../../src/app.js';
import { closeDependencies, createDependencies } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createClient, type Scope } from '../../src/services/clients.service.js';
import type { Clock } from '../../src/services/context.js';
import { validPlan } from './plans.js';

/** A log line as the app writes it (pino JSON); the fields tests look at. */
export interface LogLine {
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  [field: string]: unknown;
}

export interface TestApp {
  app: FastifyInstance;
  deps: AppDependencies;
  /** Every log line the app wrote, as JSON text. */
  logs: () => string;
  /** Every log line the app wrote, parsed. */
  logLines: () => LogLine[];
  close(): Promise<void>;
}

/** The real app against this run's database and Redis prefix; requests through `app.inject()`. */
export async function createTestApp(
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: inject('redisKeyPrefix'),
    LOG_LEVEL: 'info',
    PLANBRYGGA_INDEX_KEY: 'test-index-key-of-at-least-32-characters',
    // Every test file sends from 127.0.0.1 and shares the run's Redis prefix; rate limits have their own tests.
    RATE_LIMIT_ANONYMOUS_MAX: '0',
    ...options.env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const deps = createDependencies(config, createLogger(config.logLevel, sink));
  if (options.clock) deps.clock = options.clock;
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    logs: () => lines.join(''),
    logLines: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
    close: async () => {
      await app.close();
      await closeDependencies(deps);
    },
  };
}

/** A kommunkod no other test of this run uses. */
export async function uniqueOrganisation(deps: AppDependencies): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval('test_organisation_seq') as n`.execute(deps.db);
  return String(rows[0]?.n).padStart(4, '0');
}

/** Creates an API client and returns the `Authorization` header value for it. */
export async function bearer(deps: AppDependencies, organisation: string, scopes: Scope[]): Promise<string> {
  const { key } = await createClient(serviceContext(deps), { name: 'test client', organisation, scopes });
  return `Bearer ${key}`;
}

/** An organisation with a client holding every scope: the usual start of a test. */
export async function adminOf(
  deps: AppDependencies,
): Promise<{ organisation: string; authorization: string }> {
  const organisation = await uniqueOrganisation(deps);
  return { organisation, authorization: await bearer(deps, organisation, ['admin']) };
}

/** Pushes a new valid plan of the organisation (201); its id. */
export async function pushedPlan(t: TestApp, organisation: string, authorization: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization },
    payload: validPlan({ municipalityCode: organisation }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
