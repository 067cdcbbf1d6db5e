/**
 * Group commit for the audit log: requests answered at the same time share one INSERT, and
 * each waits for the commit that holds its own entry before its answer leaves. The guarantee
 * stays that of one INSERT per request (no answer without a committed entry; when the write
 * fails the answer is withheld), at one commit, one WAL flush, per batch instead of per request.
 *
 * While a batch is being written the next one gathers; an idle process writes at once, so a
 * lone request waits no longer than before. A failed batch is written again entry by entry, so
 * one entry the database refuses withholds only its own request's answer.
 */
import type { NewAuditEntry } from '../../db/repositories/audit.repository.js';

/** Entries in one INSERT at most: bounds a statement's size under any load. */
const MAX_BATCH = 500;

interface Waiting {
  entry: NewAuditEntry;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface AuditBatch {
  /** Resolves once the entry is committed; rejects when it could not be written. */
  record(entry: NewAuditEntry): Promise<void>;
}

export function auditBatch(insert: (entries: NewAuditEntry[]) => Promise<void>): AuditBatch {
  let gathering: Waiting[] = [];
  let writing = false;

  const write = async (batch: Waiting[]): Promise<void> => {
    try {
      await insert(batch.map((w) => w.entry));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else await Promise.all(batch.map((w) => write([w])));
    }
  };

  const drain = async (): Promise<void> => {
    writing = true;
    while (gathering.length > 0) {
      const batch = gathering.slice(0, MAX_BATCH);
      gathering = gathering.slice(MAX_BATCH);
      await write(batch);
    }
    writing = false;
  };

  return {
    record: (entry) =>
      new Promise<void>((resolve, reject) => {
        gathering.push({ entry, resolve, reject });
        if (!writing) void drain();
      }),
  };
}
