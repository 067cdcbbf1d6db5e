import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keysCommand } from '../../../src/cli/commands/keys.command.js';
import { loadConfig } from '../../../src/config.js';
import { encryptedSecretCodec } from '../../../src/crypto/destination-secret-codec.js';
import { createFieldCipher } from '../../../src/crypto/field-cipher.js';
import { countValuesByKey, NOT_ENCRYPTED, rotateKeys } from '../../../src/crypto/rotation.js';
import {
  findDestinationWithSecret,
  insertDestination,
  plainSecretCodec,
} from '../../../src/delivery/destinations/destinations.repository.js';
import { jobTables } from '../../../src/delivery/outbox/outbox.repository.js';
import { bearer, createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-database.js';
import { runFullFlow, WEBHOOK_SECRET } from './full-flow.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const keys = (list: string, active: string) => ({
  PLANBRYGGA_ENCRYPTION_KEYS: list,
  PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: active,
});

let scratch: ScratchDatabase;
let before: TestApp;
let ids: string[];
let authorization: string;
let organisation: string;
const secret = `whsec_${randomBytes(24).toString('base64')}`;

beforeAll(async () => {
  scratch = await createScratchDatabase('keys');
  before = await createTestApp({ env: { DATABASE_URL: scratch.url, ...keys(K1, 'k1') } });
  organisation = await uniqueOrganisation(before.deps);
  authorization = await bearer(before.deps, organisation, ['admin']);
  ({ ids } = await runFullFlow(before.app, authorization, organisation));
  const destination = {
    organisation,
    kind: 'submission' as const,
    system: 'procapita',
    url: 'https://example.test/hook',
    secret,
  };
  await insertDestination(
    jobTables(before.deps.db),
    destination,
    encryptedSecretCodec(before.deps.cipher),
    new Date(),
  );
  // Rows from before encryption existed: a plain secret and a plain JSON document.
  await insertDestination(jobTables(before.deps.db), destination, plainSecretCodec, new Date());
  await sql`update plan_versions set document = convert_to(${JSON.stringify((await before.app.inject({ url: `/v1/plans/${ids[0]}?version=1`, headers: { authorization } })).json())}, 'UTF8')
    where plan_id = ${ids[0]} and version = 1`.execute(before.deps.db);
}, 120_000);

afterAll(async () => {
  await before?.close();
  await scratch?.drop();
});

const byKey = async () => {
  const counts = await countValuesByKey(before.deps.db);
  const totals = new Map<string, number>();
  for (const c of counts) totals.set(c.keyId, (totals.get(c.keyId) ?? 0) + c.count);
  return Object.fromEntries(totals);
};

describe('keys rotate', () => {
  it('starts with every value under k1, and the rows from before encryption counted apart', async () => {
    const counts = await byKey();
    expect(Object.keys(counts).sort()).toEqual([NOT_ENCRYPTED, 'k1'].sort());
    expect(counts[NOT_ENCRYPTED]).toBe(2);
    expect(counts.k1).toBeGreaterThan(10);
  });

  it('re-encrypts under k2 in batches, resumes after an interruption, and a second run does nothing', async () => {
    const k2 = createFieldCipher(loadConfig(keys(`${K1},${K2}`, 'k2')).encryption);
    const total = Object.values(await byKey()).reduce((a, b) => a + b, 0);

    await expect(
      rotateKeys(before.deps.db, k2, {
        batchSize: 3,
        onProgress: () => {
          throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const halfway = await byKey();
    expect(halfway.k2).toBe(3);

    const progress: number[] = [];
    const rotated = await rotateKeys(before.deps.db, k2, {
      batchSize: 3,
      onProgress: (p) => progress.push(p.done),
    });
    expect(rotated).toBe(total - 3);
    expect(progress.length).toBeGreaterThan(3);
    expect(await byKey()).toEqual({ k2: total });
    expect(await rotateKeys(before.deps.db, k2)).toBe(0);
  });

  it('with k1 removed from the configuration, everything still opens', async () => {
    const after = await createTestApp({ env: { DATABASE_URL: scratch.url, ...keys(K2, 'k2') } });
    try {
      for (const id of ids) {
        for (const url of [`/v1/plans/${id}`, `/v1/plans/${id}?version=1`, `/v1/plans/${id}/status`]) {
          const response = await after.app.inject({ url, headers: { authorization } });
          expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
        }
      }
      const replay = await after.app.inject({
        method: 'POST',
        url: '/v1/plans/search',
        headers: { authorization, 'idempotency-key': 'rotation-replay' },
        payload: { personnummer: '193808149821' },
      });
      expect(replay.statusCode).toBe(200);
      const { rows } = await sql<{ id: string }>`select id from destinations`.execute(after.deps.db);
      for (const { id } of rows) {
        const found = await findDestinationWithSecret(
          jobTables(after.deps.db),
          id,
          encryptedSecretCodec(after.deps.cipher),
        );
        expect([secret, WEBHOOK_SECRET]).toContain(found?.secret);
      }
      // And k1 alone opens nothing any more.
      const k1Only = createFieldCipher(loadConfig(keys(K1, 'k1')).encryption);
      const id = rows[0]?.id ?? '';
      await expect(
        findDestinationWithSecret(jobTables(after.deps.db), id, encryptedSecretCodec(k1Only)),
      ).rejects.toThrow(/not configured/);
    } finally {
      await after.close();
    }
  });

  it('the CLI prints the counts per key id and rotates', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    vi.stubEnv('DATABASE_URL', scratch.url);
    vi.stubEnv('PLANBRYGGA_ENCRYPTION_KEYS', `${K2},${K1}`);
    vi.stubEnv('PLANBRYGGA_ENCRYPTION_ACTIVE_KEY', 'k1');
    try {
      expect(await keysCommand(['status'])).toBe(0);
      expect(out.join('')).toMatch(/plan_versions\.document\tk2\t\d+/);
      out.length = 0;
      expect(await keysCommand(['rotate', '--batch-size', '50'])).toBe(0);
      expect(err.join('')).toMatch(/re-encrypting with key "k1"[\s\S]*done: \d+ value\(s\) re-encrypted/);
      expect(out.join('')).not.toMatch(/\tk2\t/);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  });
});
