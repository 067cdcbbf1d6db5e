import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAdapters } from '../../../adapters/index.js';
import { MAX_DOCUMENT_BYTES, SYSTEMS } from '../../../adapters/types.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import type { Plan } from '../../../src/domain/plan.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { ASTRID, canonicalExample, nativeExample } from './full-flow.js';

/**
 * Issue 6, item 6: hostile input on every write route, through the real app. Each request is
 * refused with a 4xx problem or stored harmlessly; the suite fails on any 5xx it ever sees.
 */
let t: TestApp;
let auth: string;
let organisation: string;
let planId: string;
const answered: { request: string; status: number }[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_MAX: '1000000' } });
  ({ organisation, authorization: auth } = await adminOf(t.deps));
  const first = await send({
    method: 'POST',
    url: '/v1/plans',
    payload: canonicalExample(ASTRID, organisation),
  });
  expect(first.statusCode, first.body).toBe(201);
  planId = first.json().id;
});

afterAll(async () => {
  await t?.close();
  const failures = answered.filter((a) => a.status >= 500);
  expect(failures, 'no request of this suite may end in a 5xx').toEqual([]);
});

async function send(options: InjectOptions) {
  const response = await t.app.inject({ ...options, headers: { authorization: auth, ...options.headers } });
  answered.push({
    request: `${options.method ?? 'GET'} ${String(options.url).slice(0, 120)}`,
    status: response.statusCode,
  });
  return response;
}

/** A 4xx problem+json (or, with `expected`, exactly that status). */
function expectProblem(response: Awaited<ReturnType<typeof send>>, expected?: number): void {
  if (expected !== undefined) expect(response.statusCode, response.body.slice(0, 300)).toBe(expected);
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem.status).toBe(response.statusCode);
  expect(Array.isArray(problem.errors)).toBe(true);
}

/** Every route that takes a body, with its parameters filled in. */
function writeRoutes(): { url: string; contentType: string }[] {
  return t.app
    .registeredRoutes()
    .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.url.startsWith('/v1/'))
    .flatMap((r) =>
      (r.url.includes(':system') ? SYSTEMS.map((s) => r.url.replace(':system', s)) : [r.url]).map((url) => ({
        url: url.replace(/:\w+/g, planId),
        contentType:
          url.includes('/systems/') && !url.includes('pulsen') ? 'application/xml' : 'application/json',
      })),
    );
}

const XML_SYSTEMS = ['procapita', 'lifecare'] as const;
const ROOT = { procapita: 'PROCAPITA_EXPORT', lifecare: 'Genomforandeplan' } as const;

describe('every write route', () => {
  it('covers the plan routes and whatever else takes a body', () => {
    const urls = writeRoutes().map((r) => r.url);
    expect(urls).toEqual(
      expect.arrayContaining(['/v1/plans', '/v1/plans/search', '/v1/systems/procapita/plans']),
    );
  });

  it('refuses JSON nested 100 000 deep without overflowing the stack, with and without Idempotency-Key', async () => {
    const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const objects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const { url, contentType } of writeRoutes()) {
      for (const payload of [arrays, objects, `{"plan":${objects}}`]) {
        for (const key of [undefined, `deep-${Math.random()}`]) {
          const headers = {
            'content-type': contentType === 'application/xml' ? 'application/json' : contentType,
            ...(key && { 'idempotency-key': key }),
          };
          expectProblem(await send({ method: 'POST', url, headers, payload }));
        }
      }
    }
  });

  it('refuses a body over 10 MiB with 413 before parsing', async () => {
    const tooLarge = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x20);
    for (const { url, contentType } of writeRoutes()) {
      expectProblem(
        await send({ method: 'POST', url, headers: { 'content-type': contentType }, payload: tooLarge }),
        413,
      );
    }
  });

  it('refuses a streamed 50 MiB body with 413 without holding it in memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (const url of ['/v1/plans', '/v1/systems/procapita/plans', '/v1/plans/search']) {
      let sent = 0;
      const body = new Readable({
        read() {
          sent += chunk.length;
          this.push(sent > 50 * 1024 * 1024 ? null : chunk);
        },
      });
      gc();
      const before = process.memoryUsage();
      const response = await send({
        method: 'POST',
        url,
        headers: { 'content-type': url.includes('procapita') ? 'application/xml' : 'application/json' },
        payload: body,
      });
      const after = process.memoryUsage();
      expectProblem(response, 413);
      const grew = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
      expect(grew, `${url}: memory grew by ${grew} bytes`).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('refuses invalid UTF-8 and UTF-16 bytes with 400', async () => {
    const json = (value: unknown) => {
      const text = Buffer.from(JSON.stringify(value));
      const at = text.indexOf('Astrid') + 3; // inside a string value: well-formed JSON but for the bytes
      return [
        Buffer.concat([text.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), text.subarray(at)]),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.toString(), 'utf16le')]),
      ];
    };
    const canonical = canonicalExample(ASTRID, organisation, 'UTF8-BAD');
    for (const { url, contentType } of writeRoutes().filter((r) => r.contentType === 'application/json')) {
      const body = url.endsWith('/search') ? { personnummer: '19380814-9821', note: 'Astrid' } : canonical;
      for (const payload of json(body)) {
        expectProblem(
          await send({ method: 'POST', url, headers: { 'content-type': contentType }, payload }),
          400,
        );
      }
    }
    for (const payload of json(JSON.parse(nativeExample('pulsen-combine', organisation).toString('utf8')))) {
      const url = '/v1/systems/pulsen-combine/plans';
      expectProblem(
        await send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload }),
        400,
      );
    }
    for (const system of XML_SYSTEMS) {
      const xml = nativeExample(system, organisation);
      const at = xml.indexOf('<', 100);
      for (const payload of [
        Buffer.concat([xml.subarray(0, at), Buffer.from([0xc3, 0x28]), xml.subarray(at)]),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml.toString('latin1'), 'utf16le')]),
      ]) {
        const response = await send({
          method: 'POST',
          url: `/v1/systems/${system}/plans`,
          headers: { 'content-type': 'application/xml' },
          payload,
        });
        // Procapita is ISO-8859-1, where every byte is a character: there the broken bytes are text in an element.
        expectProblem(response);
      }
    }
  });
});

