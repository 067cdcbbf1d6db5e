import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../../src/db/group-commit.js';

const unavailable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('groupCommit', () => {
  it('writes the items of one turn together, and those that arrive meanwhile in the next group, at most maxItems each', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const record = groupCommit<number>({
      commit: async (items) => {
        groups.push([...items]);
        if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      alone: async () => {
        throw new Error('not used');
      },
      maxItems: 3,
    });
    const first = [record(1), record(2)];
    await new Promise((resolve) => setImmediate(resolve));
    // The first group's transaction runs: these wait for it.
    const later = [3, 4, 5, 6].map(record);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(groups).toEqual([[1, 2]]);
    release();
    await Promise.all([...first, ...later]);
    expect(groups).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('settles a caller only after its group committed', async () => {
    const committed: number[] = [];
    const record = groupCommit<number>({
      commit: async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        committed.push(...items);
      },
      alone: async () => undefined,
      maxItems: 10,
    });
    await record(7);
    expect(committed).toEqual([7]);
  });

  it('retries each item alone when a group fails, so only the bad one fails', async () => {
    const alone: number[] = [];
    const record = groupCommit<number>({
      commit: async (items) => {
        if (items.includes(2)) throw new Error('constraint violated');
      },
      alone: async (item) => {
        alone.push(item);
        if (item === 2) throw new Error('constraint violated');
      },
      maxItems: 10,
    });
    const results = await Promise.allSettled([record(1), record(2), record(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(alone.sort()).toEqual([1, 2, 3]);
  });

  it('fails the whole group, without retrying alone, while PostgreSQL is away (callers wait that out)', async () => {
    let alone = 0;
    const record = groupCommit<number>({
      commit: async () => {
        throw unavailable();
      },
      alone: async () => {
        alone += 1;
      },
      maxItems: 10,
    });
    const results = await Promise.allSettled([record(1), record(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(alone).toBe(0);
  });
});
