import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/db/migration-list.js';

const folder = fileURLToPath(new URL('../../../migrations/', import.meta.url));

describe('migrations', () => {
  it('registers every migration file, each named <epoch-ms>-<name> with up and down', () => {
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(MIGRATIONS).sort()).toEqual(files.sort());
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      expect(name).toMatch(/^\d{13}-[a-z0-9-]+$/);
      expect(typeof migration.up).toBe('function');
      expect(typeof migration.down).toBe('function');
    }
  });
});