describe('XML attacks on the native XML routes', () => {
  let server: Server;
  let fetched = 0;
  let origin: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetched += 1;
      res.end('<!ENTITY x "fetched">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const attacks = (root: string): Record<string, string> => ({
    'external entity (XXE)': `<!DOCTYPE ${root} [<!ENTITY x SYSTEM "file:///etc/passwd">]><${root}>&x;</${root}>`,
    'external entity over HTTP': `<!DOCTYPE ${root} [<!ENTITY x SYSTEM "${origin}/x">]><${root}>&x;</${root}>`,
    'parameter entity': `<!DOCTYPE ${root} [<!ENTITY % p SYSTEM "${origin}/p.dtd"> %p;]><${root}>&x;</${root}>`,
    'external DTD': `<!DOCTYPE ${root} SYSTEM "${origin}/d.dtd"><${root}/>`,
    'billion laughs': `<!DOCTYPE ${root} [<!ENTITY l0 "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('')}]><${root}>&l9;</${root}>`,
    'quadratic blowup': `<!DOCTYPE ${root} [<!ENTITY a "${'a'.repeat(50_000)}">]><${root}>${'&a;'.repeat(50_000)}</${root}>`,
    'undefined entity': `<${root}>&x;</${root}>`,
    'nesting 10 000 deep': `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`,
  });

  it.each(XML_SYSTEMS)('%s: refuses each with 400, fetches nothing, expands nothing', async (system) => {
    for (const [name, body] of Object.entries(attacks(ROOT[system]))) {
      const started = Date.now();
      const response = await send({
        method: 'POST',
        url: `/v1/systems/${system}/plans`,
        headers: { 'content-type': 'application/xml' },
        payload: `${declaration}${body}`,
      });
      expectProblem(response, 400);
      expect(Date.now() - started, name).toBeLessThan(5_000);
      expect(response.body).not.toContain('root:');
      expect(response.body).not.toContain('lollol');
    }
    expect(fetched).toBe(0);
  });
});

