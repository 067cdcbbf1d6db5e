/** The three ways `convert` meets its documents: one, a NUL-separated stream, or a folder. */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { FormatAdapter } from '../../../adapters/types.js';
import { type CliIo, writeChunk } from './cli-io.js';
import { type FolderJob, folderFileConverter } from './folder-files.js';
import type { TargetFormat } from './formats.js';
import { convertBytes, type NamedOutcome } from './outcome.js';
import {
  nulSeparatedDocuments,
  type ReadResult,
  readDocumentFile,
  readDocumentStream,
} from './read-input.js';
import { walkFiles } from './walk.js';
import { BATCH_SIZE, createWorkerPool } from './worker-pool.js';
import { writeWhole } from './write-output.js';

/** A batch ready for `runBatch`: what to walk, how to name an item, and the work per item. */
export interface ConvertPlan<T> {
  items: AsyncIterable<T> | Iterable<T>;
  name: (item: T) => string;
  job: (item: T) => Promise<NamedOutcome>;
  concurrency: number;
  /** Closes an output stream once every document is written. */
  close?: () => Promise<void>;
}

interface Formats {
  source: FormatAdapter;
  target: TargetFormat;
}

/** Where output goes when it is not a folder: stdout, or a file (written whole at the end for one document). */
export type Sink = { kind: 'stdout' } | { kind: 'file'; path: string };

/** One document from a file or stdin, to one file or stdout. */
export function singleDocument(io: CliIo, formats: Formats, input: string, sink: Sink): ConvertPlan<string> {
  const name = input === '-' ? 'stdin' : input;
  return {
    items: [name],
    name: () => name,
    concurrency: 1,
    job: async () => {
      const read = input === '-' ? await readDocumentStream(io.stdin) : await readDocumentFile(input);
      if ('refused' in read) return { input: name, ...read.refused };
      const { outcome, body } = convertBytes(read.bytes, formats.source, formats.target, io.now());
      if (body) {
        if (sink.kind === 'stdout') await writeChunk(io.stdout, body);
        else await writeWhole(sink.path, body);
      }
      return { input: name, ...(sink.kind === 'file' && body ? { output: sink.path } : {}), ...outcome };
    },
  };
}

/**
 * `--null`: documents ended by NUL bytes in, the same out, one output frame per input frame
 * (an empty one for a refused document) so the n-th output belongs to the n-th input.
 * One at a time, which keeps that order.
 */
export function documentStream(
  io: CliIo,
  formats: Formats,
  input: string,
  sink: Sink,
): ConvertPlan<{ index: number; read: ReadResult }> {
  let out: Writable = io.stdout;
  let opened: Promise<void> | undefined;
  if (sink.kind === 'file') {
    const file = createWriteStream(sink.path);
    out = file;
    opened = once(file, 'open').then(() => undefined);
  }
  const label = input === '-' ? 'stdin' : input;
  return {
    items: numbered(input, io),
    name: (item) => `${label}#${item.index}`,
    concurrency: 1,
    job: async ({ index, read }) => {
      await opened;
      const name = `${label}#${index}`;
      const converted =
        'refused' in read
          ? { outcome: read.refused }
          : convertBytes(read.bytes, formats.source, formats.target, io.now());
      if (converted.body) await writeChunk(out, converted.body);
      await writeChunk(out, NUL);
      return { input: name, ...converted.outcome };
    },
    close: async () => {
      if (out !== io.stdout) await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}

const NUL = new Uint8Array(1);

async function* numbered(input: string, io: CliIo): AsyncGenerator<{ index: number; read: ReadResult }> {
  const stream = input === '-' ? io.stdin : createReadStream(input);
  let index = 0;
  for await (const read of nulSeparatedDocuments(stream)) yield { index: ++index, read };
}

/**
 * Every matching file under `job.inRoot`, to the same relative place under `job.outRoot` with the
 * target's name; in this thread, or spread over `workers` worker threads when there are any.
 */
export function folderOfDocuments(
  io: CliIo,
  job: FolderJob,
  accept: (name: string) => boolean,
  options: { concurrency: number; workers: number },
): ConvertPlan<string> {
  const items = walkFiles(job.inRoot, accept);
  const name = (relative: string) => relative;
  if (options.workers === 0) {
    const convert = folderFileConverter(job);
    return { items, name, concurrency: 1, job: async (relative) => convert(relative, io.now()) };
  }
  const pool = createWorkerPool(options.workers, job);
  return {
    items,
    name,
    // Two full batches per worker in hand: one being converted, the next waiting in its queue.
    concurrency: Math.max(options.concurrency, options.workers * BATCH_SIZE * 2),
    job: (relative) => pool.convert(relative, io.now()),
    close: pool.close,
  };
}
