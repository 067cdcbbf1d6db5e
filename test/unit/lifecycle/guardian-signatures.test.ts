import { describe, expect, it } from 'vitest';
import { metByText } from '../../../src/domain/lifecycle/signatures.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { homeCarePlan, lifecycleOf, lssPlan, refused, signed } from './fixtures.js';

const omsorg = presetPolicy('omsorg');
const lss = presetPolicy('lss');
const personRole = (lifecycle: ReturnType<typeof lifecycleOf>) =>
  lifecycle.signatures.required.find((status) => status.role === 'person')!;

describe('a ställföreträdare (god man, förvaltare, vårdnadshavare) signs on the person’s behalf', () => {
  it('is what both presets say: a guardian’s signature counts as the person’s', () => {
    expect(omsorg.guardianSignsForPerson).toBe(true);
    expect(lss.guardianSignsForPerson).toBe(true);
  });

  it('meets the person’s requirement by guardian <name> (routine 000: the unit manager still signs)', () => {
    const plan = homeCarePlan(
      (p) => (p.signatures = [signed('guardian', 'Göran Gode'), signed('unit_manager', 'Lena Ek')]),
    );
    const lifecycle = lifecycleOf(plan, { policy: omsorg });
    expect(lifecycle.state).toBe('signed');
    expect(personRole(lifecycle)).toMatchObject({
      satisfiedBy: 'guardian',
      byGuardians: [signed('guardian', 'Göran Gode')],
    });
    expect(metByText(personRole(lifecycle))).toBe('by guardian Göran Gode');
    expect(lifecycle.signatures.notRequired).toEqual([]);
  });

  it('names both vårdnadshavare when a child’s plan is signed by both', () => {
    const plan = lssPlan(
      (p) =>
        (p.signatures = [signed('guardian', 'Anna Berg'), signed('guardian', 'Jonas Berg', '2025-03-18')]),
    );
    const lifecycle = lifecycleOf(plan, { policy: lss, sourceSystem: 'pulsen-combine' });
    expect(lifecycle.state).toBe('signed');
    expect(personRole(lifecycle).byGuardians.map((s) => s.name)).toEqual(['Anna Berg', 'Jonas Berg']);
    expect(metByText(personRole(lifecycle))).toBe('by guardian Anna Berg and guardian Jonas Berg');
  });

  it('does not count where the policy says a guardian does not sign for the person', () => {
    const policy = { ...omsorg, guardianSignsForPerson: false };
    const plan = homeCarePlan(
      (p) => (p.signatures = [signed('guardian', 'Göran Gode'), signed('unit_manager', 'Lena Ek')]),
    );
    const lifecycle = lifecycleOf(plan, { policy });
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.outstanding).toEqual(['person']);
    expect(personRole(lifecycle)).toMatchObject({ satisfiedBy: null, byGuardians: [] });
    expect(lifecycle.signatures.notRequired).toEqual([signed('guardian', 'Göran Gode')]);
  });

  it('leaves a refusal with its reason working as before, and a guardian’s signature wins over it', () => {
    const refusal = refused('person', 'Astrid kan inte skriva.');
    const refusedOnly = homeCarePlan((p) => (p.signatures = [refusal, signed('unit_manager', 'Lena Ek')]));
    expect(personRole(lifecycleOf(refusedOnly)).satisfiedBy).toBe('refusal');
    const both = homeCarePlan(
      (p) => (p.signatures = [refusal, signed('guardian', 'Göran Gode'), signed('unit_manager', 'Lena Ek')]),
    );
    expect(personRole(lifecycleOf(both)).satisfiedBy).toBe('guardian');
  });

  it('lets the person’s own signature come first: no guardian is named then', () => {
    const plan = homeCarePlan(
      (p) =>
        (p.signatures = [
          signed('person', 'Astrid'),
          signed('guardian', 'Göran Gode'),
          signed('unit_manager', 'Lena Ek'),
        ]),
    );
    const person = personRole(lifecycleOf(plan));
    expect(person).toMatchObject({ satisfiedBy: 'signature', byGuardians: [] });
    expect(metByText(person)).toBeNull();
  });

  it('does not stand in for any other role (the unit manager’s signature stays outstanding)', () => {
    const plan = homeCarePlan((p) => (p.signatures = [signed('guardian', 'Göran Gode')]));
    expect(lifecycleOf(plan).signatures.outstanding).toEqual(['unit_manager']);
  });
});
