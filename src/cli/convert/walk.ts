/** Streams the files under a folder: one open directory per level, never a whole listing in memory. */
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** Relative paths (with `/`) of the regular files under `root` whose name passes `accept`, depth first. */
export async function* walkFiles(root: string, accept: (name: string) => boolean): AsyncGenerator<string> {
  yield* walk(root, '', accept);
}

async function* walk(
  root: string,
  relative: string,
  accept: (name: string) => boolean,
): AsyncGenerator<string> {
  // opendir reads entries in small batches; the iterator closes the handle when the loop ends.
  const dir = await opendir(join(root, relative), { bufferSize: 64 });
  for await (const entry of dir) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(root, path, accept);
    else if (entry.isFile() && accept(entry.name)) yield path;
  }
}

/** How many files a walk will yield, for the progress bar's ETA; costs one pass over the directories. */
export async function countFiles(root: string, accept: (name: string) => boolean): Promise<number> {
  let count = 0;
  for await (const _ of walkFiles(root, accept)) count++;
  return count;
}

/** Accepts names ending in `.ext`, or every name except hidden ones when `all` is set. */
export function fileFilter(extension: string, all: boolean): (name: string) => boolean {
  if (all) return (name) => !name.startsWith('.');
  const suffix = `.${extension}`.toLowerCase();
  return (name) => name.toLowerCase().endsWith(suffix) && !name.startsWith('.');
}

/**
 * The output name of a converted file: `plan.procapita.xml` → `plan.lifecare.xml` when the
 * name carries the source system, otherwise the extension is swapped (or added).
 */
export function outputName(
  relative: string,
  from: { system: string; ext: string },
  to: { system: string; ext: string },
): string {
  const lower = relative.toLowerCase();
  const tagged = `.${from.system}.${from.ext}`;
  if (lower.endsWith(tagged)) return `${relative.slice(0, -tagged.length)}.${to.system}.${to.ext}`;
  const slash = relative.lastIndexOf('/');
  const dot = relative.lastIndexOf('.');
  const stem = dot > slash + 1 ? relative.slice(0, dot) : relative;
  return `${stem}.${to.ext}`;
}
