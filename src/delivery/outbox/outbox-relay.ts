import type { Kysely } from 'kysely';
import { CHANNELS, type NotificationListener } from '../../db/notification-listener.js';
import type { Logger } from '../../logger.js';
import { backoffDelay } from '../contract/backoff.js';
import { JOB_NAMES, type JobName } from '../queues/catalogue.js';
import type { JobPublisher } from '../queues/queues.js';
import type { JobTables } from '../schema.js';
import { claimUnrelayedRows, jobTables, markRowsRelayed, purgeRelayedRows } from './outbox.repository.js';

export interface OutboxRelayOptions<DB extends JobTables> {
  db: Kysely<DB>;
  publisher: JobPublisher;
  logger: Logger;
  /**
   * Wakes the relay at the commit of outbox rows, and after its connection came back (to catch
   * up on notifications lost meanwhile). Without it the relay only polls.
   */
  notifications?: NotificationListener;
  /** How often an idle relay looks for new rows when no notification comes (a lost one, a dropped connection). */
  pollIntervalMs: number;
  batchSize?: number;
  /** The longest pause between attempts while PostgreSQL or Redis is away. */
  maxBackoffMs?: number;
  /** A publish that takes longer fails, so row locks are never held on a hung Redis. */
  publishTimeoutMs?: number;
  /** Relayed rows are deleted after this long; 0 keeps them. */
  retentionMs?: number;
  random?: () => number;
}

export interface OutboxRelay {
  /** Relays one batch in one transaction; the number of rows relayed. */
  relayOnce(): Promise<number>;
  /** Looks for rows now instead of at the next poll (after a commit that wrote some). */
  wake(): void;
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Moves outbox rows to BullMQ. Per batch, in one transaction: lock due rows (SKIP LOCKED, so
 * relays on several instances share the work), add them with their webhook ids as job ids, mark them
 * relayed, commit. A crash after the add and before the commit re-adds the same ids, which
 * BullMQ drops. While Redis is away the add fails, the transaction rolls back, the rows stay,
 * and the relay backs off and tries again.
 */
export function startOutboxRelay<DB extends JobTables>(options: OutboxRelayOptions<DB>): OutboxRelay {
  const {
    publisher,
    logger,
    pollIntervalMs,
    batchSize = 200,
    maxBackoffMs = 30_000,
    publishTimeoutMs = 10_000,
    retentionMs = 7 * 24 * 60 * 60 * 1000,
    random = Math.random,
  } = options;
  const db = jobTables(options.db);
  const kinds: readonly JobName[] = JOB_NAMES;

  let running = true;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  let lastPurge = 0;

  async function relayOnce(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const rows = await claimUnrelayedRows(trx, kinds, batchSize);
      if (rows.length === 0) return 0;
      const jobs = rows.map((row) => ({
        name: row.kind as JobName,
        data: row.payload,
        // The row's webhook id: relaying a row twice adds one job, and every attempt sends that id.
        jobId: row.webhook_id,
      }));
      await withTimeout(publisher.publish(jobs), publishTimeoutMs, 'publishing to Redis timed out');
      await markRowsRelayed(
        trx,
        rows.map((row) => row.id),
      );
      return rows.length;
    });
  }

  async function purgeNowAndThen(): Promise<void> {
    if (retentionMs <= 0 || Date.now() - lastPurge < PURGE_INTERVAL_MS) return;
    lastPurge = Date.now();
    const purged = await purgeRelayedRows(db, new Date(Date.now() - retentionMs));
    if (purged > 0) logger.info({ purged }, 'purged relayed outbox rows');
  }

  function pause(ms: number): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        const relayed = await relayOnce();
        if (failures > 0) logger.info({ afterFailures: failures }, 'outbox relay recovered');
        failures = 0;
        if (relayed > 0) logger.debug({ relayed }, 'relayed outbox rows');
        // A full batch means more may be waiting: go again at once.
        if (relayed === batchSize) continue;
        await purgeNowAndThen();
        await pause(pollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = backoffDelay(failures, { baseMs: pollIntervalMs, maxMs: maxBackoffMs, random });
        logger.warn(
          { err: error, failures, retryInMs: delay },
          'outbox relay failed; rows stay in the outbox',
        );
        await pause(Math.max(delay, pollIntervalMs));
      }
    }
  }

  function wake(): void {
    if (wakeUp === null) woken = true;
    else wakeUp();
  }

  const unsubscribe = options.notifications
    ? [options.notifications.listen(CHANNELS.outbox, wake), options.notifications.onConnected(wake)]
    : [];
  const done = loop();

  return {
    relayOnce,
    wake,
    async stop() {
      running = false;
      for (const stopListening of unsubscribe) stopListening();
      // Ends a pause under way, or the next one when a batch is in hand.
      wake();
      await done;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
