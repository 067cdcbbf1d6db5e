import pg from 'pg';
import type { Logger } from '../logger.js';

/** The channels planbrygga's triggers notify on; a process listens on one connection for all. */
export const CHANNELS = {
  /** Outbox rows were committed: the relay publishes them now rather than at its next poll. */
  outbox: 'planbrygga_outbox',
  /** Change-feed rows of an organisation were committed (payload: its code): long-pollers answer. */
  changes: 'planbrygga_changes',
} as const;

/** The `application_name` of every listener connection. */
export const LISTENER_APPLICATION_NAME = 'planbrygga-listener';

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export interface NotificationListener {
  /**
   * Calls `handler` with the payload of each notification on `channel`, from the next commit
   * on. Returns the call that stops it. The first subscription opens the connection.
   */
  listen(channel: Channel, handler: (payload: string) => void): () => void;
  /**
   * Calls `handler` each time the connection is (re)established with every LISTEN in place.
   * Notifications sent while it was down are lost: whoever relies on them looks for what it
   * missed here.
   */
  onConnected(handler: () => void): () => void;
  /** Whether LISTEN is in place now. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface NotificationListenerOptions {
  connectionString: string;
  logger: Logger;
  /** The first pause before reconnecting; it doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number;
}

/**
 * One PostgreSQL connection per process that LISTENs on every channel the process needs and
 * fans notifications out to its subscribers (the outbox relay, long-polling requests).
 * A lost connection (restart, failover, network) is logged once, re-established with backoff,
 * and announced through `onConnected`, so subscribers catch up on what they missed.
 */
export function createNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const {
    connectionString,
    logger,
    minBackoffMs = 100,
    maxBackoffMs = 2_000,
    connectTimeoutMs = 5_000,
  } = options;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const connectedHandlers = new Set<() => void>();
  let client: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let started = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    if (closed) return;
    const attempt = new pg.Client({
      connectionString,
      keepAlive: true,
      connectionTimeoutMillis: connectTimeoutMs,
      // So an operator (and a test) can tell it apart in pg_stat_activity.
      application_name: LISTENER_APPLICATION_NAME,
    });
    client = attempt;
    attempt.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    attempt.on('error', (err) => lost(attempt, err));
    attempt.on('end', () => lost(attempt, null));
    try {
      await attempt.connect();
      for (const channel of handlers.keys()) await attempt.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (err) {
      lost(attempt, err);
      return;
    }
    if (client !== attempt || closed) return;
    if (failures > 0) logger.info({ afterFailures: failures }, 'notification listener reconnected');
    failures = 0;
    connected = true;
    for (const handler of connectedHandlers) handler();
  }

  /** The connection `which` broke: once per connection, log (once per outage) and try again later. */
  function lost(which: pg.Client, err: unknown): void {
    if (client !== which) return;
    client = null;
    connected = false;
    which.removeAllListeners('notification');
    // A broken client still needs an error listener: a late socket error must not crash the process.
    which.on('error', () => undefined);
    void which.end().catch(() => undefined);
    if (closed) return;
    failures += 1;
    if (failures === 1) {
      logger.warn({ err }, 'notification listener lost its PostgreSQL connection; reconnecting');
    }
    const delay = Math.min(minBackoffMs * 2 ** (failures - 1), maxBackoffMs);
    retryTimer = setTimeout(() => void connect(), delay);
  }

  function start(): void {
    if (started || closed) return;
    started = true;
    void connect();
  }

  return {
    listen(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        // A channel added while connected is listened to at once; a connection made later
        // listens to every channel in the map.
        if (client && connected) {
          client.query(`LISTEN ${quoteIdentifier(channel)}`).catch((err: unknown) => {
            if (client) lost(client, err);
          });
        }
      }
      set.add(handler);
      start();
      return () => {
        set.delete(handler);
      };
    },
    onConnected(handler) {
      connectedHandlers.add(handler);
      return () => {
        connectedHandlers.delete(handler);
      };
    },
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const open = client;
      client = null;
      connected = false;
      if (open) {
        open.on('error', () => undefined);
        await open.end().catch(() => undefined);
      }
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
