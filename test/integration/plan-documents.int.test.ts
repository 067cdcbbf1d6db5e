import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../helpers/app.js';
import { validPlan } from '../helpers/plans.js';

let t: TestApp;
let authorization: string;
let planId: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await adminOf(t.deps);
  authorization = admin.authorization;
  const pushed = await t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization, 'content-type': 'application/json' },
    payload: JSON.stringify(validPlan({ municipalityCode: admin.organisation })),
  });
  expect(pushed.statusCode, pushed.body).toBe(201);
  planId = pushed.json().id;
});

afterAll(async () => {
  await t.close();
});

describe('renderings of a stored plan', () => {
  it('serves the FHIR R4 Bundle with the CarePlan in the plan’s lifecycle state', async () => {
    const response = await t.app.inject({
      url: `/v1/systems/fhir/plans/${planId}`,
      headers: { authorization },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(response.headers.etag).toBe('"v1"');
    const bundle = response.json();
    expect(bundle.resourceType).toBe('Bundle');
    const carePlan = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'CarePlan',
    );
    // validPlan is established, so the CarePlan is in force.
    expect(carePlan.resource.status).toBe('active');
  });

  it('serves the final document as a PDF', async () => {
    const response = await t.app.inject({
      url: `/v1/plans/${planId}/document.pdf`,
      headers: { authorization },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('answers 404 for another version that does not exist', async () => {
    const response = await t.app.inject({
      url: `/v1/systems/fhir/plans/${planId}?version=9`,
      headers: { authorization },
    });
    expect(response.statusCode).toBe(404);
  });
});
