/** In-memory stdin, stdout and stderr for calling CLI commands as functions. */
import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/convert/cli-io.js';

export interface CapturedIo {
  io: CliIo;
  stdout(): Buffer;
  stderr(): string;
}

/** `tty` makes stderr claim to be a terminal; the clock advances 50 ms per reading so progress redraws. */
export function captureIo(options: { stdin?: Buffer; tty?: boolean } = {}): CapturedIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
  const stderr = Object.assign(sink(err), { isTTY: options.tty ?? false, columns: 100 });
  let time = Date.parse('2026-03-01T09:00:00Z');
  return {
    io: {
      stdin: Readable.from(options.stdin ? [options.stdin] : []),
      stdout: sink(out),
      stderr,
      now: () => {
        time += 50;
        return new Date(time);
      },
    },
    stdout: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}
