import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import { stockholmDateTime } from '../../src/domain/stockholm-time.js';
import { pulsenCombineAdapter } from './index.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, 'fixtures', `${name}.pulsen-combine.json`));

function planOf(name: string): Plan {
  const outcome = pulsenCombineAdapter.parse(fixture(name));
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.plan;
}

function render(plan: Plan, now = new Date('2025-03-17T13:02:31Z')): string {
  const outcome = pulsenCombineAdapter.render(plan, { now });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.body.toString('utf8');
}

describe('render', () => {
  it.each([
    ['hemtjanst-astrid', '2025-03-17T13:02:31Z'],
    ['lss-gruppbostad-elias', '2025-02-06T08:41:07Z'],
  ])('writes %s byte for byte as the example (same export time)', (name, now) => {
    expect(render(planOf(name), new Date(now))).toBe(fixture(name).toString('utf8'));
  });

  it('writes the minimal plan without any optional key', () => {
    const written = JSON.parse(render(planOf('minimal-with-empties')));
    expect(Object.keys(written)).toEqual([
      'dokumenttyp',
      'version',
      'exporterad',
      'planId',
      'kommunkod',
      'enhet',
      'lagstiftning',
      'verksamhet',
      'insatsensStartdatum',
      'kund',
      'ansvarig',
      'planensFramtagande',
      'malOchInsatser',
      'utforarensMalOchInsatser',
    ]);
    expect(Object.keys(written.planensFramtagande)).toEqual(['datum', 'deltagande', 'uppfoljning']);
  });

  it('never writes an absent boolean or mobility as false, and writes a stated false', () => {
    const plan = planOf('minimal');
    const unstated = JSON.parse(render({ ...plan, health: { alarm: { type: 'Larm', consent: false } } }));
    expect(unstated).not.toHaveProperty('fardtjanst');
    expect(unstated).not.toHaveProperty('medicin');
    expect(unstated).not.toHaveProperty('forflyttning');
    expect(unstated.halsa).toEqual({ larm: { typ: 'Larm', samtycke: false } });
    const stated = JSON.parse(
      render({ ...plan, transportService: false, medicationHelp: false, mobility: { outdoors: 'cane' } }),
    );
    expect(stated).toMatchObject({
      fardtjanst: false,
      medicin: false,
      forflyttning: { utomhus: { utanHjalpmedel: false, kapp: true, rollator: false, rullstol: false } },
    });
    expect(stated.forflyttning).not.toHaveProperty('inomhus');
  });

  it('writes one entry in each intervention list per intervention, joined by insatsId', () => {
    const written = JSON.parse(render(planOf('hemtjanst-astrid-reordered')));
    const ids = (list: { insatsId: string }[]) => list.map((entry) => entry.insatsId);
    expect(ids(written.malOchInsatser)).toEqual(ids(written.utforarensMalOchInsatser));
    expect(written.malOchInsatser).toHaveLength(4);
  });

  it('writes signatures and refusals with their own keys only', () => {
    const written = JSON.parse(render(planOf('refusals')));
    expect(written.underskrifter).toEqual([
      { roll: 'kund', underskriven: false, orsak: 'Greta ville inte skriva under.' },
      { roll: 'stallforetradare', underskriven: false, orsak: 'God man var sjuk.' },
      { roll: 'stallforetradare', underskriven: true, namn: 'A B', datum: '2024-03-12', metod: 'bankid' },
    ]);
  });

  it('parses what it renders to the same plan', () => {
    for (const name of [
      'hemtjanst-astrid',
      'lss-gruppbostad-elias',
      'minimal',
      'refusals',
      'tick-boxes-missing-boxes',
    ]) {
      const plan = planOf(name);
      expect(pulsenCombineAdapter.parse(Buffer.from(render(plan)))).toEqual({ ok: true, plan, warnings: [] });
    }
  });
});

describe('stockholmDateTime', () => {
  it.each([
    ['2025-01-15T12:00:00.999Z', '2025-01-15T13:00:00+01:00'],
    ['2025-07-01T21:59:59Z', '2025-07-01T23:59:59+02:00'],
    ['2025-03-30T00:59:59Z', '2025-03-30T01:59:59+01:00'],
    ['2025-03-30T01:00:00Z', '2025-03-30T03:00:00+02:00'],
    ['2025-10-26T00:30:00Z', '2025-10-26T02:30:00+02:00'],
    ['2025-10-26T01:30:00Z', '2025-10-26T02:30:00+01:00'],
    ['2024-12-31T23:00:00Z', '2025-01-01T00:00:00+01:00'],
  ])('%s is %s', (instant, expected) => {
    expect(stockholmDateTime(new Date(instant))).toBe(expected);
  });
});
