/** `--report FILE`: one JSON line per document, written as results arrive, never gathered first. */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeChunk } from './cli-io.js';
import type { NamedOutcome } from './outcome.js';

export interface ReportWriter {
  write(outcome: NamedOutcome): Promise<void>;
  close(): Promise<void>;
}

export async function openReport(path: string): Promise<ReportWriter> {
  const stream: WriteStream = createWriteStream(path, { flags: 'w' });
  await once(stream, 'open');
  return {
    write: (outcome) => writeChunk(stream, `${JSON.stringify(outcome)}\n`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      }),
  };
}
