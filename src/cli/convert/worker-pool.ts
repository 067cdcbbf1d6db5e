/**
 * A fixed set of worker threads for folder conversion. Files asked for are gathered into
 * batches (a message per file cost more than a small file's conversion); each batch goes to
 * the worker with the fewest files in hand.
 */
import { Worker } from 'node:worker_threads';
import type { FolderJob } from './folder-files.js';
import type { WorkerReply, WorkerRequest } from './folder-worker.js';
import type { NamedOutcome } from './outcome.js';

/** Files per message: enough to make the message's cost small, few enough to spread the work. */
export const BATCH_SIZE = 32;

interface Waiting {
  resolve: (outcome: NamedOutcome) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The files of each batch sent and not answered, by request id. */
  pending: Map<number, Waiting[]>;
  files: number;
  alive: boolean;
}

export interface WorkerPool {
  convert(relative: string, now: Date): Promise<NamedOutcome>;
  close(): Promise<void>;
}

export function createWorkerPool(size: number, job: FolderJob): WorkerPool {
  const script = new URL('./folder-worker.js', import.meta.url);
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = {
      worker: new Worker(script, { workerData: job }),
      pending: new Map(),
      files: 0,
      alive: true,
    };
    slot.worker.on('message', ({ id, outcomes }: WorkerReply) => {
      const waiting = slot.pending.get(id) ?? [];
      slot.pending.delete(id);
      slot.files -= waiting.length;
      for (const [index, { resolve }] of waiting.entries()) resolve(outcomes[index]!);
    });
    // A dead worker fails its files in hand; the others carry on with the rest.
    const fail = (err: Error) => {
      slot.alive = false;
      for (const batch of slot.pending.values()) for (const { reject } of batch) reject(err);
      slot.pending.clear();
      slot.files = 0;
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`a conversion worker stopped (exit code ${code})`)));
    return slot;
  });
  let nextId = 0;
  let batch: { relatives: string[]; waiting: Waiting[]; now: number } | undefined;

  const send = () => {
    if (!batch) return;
    const { relatives, waiting, now } = batch;
    batch = undefined;
    const free = slots.filter((s) => s.alive).sort((a, b) => a.files - b.files)[0];
    if (!free) {
      const err = new Error('every conversion worker has stopped');
      for (const { reject } of waiting) reject(err);
      return;
    }
    const id = nextId++;
    free.pending.set(id, waiting);
    free.files += waiting.length;
    free.worker.postMessage({ id, relatives, now } satisfies WorkerRequest);
  };

  return {
    convert(relative, now) {
      return new Promise((resolve, reject) => {
        if (!batch) {
          const started = { relatives: [], waiting: [], now: now.getTime() };
          batch = started;
          // A batch that does not fill up goes once the caller has nothing more to add for now.
          setImmediate(() => {
            if (batch === started) send();
          });
        }
        batch.relatives.push(relative);
        batch.waiting.push({ resolve, reject });
        if (batch.relatives.length >= BATCH_SIZE) send();
      });
    },
    async close() {
      for (const slot of slots) slot.worker.removeAllListeners('exit');
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
