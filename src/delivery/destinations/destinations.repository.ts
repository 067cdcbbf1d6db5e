import { decodeWebhookSecret } from '../contract/webhook-signature.js';
import type { JobsExecutor } from '../outbox/outbox.repository.js';
import type { DestinationKind } from '../schema.js';

/**
 * How a destination's signing secret is stored. Callers see plain `whsec_` secrets; the
 * stored form is this codec's business (plain today, encrypted at rest later). Stored values
 * carry a scheme prefix so a later codec still opens older rows.
 */
export interface DestinationSecretCodec {
  seal(secret: string): string;
  open(sealed: string): string;
}

const PLAIN = 'plain:';

export const plainSecretCodec: DestinationSecretCodec = {
  seal: (secret) => `${PLAIN}${secret}`,
  open: (sealed) => {
    if (!sealed.startsWith(PLAIN)) throw new Error('destination secret is sealed with an unknown scheme');
    return sealed.slice(PLAIN.length);
  },
};

/** A destination as any API may show it: never the secret. */
export interface Destination {
  id: string;
  organisation: string;
  kind: DestinationKind;
  system: string;
  url: string;
  createdAt: Date;
  disabledAt: Date | null;
}

/** A destination with its secret opened, for the worker that signs a delivery and nobody else. */
export interface DestinationWithSecret extends Destination {
  secret: string;
}

export interface NewDestination {
  organisation: string;
  kind: DestinationKind;
  system: string;
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
}

// Selected explicitly so the sealed secret is never read where it is not needed.
const PUBLIC_COLUMNS = ['id', 'organisation', 'kind', 'system', 'url', 'created_at', 'disabled_at'] as const;

type PublicRow = {
  id: string;
  organisation: string;
  kind: DestinationKind;
  system: string;
  url: string;
  created_at: Date;
  disabled_at: Date | null;
};

function toDestination(row: PublicRow): Destination {
  return {
    id: row.id,
    organisation: row.organisation,
    kind: row.kind,
    system: row.system,
    url: row.url,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export async function insertDestination(
  db: JobsExecutor,
  destination: NewDestination,
  codec: DestinationSecretCodec,
  now: Date,
): Promise<Destination> {
  decodeWebhookSecret(destination.secret);
  const row = await db
    .insertInto('destinations')
    .values({
      organisation: destination.organisation,
      kind: destination.kind,
      system: destination.system,
      url: destination.url,
      secret_sealed: codec.seal(destination.secret),
      created_at: now,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return toDestination(row);
}

/** The organisation's enabled destinations of the given kinds, oldest first: whom a job fans out to. */
export async function listActiveDestinations(
  db: JobsExecutor,
  organisation: string,
  kinds: readonly DestinationKind[],
): Promise<Destination[]> {
  const rows = await activeDestinationsQuery(db, organisation).where('kind', 'in', kinds).execute();
  return rows.map(toDestination);
}

/** The organisation's enabled destinations of every kind, oldest first, as a query to nest in a larger read. */
export function activeDestinationsQuery(db: JobsExecutor, organisation: string) {
  return db
    .selectFrom('destinations')
    .select(PUBLIC_COLUMNS)
    .where('organisation', '=', organisation)
    .where('disabled_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id');
}

/** A destination row that came back as JSON (nested in a larger read): its times are text. */
export function destinationFromJson(
  row: Omit<PublicRow, 'created_at' | 'disabled_at'> & { created_at: string; disabled_at: string | null },
): Destination {
  return toDestination({
    ...row,
    created_at: new Date(row.created_at),
    disabled_at: row.disabled_at === null ? null : new Date(row.disabled_at),
  });
}

export async function listDestinations(db: JobsExecutor, organisation: string): Promise<Destination[]> {
  const rows = await db
    .selectFrom('destinations')
    .select(PUBLIC_COLUMNS)
    .where('organisation', '=', organisation)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toDestination);
}

/** One destination with its sealed secret, as a query to nest in a larger read. */
export function destinationWithSecretQuery(db: JobsExecutor, id: string) {
  return db
    .selectFrom('destinations')
    .select([...PUBLIC_COLUMNS, 'secret_sealed'])
    .where('id', '=', id);
}

/** A destination with its sealed secret that came back as JSON: its secret opened. */
export function destinationWithSecretFromJson(
  row: Parameters<typeof destinationFromJson>[0] & { secret_sealed: string },
  codec: DestinationSecretCodec,
): DestinationWithSecret {
  return { ...destinationFromJson(row), secret: codec.open(row.secret_sealed) };
}

export async function findDestinationWithSecret(
  db: JobsExecutor,
  id: string,
  codec: DestinationSecretCodec,
): Promise<DestinationWithSecret | undefined> {
  const row = await destinationWithSecretQuery(db, id).executeTakeFirst();
  if (!row) return undefined;
  return { ...toDestination(row), secret: codec.open(row.secret_sealed) };
}

export async function disableDestination(db: JobsExecutor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('destinations')
    .set({ disabled_at: now })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
