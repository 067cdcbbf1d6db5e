/**
 * Plans for the FHIR and PDF tests: the two worked examples of formats/README.md section 10,
 * a minimal plan (required items only), a samordningsnummer plan and a very long plan.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCanonicalPlan } from '../domain/parse-plan.js';
import type { Plan } from '../domain/plan.js';

const CANONICAL_DIR = join(import.meta.dirname, '../../examples/canonical');
const SHARED_EXAMPLES = join(import.meta.dirname, '../../../shared/formats/examples');

export function parsePlanOrThrow(input: unknown): Plan {
  const result = parseCanonicalPlan(input);
  if (!result.ok) throw new Error(`fixture is not a valid plan: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

/** The worked examples by name (`hemtjanst-astrid`, `lss-gruppbostad-elias`). */
export function examplePlans(): Record<string, Plan> {
  if (existsSync(CANONICAL_DIR)) {
    const files = readdirSync(CANONICAL_DIR).filter((f) => f.endsWith('.json'));
    return Object.fromEntries(
      files.map((f) => [
        f.split('.')[0],
        parsePlanOrThrow(JSON.parse(readFileSync(join(CANONICAL_DIR, f), 'utf8'))),
      ]),
    );
  }
  return Object.fromEntries(
    ['hemtjanst-astrid', 'lss-gruppbostad-elias'].map((name) => [
      name,
      parsePlanOrThrow(
        fromPulsenExample(readFileSync(join(SHARED_EXAMPLES, `${name}.pulsen-combine.json`), 'utf8')),
      ),
    ]),
  );
}

export const minimalPlanInput = {
  plan: {
    sourcePlanId: 'MIN-1',
    law: 'SoL',
    serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
    municipalityCode: '0180',
    unit: { id: 'U1', name: 'Hemtjänst Norr' },
  },
  person: { identityNumber: '196408239819', givenName: 'Test', familyName: 'Testsson' },
  contactPerson: { name: 'Kim Kontakt', title: 'Undersköterska' },
  dates: { interventionStart: '2025-01-01', drawnUp: '2025-01-10', nextFollowUp: '2025-07-10' },
  participation: { howPersonTookPart: 'Deltog i samtalet.' },
  interventions: [
    {
      decisionId: 'D-1',
      name: 'Städning',
      legalBasis: 'SoL 4 kap. 1 §',
      orderedGoal: 'Ett rent hem.',
      individualGoal: 'Jag vill ha det fint.',
      plannedGoal: 'Städat varannan vecka.',
      scope: '60 min varannan vecka',
      when: 'Måndag jämna veckor',
      where: 'Hela lägenheten',
      how: 'Dammsuga och våttorka.',
    },
  ],
};

export const minimalPlan = (): Plan => parsePlanOrThrow(minimalPlanInput);

/** Day 63 = 3 + 60: a samordningsnummer; check digit computed by the Luhn rule. */
export const samordningsnummerPlan = (): Plan =>
  parsePlanOrThrow({
    ...minimalPlanInput,
    person: { ...minimalPlanInput.person, identityNumber: '199001639989' },
  });

/** Free texts at their 100 000-character limit, with an en dash, ”, an emoji and CJK (not in DejaVu Sans). */
export function longPlan(): Plan {
  const paragraph = 'Lång text – med ”citat” och emoji 😀 och 漢字 som fonten saknar. '.repeat(40);
  const long = `${paragraph}\n\n`.repeat(50).slice(0, 100_000);
  const intervention = minimalPlanInput.interventions[0];
  return parsePlanOrThrow({
    ...minimalPlanInput,
    participation: { howPersonTookPart: long },
    interventions: [{ ...intervention, how: long, orderedGoal: long }],
    approach: long,
    otherInformation: 'x'.repeat(100_000), // one word longer than any line
  });
}

