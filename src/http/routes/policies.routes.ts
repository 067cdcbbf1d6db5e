import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StoredPolicy } from '../../db/repositories/policies.repository.js';
import { buildPolicy } from '../../domain/policy/resolve.js';
import type { ServiceContext } from '../../services/context.js';
import {
  type AppliedPolicy,
  checkOwnOrganisation,
  getPolicy,
  setPolicy,
} from '../../services/policies.service.js';
import { callerOf } from '../auth/authentication.js';
import { appliedPolicySchema, policyBody, storedPolicySchema } from '../lifecycle-schemas.js';
import { problemResponses } from '../problem.js';

const orgParams = z.object({
  org: z
    .string()
    .regex(/^\d{4}$/, 'must be 4 digits (kommunkod)')
    .describe('The organisation (kommunkod)'),
});
const unitParams = orgParams.extend({
  unit: z.string().min(1).max(200).describe("The provider's unit id (enhet)"),
});

const view = (p: StoredPolicy) => ({ ...p, updatedAt: p.updatedAt.toISOString() });
const appliedView = (p: AppliedPolicy) => ({ ...p, policy: p.policy && view(p.policy) });

/** Admin API: an organisation's policy and its units' (routine rules as data). */
export function policyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const responses = { 200: storedPolicySchema, ...problemResponses(400, 401, 403, 422) };
  const reads = { 200: appliedPolicySchema, ...problemResponses(400, 401, 403) };

  r.put('/v1/admin/policies/:org', {
    schema: {
      operationId: 'setOrganisationPolicy',
      summary: "Set the organisation's policy: a preset and the fields that differ",
      tags: ['admin'],
      params: orgParams,
      body: policyBody,
      response: responses,
    },
    handler: async (request) => {
      const caller = callerOf(request);
      checkOwnOrganisation(caller, request.params.org);
      const { preset, ...overrides } = request.body;
      const stored = await setPolicy(
        ctx,
        { organisation: request.params.org, unitId: null },
        buildPolicy(preset, overrides),
        { actor: caller.clientId, requestId: request.id },
      );
      return view(stored);
    },
  });

  r.put('/v1/admin/policies/:org/units/:unit', {
    schema: {
      operationId: 'setUnitPolicy',
      summary: "Set a unit's policy; it replaces the organisation's for the unit's plans",
      tags: ['admin'],
      params: unitParams,
      body: policyBody,
      response: responses,
    },
    handler: async (request) => {
      const caller = callerOf(request);
      checkOwnOrganisation(caller, request.params.org);
      const { preset, ...overrides } = request.body;
      const stored = await setPolicy(
        ctx,
        { organisation: request.params.org, unitId: request.params.unit },
        buildPolicy(preset, overrides),
        { actor: caller.clientId, requestId: request.id },
      );
      return view(stored);
    },
  });

  r.get('/v1/admin/policies/:org', {
    schema: {
      operationId: 'getOrganisationPolicy',
      summary: "The organisation's policy",
      tags: ['admin'],
      params: orgParams,
      response: reads,
    },
    handler: async (request) => {
      checkOwnOrganisation(callerOf(request), request.params.org);
      return appliedView(await getPolicy(ctx, { organisation: request.params.org, unitId: null }));
    },
  });

  r.get('/v1/admin/policies/:org/units/:unit', {
    schema: {
      operationId: 'getUnitPolicy',
      summary: "The policy that applies to a unit: its own, else the organisation's",
      tags: ['admin'],
      params: unitParams,
      response: reads,
    },
    handler: async (request) => {
      checkOwnOrganisation(callerOf(request), request.params.org);
      return appliedView(
        await getPolicy(ctx, { organisation: request.params.org, unitId: request.params.unit }),
      );
    },
  });
}
