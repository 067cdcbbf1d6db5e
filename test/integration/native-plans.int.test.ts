import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../helpers/app.js';

const EXAMPLES = new URL('../../adapters/procapita/fixtures/', import.meta.url);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The shared example, moved to the test's own organisation (KOMMUN is 4 ASCII digits, so bytes stay aligned). */
function example(organisation: string): Buffer {
  const text = readFileSync(new URL('hemtjanst-astrid.procapita.xml', EXAMPLES)).toString('latin1');
  const moved = text.replace(/KOMMUN="\d{4}"/, `KOMMUN="${organisation}"`);
  if (moved === text) throw new Error('example without KOMMUN');
  return Buffer.from(moved, 'latin1');
}

describe('native formats', () => {
  it('pushes a Procapita document through the same service, then renders it back', async () => {
    const { organisation, authorization: auth } = await adminOf(t.deps);
    const bytes = example(organisation);

    const push = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/systems/procapita/plans',
        headers: { authorization: auth, 'content-type': 'application/xml' },
        payload: bytes,
      });
    const first = await push();
    expect(first.statusCode, first.body).toBe(201);
    const { id } = first.json();
    expect((await push()).statusCode).toBe(200);

    const canonical = await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: auth } });
    expect(canonical.json().plan.municipalityCode).toBe(organisation);

    const rendered = await t.app.inject({
      url: `/v1/systems/procapita/plans/${id}`,
      headers: { authorization: auth },
    });
    expect(rendered.statusCode).toBe(200);
    expect(rendered.headers['content-type']).toMatch(/xml/);
    expect(rendered.rawPayload.subarray(0, 5).toString()).toBe('<?xml');
  });

  it('answers a broken document with the adapter refusal as problem+json, and unknown systems with 400', async () => {
    const { authorization } = await adminOf(t.deps);
    const broken = await t.app.inject({
      method: 'POST',
      url: '/v1/systems/procapita/plans',
      headers: { authorization, 'content-type': 'application/xml' },
      payload: '<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE x [<!ENTITY a "b">]><PROCAPITA_EXPORT/>',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toMatch(/^application\/problem\+json/);

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/systems/nosuch/plans',
      headers: { authorization, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('refuses a document over 10 MiB with 413 before parsing', async () => {
    const { authorization } = await adminOf(t.deps);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/systems/lifecare/plans',
      headers: { authorization, 'content-type': 'application/xml' },
      payload: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
