import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  DatabaseAvailability,
  isDatabaseUnavailable,
  retryWhileUnavailable,
} from '../../../src/db/availability.js';
import { createLogger } from '../../../src/logger.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is away, restarting or too slow', () => {
    const away = [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('the database system is shutting down', '57P03'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('server closed the connection unexpectedly', '08006'),
      withCode('sorry, too many clients already', '53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('migration failed', { cause: withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED') }),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
    ];
    for (const error of away) expect(isDatabaseUnavailable(error), error.message).toBe(true);
  });

  it('leaves statements that are wrong, and everything else, to be errors', () => {
    const wrong = [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('syntax error at or near "selct"', '42601'),
      withCode('could not serialize access', '40001'),
      new Error('something else'),
      new TypeError('x is undefined'),
      'ECONNREFUSED',
      null,
    ];
    for (const error of wrong) expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });
});

describe('DatabaseAvailability', () => {
  it('logs an outage once however often it is reported, and its end once a new connection answers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const availability = new DatabaseAvailability(createLogger('info', sink));
    const before = Date.now() - 1;
    availability.answered(before);
    for (let i = 0; i < 50; i++) availability.lost(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    expect(availability.down).toBe(true);
    // A connection older than the outage answering says nothing: the server may be ending it next.
    availability.answered(before);
    expect(availability.down).toBe(true);
    availability.answered(Date.now());
    availability.answered(Date.now());
    expect(availability.down).toBe(false);
    const messages = lines.map((line) => JSON.parse(line).msg as string);
    expect(messages).toEqual([
      'PostgreSQL is unreachable; requests answer 503 and jobs wait until it answers again',
      'PostgreSQL reachable again',
    ]);
  });
});

describe('retryWhileUnavailable', () => {
  it('tries again while the database is away, and gives up on any other error at once', async () => {
    let calls = 0;
    const value = await retryWhileUnavailable(
      async () => {
        calls += 1;
        if (calls < 3) throw withCode('read ECONNRESET', 'ECONNRESET');
        return 'recorded';
      },
      { maxWaitMs: 5_000 },
    );
    expect([value, calls]).toEqual(['recorded', 3]);

    let wrongCalls = 0;
    const wrong = retryWhileUnavailable(
      async () => {
        wrongCalls += 1;
        throw withCode('duplicate key', '23505');
      },
      { maxWaitMs: 5_000 },
    );
    await expect(wrong).rejects.toMatchObject({ code: '23505' });
    expect(wrongCalls).toBe(1);
  });

  it('gives up with the last error after maxWaitMs', async () => {
    const started = Date.now();
    const away = retryWhileUnavailable(
      async () => {
        throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
      },
      { maxWaitMs: 600 },
    );
    await expect(away).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
