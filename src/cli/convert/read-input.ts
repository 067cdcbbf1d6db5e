/** Reads documents from files and stdin without ever holding more than one document past the size limit. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MAX_DOCUMENT_BYTES } from '../../../adapters/types.js';
import type { Outcome } from './outcome.js';

/** A document's bytes, or the refusal of one too large to read (the adapters' own 413, decided before reading). */
export type ReadResult = { bytes: Buffer } | { refused: Outcome };

const TOO_LARGE: Outcome = {
  result: 'refused',
  stage: 'parse',
  status: 413,
  issues: [{ path: '', message: `the document is larger than ${MAX_DOCUMENT_BYTES} bytes` }],
};

export async function readDocumentFile(path: string): Promise<ReadResult> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_DOCUMENT_BYTES) return { refused: TOO_LARGE };
    return { bytes: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/**
 * `readDocumentFile` for a worker thread converting a folder: blocking calls straight to the
 * system (open, fstat, one read, close) instead of four round trips through the thread pool,
 * which cost more than the reading itself for files of a few KiB.
 */
export function readDocumentFileSync(path: string): ReadResult {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_DOCUMENT_BYTES) return { refused: TOO_LARGE };
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    // A file that shrank since fstat is read as far as it goes.
    return { bytes: filled === size ? bytes : bytes.subarray(0, filled) };
  } finally {
    closeSync(fd);
  }
}

/** The whole of stdin as one document; stops reading once it is known to be too large. */
export async function readDocumentStream(stream: Readable): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DOCUMENT_BYTES) {
      stream.destroy();
      return { refused: TOO_LARGE };
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks, size) };
}

/**
 * Many documents on one stream, each ended by a NUL byte (`--null`): no format can contain
 * NUL (XML forbids U+0000, JSON escapes it, UTF-8 and ISO-8859-1 only encode it as 0x00).
 * A last document without its NUL counts; an oversized one is skipped to its NUL and refused.
 */
export async function* nulSeparatedDocuments(stream: Readable): AsyncGenerator<ReadResult> {
  let parts: Buffer[] = [];
  let size = 0;
  const take = (): ReadResult => {
    const result: ReadResult =
      size > MAX_DOCUMENT_BYTES ? { refused: TOO_LARGE } : { bytes: Buffer.concat(parts, size) };
    parts = [];
    size = 0;
    return result;
  };
  const keep = (piece: Buffer) => {
    size += piece.length;
    // Past the limit only the count matters: the bytes are dropped so memory stays bounded.
    if (size <= MAX_DOCUMENT_BYTES) parts.push(piece);
    else parts = [];
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, start)) {
      keep(chunk.subarray(start, nul));
      yield take();
      start = nul + 1;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
  }
  if (size > 0) yield take();
}
