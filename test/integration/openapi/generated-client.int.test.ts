import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAdapters } from '../../../adapters/index.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import { planbryggaClient } from '../../client/planbrygga-client.js';
import { bearer, createTestApp, type TestApp, uniqueOrganisation } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';

/**
 * An integration team's client, generated from the document and run against the app over
 * HTTP: the types openapi-typescript makes of the served document must be the ones the client
 * (test/client/) compiles against, and the answers must be the ones those types describe.
 */
const ROOT = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

let t: TestApp;
let client: ReturnType<typeof planbryggaClient>;
let receiver: ReturnType<typeof planbryggaClient>;
let organisation: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  organisation = await uniqueOrganisation(t.deps);
  client = planbryggaClient(baseUrl, await bearer(t.deps, organisation, ['admin']));
  receiver = planbryggaClient(baseUrl, await bearer(t.deps, organisation, ['inbox:read', 'plans:read']));
});

afterAll(() => t?.close());

/** A complete, communicated plan of the organisation, signed by everyone the default policy asks for, as Lifecare XML. */
function lifecareDocument(sourcePlanId: string): Uint8Array {
  const canonical = validPlan({ municipalityCode: organisation, sourcePlanId });
  const parsed = parseCanonicalPlan({
    ...canonical,
    dates: { ...canonical.dates, communicated: '2025-01-17' },
    signatures: [
      ...canonical.signatures,
      { role: 'contact_person', signed: true, name: 'Karin Öberg', date: '2025-01-17', method: 'siths' },
    ],
  });
  if (!parsed.ok) throw new Error('the test plan is not valid');
  const rendered = formatAdapters.lifecare.render(parsed.plan, { now: new Date('2025-01-20T09:00:00Z') });
  if (!rendered.ok) throw new Error('the test plan cannot be written as Lifecare');
  return rendered.body;
}

describe('a client generated from the OpenAPI document', () => {
  it('compiles against the types generated from the document the app serves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'planbrygga-openapi-'));
    try {
      const served = join(dir, 'openapi.json');
      await writeFile(served, JSON.stringify((await t.app.inject({ url: '/openapi.json' })).json()));
      const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
      const { stdout } = await run(process.execPath, [cli, served], { cwd: ROOT });
      const committed = await readFile(join(ROOT, 'openapi/planbrygga-api.d.ts'), 'utf8');
      expect(stdout, 'the types are stale: npm run openapi').toBe(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pushes a native document, reads the status with If-None-Match, submits, pulls the inbox and acknowledges', async () => {
    const pushed = await client.pushNativePlan(
      { system: 'lifecare' },
      { contentType: 'application/xml', bytes: lifecareDocument('GEN-CLIENT-1') },
    );
    if (pushed.status !== 201)
      throw new Error(`push answered ${pushed.status}: ${JSON.stringify(pushed.body)}`);
    const planId = pushed.body.id;
    expect(pushed.headers.get('location')).toBe(`/v1/plans/${planId}`);

    const status = await client.getPlanStatus({ id: planId });
    if (status.status !== 200) throw new Error(`status answered ${status.status}`);
    expect(status.body.id).toBe(planId);
    const etag = status.headers.get('etag');
    expect(etag).toBeTruthy();
    const unchanged = await client.getPlanStatus({ id: planId }, etag ?? '');
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();

    const submitted = await client.submitPlan({ id: planId });
    if (submitted.status !== 202)
      throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
    const [submission] = submitted.body.submissions;
    expect(submission).toMatchObject({ planId, via: 'inbox' });

    const inbox = await receiver.listInbox({ system: 'lifecare' });
    if (inbox.status !== 200) throw new Error(`inbox answered ${inbox.status}`);
    expect(inbox.body.items.map((item) => item.id)).toContain(submission?.id);

    const acknowledged = await receiver.acknowledgeInboxItem({ id: submission?.id ?? '' });
    if (acknowledged.status !== 200) throw new Error(`ack answered ${acknowledged.status}`);
    expect(acknowledged.body.status).toBe('acknowledged');
    const after = await client.getPlanStatus({ id: planId }, etag ?? '');
    expect(after.status).toBe(200);
  });

  it('follows the change feed with a long poll', async () => {
    const head = await client.listChanges({ limit: 1000 });
    if (head.status !== 200) throw new Error(`changes answered ${head.status}`);
    const waiting = client.listChanges({ after: head.body.cursor, wait: 10 });
    const pushed = await client.pushNativePlan(
      { system: 'lifecare' },
      { contentType: 'application/xml', bytes: lifecareDocument('GEN-CLIENT-2') },
    );
    if (pushed.status !== 201) throw new Error(`push answered ${pushed.status}`);
    const woken = await waiting;
    if (woken.status !== 200) throw new Error(`long poll answered ${woken.status}`);
    expect(woken.body.items.map((change) => change.planId)).toContain(pushed.body.id);
  });

  it('reads refusals as typed problem+json', async () => {
    const missing = await client.getPlanStatus({ id: randomUUID() });
    if (missing.status !== 404) throw new Error(`expected 404, got ${missing.status}`);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, title: expect.any(String), errors: [] });

    const broken = await client.pushNativePlan(
      { system: 'lifecare' },
      { contentType: 'application/xml', bytes: new TextEncoder().encode('<plan>') },
    );
    if (broken.status !== 400) throw new Error(`expected 400, got ${broken.status}`);
    expect(broken.body.errors.length).toBeGreaterThan(0);
    for (const issue of broken.body.errors) expect(typeof issue.path).toBe('string');
  });
});
