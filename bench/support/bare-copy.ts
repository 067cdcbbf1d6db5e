// The convert-cli benchmark's floor: the CLI's own file handling without the conversion. Walks
// IN as `convert` does, reads each file and writes its bytes whole under OUT (beside the final
// name, then renamed) with the same blocking calls a conversion worker uses, in one thread.
// Run as its own process: node bare-copy.js IN OUT
import { join } from 'node:path';
import { readDocumentFileSync } from '../../src/cli/convert/read-input.js';
import { walkFiles } from '../../src/cli/convert/walk.js';
import { folderMaker, writeWholeSync } from '../../src/cli/convert/write-output.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: bare-copy IN OUT');
const makeFolder = folderMaker();
for await (const relative of walkFiles(input, () => true)) {
  const read = readDocumentFileSync(join(input, relative));
  if ('refused' in read) throw new Error(`${relative} is too large`);
  const path = join(output, relative);
  makeFolder(path);
  writeWholeSync(path, read.bytes);
}
