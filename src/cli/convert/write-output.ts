/** Output files appear whole or not at all: written beside their final name, then renamed. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * Creates the parent folders of output files. A depth-first walk gives the files of one folder
 * together, so remembering the last folder made saves almost every mkdir without a growing set.
 */
export function folderMaker(): (file: string) => Promise<void> {
  let last: string | undefined;
  return async (file) => {
    const folder = dirname(file);
    if (folder === last) return;
    await mkdir(folder, { recursive: true });
    last = folder;
  };
}
