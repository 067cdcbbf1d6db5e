import { describe, expect, it } from 'vitest';
import type { NotificationListener } from '../../../src/db/notification-listener.js';
import { createChangeWaiters } from '../../../src/services/change-waiters.js';

/** A listener whose notifications and reconnects the test sends. */
function fakeListener() {
  const handlers = new Map<string, (payload: string) => void>();
  const connected: (() => void)[] = [];
  const listener: NotificationListener = {
    listen(channel, handler) {
      handlers.set(channel, handler);
      return () => handlers.delete(channel);
    },
    onConnected(handler) {
      connected.push(handler);
      return () => undefined;
    },
    connected: true,
    close: async () => undefined,
  };
  return {
    listener,
    notify: (organisation: string) => handlers.get('planbrygga_changes')?.(organisation),
    reconnect: () => {
      for (const handler of connected) handler();
    },
  };
}

describe('change waiters', () => {
  it('wakes only the waits of the organisation whose change committed', async () => {
    const { listener, notify } = fakeListener();
    const waiters = createChangeWaiters(listener);
    const mine = waiters.register('0180', 10_000);
    const theirs = waiters.register('1480', 50);
    notify('0180');
    expect(await mine.woken).toMatchObject({ reason: 'changed', generation: 1 });
    expect(await theirs.woken).toMatchObject({ reason: 'timeout' });
    expect(waiters.count).toBe(0);
  });

  it('wakes every wait after a reconnect, since notifications may have been lost', async () => {
    const { listener, reconnect } = fakeListener();
    const waiters = createChangeWaiters(listener);
    const waits = [waiters.register('0180', 10_000), waiters.register('1480', 10_000)];
    reconnect();
    expect((await Promise.all(waits.map((w) => w.woken))).map((w) => w.reason)).toEqual([
      'changed',
      'changed',
    ]);
  });

  it('ends a wait when its client goes away, and every wait when the process closes', async () => {
    const { listener } = fakeListener();
    const waiters = createChangeWaiters(listener);
    const client = new AbortController();
    const gone = waiters.register('0180', 10_000, client.signal);
    const staying = waiters.register('0180', 10_000);
    client.abort();
    expect((await gone.woken).reason).toBe('aborted');
    expect(waiters.count).toBe(1);
    waiters.close();
    expect((await staying.woken).reason).toBe('closing');
    expect((await waiters.register('0180', 10_000).woken).reason).toBe('closing');
    expect(waiters.count).toBe(0);
  });

  it('shares one read among callers with the same key while it runs, and only then', async () => {
    const { listener } = fakeListener();
    const waiters = createChangeWaiters(listener);
    let reads = 0;
    let finish!: (n: number) => void;
    const read = () => {
      reads += 1;
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    };
    const first = waiters.share('0180 1 0 100', read);
    const second = waiters.share('0180 1 0 100', read);
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    const later = waiters.share('0180 1 0 100', read);
    finish(8);
    expect(await later).toBe(8);
    expect(reads).toBe(2);
  });

  it('never repeats a generation, so a read begun before a wake is never shared with it', async () => {
    const { listener, notify } = fakeListener();
    const waiters = createChangeWaiters(listener);
    const first = waiters.register('0180', 10_000);
    notify('0180');
    const second = waiters.register('0180', 10_000);
    notify('0180');
    expect((await first.woken).generation).toBe(1);
    expect((await second.woken).generation).toBe(2);
  });
});
