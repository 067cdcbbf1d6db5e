import { randomUUID } from 'node:crypto';
import type { PlanRow } from '../../src/db/schema.js';
import { luhnCheckDigit } from '../../src/domain/identity-number.js';

/**
 * An invented identity number: birth date `YYYYMMDD`, a birth number from the 980–999 range
 * reserved for examples (formats/README.md 3.3), and its computed check digit.
 */
export function testIdentityNumber(birthDate: string, birthNumber = 982): string {
  if (birthNumber < 980 || birthNumber > 999) throw new RangeError('test birth numbers are 980–999');
  const nine = `${birthDate.slice(2)}${birthNumber}`;
  return `${birthDate}${birthNumber}${luhnCheckDigit(nine)}`;
}

export const TEST_PERSON = {
  identityNumber: testIdentityNumber('19380814', 982),
  givenName: 'Ingegerd',
  familyName: 'Vallström',
};

/** A complete, valid canonical plan (SoL home care), with every content item of routine 000. */
export function validPlan(overrides: { municipalityCode?: string; sourcePlanId?: string } = {}) {
  return {
    plan: {
      sourcePlanId: overrides.sourcePlanId ?? 'GP-2025-0001',
      law: 'SoL',
      serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
      municipalityCode: overrides.municipalityCode ?? '0180',
      unit: { id: 'HT-SODER', name: 'Hemtjänsten Söder' },
    },
    person: { ...TEST_PERSON },
    contactPerson: { name: 'Karin Öberg', title: 'Undersköterska' },
    viceContactPerson: { name: 'Ali Hassan', title: 'Undersköterska' },
    dates: {
      interventionStart: '2025-01-07',
      drawnUp: '2025-01-16',
      established: '2025-01-17',
      nextFollowUp: '2025-07-17',
    },
    participation: {
      howPersonTookPart: 'Ingegerd deltog i mötet hemma och berättade själv hur hon vill ha sin morgon.',
      otherParticipants: [
        { name: 'Lena Vallström', titleOrRelation: 'dotter' },
        { name: 'Karin Öberg', titleOrRelation: 'Undersköterska' },
      ],
    },
    interventions: [
      {
        decisionId: 'SOL-2024-1187',
        name: 'Hjälp med personlig omvårdnad',
        legalBasis: 'SoL 4 kap. 1 §',
        orderedGoal: 'Ingegerd ska kunna bo kvar hemma med trygg morgonhygien.',
        individualGoal: 'Jag vill duscha två gånger i veckan.',
        plannedGoal: 'Dusch tisdag och fredag med stöd.',
        scope: '30 minuter varje morgon',
        when: 'Varje morgon 08.00–08.30',
        where: 'Hemma, badrummet',
        how: 'Personalen förbereder duschen och finns nära.\nIngegerd tvättar sig själv.',
      },
      {
        decisionId: 'SOL-2024-1188',
        name: 'Inköp',
        legalBasis: 'SoL 4 kap. 1 §',
        orderedGoal: 'Ingegerd ska ha mat hemma.',
        individualGoal: 'Jag vill välja maten själv.',
        plannedGoal: 'Handla en gång i veckan efter Ingegerds lista.',
        scope: 'En gång per vecka',
        when: 'Torsdagar',
        where: 'Närbutiken',
        how: 'Ingegerd skriver listan, personalen handlar.',
        note: 'Ingegerd vill inte ha hjälp med matlagning.',
      },
    ],
    dailyRhythm: { morning: 'Vaknar 07.30, vill ha kaffe först.', night: 'Dörren låst.' },
    health: {
      allergies: 'Penicillin',
      alarm: { type: 'Trygghetslarm', placement: 'Armband', consent: true },
    },
    transportService: false,
    mobility: { indoors: 'rollator', outdoors: 'wheelchair' },
    approach: 'Tala lugnt och ge tid att svara.',
    consents: [{ covers: 'Kontakt med distriktssköterskan', given: true, date: '2025-01-16' }],
    signatures: [
      { role: 'person', signed: true, name: 'Ingegerd Vallström', date: '2025-01-17', method: 'paper' },
      { role: 'unit_manager', signed: true, name: 'Maria Lund', date: '2025-01-17', method: 'siths' },
    ],
  };
}

/**
 * A plan row as stored before its first version (version 0, draft), for tests of the store
 * itself. The overdue scanner, which other test files run over the whole database, skips it.
 */
export function planRow(organisation: string, sourcePlanId: string): PlanRow {
  const now = new Date();
  return {
    id: randomUUID(),
    organisation,
    source_system: 'canonical',
    source_plan_id: sourcePlanId,
    unit_id: 'U1',
    law: 'SoL',
    service_type: 'HEMTJANST',
    current_version: 0,
    status: 'draft',
    person_index: '',
    created_at: now,
    updated_at: now,
  };
}
