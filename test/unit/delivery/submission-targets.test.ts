import { describe, expect, it } from 'vitest';
import type { SubmissionRow } from '../../../src/db/lifecycle-schema.js';
import { planSubmissions } from '../../../src/delivery/submissions/submission-targets.js';
import { DomainError } from '../../../src/services/errors.js';

const VERSION = { version: 2, contentHash: 'hash-2' };

function submission(
  id: string,
  destination: string | null,
  status: SubmissionRow['status'],
  version = VERSION,
) {
  return {
    id,
    plan_id: 'plan',
    version: version.version,
    content_hash: version.contentHash,
    destination_id: destination,
    status,
    created_at: new Date('2026-12-01T10:00:00Z'),
    delivered_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
  } satisfies SubmissionRow;
}

describe('one delivery per submission of a version', () => {
  it('a first submit creates one submission per destination', () => {
    expect(planSubmissions(['d1', 'd2'], [], VERSION, 'submit')).toEqual({
      existing: [],
      create: ['d1', 'd2'],
    });
  });

  it('a destination that has the version queued, delivered or acknowledged keeps it and gets nothing new', () => {
    for (const status of ['queued', 'delivered', 'acknowledged'] as const) {
      const standing = submission('s1', 'd1', status);
      expect(planSubmissions(['d1'], [standing], VERSION, 'submit')).toEqual({
        existing: [standing],
        create: [],
      });
    }
  });

  it('only the destinations without the version get a new submission (one added since)', () => {
    const standing = submission('s1', 'd1', 'delivered');
    expect(planSubmissions(['d1', 'd2'], [standing], VERSION, 'submit')).toEqual({
      existing: [standing],
      create: ['d2'],
    });
  });

  it('the pull inbox is a target like a destination', () => {
    const inbox = submission('s1', null, 'delivered');
    expect(planSubmissions([null], [inbox], VERSION, 'submit')).toEqual({ existing: [inbox], create: [] });
  });

  it('a failed submission does not count: submitting again is how a sender tries once more', () => {
    expect(planSubmissions(['d1'], [submission('s1', 'd1', 'failed')], VERSION, 'submit').create).toEqual([
      'd1',
    ]);
  });

  it('another version, or other content under the same number, is a new submission', () => {
    const older = submission('s1', 'd1', 'delivered', { version: 1, contentHash: 'hash-1' });
    const otherContent = submission('s2', 'd1', 'delivered', { version: 2, contentHash: 'other' });
    expect(planSubmissions(['d1'], [older, otherContent], VERSION, 'submit').create).toEqual(['d1']);
  });

  it('a resend makes a new submission for every destination once the previous ones have arrived', () => {
    const delivered = submission('s1', 'd1', 'delivered');
    expect(planSubmissions(['d1'], [delivered], VERSION, 'resend')).toEqual({ existing: [], create: ['d1'] });
  });

  it('a resend is refused (409) while the previous submission is still queued', () => {
    const queued = submission('s1', 'd1', 'queued');
    expect(() => planSubmissions(['d1'], [queued], VERSION, 'resend')).toThrow(DomainError);
    try {
      planSubmissions(['d1'], [queued], VERSION, 'resend');
    } catch (error) {
      expect((error as DomainError).status).toBe(409);
    }
  });
});
