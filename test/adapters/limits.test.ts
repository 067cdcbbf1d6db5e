import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatAdapters } from '../../adapters/index.js';
import type { Plan } from '../../src/domain/plan.js';
import { FREE_TEXT_MAX, SINGLE_LINE_MAX } from '../../src/domain/text.js';

const context = { now: new Date('2025-06-01T10:00:00Z'), documentId: '0b9e7c52-3f4d-4c1a-8e2b-5d6f7a8b9c0d' };
const base = JSON.parse(readFileSync('examples/canonical/lss-gruppbostad-elias.json', 'utf8')) as Plan;

// Characters that grow when written: markup escapes, character references, CR LF, surrogate pairs.
const CHARACTERS = ['a', '&', '<', '"', '\n', '😀', '”', '\u0085', '\t'];

describe.each(Object.values(formatAdapters))('$system at the size limits', (adapter) => {
  it.each(CHARACTERS)('keeps a free text of the longest length made of %j', (character) => {
    const plan: Plan = {
      ...base,
      participation: { ...base.participation, howPersonTookPart: `x${character.repeat(FREE_TEXT_MAX - 1)}` },
      person: {
        ...base.person,
        givenName: `x${character === '\n' || character === '\t' ? 'y' : character}`.repeat(
          SINGLE_LINE_MAX / 2,
        ),
      },
    };
    const rendered = adapter.render(plan, context);
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    expect(adapter.parse(rendered.body)).toEqual({ ok: true, plan, warnings: [] });
  });
});
