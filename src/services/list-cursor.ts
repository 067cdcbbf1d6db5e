import { badRequest } from './errors.js';

/** Keyset position in the plan list. Opaque to clients: base64url of a small JSON. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const invalid = badRequest('The cursor is not one this API handed out', [
    { path: '/cursor', message: 'is not a valid cursor' },
  ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid;
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw invalid;
  return { createdAt, id };
}
