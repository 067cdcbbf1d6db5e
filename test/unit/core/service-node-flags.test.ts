import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../../src/service-node-flags.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

// The benchmarks start the server with SERVICE_NODE_FLAGS (bench/support/server.ts): what they
// measure must be how the service really runs.
describe('the service’s Node.js flags', () => {
  it('are the ones npm start runs the service with', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toContain(`node ${SERVICE_NODE_FLAGS.join(' ')} dist/src/cli/main.js serve`);
  });

  it('are the image’s NODE_OPTIONS', () => {
    expect(read('Dockerfile')).toContain(`ENV NODE_OPTIONS="${SERVICE_NODE_FLAGS.join(' ')}"`);
  });
});
