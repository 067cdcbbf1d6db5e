import { describe, expect, it } from 'vitest';
import { StaleVersion } from '../../../src/domain/lifecycle/errors.js';
import { lifecycleTransitions } from '../../../src/domain/lifecycle/lifecycle.js';
import {
  documentSignaturesToRecord,
  type RecordedSignature,
  recordSignature,
} from '../../../src/domain/lifecycle/signatures.js';
import type { Plan } from '../../../src/domain/plan.js';
import { signedContentHash } from '../../../src/domain/plan-hashes.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { homeCarePlan, lifecycleOf, refused, signed } from './fixtures.js';

const omsorg = presetPolicy('omsorg');

function sign(
  plan: Plan,
  signature: Parameters<typeof recordSignature>[0]['signature'],
  recorded: RecordedSignature[],
) {
  const result = recordSignature({
    signature,
    current: { version: 1, plan, signedContentHash: signedContentHash(plan) },
    policy: omsorg,
    recorded,
  });
  if (!result.ok) throw result.error;
  return result;
}

describe('issue 4: a new version after signing starts a new signing round (signaturer binds till versionens innehåll)', () => {
  const v1 = homeCarePlan();
  const v1Signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')].map(
    (s): RecordedSignature => ({ ...s, signedContentHash: signedContentHash(v1), source: 'api' }),
  );

  it('signs version 1 through the API', () => {
    expect(lifecycleOf(v1, { signatures: v1Signatures }).state).toBe('signed');
  });

  it('does not count them for a version with changed content, and moves back one step', () => {
    const v2 = homeCarePlan((p) => (p.interventions[0]!.scope = '3 besök per dag'));
    const lifecycle = lifecycleOf(v2, { signatures: v1Signatures, contentHash: 'content-v2' });
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.outstanding).toEqual(['person', 'unit_manager']);
    expect(lifecycleTransitions('signed', lifecycle.state)).toEqual([{ from: 'signed', to: 'communicated' }]);
  });

  it('lets version 1 keep its signatures', () => {
    const v2Signature: RecordedSignature = {
      ...signed('person', 'Astrid', '2025-09-20'),
      signedContentHash: 'other',
      source: 'api',
    };
    expect(lifecycleOf(v1, { signatures: [...v1Signatures, v2Signature] }).state).toBe('signed');
  });

  it('keeps the round when a push only adds a signature or the communicated date', () => {
    const pushed = homeCarePlan((p) => {
      p.signatures = [signed('contact_person', 'Maria')];
      p.dates.communicated = '2025-03-20';
    });
    expect(signedContentHash(pushed)).toBe(signedContentHash(v1));
    expect(lifecycleOf(pushed, { signatures: v1Signatures, contentHash: 'content-v2' }).state).toBe('signed');
  });

  it('hashes the same plan the same in any list order', () => {
    const a = homeCarePlan((p) => {
      p.participation.otherParticipants.push({ name: 'Maria Johansson', titleOrRelation: 'kontaktman' });
    });
    const b = homeCarePlan((p) => {
      p.participation.otherParticipants.unshift({ name: 'Maria Johansson', titleOrRelation: 'kontaktman' });
    });
    expect(signedContentHash(a)).toBe(signedContentHash(b));
    expect(signedContentHash(a)).not.toBe(signedContentHash(v1));
  });

  it('records document signatures for the version they first appear in', () => {
    const pushed = homeCarePlan(
      (p) => (p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')]),
    );
    const toRecord = documentSignaturesToRecord(pushed, signedContentHash(pushed), []);
    expect(toRecord.map((s) => [s.role, s.source, s.signedContentHash])).toEqual([
      ['person', 'document', signedContentHash(pushed)],
      ['unit_manager', 'document', signedContentHash(pushed)],
    ]);
    expect(documentSignaturesToRecord(pushed, signedContentHash(pushed), toRecord)).toEqual([]);
  });

  it('does not count a document signature the source carried over into a changed version', () => {
    const first = homeCarePlan(
      (p) => (p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')]),
    );
    const recorded = documentSignaturesToRecord(first, signedContentHash(first), []);
    const changed = homeCarePlan((p) => {
      p.signatures = first.signatures;
      p.interventions[0]!.how = 'Ny rutin.';
    });
    expect(lifecycleOf(first, { signatures: recorded }).state).toBe('signed');
    expect(lifecycleOf(changed, { signatures: recorded }).signatures.outstanding).toEqual([
      'person',
      'unit_manager',
    ]);
    expect(documentSignaturesToRecord(changed, signedContentHash(changed), recorded)).toEqual([]);
  });
});

