/**
 * The audit action of each /v1 route, in one table beside the scope table: every /v1
 * request by an identified client is recorded under its route's action (audit-log.ts).
 * A route missing here is still recorded, under `METHOD path`, and fails the scope matrix
 * test (test/integration/security/scope-matrix.int.test.ts) until it gets a name.
 */
export const ROUTE_AUDIT_ACTIONS: Readonly<Record<string, string>> = {
  'POST /v1/plans': 'plan.push',
  'POST /v1/systems/:system/plans': 'plan.push',
  'GET /v1/plans': 'plan.list',
  'POST /v1/plans/search': 'plan.search',
  'GET /v1/plans/:id': 'plan.read',
  'GET /v1/systems/:system/plans/:id': 'plan.read',
  'GET /v1/systems/fhir/plans/:id': 'plan.read',
  'GET /v1/plans/:id/document.pdf': 'plan.document.read',
  'GET /v1/plans/:id/versions': 'plan.versions.read',
  'GET /v1/plans/:id/status': 'status.read',
  'GET /v1/changes': 'status.changes.read',
  'POST /v1/plans/:id/signatures': 'plan.signature.record',
  'POST /v1/plans/:id/submissions': 'plan.submit',
  'GET /v1/plans/:id/submissions/:sid': 'plan.submission.read',
  'POST /v1/plans/:id/submissions/:sid/receipt': 'plan.submission.receipt',
  'POST /v1/plans/:id/deviations': 'plan.deviation.record',
  'GET /v1/plans/:id/deviations': 'plan.deviation.read',
  'POST /v1/plans/:id/consents': 'plan.consent.record',
  'POST /v1/plans/:id/cooperation': 'plan.cooperation.record',
  'POST /v1/plans/:id/reviews': 'plan.review.record',
  'GET /v1/plans/:id/reviews': 'plan.review.read',
  'GET /v1/compliance/overdue': 'status.overdue.read',
  'GET /v1/inbox': 'inbox.read',
  'POST /v1/inbox/:id/ack': 'inbox.ack',
  'POST /v1/plans/:id/need-evaluations': 'plan.need_evaluation.submit',
  'GET /v1/plans/:id/need-evaluations': 'plan.need_evaluation.read',
  'POST /v1/plans/:id/need-evaluations/:eid/receipt': 'plan.need_evaluation.receipt',
  'GET /v1/inbox/need-evaluations': 'inbox.need_evaluation.read',
  'GET /v1/admin/deliveries': 'admin.delivery.list',
  'POST /v1/admin/deliveries/:id/retry': 'admin.delivery.retry',
  'POST /v1/admin/deliveries/retry': 'admin.delivery.retry',
  'POST /v1/admin/destinations': 'admin.destination.create',
  'GET /v1/admin/destinations': 'admin.destination.list',
  'DELETE /v1/admin/destinations/:id': 'admin.destination.disable',
  'GET /v1/admin/policies/:org': 'admin.policy.read',
  'GET /v1/admin/policies/:org/units/:unit': 'admin.policy.read',
  'PUT /v1/admin/policies/:org': 'admin.policy.set',
  'PUT /v1/admin/policies/:org/units/:unit': 'admin.policy.set',
  'GET /v1/admin/audit': 'admin.audit.read',
  'POST /v1/admin/audit/search': 'admin.audit.search',
  'POST /v1/plans/:id/end': 'plan.end',
  'POST /v1/plans/:id/holds': 'plan.hold.place',
  'DELETE /v1/plans/:id/holds/:holdId': 'plan.hold.release',
  'POST /v1/plans/:id/erasure': 'plan.erase',
  'POST /v1/admin/subject-access': 'admin.subject_access',
};

export function auditAction(method: string, url: string): string {
  return ROUTE_AUDIT_ACTIONS[`${method} ${url}`] ?? `${method} ${url}`;
}
