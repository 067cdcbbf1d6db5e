/** Converts one file of a folder into its place under the output folder; runs in the main thread or a worker. */
import { join } from 'node:path';
import { sourceFormat, targetFormat } from './formats.js';
import { convertBytes, type NamedOutcome } from './outcome.js';
import { readDocumentFileSync } from './read-input.js';
import { outputName } from './walk.js';
import { folderMaker, writeWholeSync } from './write-output.js';

/** Plain data, so a worker thread can be given it. */
export interface FolderJob {
  from: string;
  to: string;
  inRoot: string;
  outRoot: string;
}

/**
 * The conversion of one file, blocking: a worker thread does nothing else, and a few KiB are
 * read and written faster by direct system calls than by promises through the thread pool.
 * An I/O error is thrown (the caller counts the file as failed).
 */
export function folderFileConverter(job: FolderJob): (relative: string, now: Date) => NamedOutcome {
  const source = sourceFormat(job.from);
  const target = targetFormat(job.to);
  const makeFolder = folderMaker();
  return (relative, now) => {
    const read = readDocumentFileSync(join(job.inRoot, relative));
    if ('refused' in read) return { input: relative, ...read.refused };
    const { outcome, body } = convertBytes(read.bytes, source, target, now);
    if (!body) return { input: relative, ...outcome };
    const output = outputName(
      relative,
      { system: source.system, ext: source.fileExtension },
      { system: target.system, ext: target.fileExtension },
    );
    const path = join(job.outRoot, output);
    makeFolder(path);
    writeWholeSync(path, body);
    return { input: relative, output, ...outcome };
  };
}
