import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { closeDependencies, createDependencies } from './compose.js';
import type { Config } from './config.js';
import { isDatabaseUnavailable } from './db/availability.js';
import { createDatabase } from './db/database.js';
import { migrateToLatest, migrationDatabaseOptions } from './db/migrate.js';
import { type Dispatch, startDispatch } from './delivery/runtime.js';
import type { Logger } from './logger.js';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

function isRedisConnectionError(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const code = 'code' in reason ? String(reason.code) : '';
  return (
    reason.name === 'MaxRetriesPerRequestError' ||
    CONNECTION_CODES.has(code) ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(reason.message)
  );
}

export interface ProcessRoles {
  /** The HTTP API on HOST:PORT. */
  http: boolean;
  /** The outbox relay and the queue workers. */
  workers: boolean;
}

export interface RunningProcess {
  app: FastifyInstance | null;
  dispatch: Dispatch | null;
  /** Closes in order: HTTP (no new requests, in-flight ones answered), relay, workers (within the grace time), pools. */
  close(): Promise<void>;
}

/** The pauses between tries to reach PostgreSQL at start: doubling from 250 ms up to 2 s. */
const START_RETRY_MS = { first: 250, longest: 2_000 };

/**
 * Applies pending migrations, first waiting for PostgreSQL if it is away (restarting, or
 * started after this process): logged once, retried with backoff, as long as it takes. Any
 * other failure of a migration stops the start.
 */
async function migrateWhenReachable(config: Readonly<Config>, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const migrationDb = createDatabase(config.databaseUrl, migrationDatabaseOptions(config));
    try {
      const { applied } = await migrateToLatest(migrationDb);
      if (applied.length) logger.info({ applied }, 'migrations applied');
      if (attempt > 0) logger.info('PostgreSQL answers; starting');
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      if (attempt === 0) logger.warn({ err }, 'PostgreSQL is unreachable at start; waiting for PostgreSQL');
    } finally {
      await migrationDb.destroy();
    }
    const pause = Math.min(START_RETRY_MS.first * 2 ** attempt, START_RETRY_MS.longest);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * The one composition of a planbrygga process: `serve` is HTTP and workers (or HTTP alone
 * with `--no-workers`), `worker` is workers alone. Migrates first; SIGTERM and SIGINT close
 * it gracefully.
 */
export async function runProcess(
  config: Readonly<Config>,
  roles: ProcessRoles,
  logger?: Logger,
): Promise<RunningProcess> {
  const deps = createDependencies(config, logger);
  await migrateWhenReachable(config, deps.logger);
  const app = roles.http ? await buildApp(deps) : null;
  const dispatch = roles.workers ? startDispatch(deps) : null;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app?.close();
      await dispatch?.close(config.dispatch.shutdownGraceMs);
      await closeDependencies(deps);
    })();
    return closing;
  };
  // The hard deadline leaves the workers their grace time and a little to close the pools.
  const graceful = closeWithGrace(
    { delay: config.dispatch.shutdownGraceMs + 5_000, logger: deps.logger, skip: ['unhandledRejection'] },
    async ({ signal, err }) => {
      if (err) deps.logger.error({ err }, 'closing after an uncaught error');
      else deps.logger.info({ signal }, 'closing');
      await close();
    },
  );
  // BullMQ leaves a command that failed while Redis was away unhandled now and then. That is an
  // outage (the outbox keeps the work), not a reason to stop; so is a statement that failed
  // because PostgreSQL is away (the pool logs the outage). Anything else still closes the process.
  process.on('unhandledRejection', (reason) => {
    if (isRedisConnectionError(reason)) {
      deps.logger.warn({ err: reason }, 'a Redis command failed while the connection was down');
      return;
    }
    if (isDatabaseUnavailable(reason)) {
      deps.logger.warn({ err: reason }, 'a PostgreSQL statement failed while the database was away');
      return;
    }
    deps.logger.error({ err: reason }, 'closing after an unhandled rejection');
    process.exitCode = 1;
    graceful.close();
  });

  if (app) await app.listen({ port: config.port, host: config.host });
  deps.logger.info({ http: roles.http, workers: roles.workers }, 'planbrygga started');
  return { app, dispatch, close };
}
