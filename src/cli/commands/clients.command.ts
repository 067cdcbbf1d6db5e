import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { createFieldCipher } from '../../crypto/field-cipher.js';
import { createDatabase } from '../../db/database.js';
import { encryptedPlanDocumentCodec } from '../../db/plan-document-codec.js';
import { createClient, SCOPES, type Scope } from '../../services/clients.service.js';
import { UsageError } from '../usage-error.js';

const USAGE = 'usage: planbrygga clients create --name NAME --org MUNICIPALITY_CODE --scopes a,b,…';

/** `clients create`: prints the new key alone on stdout, so `KEY=$(planbrygga clients create …)` works. */
export async function clientsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, org: { type: 'string' }, scopes: { type: 'string' } },
    strict: true,
  });
  const name = values.name?.trim();
  if (!name) throw new UsageError(`--name is required\n${USAGE}`);
  if (!values.org || !/^\d{4}$/.test(values.org))
    throw new UsageError(`--org must be a 4-digit kommunkod\n${USAGE}`);
  const scopes = parseScopes(values.scopes);

  const config = loadConfig();
  const db = createDatabase(config.databaseUrl, { ...config.database, maxConnections: 1 });
  try {
    const cipher = createFieldCipher(config.encryption);
    const codec = encryptedPlanDocumentCodec(cipher);
    const ctx = { db, clock: () => new Date(), codec, cipher, indexKey: config.indexKey };
    const { client, key } = await createClient(ctx, { name, organisation: values.org, scopes });
    process.stderr.write(
      `created client ${client.id} (${client.name}, org ${client.organisation}, scopes ${client.scopes.join(',')})\n`,
    );
    process.stderr.write('the key is shown once; store it now\n');
    process.stdout.write(`${key}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

function parseScopes(list: string | undefined): Scope[] {
  const scopes = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError(`--scopes is required (${SCOPES.join(', ')})\n${USAGE}`);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(`unknown scope(s): ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}