describe('prototype keys in JSON', () => {
  const polluting = [
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"prototype":{"polluted":"yes"}}',
  ];

  it('canonical and Pulsen Combine: refused or stored harmlessly, Object.prototype untouched', async () => {
    const plan = JSON.stringify(canonicalExample(ASTRID, organisation, 'PROTO-1'));
    const pulsen = nativeExample('pulsen-combine', organisation).toString('utf8');
    const bodies = [
      ...polluting.map((p) => `${p.slice(0, -1)},${plan.slice(1)}`),
      ...polluting.map((p) => plan.replace('"person":{', `"person":{${p.slice(1, -1)},`)),
      ...polluting,
    ];
    for (const payload of bodies) {
      const response = await send({
        method: 'POST',
        url: '/v1/plans',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      if (response.statusCode >= 300) expectProblem(response);
    }
    for (const p of polluting) {
      for (const payload of [pulsen.replace('{', `{${p.slice(1, -1)},`), p]) {
        const response = await send({
          method: 'POST',
          url: '/v1/systems/pulsen-combine/plans',
          headers: { 'content-type': 'application/json' },
          payload,
        });
        expectProblem(response);
      }
      expectProblem(
        await send({
          method: 'POST',
          url: '/v1/plans/search',
          headers: { 'content-type': 'application/json' },
          payload: p,
        }),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('SQL metacharacters', () => {
  const SQL = `'; DROP TABLE plans; -- "x" \\ \`y\` $1 %s %% _ */ /* ;`;

  /** The plan with every text field that takes free text set to SQL (fields with a format keep theirs). */
  function withSqlEverywhere(plan: Plan): Plan {
    let current: unknown = plan;
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') paths.push(path);
      else if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(item, [...path, i]);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(plan, []);
    let changed = 0;
    for (const path of paths) {
      const candidate = structuredClone(current) as Record<string | number, unknown>;
      let target = candidate;
      for (const step of path.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
      const last = path.at(-1) as string | number;
      target[last] = `${String(target[last]).slice(0, 20)} ${SQL}`;
      if (parseCanonicalPlan(candidate).ok) {
        current = candidate;
        changed += 1;
      }
    }
    expect(changed).toBeGreaterThan(25);
    return current as Plan;
  }

  it('stores them verbatim in every text field of every format and reads them back identical', async () => {
    const plan = withSqlEverywhere(canonicalExample(ASTRID, organisation, 'SQL-0'));
    const canonical = await send({ method: 'POST', url: '/v1/plans', payload: plan });
    expect(canonical.statusCode, canonical.body).toBe(201);
    const read = await send({ url: `/v1/plans/${canonical.json().id}` });
    expect(read.json()).toEqual(plan);

    for (const system of SYSTEMS) {
      const adapter = formatAdapters[system];
      const own = { ...plan, plan: { ...plan.plan, sourcePlanId: `SQL-${system}'; DROP TABLE plans; --` } };
      const rendered = adapter.render(own, { now: new Date('2025-06-01T10:00:00Z') });
      if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
      const parsed = adapter.parse(rendered.body);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const pushed = await send({
        method: 'POST',
        url: `/v1/systems/${system}/plans`,
        headers: { 'content-type': adapter.contentType },
        payload: rendered.body,
      });
      expect(pushed.statusCode, pushed.body).toBe(201);
      const back = await send({ url: `/v1/plans/${pushed.json().id}` });
      expect(back.json(), system).toEqual(parsed.plan);
      expect(back.json().plan.sourcePlanId).toBe(own.plan.sourcePlanId);
    }

    const list = await send({ url: `/v1/plans?unit=${encodeURIComponent(SQL)}` });
    expect(list.statusCode).toBe(200);
    expectProblem(
      await send({ method: 'POST', url: '/v1/plans/search', payload: { personnummer: SQL } }),
      422,
    );
    expect((await send({ url: `/v1/plans/${planId}` })).statusCode).toBe(200);
  });
});

describe('absurd ids, versions and cursors in paths and queries', () => {
  const ids = [
    'x'.repeat(10_000),
    '..%2F..%2Fetc%2Fpasswd',
    '../../etc/passwd',
    '%00',
    'abc%00def',
    'not-a-uuid',
    "1'%20OR%20'1'='1",
    '00000000-0000-0000-0000-000000000000',
    '%F0%9F%98%80',
    '%FF%FE',
  ];

  it('answers every route with an id with a 4xx problem', async () => {
    const routes = t.app.registeredRoutes().filter((r) => r.url.startsWith('/v1/') && r.url.includes(':id'));
    expect(routes.length).toBeGreaterThanOrEqual(4);
    for (const route of routes) {
      for (const id of ids) {
        const url = route.url.replace(':system', 'procapita').replace(/:\w+/g, id);
        const method = route.method as InjectOptions['method'];
        const response = await send({
          method,
          url,
          ...(method !== 'GET' && method !== 'HEAD' && { payload: {} }),
        });
        if (method !== 'HEAD') expectProblem(response);
        else expect(response.statusCode).toBeLessThan(500);
      }
    }
  });

  it('answers absurd versions and cursors with a 4xx problem', async () => {
    for (const query of [
      'version=-1',
      'version=0',
      'version=99999999999999999999999',
      'version=1e400',
      'version=abc',
      'version=1&version=2',
      `version=${'9'.repeat(10_000)}`,
    ]) {
      expectProblem(await send({ url: `/v1/plans/${planId}?${query}` }));
      expectProblem(await send({ url: `/v1/systems/lifecare/plans/${planId}?${query}` }));
    }
    expectProblem(await send({ url: `/v1/plans/${planId}?version=999999` }), 404);
    for (const cursor of [
      'x'.repeat(10_000),
      'W10',
      Buffer.from('["2025-01-01T00:00:00Z","../"]').toString('base64url'),
      '%00',
    ]) {
      expectProblem(await send({ url: `/v1/plans?cursor=${cursor}` }));
    }
    for (const after of ['9'.repeat(10_000), '-1', '99999999999999999999', 'abc']) {
      expectProblem(await send({ url: `/v1/changes?after=${after}` }));
    }
  });
});
