import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, pushedPlan, type TestApp } from '../../helpers/app.js';

const METRICS_TOKEN = 'long-poll-test-metrics-token-of-32-characters';

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await createTestApp({ env: { METRICS_TOKEN } });
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

interface Answer {
  status: number;
  body: { items: { planId: string; kind: string }[]; cursor: string };
  at: number;
}

/** A GET over a real connection of its own (no pooling), so each waiter is one socket. */
function get(url: string, authorization: string, signal?: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { authorization }, agent: false, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          at: performance.now(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function cursorOf(authorization: string): Promise<string> {
  return (await get(`${origin}/v1/changes`, authorization)).body.cursor;
}

/** The process's waiting long-pollers, as /metrics reports them. */
async function waiting(): Promise<number> {
  const res = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = res.body.split('\n').find((l) => l.startsWith('planbrygga_change_waiters '));
  return Number(line?.split(' ')[1]);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('GET /v1/changes?wait= (long poll)', () => {
  it('answers a waiting poller within 100 ms of the commit of a change', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const cursor = await cursorOf(authorization);
    const answer = get(`${origin}/v1/changes?after=${cursor}&wait=20`, authorization);
    await until(async () => (await waiting()) === 1);

    const planId = await pushedPlan(t, organisation, authorization);
    const committedBy = performance.now();
    const { status, body, at } = await answer;

    expect(status).toBe(200);
    expect(body.items.map((c) => c.planId)).toContain(planId);
    expect(body.cursor).not.toBe(cursor);
    expect(at - committedBy).toBeLessThan(100);
  });

  it('is not answered with another organisation’s change, and answers an empty page when the time is up', async () => {
    const waiter = await adminOf(t.deps);
    const other = await adminOf(t.deps);
    const cursor = await cursorOf(waiter.authorization);
    const started = performance.now();
    const answer = get(`${origin}/v1/changes?after=${cursor}&wait=1`, waiter.authorization);
    await until(async () => (await waiting()) >= 1);
    const otherPlan = await pushedPlan(t, other.organisation, other.authorization);

    const { status, body, at } = await answer;
    expect(status).toBe(200);
    expect(body).toEqual({ items: [], cursor });
    expect(JSON.stringify(body)).not.toContain(otherPlan);
    expect(at - started).toBeGreaterThanOrEqual(950);
  });

  it('answers at once, as today, without wait or with wait=0', async () => {
    const { authorization } = await adminOf(t.deps);
    const started = performance.now();
    for (const query of ['', '?wait=0']) {
      const { status, body } = await get(`${origin}/v1/changes${query}`, authorization);
      expect(status).toBe(200);
      expect(body.items).toEqual([]);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses a wait outside 0–60 seconds with the field path', async () => {
    const { authorization } = await adminOf(t.deps);
    for (const wait of ['61', '-1', '1.5', 'soon']) {
      const res = await t.app.inject({ url: `/v1/changes?wait=${wait}`, headers: { authorization } });
      expect(res.statusCode, wait).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors[0].path).toBe('/wait');
    }
  });

  it('forgets a waiter whose client disconnects', async () => {
    const { authorization } = await adminOf(t.deps);
    const before = await waiting();
    const client = new AbortController();
    const answer = get(`${origin}/v1/changes?wait=30`, authorization, client.signal).catch(
      (err: Error) => err,
    );
    await until(async () => (await waiting()) === before + 1);
    client.abort();
    expect(await answer).toBeInstanceOf(Error);
    await until(async () => (await waiting()) === before, 2_000);
  });

  it('answers every waiter at once when the process shuts down', async () => {
    const own = await createTestApp();
    const ownOrigin = await own.app.listen({ port: 0, host: '127.0.0.1' });
    const { authorization } = await adminOf(own.deps);
    const cursor = (await get(`${ownOrigin}/v1/changes`, authorization)).body.cursor;
    const answers = [1, 2, 3].map(() =>
      get(`${ownOrigin}/v1/changes?after=${cursor}&wait=30`, authorization),
    );
    // Give the requests time to reach their wait.
    await new Promise((r) => setTimeout(r, 500));
    const closing = performance.now();
    await own.close();
    for (const { status, body, at } of await Promise.all(answers)) {
      expect(status).toBe(200);
      expect(body).toEqual({ items: [], cursor });
      expect(at - closing).toBeLessThan(2_000);
    }
  });

  it('holds 1,000 concurrent waiters with bounded memory and wakes them all with the change', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const cursor = await cursorOf(authorization);
    const before = await waiting();
    const memoryBefore = process.memoryUsage();
    // Pollers arrive in groups of 50, as they would over a few seconds: each group's first read
    // takes a pooled connection, and 1,000 at one instant would queue past the connect timeout.
    const answers: Promise<Answer>[] = [];
    while (answers.length < 1_000) {
      for (let i = 0; i < 50; i++)
        answers.push(get(`${origin}/v1/changes?after=${cursor}&wait=60`, authorization));
      await until(async () => (await waiting()) === before + answers.length, 30_000, 100);
    }
    const memoryWaiting = process.memoryUsage();
    const heapPerWaiter = (memoryWaiting.heapUsed - memoryBefore.heapUsed) / 1_000;
    const rssGrowth = memoryWaiting.rss - memoryBefore.rss;

    const planId = await pushedPlan(t, organisation, authorization);
    const committedBy = performance.now();
    const all = await Promise.all(answers);
    const latencies = all.map((a) => a.at - committedBy).sort((a, b) => a - b);
    console.log(
      `1,000 waiters: heap +${Math.round(heapPerWaiter)} B per waiter (test client included), ` +
        `RSS +${(rssGrowth / 2 ** 20).toFixed(1)} MiB; commit→answer p50 ${latencies[499]?.toFixed(0)} ms, ` +
        `last ${latencies[999]?.toFixed(0)} ms`,
    );
    for (const { status, body } of all) {
      expect(status).toBe(200);
      expect(body.items.map((c) => c.planId)).toContain(planId);
    }
    // The server and these 1,000 client sockets share the process: the bound covers both.
    expect(heapPerWaiter).toBeLessThan(64 * 1024);
    expect(await waiting()).toBe(before);
  }, 180_000);
});
