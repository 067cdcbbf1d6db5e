import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { encryptedSecretCodec } from '../../crypto/destination-secret-codec.js';
import { createFieldCipher } from '../../crypto/field-cipher.js';
import { createDatabase } from '../../db/database.js';
import { encryptedPlanDocumentCodec } from '../../db/plan-document-codec.js';
import { createDestination } from '../../delivery/destinations/destinations.service.js';
import { DomainError } from '../../services/errors.js';
import { UsageError } from '../usage-error.js';

const USAGE =
  'usage: planbrygga destinations create --org CODE --kind submission|signoff|planner|status --system SYSTEM --url URL [--secret whsec_…]';

/**
 * `destinations create`: registers where an organisation's deliveries of one kind go. Without
 * `--secret` a fresh one is generated and printed, alone, on stdout (once; only its encrypted
 * form is stored), so `SECRET=$(planbrygga destinations create …)` works.
 */
export async function destinationsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      kind: { type: 'string' },
      system: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
    },
    strict: true,
  });
  for (const flag of ['org', 'kind', 'system', 'url'] as const) {
    if (!values[flag]) throw new UsageError(`--${flag} is required\n${USAGE}`);
  }

  const config = loadConfig();
  const db = createDatabase(config.databaseUrl, { ...config.database, maxConnections: 1 });
  try {
    const cipher = createFieldCipher(config.encryption);
    const ctx = {
      db,
      clock: () => new Date(),
      codec: encryptedPlanDocumentCodec(cipher),
      cipher,
      indexKey: config.indexKey,
    };
    const { destination, secret, generated } = await createDestination(ctx, encryptedSecretCodec(cipher), {
      organisation: values.org!,
      kind: values.kind!,
      system: values.system!,
      url: values.url!,
      ...(values.secret !== undefined && { secret: values.secret }),
    });
    process.stderr.write(
      `created ${destination.kind} destination ${destination.id} (org ${destination.organisation}, ${destination.system}, ${destination.url})\n`,
    );
    if (generated) {
      process.stderr.write('the signing secret is shown once; give it to the receiver now\n');
      process.stdout.write(`${secret}\n`);
    }
    return 0;
  } catch (err) {
    // Field paths and rules only: the secret itself is never echoed.
    if (err instanceof DomainError) {
      throw new UsageError(
        `${err.message}:\n${err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      );
    }
    throw err;
  } finally {
    await db.destroy();
  }
}
