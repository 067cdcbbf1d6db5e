/** A fixed set of worker threads for folder conversion; each file goes to the least busy one. */
import { Worker } from 'node:worker_threads';
import type { FolderJob } from './folder-files.js';
import type { WorkerReply, WorkerRequest } from './folder-worker.js';
import type { NamedOutcome } from './outcome.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (outcome: NamedOutcome) => void; reject: (err: Error) => void }>;
  alive: boolean;
}

export interface WorkerPool {
  convert(relative: string, now: Date): Promise<NamedOutcome>;
  close(): Promise<void>;
}

export function createWorkerPool(size: number, job: FolderJob): WorkerPool {
  const script = new URL('./folder-worker.js', import.meta.url);
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = { worker: new Worker(script, { workerData: job }), pending: new Map(), alive: true };
    slot.worker.on('message', ({ id, outcome }: WorkerReply) => {
      slot.pending.get(id)?.resolve(outcome);
      slot.pending.delete(id);
    });
    // A dead worker fails its files in hand; the others carry on with the rest.
    const fail = (err: Error) => {
      slot.alive = false;
      for (const { reject } of slot.pending.values()) reject(err);
      slot.pending.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`a conversion worker stopped (exit code ${code})`)));
    return slot;
  });
  let nextId = 0;

  return {
    convert(relative, now) {
      const free = slots.filter((s) => s.alive).sort((a, b) => a.pending.size - b.pending.size)[0];
      if (!free) return Promise.reject(new Error('every conversion worker has stopped'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        free.pending.set(id, { resolve, reject });
        free.worker.postMessage({ id, relative, now: now.getTime() } satisfies WorkerRequest);
      });
    },
    async close() {
      for (const slot of slots) slot.worker.removeAllListeners('exit');
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
