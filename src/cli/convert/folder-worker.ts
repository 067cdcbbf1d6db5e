/** A worker thread converting folder files: the main thread walks and counts, workers parse and render. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FolderJob, folderFileConverter } from './folder-files.js';
import { failure, type NamedOutcome } from './outcome.js';

export interface WorkerRequest {
  id: number;
  relative: string;
  now: number;
}
export interface WorkerReply {
  id: number;
  outcome: NamedOutcome;
}

const port = parentPort;
if (port) {
  const convert = folderFileConverter(workerData as FolderJob);
  port.on('message', (request: WorkerRequest) => {
    convert(request.relative, new Date(request.now)).then(
      (outcome) => port.postMessage({ id: request.id, outcome } satisfies WorkerReply),
      (err: unknown) =>
        port.postMessage({
          id: request.id,
          outcome: { input: request.relative, ...failure(err) },
        } satisfies WorkerReply),
    );
  });
}
