import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { pino } from 'pino';
import { inject } from 'vitest';
import type { AppDependencies } from '../../../src/app.js';
import { encryptedSecretCodec } from '../../../src/crypto/destination-secret-codec.js';
import { createDatabase } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { sendToDestination } from '../../../src/delivery/contract/send-to-destination.js';
import { generateWebhookSecret } from '../../../src/delivery/contract/webhook-signature.js';
import { insertDestination } from '../../../src/delivery/destinations/destinations.repository.js';
import { enqueue } from '../../../src/delivery/outbox/outbox.js';
import { jobTables } from '../../../src/delivery/outbox/outbox.repository.js';
import { type OutboxRelay, startOutboxRelay } from '../../../src/delivery/outbox/outbox-relay.js';
import type { JobHandlers } from '../../../src/delivery/queues/catalogue.js';
import { createWorkers, type Workers } from '../../../src/delivery/queues/workers.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { dropDatabaseWhenIdle } from '../../helpers/drop-database.js';

const silent = pino({ level: 'silent' });

/**
 * The app on a database and Redis key prefix of its own: these tests run a relay and workers,
 * which take every outbox row and every job they find, so no other test file may share them.
 */
export async function isolatedTestApp(
  env: Record<string, string> = {},
): Promise<TestApp & { keyPrefix: string }> {
  const name = `planbrygga_dash_${randomBytes(6).toString('hex')}`;
  const base = inject('databaseUrl');
  const admin = createDatabase(base, { maxConnections: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const migrator = createDatabase(url.toString(), { maxConnections: 1 });
  await migrateToLatest(migrator);
  await migrator.destroy();
  const keyPrefix = `${inject('redisKeyPrefix')}dash-${randomBytes(4).toString('hex')}:`;
  const app = await createTestApp({
    env: { ...env, DATABASE_URL: url.toString(), REDIS_KEY_PREFIX: keyPrefix },
  });
  return {
    ...app,
    keyPrefix,
    async close() {
      await app.close();
      await dropDatabaseWhenIdle(admin, name);
      await admin.destroy();
    },
  };
}

export interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver whose answer the test sets; it keeps every request it got. */
export async function loopbackReceiver(): Promise<{
  url: string;
  hits: Hit[];
  answer(status: number): void;
  close(): Promise<void>;
}> {
  let status = 200;
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'refused by the test' : '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/receive`,
    hits,
    answer: (next) => {
      status = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The outbox relay and workers of the app, delivering `submission.deliver` as a small JSON body. */
export function startDelivering(deps: AppDependencies): {
  relay: OutboxRelay;
  workers: Workers;
  stop(): Promise<void>;
} {
  const send = {
    db: jobTables(deps.db),
    secrets: encryptedSecretCodec(deps.cipher),
    fetch: globalThis.fetch,
    clock: () => new Date(),
    timeoutMs: 2_000,
  };
  const nothing = async () => undefined;
  const handlers: JobHandlers = {
    'submission.deliver': (data, context) =>
      sendToDestination(send, context, {
        jobName: 'submission.deliver',
        destinationId: data.destinationId,
        event: 'plan.submitted',
        planId: data.planId,
        version: data.version,
        body: JSON.stringify({ submissionId: data.submissionId }),
        contentType: 'application/json',
      }),
    'need_evaluation.deliver': nothing,
    'signoff.request': nothing,
    'signoff.remind': nothing,
    'planner.notify': nothing,
    'status.writeback': nothing,
    'overdue.scan': nothing,
    'retention.run': nothing,
  };
  const relay = startOutboxRelay({ db: deps.db, publisher: deps.queues, logger: silent, pollIntervalMs: 20 });
  const workers = createWorkers({
    redisUrl: deps.config.redisUrl,
    keyPrefix: deps.config.redisKeyPrefix,
    handlers,
    logger: silent,
    backoff: { baseMs: 20, maxMs: 100, maxRetryAfterMs: 100 },
  });
  return {
    relay,
    workers,
    async stop() {
      await relay.stop();
      await workers.close(200);
    },
  };
}

export async function submissionDestination(deps: AppDependencies, organisation: string, url: string) {
  return insertDestination(
    jobTables(deps.db),
    { organisation, kind: 'submission', system: 'pulsen-combine', url, secret: generateWebhookSecret() },
    encryptedSecretCodec(deps.cipher),
    new Date(),
  );
}

/** A plan row of the organisation (the deliveries reference it) and a submission job for it. */
export async function submitPlan(
  deps: AppDependencies,
  organisation: string,
  destinationId: string,
): Promise<string> {
  const planId = randomUUID();
  await sql`insert into plans (id, organisation, source_system, source_plan_id, unit_id, law, service_type,
    current_version, status, person_index, created_at, updated_at)
    values (${planId}, ${organisation}, 'procapita', ${planId}, 'unit-1', 'SoL', 'hemtjanst', 1, 'draft', ${planId},
      now(), now())`.execute(deps.db);
  await deps.db.transaction().execute((trx) =>
    enqueue(trx, {
      name: 'submission.deliver',
      data: { submissionId: randomUUID(), planId, version: 1, destinationId },
    }),
  );
  return planId;
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
