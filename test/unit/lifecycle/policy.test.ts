import { describe, expect, it } from 'vitest';
import { type Policy, policySchema } from '../../../src/domain/policy/policy.js';
import { PRESETS, presetPolicy } from '../../../src/domain/policy/presets.js';
import { buildPolicy, policyFromFlags, resolvePolicy } from '../../../src/domain/policy/resolve.js';
import { homeCarePlan, lifecycleOf, signed } from './fixtures.js';

describe('issue 4: policies per organisation, optionally per unit (policy per organisation och enhet)', () => {
  it('has valid presets that survive storage as JSON', () => {
    for (const preset of Object.values(PRESETS)) {
      expect(policySchema.parse(JSON.parse(JSON.stringify(preset)))).toEqual(preset);
    }
  });

  it('falls back to the preset that matches the law when nothing is stored', () => {
    expect(resolvePolicy({ law: 'SoL' })).toEqual({ policy: PRESETS.omsorg, source: 'default' });
    expect(resolvePolicy({ law: 'LSS' })).toEqual({ policy: PRESETS.lss, source: 'default' });
  });

  it("uses the organisation's policy, and a unit's policy over it as a whole", () => {
    const organisation = { ...presetPolicy('omsorg'), followUpMonths: 4 };
    const unit = { ...presetPolicy('lss'), establishWithinDays: 10 };
    expect(resolvePolicy({ organisation, law: 'SoL' })).toEqual({
      policy: organisation,
      source: 'organisation',
    });
    expect(resolvePolicy({ organisation, unit, law: 'SoL' })).toEqual({ policy: unit, source: 'unit' });
  });

  it('changes the outcome for a plan of that unit', () => {
    const plan = homeCarePlan((p) => (p.signatures = [signed('person', 'Astrid')]));
    const unit: Policy = { ...presetPolicy('omsorg'), requiredSignatureRoles: ['person'] };
    const policy = resolvePolicy({ organisation: presetPolicy('omsorg'), unit, law: 'SoL' }).policy;
    expect(lifecycleOf(plan, { policy }).state).toBe('signed');
    expect(lifecycleOf(plan, { policy: presetPolicy('omsorg') }).state).toBe('communicated');
  });

  it('can require more content than the six items', () => {
    const policy = {
      ...presetPolicy('omsorg'),
      requiredContent: [...PRESETS.omsorg.requiredContent, 'approach' as const],
    };
    expect(lifecycleOf(homeCarePlan(), { policy }).missingContent).toEqual([
      { key: 'approach', wording: 'förhållningssätt och bemötande', paths: ['/approach'] },
    ]);
    expect(lifecycleOf(homeCarePlan(), { policy }).state).toBe('draft');
  });

  it('hands out copies of the presets', () => {
    presetPolicy('omsorg').requiredSignatureRoles.push('guardian');
    expect(PRESETS.omsorg.requiredSignatureRoles).toEqual(['person', 'unit_manager']);
  });
});

describe('issue 4: policies set from a preset with overrides (planbrygga policies set --preset … --establish-within-days N)', () => {
  it('applies overrides from the admin API', () => {
    const result = buildPolicy('lss', {
      followUpMonths: 6,
      requiredSignatureRoles: ['person', 'unit_manager'],
    });
    expect(result).toEqual({
      ok: true,
      policy: { ...PRESETS.lss, followUpMonths: 6, requiredSignatureRoles: ['person', 'unit_manager'] },
    });
  });

  it('refuses unknown fields, bad numbers and repeated roles with field paths', () => {
    const result = buildPolicy('omsorg', {
      establishWithinDays: 0,
      requiredSignatureRoles: ['person', 'person'],
      colour: 'red',
      preset: 'lss',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: '/establishWithinDays', message: 'Too small: expected number to be >=1' },
      { path: '/requiredSignatureRoles', message: 'must not repeat an item' },
      { path: '/colour', message: 'is not a policy field' },
      { path: '/preset', message: 'is not a policy field' },
    ]);
  });

  it('reads CLI flags', () => {
    const result = policyFromFlags('omsorg', {
      'establish-within-days': '10',
      'follow-up-months': '3',
      'required-content': 'goals,established_date',
      'contact-person-signs-in-systems': '',
      'monthly-compilation': 'true',
      'submit-when-complete-and-signed': undefined,
    });
    expect(result).toEqual({
      ok: true,
      policy: {
        ...PRESETS.omsorg,
        establishWithinDays: 10,
        followUpMonths: 3,
        requiredContent: ['goals', 'established_date'],
        contactPersonSignsInSystems: [],
        monthlyCompilation: true,
      },
    });
  });

  it('names the flag in every problem', () => {
    const result = policyFromFlags('omsorg', {
      'establish-within-days': 'fourteen',
      'monthly-compilation': 'yes',
      colour: 'red',
      'required-content': 'goals,shoe_size',
    });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([
      '--establish-within-days',
      '--monthly-compilation',
      '--colour',
    ]);
    const content = policyFromFlags('omsorg', { 'required-content': 'goals,shoe_size' });
    expect(content.ok ? [] : content.issues.map((i) => i.path)).toEqual(['--required-content']);
  });
});
