import { loadConfig } from '../../config.js';
import { createFieldCipher } from '../../crypto/field-cipher.js';
import { countValuesByKey, rotateKeys } from '../../crypto/rotation.js';
import { createDatabase } from '../../db/database.js';
import { createLogger } from '../../logger.js';
import { UsageError } from '../usage-error.js';

const USAGE = 'usage: planbrygga keys status | planbrygga keys rotate [--batch-size N]';

/**
 * `keys status`: how many stored values each encryption key id protects.
 * `keys rotate`: re-encrypts every value under the active key, in batches; run it again to
 * resume. Afterwards the old key can be removed from PLANBRYGGA_ENCRYPTION_KEYS.
 */
export async function keysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'status' && sub !== 'rotate') throw new UsageError(USAGE);
  const batchSize = parseBatchSize(rest);
  const config = loadConfig();
  const db = createDatabase(config.databaseUrl, {
    ...config.database,
    maxConnections: 1,
    // Standard output carries the command's answer; an outage is noted on standard error.
    logger: createLogger(config.logLevel, process.stderr),
  });
  try {
    if (sub === 'rotate') {
      const cipher = createFieldCipher(config.encryption);
      process.stderr.write(`re-encrypting with key "${cipher.activeKeyId}"\n`);
      const total = await rotateKeys(db, cipher, {
        batchSize,
        onProgress: (p) => process.stderr.write(`  ${p.table}.${p.column}: ${p.done} re-encrypted\n`),
      });
      process.stderr.write(`done: ${total} value(s) re-encrypted\n`);
    }
    const counts = await countValuesByKey(db);
    process.stdout.write(`active key: ${config.encryption.activeKeyId}\n`);
    for (const c of counts) process.stdout.write(`${c.table}.${c.column}\t${c.keyId}\t${c.count}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

function parseBatchSize(args: string[]): number {
  if (args.length === 0) return 500;
  const [flag, value] = args;
  if (flag !== '--batch-size') throw new UsageError(`Unknown option '${flag}'\n${USAGE}`);
  const n = Number(value);
  if (args.length !== 2 || !Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new UsageError(`--batch-size must be a whole number from 1 to 10000\n${USAGE}`);
  }
  return n;
}
