import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jsonBody, renderForSystem } from '../../../src/delivery/contract/outbound-body.js';
import { jobRequestId } from '../../../src/delivery/submissions/dispatch-effects.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';

const parsed = parseCanonicalPlan(validPlan());
if (!parsed.ok) throw new Error('the test plan must be valid');
const plan = parsed.plan;
const meta = {
  planId: '6f1c1f3e-8d1f-4a55-9d3c-0b7d3c7f2a10',
  version: 2,
  documentId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
  now: new Date('2025-02-03T09:00:00Z'),
};

describe('renderForSystem', () => {
  it("renders the plan in the destination system's own format and Content-Type", () => {
    expect(renderForSystem('lifecare', plan, meta).contentType).toBe('application/xml; charset=utf-8');
    expect(renderForSystem('procapita', plan, meta).contentType).toContain('ISO-8859-1');
    expect(renderForSystem('pulsen-combine', plan, meta).contentType).toContain('application/json');
    const fhir = renderForSystem('fhir', plan, meta);
    expect(fhir.contentType).toContain('application/fhir+json');
    expect(JSON.parse(String(fhir.body)).resourceType).toBe('Bundle');
  });

  it('gives the same bytes on every retry of one submission (the document id is the submission id)', () => {
    expect(renderForSystem('lifecare', plan, meta).body).toEqual(
      renderForSystem('lifecare', plan, meta).body,
    );
  });

  it('fails for good, not with retries, when no adapter knows the system', () => {
    expect(() => renderForSystem('excel', plan, meta)).toThrow(UnrecoverableError);
  });
});

describe('jobRequestId', () => {
  it('keeps request ids a job payload may carry, and drops others', () => {
    expect(jobRequestId('c0ffee00-1234-4abc-8def-a1b2c3d4e5f6')).toBe('c0ffee00-1234-4abc-8def-a1b2c3d4e5f6');
    expect(jobRequestId(null)).toBeUndefined();
    expect(jobRequestId('has spaces')).toBeUndefined();
    // A UUID whose last group reads like a ten-digit identity number.
    expect(jobRequestId('6d3b1a3b-04e3-4ed0-b5c0-fc0106360431')).toBeUndefined();
    expect(jobRequestId(`x-${TEST_PERSON.identityNumber}`)).toBeUndefined();
  });
});

describe('jsonBody', () => {
  it('is JSON with its Content-Type', () => {
    expect(jsonBody({ a: 1 })).toEqual({ body: '{"a":1}', contentType: 'application/json; charset=utf-8' });
  });
});
