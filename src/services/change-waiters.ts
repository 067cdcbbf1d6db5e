import { CHANNELS, type NotificationListener } from '../db/notification-listener.js';

/**
 * Why a wait ended: a change of the organisation committed (or the listener reconnected and
 * changes may have been missed), the time was up, the client went away, or the process is
 * shutting down.
 */
export type WakeReason = 'changed' | 'timeout' | 'aborted' | 'closing';

export interface Wake {
  reason: WakeReason;
  /**
   * Counts the organisation's wake-ups: waits woken by the same notification share it, and a
   * read started after the wake-up sees the change that caused it (see `share`).
   */
  generation: number;
}

export interface ChangeWait {
  /** Settles once, with the first reason that happened since the wait was registered. */
  readonly woken: Promise<Wake>;
  /** Ends the wait now (idempotent): its timer and registration are released. */
  cancel(): void;
}

export interface ChangeWaiters {
  /**
   * Registers a wait for the next committed change of `organisation`. Register before reading
   * the feed: a change that commits between the read and the `await` still wakes it.
   */
  register(organisation: string, timeoutMs: number, signal?: AbortSignal): ChangeWait;
  /**
   * Runs `read` once for every caller asking with the same `key` while it is running: the
   * waits of one organisation woken together at the same cursor cost one query, not one each.
   * Put the wake's generation in the key, so no caller gets a read that began before its wake.
   */
  share<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** How many waits are registered now. */
  readonly count: number;
  /** Wakes every wait with `closing`, now and for any registered later. */
  close(): void;
}

/**
 * The process's long-polling readers of the change feed, woken by the one LISTEN connection
 * (`CHANNELS.changes`, payload: the organisation). A wait costs a timer and a set entry; no
 * query runs for it until it is woken.
 */
export function createChangeWaiters(listener: NotificationListener): ChangeWaiters {
  const byOrganisation = new Map<string, Set<(reason: WakeReason) => void>>();
  // Kept for every organisation ever woken (a few hundred at most): a generation must never
  // repeat while a read keyed with it may still be running.
  const generations = new Map<string, number>();
  const reads = new Map<string, Promise<unknown>>();
  let count = 0;
  let closing = false;
  let subscribed = false;

  function wakeOrganisation(organisation: string, reason: WakeReason = 'changed'): void {
    const waits = byOrganisation.get(organisation);
    if (!waits) return;
    generations.set(organisation, (generations.get(organisation) ?? 0) + 1);
    for (const wake of waits) wake(reason);
  }

  function wakeAll(reason: WakeReason): void {
    for (const organisation of [...byOrganisation.keys()]) wakeOrganisation(organisation, reason);
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    listener.listen(CHANNELS.changes, wakeOrganisation);
    // Notifications sent while the connection was down are lost: every waiter looks again.
    listener.onConnected(() => wakeAll('changed'));
  }

  return {
    register(organisation, timeoutMs, signal) {
      let resolve!: (wake: Wake) => void;
      const woken = new Promise<Wake>((r) => {
        resolve = r;
      });
      const settle = (reason: WakeReason) =>
        resolve({ reason, generation: generations.get(organisation) ?? 0 });
      if (closing) {
        settle('closing');
        return { woken, cancel: () => undefined };
      }
      if (signal?.aborted) {
        settle('aborted');
        return { woken, cancel: () => undefined };
      }
      subscribe();
      let waits = byOrganisation.get(organisation);
      if (!waits) {
        waits = new Set();
        byOrganisation.set(organisation, waits);
      }
      const own = waits;
      const onAbort = () => wake('aborted');
      const timer = setTimeout(() => wake('timeout'), timeoutMs);
      function wake(reason: WakeReason): void {
        if (!own.delete(wake)) return;
        count -= 1;
        if (own.size === 0 && byOrganisation.get(organisation) === own) byOrganisation.delete(organisation);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle(reason);
      }
      own.add(wake);
      count += 1;
      signal?.addEventListener('abort', onAbort, { once: true });
      return { woken, cancel: () => wake('aborted') };
    },
    share<T>(key: string, read: () => Promise<T>): Promise<T> {
      const running = reads.get(key) as Promise<T> | undefined;
      if (running !== undefined) return running;
      const started = read().finally(() => reads.delete(key));
      reads.set(key, started);
      return started;
    },
    get count() {
      return count;
    },
    close() {
      closing = true;
      wakeAll('closing');
    },
  };
}
