import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAdapters } from '../../adapters/index.js';
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import type { Plan } from '../../src/domain/plan.js';
import { validPlan } from '../arbitraries/plan.js';

const context = { now: new Date('2025-01-01T00:00:00Z'), documentId: '0b9e7c52-3f4d-4c1a-8e2b-5d6f7a8b9c0d' };
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

type Mutation = { kind: 'cut' | 'repeat' | 'replace'; at: number; length: number; bytes: Uint8Array };

/** A small edit of a document: cut, repeat or replace a stretch of bytes. */
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('cut', 'repeat', 'replace'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 40 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
});

function mutate(body: Buffer, { kind, at, length, bytes }: Mutation): Buffer {
  const start = Math.floor(at * body.length);
  const end = Math.min(body.length, start + length);
  const head = body.subarray(0, start);
  const tail = body.subarray(end);
  if (kind === 'cut') return Buffer.concat([head, tail]);
  if (kind === 'repeat') return Buffer.concat([body.subarray(0, end), body.subarray(start)]);
  return Buffer.concat([head, bytes, tail]);
}

/** Ways to spoil an identity number. */
const spoilers = fc.constantFrom(
  (id: string) => `${id.slice(0, 11)}${(Number(id[11]) + 1) % 10}`, // check digit
  (id: string) => `${id.slice(0, 4)}13${id.slice(6)}`, // month 13
  (id: string) => id.slice(0, 11), // 11 digits
  (id: string) => `${id}0`, // 13 digits
  (id: string) => `${id.slice(0, 11)}X`,
);

const dashed = (id: string) => `${id.slice(0, 8)}-${id.slice(8)}`;

function expectNoIdentityNumber(issues: FieldIssue[], id: string): void {
  const text = JSON.stringify(issues);
  for (const spelling of [id, id.slice(2), dashed(id), dashed(id).slice(2)]) {
    if (spelling.length >= 10) expect(text).not.toContain(spelling);
  }
}

describe.each(Object.values(formatAdapters))('$system, given a hostile document', (adapter) => {
  const render = (plan: Plan) => {
    const rendered = adapter.render(plan, context);
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    return rendered.body;
  };

  it('answers a damaged document with a valid plan or a refusal, never throws, never names the identity number', () => {
    fc.assert(
      fc.property(validPlan, fc.array(mutation, { minLength: 1, maxLength: 3 }), (plan, mutations) => {
        const outcome = adapter.parse(mutations.reduce(mutate, render(plan)));
        if (outcome.ok) {
          expect(parseCanonicalPlan(outcome.plan)).toEqual({ ok: true, plan: outcome.plan });
          return;
        }
        expect([400, 413, 422]).toContain(outcome.status);
        expect(outcome.issues.length).toBeGreaterThan(0);
        expectNoIdentityNumber(outcome.issues, plan.person.identityNumber);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuses a spoilt identity number at its field without repeating it', () => {
    fc.assert(
      fc.property(validPlan, spoilers, (plan, spoil) => {
        const id = plan.person.identityNumber;
        const bad = spoil(id);
        // Every format writes the number in ASCII, as 12 digits or YYYYMMDD-NNNC.
        const text = render(plan).toString('latin1').replaceAll(id, bad).replaceAll(dashed(id), dashed(bad));
        const outcome = adapter.parse(Buffer.from(text, 'latin1'));
        expect(outcome).toMatchObject({ ok: false, status: 422 });
        if (outcome.ok) return;
        expect(outcome.issues.map((issue) => issue.path).join(' ')).toMatch(
          /personnummer|PNR|samordningsnummer/i,
        );
        expectNoIdentityNumber(outcome.issues, id);
        expectNoIdentityNumber(outcome.issues, bad);
      }),
      { numRuns: Math.ceil(NUM_RUNS / 3) },
    );
  });
});
