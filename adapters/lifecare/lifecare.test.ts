// biome-ignore lint/style/noRestrictedImports: tests read their fixtures from disk
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lifecareAdapter } from './index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const shared = join(import.meta.dirname, '../../../shared/formats/examples');
const EXAMPLES = ['hemtjanst-astrid', 'lss-gruppbostad-elias'];
const context = { now: new Date('2025-03-17T13:02:31Z'), documentId: '6f1c2a9e-3b7d-4c55-9a0e-2d8b41f7c310' };

function parse(path: string) {
  const outcome = lifecareAdapter.parse(readFileSync(path));
  if (!outcome.ok) throw new Error(`${path}: ${JSON.stringify(outcome.issues)}`);
  return outcome;
}

describe.skipIf(!existsSync(shared))('the shared examples', () => {
  it.each(EXAMPLES)('%s parses without warnings', (name) => {
    expect(parse(join(shared, `${name}.lifecare.xml`)).warnings).toEqual([]);
  });
});

describe('round trip', () => {
  it.each(EXAMPLES)('%s: parse → render → parse gives the same plan', (name) => {
    const { plan } = parse(join(fixtures, `${name}.lifecare.xml`));
    const rendered = lifecareAdapter.render(plan, context);
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    const again = lifecareAdapter.parse(rendered.body);
    expect(again).toEqual({ ok: true, plan, warnings: [] });
  });
});
