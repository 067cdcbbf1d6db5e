import { defineConfig } from 'vitest/config';

// Unit tests run anywhere; integration tests (*.int.test.ts) get a fresh PostgreSQL database
// and Redis key prefix per run from the global setup. The reliability tests spawn real worker
// processes and cut Redis off for seconds; they run last, on their own (groupOrder 1), so
// their timing is not at the mercy of every other test file running on the same cores. The
// fault suite (test/faults) runs after them: it starts a PostgreSQL cluster and a Redis of its
// own and restarts them under load.
const RELIABILITY = 'test/integration/delivery/reliability.int.test.ts';
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'adapters/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'test/faults/**', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts', 'adapters/**/*.int.test.ts', 'src/**/*.int.test.ts'],
          exclude: [RELIABILITY, '**/node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: [RELIABILITY],
          globalSetup: ['test/helpers/global-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.fault.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
