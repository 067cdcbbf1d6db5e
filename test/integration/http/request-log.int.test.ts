import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON } from '../../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('request log', () => {
  it('writes one line per request, after its answer: method, masked URL, status and time', async () => {
    const { authorization } = await adminOf(t.deps);
    // A client that puts a personnummer in a URL by mistake.
    const url = `/v1/plans?unit=${TEST_PERSON.identityNumber}`;
    const res = await t.app.inject({ url, headers: { authorization } });
    const masked = '/v1/plans?unit=[identity number]';
    const line = t.logLines().find((l) => l.req?.url === masked);
    expect(line, t.logs().slice(-2000)).toBeDefined();
    expect(t.logLines().filter((l) => l.reqId === line?.reqId)).toHaveLength(1);
    expect(line).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', url: masked },
      res: { statusCode: res.statusCode },
    });
    expect(line?.responseTime).toEqual(expect.any(Number));
    expect(t.logs()).not.toContain('incoming request');
    expect(t.logs()).not.toContain(TEST_PERSON.identityNumber);
  });
});
