// The convert-cli benchmark's floor: the CLI's own file handling without the conversion. Walks
// IN as `convert` does, reads each file and writes its bytes whole under OUT (beside the final
// name, then renamed), at the same number of files in flight. Run as its own process:
// node bare-copy.js IN OUT [CONCURRENCY]
import { join } from 'node:path';
import { forEachBounded } from '../../src/cli/convert/pool.js';
import { readDocumentFile } from '../../src/cli/convert/read-input.js';
import { walkFiles } from '../../src/cli/convert/walk.js';
import { folderMaker, writeWhole } from '../../src/cli/convert/write-output.js';

const [input, output, concurrency = '8'] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: bare-copy IN OUT [CONCURRENCY]');
const makeFolder = folderMaker();
await forEachBounded(
  walkFiles(input, () => true),
  Number(concurrency),
  async (relative) => {
    const read = await readDocumentFile(join(input, relative));
    if ('refused' in read) throw new Error(`${relative} is too large`);
    const path = join(output, relative);
    await makeFolder(path);
    await writeWhole(path, read.bytes);
  },
);
