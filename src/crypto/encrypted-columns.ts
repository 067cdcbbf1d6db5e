import { encryptionContexts as contexts } from './contexts.js';

/**
 * Every column that holds encrypted values, and how to rebuild a value's context from its
 * row. `keys rotate` and `keys status` walk this list, so a column that stores personal data
 * is registered here when its table is created.
 */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** `bytes`: a bytea envelope; `text`: the `pbe1:` text form. */
  encoding: 'bytes' | 'text';
  /** Columns that identify a row, in a stable order; rotation pages through them. */
  rowKey: readonly string[];
  /** Further columns the context is built from. */
  contextColumns?: readonly string[];
  context(row: Readonly<Record<string, unknown>>): string;
  /** The plaintext of a text value stored before encryption, when it was stored in another form. */
  plaintextOf?(stored: string): string;
}

const text = (value: unknown): string => String(value);

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'plan_versions',
    column: 'document',
    encoding: 'bytes',
    rowKey: ['plan_id', 'version'],
    context: (row) => contexts.planDocument(text(row.plan_id), Number(row.version)),
  },
  {
    table: 'idempotency_keys',
    column: 'response_body',
    encoding: 'bytes',
    rowKey: ['client_id', 'key'],
    context: (row) => contexts.idempotencyBody(text(row.client_id), text(row.key)),
  },
  {
    table: 'destinations',
    column: 'secret_sealed',
    encoding: 'text',
    rowKey: ['id'],
    context: () => contexts.destinationSecret(),
    // Before encryption, secrets were stored as `plain:<secret>` (plainSecretCodec).
    plaintextOf: (stored) => stored.replace(/^plain:/, ''),
  },
  // Lifecycle records (src/services/personal-fields.ts seals them), bound to their plan.
  ...(
    [
      ['signatures', 'name', contexts.signatureName],
      ['signatures', 'reason', contexts.signatureReason],
      ['deviations', 'text', contexts.deviationText],
      ['consent_records', 'covers', contexts.consentCovers],
      ['cooperation_events', 'note', contexts.cooperationNote],
      ['need_evaluations', 'summary', contexts.needEvaluationSummary],
      ['plan_ends', 'reason', contexts.planEndReason],
      ['legal_holds', 'reason', contexts.legalHoldReason],
    ] as const
  ).map(
    ([table, column, context]): EncryptedColumn => ({
      table,
      column,
      encoding: 'text',
      rowKey: ['id'],
      contextColumns: ['plan_id'],
      context: (row) => context(text(row.plan_id)),
    }),
  ),
];
