import { formatAdapters } from '../../../adapters/index.js';
import type { Database } from '../../db/schema.js';
import type { FieldIssue } from '../../domain/field-issue.js';
import type { ServiceContext } from '../../services/context.js';
import { invalidRequest, notFound } from '../../services/errors.js';
import { generateWebhookSecret } from '../contract/webhook-signature.js';
import { jobTables } from '../outbox/outbox.repository.js';
import { newDestinationSchema } from './destination.schema.js';
import {
  type Destination,
  type DestinationSecretCodec,
  disableDestination,
  insertDestination,
  listDestinations,
} from './destinations.repository.js';

/** Systems a submission can be rendered for: every adapter, and FHIR R4. */
export const SUBMISSION_SYSTEMS: readonly string[] = [...Object.keys(formatAdapters), 'fhir'];

export interface DestinationInput {
  organisation: string;
  kind: string;
  system: string;
  url: string;
  /** `whsec_<base64>`; generated when absent. */
  secret?: string;
}

/**
 * Registers where an organisation's deliveries of one kind go. Returns the secret only so the
 * CLI can print a generated one once; no API answer ever carries it.
 */
export async function createDestination(
  ctx: ServiceContext,
  secrets: DestinationSecretCodec,
  input: DestinationInput,
): Promise<{ destination: Destination; secret: string; generated: boolean }> {
  const secret = input.secret ?? generateWebhookSecret();
  const parsed = newDestinationSchema.safeParse({ ...input, secret });
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((issue) => ({
      path: `/${issue.path.join('/')}`,
      message: issue.message,
    }));
    throw invalidRequest(issues, 'The destination is not valid');
  }
  if (parsed.data.kind === 'submission' && !SUBMISSION_SYSTEMS.includes(parsed.data.system)) {
    throw invalidRequest(
      [
        {
          path: '/system',
          message: `must be a system plans can be rendered for: ${SUBMISSION_SYSTEMS.join(', ')}`,
        },
      ],
      'The destination is not valid',
    );
  }
  const destination = await insertDestination(jobTables<Database>(ctx.db), parsed.data, secrets, ctx.clock());
  return { destination, secret, generated: input.secret === undefined };
}

export function listOwnDestinations(ctx: ServiceContext, organisation: string): Promise<Destination[]> {
  return listDestinations(jobTables<Database>(ctx.db), organisation);
}

/** Disables one of the organisation's destinations; its queued deliveries then fail visibly. */
export async function disableOwnDestination(
  ctx: ServiceContext,
  organisation: string,
  id: string,
): Promise<void> {
  const own = (await listOwnDestinations(ctx, organisation)).find(
    (d) => d.id === id && d.disabledAt === null,
  );
  if (!own) throw notFound('The destination');
  await disableDestination(jobTables<Database>(ctx.db), id, ctx.clock());
}