/** The Pulsen Combine example mapped to the canonical shape (formats/README.md section 8). */
function fromPulsenExample(json: string): unknown {
  const d = JSON.parse(json);
  const provider = new Map(d.utforarensMalOchInsatser.map((u: { insatsId: string }) => [u.insatsId, u]));
  const tick = (boxes: Record<string, boolean> | undefined) =>
    boxes &&
    { utanHjalpmedel: 'none', kapp: 'cane', rollator: 'rollator', rullstol: 'wheelchair' }[
      Object.keys(boxes).find((k) => boxes[k]) as 'kapp'
    ];
  const roles = {
    kund: 'person',
    enhetschef: 'unit_manager',
    kontaktman: 'contact_person',
    stallforetradare: 'guardian',
  };
  const methods = { papper: 'paper', bankid: 'bankid', siths: 'siths' };
  return {
    plan: {
      sourcePlanId: d.planId,
      law: d.lagstiftning,
      serviceType: { code: d.verksamhet.kod, name: d.verksamhet.namn },
      municipalityCode: d.kommunkod,
      unit: { id: d.enhet.enhetsId, name: d.enhet.namn },
    },
    person: { identityNumber: d.kund.personnummer, givenName: d.kund.fornamn, familyName: d.kund.efternamn },
    contactPerson: { name: d.ansvarig.namn, title: d.ansvarig.titel },
    viceContactPerson: d.viceAnsvarig && { name: d.viceAnsvarig.namn, title: d.viceAnsvarig.titel },
    dates: {
      interventionStart: d.insatsensStartdatum,
      drawnUp: d.planensFramtagande.datum,
      established: d.planensFramtagande.faststalld,
      communicated: d.planensFramtagande.kommunicerad,
      nextFollowUp: d.planensFramtagande.uppfoljning,
    },
    participation: {
      howPersonTookPart: d.planensFramtagande.deltagande,
      otherParticipants: d.planensFramtagande.ovrigaDeltagare?.map((p: Record<string, string>) => ({
        name: p.namn,
        titleOrRelation: p.titelEllerRelation,
      })),
    },
    interventions: d.malOchInsatser.map((m: Record<string, string>) => {
      const u = provider.get(m.insatsId) as Record<string, string>;
      return {
        decisionId: m.insatsId,
        name: m.insats,
        legalBasis: m.lagrum,
        orderedGoal: m.bestalltMal,
        individualGoal: m.individuelltMal,
        plannedGoal: u.planeratMal,
        scope: m.omfattning,
        when: u.nar,
        where: u.var,
        how: u.hur,
        note: m.anteckning,
      };
    }),
    dailyRhythm: d.dygnsrytm && {
      morning: d.dygnsrytm.morgon,
      day: d.dygnsrytm.dag,
      evening: d.dygnsrytm.kvall,
      night: d.dygnsrytm.natt,
    },
    social: d.socialaAktiviteter && {
      activities: d.socialaAktiviteter.aktiviteter,
      interests: d.socialaAktiviteter.intressenReligionTraditioner,
      importantContacts: d.socialaAktiviteter.viktigaPersoner?.map((p: Record<string, unknown>) => ({
        name: p.namn,
        relation: p.relation,
        phone: p.telefon,
        wantsHelpToCall: p.hjalpAttRinga,
      })),
    },
    health: d.halsa && {
      allergies: d.halsa.allergier,
      diet: d.halsa.kostMatvanorAptit,
      sightHearingSpeech: d.halsa.synHorselTal,
      oralCare: d.halsa.munvard,
      mobility: d.halsa.forflyttningRorelseformaga,
      worry: d.halsa.oroOtrygghet,
      orientationMemory: d.halsa.orienteringMinne,
      alarm: d.halsa.larm && {
        type: d.halsa.larm.typ,
        placement: d.halsa.larm.placering,
        consent: d.halsa.larm.samtycke,
      },
    },
    transportService: d.fardtjanst,
    medicationHelp: d.medicin,
    mobility: d.forflyttning && {
      indoors: tick(d.forflyttning.inomhus),
      outdoors: tick(d.forflyttning.utomhus),
      aids: d.forflyttning.hjalpmedel,
      other: d.forflyttning.annat,
    },
    needs: {
      meals: d.maltidssituation,
      personalCare: d.personnara,
      household: d.skotaHemmet,
      other: d.ovrigt,
    },
    approach: d.forhallningssatt,
    otherInformation: d.ovrigInformation,
    sipNote: d.sipAnteckning,
    consents: d.samtycken?.map((c: Record<string, unknown>) => ({
      covers: c.avser,
      given: c.lamnat,
      date: c.datum,
    })),
    signatures: d.underskrifter?.map((s: Record<string, string>) => ({
      role: roles[s.roll as keyof typeof roles],
      signed: s.underskriven,
      ...(s.underskriven
        ? { name: s.namn, date: s.datum, method: methods[s.metod as keyof typeof methods] }
        : { reason: s.orsak }),
    })),
    plannerNotification: d.meddelandeTillPlanerare,
  };
}
