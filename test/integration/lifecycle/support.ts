import { expect } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';

/** A test app whose clock the test sets: `at('2025-03-17T10:00:00+01:00')`. */
export interface LifecycleTestApp extends TestApp {
  at(instant: string): void;
  ctx(): ServiceContext;
}

export async function createLifecycleApp(
  start = '2025-01-20T10:00:00+01:00',
  env: Record<string, string> = {},
): Promise<LifecycleTestApp> {
  let now = new Date(start);
  const t = await createTestApp({ clock: () => now, env });
  return {
    ...t,
    at: (instant) => {
      now = new Date(instant);
    },
    ctx: () => serviceContext(t.deps),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests
export type Json = Record<string, any>;

/** An organisation with an admin client, and request helpers bound to it. */
export async function organisationOf(t: TestApp) {
  const { organisation, authorization } = await adminOf(t.deps);
  const request = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = {}) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization, ...headers },
      ...(payload !== undefined && { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.body ? (res.json() as Json) : {}, headers: res.headers };
  };
  const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await request(method, url, payload);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  return {
    organisation,
    authorization,
    request,
    ok,
    push: (plan: unknown) =>
      ok('POST', '/v1/plans', plan) as Promise<{ id: string; version: number; status: string }>,
    status: (id: string) => ok('GET', `/v1/plans/${id}/status`),
    sign: (id: string, signature: Json) => request('POST', `/v1/plans/${id}/signatures`, signature),
    feed: async (planId?: string) => {
      const page = await ok('GET', '/v1/changes?limit=1000');
      return (page.items as Json[]).filter((c) => planId === undefined || c.planId === planId);
    },
    plan: (sourcePlanId: string) => basePlan(organisation, sourcePlanId),
  };
}

type Plan = ReturnType<typeof validPlan>;

/**
 * The complete home-care plan of test/helpers, established but not communicated and unsigned,
 * as a starting point each test changes.
 */
export function basePlan(
  organisation: string,
  sourcePlanId: string,
): Plan & { dates: Plan['dates'] & { communicated?: string } } {
  const plan = validPlan({ municipalityCode: organisation, sourcePlanId });
  return { ...plan, signatures: [] };
}

export function draftOf<P extends { dates: Record<string, string | undefined> }>(plan: P): P {
  const { established: _established, ...dates } = plan.dates;
  return { ...plan, dates } as P;
}

export const personSigns = {
  role: 'person',
  signed: true,
  name: 'Ingegerd Vallström',
  date: '2025-01-20',
  method: 'paper',
};
export const managerSigns = {
  role: 'unit_manager',
  signed: true,
  name: 'Maria Lund',
  date: '2025-01-20',
  method: 'siths',
};
export const contactPersonSigns = {
  role: 'contact_person',
  signed: true,
  name: 'Karin Öberg',
  date: '2025-01-20',
  method: 'siths',
};

/** A complete LSS plan (routine 003: bostad med särskild service för vuxna), established, unsigned. */
export function lssPlan(organisation: string, sourcePlanId: string) {
  const plan = basePlan(organisation, sourcePlanId);
  return {
    ...plan,
    plan: {
      ...plan.plan,
      law: 'LSS',
      serviceType: { code: 'LSS_BOSTAD_VUXNA', name: 'bostad med särskild service för vuxna' },
      unit: { id: 'GB-LINDEN', name: 'Gruppbostaden Linden' },
    },
    interventions: plan.interventions.map((i) => ({ ...i, legalBasis: 'LSS 9 § 9' })),
  };
}

export const communicatedOn = <P extends { dates: Record<string, string | undefined> }>(
  plan: P,
  date: string,
): P => ({ ...plan, dates: { ...plan.dates, communicated: date } }) as P;