describe('issue 4: duplicate signatures are idempotent (samma underskrift två gånger)', () => {
  const plan = homeCarePlan();

  it('records a new signature bound to the current content', () => {
    const first = sign(plan, signed('person', 'Astrid'), []);
    expect(first.outcome).toBe('recorded');
    expect(first.signature).toEqual({
      ...signed('person', 'Astrid'),
      signedContentHash: signedContentHash(plan),
      source: 'api',
    });
  });

  it('returns the stored signature for the same signature again', () => {
    const first = sign(plan, signed('person', 'Astrid'), []);
    const again = sign(plan, signed('person', 'Astrid'), [first.signature]);
    expect(again).toEqual({ ok: true, outcome: 'duplicate', signature: first.signature });
  });

  it('records a second guardian as a new signature, and the same refusal once', () => {
    const one = sign(plan, signed('guardian', 'Anna'), []);
    expect(sign(plan, signed('guardian', 'Bertil'), [one.signature]).outcome).toBe('recorded');
    const refusal = sign(plan, refused('person', 'Vill inte.'), []);
    expect(sign(plan, refused('person', 'Vill inte.'), [refusal.signature]).outcome).toBe('duplicate');
  });

  it('counts a signature given both in the document and through the API once', () => {
    const withDoc = homeCarePlan((p) => (p.signatures = [signed('person', 'Astrid')]));
    const api = sign(withDoc, signed('person', 'Astrid'), []).signature;
    expect(lifecycleOf(withDoc, { signatures: [api] }).signatures.required[0]?.signatures).toHaveLength(1);
  });

  it('refuses a signature for a version that is no longer current', () => {
    const result = recordSignature({
      signature: signed('person', 'Astrid'),
      requestedVersion: 1,
      current: { version: 2, plan, signedContentHash: signedContentHash(plan) },
      policy: omsorg,
      recorded: [],
    });
    expect(result.ok ? undefined : result.error).toBeInstanceOf(StaleVersion);
  });
});

describe('issue 4: roles the policy does not require are accepted but do not count (ej krävda roller räknas inte)', () => {
  it('records a signature by a role not required (the contact person outside Lifecare) and lists it apart', () => {
    const plan = homeCarePlan();
    expect(sign(plan, signed('contact_person', 'Maria'), []).outcome).toBe('recorded');
    const withContact = homeCarePlan(
      (p) => (p.signatures = [signed('contact_person', 'Maria'), signed('unit_manager', 'Lena')]),
    );
    const lifecycle = lifecycleOf(withContact);
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.outstanding).toEqual(['person']);
    expect(lifecycle.signatures.notRequired).toEqual([signed('contact_person', 'Maria')]);
  });
});

describe('issue 4: each transition is recorded step by step (varje övergång registreras)', () => {
  it('records every step of a forward jump', () => {
    expect(lifecycleTransitions(undefined, 'signed')).toEqual([
      { from: 'draft', to: 'established' },
      { from: 'established', to: 'communicated' },
      { from: 'communicated', to: 'signed' },
    ]);
  });

  it('records nothing for a new draft or an unchanged state', () => {
    expect(lifecycleTransitions(undefined, 'draft')).toEqual([]);
    expect(lifecycleTransitions('submitted', 'submitted')).toEqual([]);
  });

  it('records a backward move as one step', () => {
    expect(lifecycleTransitions('acknowledged', 'draft')).toEqual([{ from: 'acknowledged', to: 'draft' }]);
  });
});
