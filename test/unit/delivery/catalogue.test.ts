import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  JOB_NAMES,
  JOBS,
  type JobContext,
  type JobHandlers,
  parseJob,
  QUEUE_NAMES,
  runJob,
} from '../../../src/delivery/queues/catalogue.js';

const ids = { planId: randomUUID(), destinationId: randomUUID() };
const context: JobContext = {
  jobId: 'planner.notify-1',
  attemptsMade: 0,
  maxAttempts: 3,
  signal: new AbortController().signal,
  logger: pino({ level: 'silent' }),
};

describe('the job catalogue', () => {
  it('puts every job on a known queue and every queue to use', () => {
    const used = new Set(JOB_NAMES.map((name) => JOBS[name].queue));
    expect([...used].sort()).toEqual([...QUEUE_NAMES].sort());
  });

  it('gives every delivering job its planbrygga-event', () => {
    for (const name of JOB_NAMES.filter((n) => JOBS[n].queue !== 'maintenance')) {
      expect(JOBS[name].event).toMatch(/^plan\.[a-z_]+$/);
    }
  });

  it('parses a valid payload', () => {
    const data = { ...ids, version: 2, changeId: '17', requestId: 'req-1' };
    expect(parseJob('status.writeback', data)).toEqual({ name: 'status.writeback', data });
  });

  it('refuses unknown names and bad payloads as unrecoverable, naming paths and never values', () => {
    expect(() => parseJob('plan.delete', {})).toThrow(UnrecoverableError);
    const bad = () =>
      parseJob('signoff.request', { ...ids, version: 0, role: 'mayor', extra: '191212121212' });
    expect(bad).toThrow(UnrecoverableError);
    expect(bad).toThrow('invalid payload for signoff.request: version, role, (payload)');
    expect(bad).not.toThrow(/191212121212|mayor/);
  });

  it('takes ids only: no identity number passes as a plan id or a request id', () => {
    expect(() => parseJob('planner.notify', { ...ids, planId: '191212121212', version: 1 })).toThrow(
      'planId',
    );
    expect(() => parseJob('planner.notify', { ...ids, version: 1, requestId: '19121212-1212' })).toThrow(
      'requestId',
    );
    expect(() => parseJob('planner.notify', { ...ids, version: 1, personnummer: '191212121212' })).toThrow(
      UnrecoverableError,
    );
  });

  it('dispatches to the handler of the job’s name', async () => {
    const seen: string[] = [];
    const handlers: JobHandlers = {
      'submission.deliver': async () => void seen.push('submission'),
      'need_evaluation.deliver': async () => void seen.push('need evaluation'),
      'signoff.request': async () => void seen.push('signoff'),
      'signoff.remind': async () => void seen.push('remind'),
      'planner.notify': async (data, ctx) => void seen.push(`planner ${data.version} ${ctx.jobId}`),
      'status.writeback': async () => void seen.push('status'),
      'overdue.scan': async () => void seen.push('scan'),
      'retention.run': async () => void seen.push('retention'),
    };
    await runJob(handlers, parseJob('planner.notify', { ...ids, version: 4 }), context);
    expect(seen).toEqual(['planner 4 planner.notify-1']);
  });

  it('makes a missing handler a compile error', () => {
    // @ts-expect-error 'overdue.scan' has no handler
    const incomplete: JobHandlers = {
      'submission.deliver': async () => undefined,
      'signoff.request': async () => undefined,
      'signoff.remind': async () => undefined,
      'planner.notify': async () => undefined,
      'status.writeback': async () => undefined,
    };
    expect(Object.keys(incomplete)).toHaveLength(5);
  });
});
