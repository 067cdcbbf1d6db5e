/**
 * A worker thread converting folder files: the main thread walks and counts, workers read,
 * parse, render and write. Files come in batches, so a message's cost is shared by many files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FolderJob, folderFileConverter } from './folder-files.js';
import { failure, type NamedOutcome } from './outcome.js';

export interface WorkerRequest {
  id: number;
  relatives: string[];
  now: number;
}
/** The outcomes of a request's files, in the same order. */
export interface WorkerReply {
  id: number;
  outcomes: NamedOutcome[];
}

const port = parentPort;
if (port) {
  const convert = folderFileConverter(workerData as FolderJob);
  port.on('message', ({ id, relatives, now }: WorkerRequest) => {
    const at = new Date(now);
    const outcomes = relatives.map((relative): NamedOutcome => {
      try {
        return convert(relative, at);
      } catch (err) {
        return { input: relative, ...failure(err) };
      }
    });
    port.postMessage({ id, outcomes } satisfies WorkerReply);
  });
}
