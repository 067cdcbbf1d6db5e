import type { ChangePosition } from '../db/repositories/plan-changes.repository.js';
import { badRequest } from './errors.js';

/** Before anything: the default `?after=0`. */
export const FEED_START: ChangePosition = { txId: '0', seq: '0' };

const DECIMAL = /^(0|[1-9]\d{0,18})$/;

/** Opaque to clients: base64url of a small JSON, like the plan list's cursor. */
export function encodeChangeCursor(position: ChangePosition): string {
  return Buffer.from(JSON.stringify([position.txId, position.seq])).toString('base64url');
}

/**
 * Also accepts a bare seq, the cursor handed out before the feed was ordered by transaction:
 * every row then carries tx_id 1, so (1, seq) resumes where that cursor left off.
 */
export function decodeChangeCursor(cursor: string): ChangePosition {
  if (cursor === '0') return FEED_START;
  if (DECIMAL.test(cursor)) return { txId: '1', seq: cursor };
  const invalid = badRequest('The cursor is not one this API handed out', [
    { path: '/after', message: 'is not a valid cursor' },
  ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid;
  const [txId, seq] = decoded as unknown[];
  if (typeof txId !== 'string' || typeof seq !== 'string' || !DECIMAL.test(txId) || !DECIMAL.test(seq)) {
    throw invalid;
  }
  return { txId, seq };
}
