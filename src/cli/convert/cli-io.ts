import type { Readable, Writable } from 'node:stream';

/** The process streams a command talks through; tests pass their own. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** The clock for export times in rendered documents and for progress rates. */
  now: () => Date;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date() };
}

/** Writes and waits when the stream's buffer is full, so a slow reader never makes us hold everything. */
export async function writeChunk(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
  });
}
