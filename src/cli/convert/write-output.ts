/** Output files appear whole or not at all: written beside their final name, then renamed. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeWhole(path: string, body: Uint8Array): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, body);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** `writeWhole` with blocking calls, for a worker thread converting a folder (see readDocumentFileSync). */
export function writeWholeSync(path: string, body: Uint8Array): void {
  const partial = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(partial, body);
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/**
 * Creates the parent folders of output files. A depth-first walk gives the files of one folder
 * together, so remembering the last folder made saves almost every mkdir without a growing set.
 */
export function folderMaker(): (file: string) => void {
  let last: string | undefined;
  return (file) => {
    const folder = dirname(file);
    if (folder === last) return;
    mkdirSync(folder, { recursive: true });
    last = folder;
  };
}
