import type { Scope } from '../../services/clients.service.js';

/**
 * The scope each /v1 route requires, in one table. A /v1 route missing here fails at
 * start-up (see authentication.ts), so no route is ever open by omission.
 * Keys are `METHOD path` with fastify's `:param` syntax.
 */
export const ROUTE_SCOPES: Readonly<Record<string, Scope>> = {
  'POST /v1/plans': 'plans:write',
  'GET /v1/plans': 'plans:read',
  'POST /v1/plans/search': 'plans:read',
  'GET /v1/plans/:id': 'plans:read',
  'GET /v1/plans/:id/versions': 'plans:read',
  'GET /v1/plans/:id/status': 'status:read',
  'GET /v1/changes': 'status:read',
  'POST /v1/systems/:system/plans': 'plans:write',
  'GET /v1/systems/:system/plans/:id': 'plans:read',
  'GET /v1/systems/fhir/plans/:id': 'plans:read',
  'GET /v1/plans/:id/document.pdf': 'plans:read',
  'POST /v1/plans/:id/signatures': 'signatures:write',
  'POST /v1/plans/:id/deviations': 'plans:write',
  'GET /v1/plans/:id/deviations': 'plans:read',
  'POST /v1/plans/:id/consents': 'plans:write',
  'POST /v1/plans/:id/cooperation': 'plans:write',
  // The kontaktman's review is recorded by the same tools that record signatures.
  'POST /v1/plans/:id/reviews': 'signatures:write',
  'GET /v1/plans/:id/reviews': 'plans:read',
  'GET /v1/compliance/overdue': 'status:read',
  'GET /v1/admin/policies/:org': 'admin',
  'PUT /v1/admin/policies/:org': 'admin',
  'GET /v1/admin/policies/:org/units/:unit': 'admin',
  'PUT /v1/admin/policies/:org/units/:unit': 'admin',
  'POST /v1/plans/:id/submissions': 'submissions:write',
  'GET /v1/plans/:id/submissions/:sid': 'status:read',
  // The receiving side confirms; it needs no right to submit plans, only to receive them.
  'POST /v1/plans/:id/submissions/:sid/receipt': 'inbox:read',
  'GET /v1/inbox': 'inbox:read',
  'POST /v1/inbox/:id/ack': 'inbox:read',
  // routine 003: the kontaktman's evaluation of a changed need goes where submissions go, so it
  // is sent with the right to submit; reading it back (with its summary) is plan content.
  'POST /v1/plans/:id/need-evaluations': 'submissions:write',
  'GET /v1/plans/:id/need-evaluations': 'plans:read',
  // The case officer's system receives and confirms it, as it does submissions.
  'POST /v1/plans/:id/need-evaluations/:eid/receipt': 'inbox:read',
  'GET /v1/inbox/need-evaluations': 'inbox:read',
  'GET /v1/admin/deliveries': 'viewer',
  'POST /v1/admin/deliveries/:id/retry': 'admin',
  'POST /v1/admin/deliveries/retry': 'admin',
  'POST /v1/admin/destinations': 'admin',
  'GET /v1/admin/destinations': 'admin',
  'DELETE /v1/admin/destinations/:id': 'admin',
  'GET /v1/admin/audit': 'viewer',
  'POST /v1/admin/audit/search': 'admin',
  'POST /v1/plans/:id/end': 'plans:write',
  'POST /v1/plans/:id/holds': 'admin',
  'DELETE /v1/plans/:id/holds/:holdId': 'admin',
  'POST /v1/plans/:id/erasure': 'admin',
  'POST /v1/admin/subject-access': 'admin',
};

/**
 * `admin` holds every scope (of its own organisation, like every scope). `viewer` is the
 * read-only operator: it holds only itself, which the admin API's reading routes and the
 * queue dashboard's read-only view require. It grants no plan content and no status, so a
 * viewer key sees how the hub is doing, never whom it is about (docs/security.md, "Scopes").
 */
export function grants(held: readonly string[], required: Scope): boolean {
  return held.some((scope) => scope === required || scope === 'admin');
}

export function requiredScope(method: string, url: string): Scope | undefined {
  return ROUTE_SCOPES[`${method} ${url}`];
}
