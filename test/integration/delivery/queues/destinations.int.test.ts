import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../../../src/delivery/contract/webhook-signature.js';
import {
  disableDestination,
  findDestinationWithSecret,
  insertDestination,
  listActiveDestinations,
  listDestinations,
  plainSecretCodec,
} from '../../../../src/delivery/destinations/destinations.repository.js';
import { jobTables } from '../../../../src/delivery/outbox/outbox.repository.js';
import { isolatedDatabase } from '../../../helpers/scratch-database.js';

let database: Awaited<ReturnType<typeof isolatedDatabase>>;

beforeAll(async () => {
  database = await isolatedDatabase('jobs');
});

afterAll(async () => {
  await database?.drop();
});

const NOW = new Date('2026-11-23T10:00:00Z');

describe('destinations repository', () => {
  it('stores the secret sealed and shows it only to the delivering worker', async () => {
    const db = jobTables(database.db);
    const secret = generateWebhookSecret();
    const created = await insertDestination(
      db,
      {
        organisation: '0180',
        kind: 'status',
        system: 'lifecare',
        url: 'https://status.example.se/hook',
        secret,
      },
      plainSecretCodec,
      NOW,
    );
    expect(created).toEqual({
      id: expect.any(String),
      organisation: '0180',
      kind: 'status',
      system: 'lifecare',
      url: 'https://status.example.se/hook',
      createdAt: NOW,
      disabledAt: null,
    });
    expect(JSON.stringify(await listDestinations(db, '0180'))).not.toContain(secret.slice(6));

    const { rows } = await sql<{ secret_sealed: string }>`select secret_sealed from destinations`.execute(db);
    expect(rows[0]?.secret_sealed).toBe(plainSecretCodec.seal(secret));
    expect((await findDestinationWithSecret(db, created.id, plainSecretCodec))?.secret).toBe(secret);
  });

  it('refuses a secret that is not a webhook secret before storing anything', async () => {
    const db = jobTables(database.db);
    const attempt = insertDestination(
      db,
      {
        organisation: '0181',
        kind: 'planner',
        system: 'procapita',
        url: 'https://p.example.se',
        secret: 'whsec_AAAA',
      },
      plainSecretCodec,
      NOW,
    );
    await expect(attempt).rejects.toThrow('webhook secret');
    expect(await listDestinations(db, '0181')).toEqual([]);
  });

  it('fans out only to the organisation’s enabled destinations of the kind', async () => {
    const db = jobTables(database.db);
    const make = (organisation: string, kind: 'submission' | 'signoff') =>
      insertDestination(
        db,
        {
          organisation,
          kind,
          system: 'pulsen-combine',
          url: 'https://x.example.se',
          secret: generateWebhookSecret(),
        },
        plainSecretCodec,
        NOW,
      );
    const first = await make('0182', 'submission');
    const second = await make('0182', 'submission');
    await make('0182', 'signoff');
    await make('0183', 'submission');
    expect(await disableDestination(db, first.id, NOW)).toBe(true);
    expect(await disableDestination(db, first.id, NOW)).toBe(false);
    expect((await listActiveDestinations(db, '0182', ['submission'])).map((d) => d.id)).toEqual([second.id]);
  });
});
