import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';

/**
 * The operationIds are part of the API contract: generated clients name their functions after
 * them, so an id that changes or disappears breaks every integrator's build. This table is the
 * contract. A new operation: add its line. Renaming or removing one is a breaking change of the
 * API and needs a new major version, not an edit here.
 */
const OPERATION_IDS: Readonly<Record<string, string>> = {
  'GET /health': 'getLiveness',
  'GET /ready': 'getReadiness',
  'POST /v1/plans': 'pushPlan',
  'GET /v1/plans': 'listPlans',
  'POST /v1/plans/search': 'searchPlans',
  'GET /v1/plans/{id}': 'getPlan',
  'GET /v1/plans/{id}/versions': 'listPlanVersions',
  'GET /v1/plans/{id}/status': 'getPlanStatus',
  'GET /v1/plans/{id}/document.pdf': 'getFinalDocument',
  'POST /v1/systems/{system}/plans': 'pushNativePlan',
  'GET /v1/systems/{system}/plans/{id}': 'getNativePlan',
  'GET /v1/systems/fhir/plans/{id}': 'getFhirPlan',
  'GET /v1/changes': 'listChanges',
  'GET /v1/compliance/overdue': 'listOverduePlans',
  'POST /v1/plans/{id}/signatures': 'signPlan',
  'POST /v1/plans/{id}/deviations': 'recordDeviation',
  'GET /v1/plans/{id}/deviations': 'getMonthlyCompilation',
  'POST /v1/plans/{id}/consents': 'recordConsent',
  'POST /v1/plans/{id}/cooperation': 'recordCooperation',
  'POST /v1/plans/{id}/reviews': 'recordReview',
  'GET /v1/plans/{id}/reviews': 'listReviews',
  'POST /v1/plans/{id}/end': 'endPlan',
  'POST /v1/plans/{id}/submissions': 'submitPlan',
  'GET /v1/plans/{id}/submissions/{sid}': 'getSubmission',
  'POST /v1/plans/{id}/submissions/{sid}/receipt': 'recordSubmissionReceipt',
  'GET /v1/inbox': 'listInbox',
  'POST /v1/inbox/{id}/ack': 'acknowledgeInboxItem',
  'POST /v1/plans/{id}/need-evaluations': 'submitNeedEvaluation',
  'GET /v1/plans/{id}/need-evaluations': 'listNeedEvaluations',
  'POST /v1/plans/{id}/need-evaluations/{eid}/receipt': 'recordNeedEvaluationReceipt',
  'GET /v1/inbox/need-evaluations': 'listInboxNeedEvaluations',
  'POST /v1/plans/{id}/holds': 'placeLegalHold',
  'DELETE /v1/plans/{id}/holds/{holdId}': 'releaseLegalHold',
  'POST /v1/plans/{id}/erasure': 'erasePlan',
  'POST /v1/admin/subject-access': 'getSubjectAccess',
  'PUT /v1/admin/policies/{org}': 'setOrganisationPolicy',
  'GET /v1/admin/policies/{org}': 'getOrganisationPolicy',
  'PUT /v1/admin/policies/{org}/units/{unit}': 'setUnitPolicy',
  'GET /v1/admin/policies/{org}/units/{unit}': 'getUnitPolicy',
  'POST /v1/admin/destinations': 'createDestination',
  'GET /v1/admin/destinations': 'listDestinations',
  'DELETE /v1/admin/destinations/{id}': 'disableDestination',
  'GET /v1/admin/deliveries': 'listDeliveries',
  'POST /v1/admin/deliveries/{id}/retry': 'retryDelivery',
  'POST /v1/admin/deliveries/retry': 'retryDeliveries',
  'GET /v1/admin/audit': 'listAuditEntries',
  'POST /v1/admin/audit/search': 'searchAuditLog',
};

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
}
interface Document {
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let t: TestApp;
let operations: Map<string, Operation>;
let document: Document;

beforeAll(async () => {
  t = await createTestApp();
  document = t.app.swagger() as unknown as Document;
  operations = new Map();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) operations.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
});

afterAll(() => t.close());

describe('operationIds, the contract of generated clients', () => {
  it.each(Object.entries(OPERATION_IDS))('%s is still %s', (operation, id) => {
    expect(operations.get(operation)?.operationId, `${operation} changed or disappeared`).toBe(id);
  });

  it('every documented operation is in the contract table', () => {
    const unlisted = [...operations.keys()].filter((operation) => !(operation in OPERATION_IDS));
    expect(unlisted, 'add these to OPERATION_IDS in this file').toEqual([]);
  });

  it('ids are unique camelCase verbs', () => {
    const ids = Object.values(OPERATION_IDS);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:[A-Z][a-z0-9]*)*$/);
  });

  it('every operation has a summary and only declared, described tags', () => {
    const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const [name, operation] of operations) {
      expect(operation.summary, name).toBeTruthy();
      expect(operation.tags?.length, name).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(declared.get(tag), `${name}: tag ${tag}`).toBeTruthy();
    }
  });
});
