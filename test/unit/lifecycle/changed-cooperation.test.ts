import { describe, expect, it } from 'vitest';
import { cooperationRevision, cooperationSchema } from '../../../src/domain/lifecycle/cooperation.js';
import { computeDeadlines, overdueReasons } from '../../../src/domain/lifecycle/deadlines.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { lifecycleOf, lssPlan } from './fixtures.js';

const lss = presetPolicy('lss');
const sip = (date: string) => ({ kind: 'sip' as const, date });

// The fixture is established 2025-03-14, next follow-up 2025-09-14.
describe('routine 003: changed external cooperation calls for a samverkansmöte or SIP and a revised plan (vid behov av förändrad samverkan – som kan påverka genomförandeplanens aktiviteter och rutiner)', () => {
  it('makes the follow-up due within the policy’s 30 days of the event', () => {
    const followUp = computeDeadlines(lssPlan(), lss, [sip('2025-04-01')]).followUp;
    expect(followUp).toMatchObject({
      date: '2025-05-01',
      source: 'cooperation',
      planDate: '2025-09-14',
      cooperation: { event: sip('2025-04-01'), dueBy: '2025-05-01' },
    });
    expect(lss.cooperationRevisionWithinDays).toBe(30);
    expect(presetPolicy('omsorg').cooperationRevisionWithinDays).toBe(30);
  });

  it('is overdue (follow_up_passed) from the day after, until a new version is established', () => {
    const plan = lssPlan();
    const events = [sip('2025-04-01')];
    const deadlines = computeDeadlines(plan, lss, events);
    const lifecycle = lifecycleOf(plan, { policy: lss, sourceSystem: 'pulsen-combine' });
    const followUp = (today: string) =>
      overdueReasons(lifecycle, deadlines, today).filter((r) => r.code === 'follow_up_passed');
    expect(followUp('2025-05-01')).toEqual([]);
    expect(followUp('2025-05-02')).toEqual([
      { code: 'follow_up_passed', dueOn: '2025-05-01', overdueSince: '2025-05-02' },
    ]);
    const revised = lssPlan((p) => {
      p.dates.drawnUp = '2025-04-20';
      p.dates.established = '2025-04-20';
      p.dates.nextFollowUp = '2026-04-20';
    });
    expect(cooperationRevision(revised, lss, events)).toBeNull();
    expect(computeDeadlines(revised, lss, events).followUp.source).toBe('plan');
  });

  it('leaves an earlier follow-up of the plan’s own in force', () => {
    const plan = lssPlan((p) => (p.dates.nextFollowUp = '2025-04-15'));
    expect(computeDeadlines(plan, lss, [sip('2025-04-01')]).followUp).toMatchObject({
      date: '2025-04-15',
      source: 'plan',
      cooperation: { dueBy: '2025-05-01' },
    });
  });

  it('counts from the earliest event no established version has answered', () => {
    const events = [
      sip('2025-05-10'),
      { kind: 'samverkansmote' as const, date: '2025-04-05' },
      sip('2025-03-01'),
    ];
    expect(cooperationRevision(lssPlan(), lss, events)).toEqual({
      event: { kind: 'samverkansmote', date: '2025-04-05' },
      dueBy: '2025-05-05',
    });
  });

  it('takes its number of days from the policy', () => {
    const policy = { ...lss, cooperationRevisionWithinDays: 10 };
    expect(computeDeadlines(lssPlan(), policy, [sip('2025-04-01')]).followUp.date).toBe('2025-04-11');
  });

  it('accepts a samverkansmöte or SIP with its date, parties and note, and names each bad field', () => {
    const ok = cooperationSchema.safeParse({
      kind: 'samverkansmote',
      date: '2025-04-01',
      parties: ['Region Skåne, habiliteringen', ' Daglig verksamhet Solrosen '],
      note: 'Ny dagverksamhet från maj.',
    });
    expect(ok.data?.parties).toEqual(['Region Skåne, habiliteringen', 'Daglig verksamhet Solrosen']);
    const bad = cooperationSchema.safeParse({ kind: 'möte', date: '2025-02-30', parties: [] });
    expect(bad.error?.issues.map((i) => i.path.join('/')).sort()).toEqual(['date', 'kind', 'parties']);
  });
});
