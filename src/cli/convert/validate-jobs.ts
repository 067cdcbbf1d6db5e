/** The documents `validate` checks: files, folders walked recursively, and stdin. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FormatAdapter } from '../../../adapters/types.js';
import type { CliIo } from './cli-io.js';
import { type NamedOutcome, validateBytes } from './outcome.js';
import { readDocumentFile, readDocumentStream } from './read-input.js';
import { walkFiles } from './walk.js';

/** Each argument in turn: a folder's matching files (named folder/relative path), a file, or `-` for stdin. */
export async function* documentsOf(
  targets: readonly string[],
  accept: (name: string) => boolean,
): AsyncGenerator<string> {
  for (const target of targets) {
    if (target !== '-' && (await stat(target)).isDirectory()) {
      for await (const rel of walkFiles(target, accept)) yield join(target, rel);
    } else {
      yield target;
    }
  }
}

export function validateJob(io: CliIo, source: FormatAdapter): (path: string) => Promise<NamedOutcome> {
  return async (path) => {
    const input = path === '-' ? 'stdin' : path;
    const read = path === '-' ? await readDocumentStream(io.stdin) : await readDocumentFile(path);
    if ('refused' in read) return { input, ...read.refused };
    return { input, ...validateBytes(read.bytes, source) };
  };
}
