import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../helpers/app.js';
import {
  communicatedOn,
  createLifecycleApp,
  type Json,
  type LifecycleTestApp,
  lssPlan,
  managerSigns,
  organisationOf,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp('2025-02-10T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

const guardianSigns = (name: string, date = '2025-02-04') => ({
  role: 'guardian',
  signed: true,
  name,
  date,
  method: 'bankid',
});

/** An LSS plan for a child (LSS 9 § 8), communicated, unsigned. */
function childPlan(organisation: string, sourcePlanId: string) {
  const plan = communicatedOn(lssPlan(organisation, sourcePlanId), '2025-02-03');
  return {
    ...plan,
    plan: {
      ...plan.plan,
      serviceType: {
        code: 'LSS_BOSTAD_BARN',
        name: 'boende i familjehem eller bostad med särskild service för barn eller ungdomar',
      },
    },
    interventions: plan.interventions.map((i) => ({ ...i, legalBasis: 'LSS 9 § 8' })),
  };
}

async function pdfText(o: Awaited<ReturnType<typeof organisationOf>>, id: string): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/plans/${id}/document.pdf`,
    headers: { authorization: o.authorization },
  });
  expect(res.statusCode).toBe(200);
  const parser = new PDFParse({ data: new Uint8Array(res.rawPayload) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

describe('a ställföreträdare signs on the person’s behalf, through the API', () => {
  it('a child’s plan signed by both vårdnadshavare is signed, by guardian <name> for each', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(childPlan(o.organisation, 'CHILD-1'));
    const first = await o.sign(id, guardianSigns('Anna Berg'));
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('signed');
    expect((await o.sign(id, guardianSigns('Jonas Berg', '2025-02-05'))).status).toBe(201);

    const status = await o.status(id);
    // Signed, and the lss preset submits (avger) a complete, signed plan at once.
    expect(status.status).toBe('submitted');
    expect(status.signing.required).toEqual([
      {
        role: 'person',
        satisfiedBy: 'guardian',
        metBy: 'by guardian Anna Berg and guardian Jonas Berg',
        guardians: ['Anna Berg', 'Jonas Berg'],
      },
    ]);
    const feed = await o.feed(id);
    expect(feed.map((c: Json) => c.status)).toContain('signed');

    const text = await pdfText(o, id);
    expect(text).toContain('Underskriven av ställföreträdare för den enskilde: Anna Berg och Jonas Berg');
    expect(text).toContain(
      'Ställföreträdare för den enskilde Underskriven av Jonas Berg 2025-02-05 (BankID)',
    );
  });

  it('a client without plans:read sees the role met by guardian, without the names', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(childPlan(o.organisation, 'CHILD-2'));
    await o.sign(id, guardianSigns('Anna Berg'));
    const poller = await bearer(t.deps, o.organisation, ['status:read']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/plans/${id}/status`,
      headers: { authorization: poller },
    });
    expect(res.json().signing.required).toEqual([
      { role: 'person', satisfiedBy: 'guardian', metBy: 'by guardian', guardians: [] },
    ]);
    expect(res.body).not.toContain('Anna Berg');
  });

  it('where the policy says a guardian does not count, the person’s signature stays outstanding', async () => {
    const o = await organisationOf(t);
    const set = await o.request('PUT', `/v1/admin/policies/${o.organisation}`, {
      preset: 'omsorg',
      guardianSignsForPerson: false,
    });
    expect(set.status).toBe(200);
    const plan = communicatedOn(o.plan('NO-GUARDIAN'), '2025-02-03');
    const { id } = await o.push(plan);
    await o.sign(id, managerSigns);
    const res = await o.sign(id, guardianSigns('Göran Gode'));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('communicated');
    const status = await o.status(id);
    expect(status.signing).toMatchObject({
      outstanding: ['person'],
      notRequiredRoles: ['guardian'],
      required: expect.arrayContaining([{ role: 'person', satisfiedBy: null, metBy: null, guardians: [] }]),
    });
    expect(status.policy.rules.guardianSignsForPerson).toBe(false);

    // Turning the rule on re-derives the plan: the guardian's signature now completes it.
    await o.request('PUT', `/v1/admin/policies/${o.organisation}`, { preset: 'omsorg' });
    expect((await o.status(id)).status).toBe('signed');
  });

  it('a refusal with its reason still completes the round as before', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(childPlan(o.organisation, 'CHILD-3'));
    const res = await o.sign(id, { role: 'person', signed: false, reason: 'Avböjde att signera.' });
    expect(res.body.status).toBe('signed');
    expect((await o.status(id)).signing.required).toEqual([
      { role: 'person', satisfiedBy: 'refusal', metBy: null, guardians: [] },
    ]);
  });
});
