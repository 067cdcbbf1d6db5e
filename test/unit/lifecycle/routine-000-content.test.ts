import { describe, expect, it } from 'vitest';
import { missingContent } from '../../../src/domain/lifecycle/content-items.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { homeCarePlan } from './fixtures.js';

const omsorg = presetPolicy('omsorg');

describe('routine 000: the six items the plan must show (av genomförandeplanen ska det framgå)', () => {
  const keys = (plan: ReturnType<typeof homeCarePlan>) => missingContent(plan, omsorg);

  it('finds nothing missing in a complete plan', () => {
    expect(keys(homeCarePlan())).toEqual([]);
  });

  it('1. när, var och hur: per intervention, with the field paths', () => {
    const plan = homeCarePlan((p) => {
      p.interventions.push({ ...p.interventions[0]!, decisionId: 'B-2', where: ' \n', how: '' });
    });
    expect(keys(plan)).toEqual([
      {
        key: 'when_where_how',
        wording: 'när, var och hur en beviljad insats ska utföras',
        paths: ['/interventions/1/where', '/interventions/1/how'],
      },
    ]);
  });

  it('1 and 2: a plan without interventions lacks both', () => {
    const plan = homeCarePlan((p) => (p.interventions = []));
    expect(keys(plan).map((item) => [item.key, item.paths])).toEqual([
      ['when_where_how', ['/interventions']],
      ['goals', ['/interventions']],
    ]);
  });

  it('2. vilka mål: the ordered, individual and planned goal of each intervention', () => {
    const plan = homeCarePlan((p) => (p.interventions[0]!.plannedGoal = ''));
    expect(keys(plan)).toEqual([
      {
        key: 'goals',
        wording: 'vilka mål som gäller för insatsen eller delar av den',
        paths: ['/interventions/0/plannedGoal'],
      },
    ]);
  });

  it('3. annan information av vikt: missing when no such information is stated', () => {
    const plan = homeCarePlan((p) => (p.otherInformation = undefined));
    expect(keys(plan)).toEqual([
      {
        key: 'other_important_information',
        wording: 'annan information som är av vikt vid utförandet',
        paths: ['/otherInformation'],
      },
    ]);
  });

  it('3. annan information av vikt: the template sections and the tab "Uppgifter och övrig information" count', () => {
    const without = (change: (p: ReturnType<typeof homeCarePlan>) => void) =>
      homeCarePlan((p) => {
        p.otherInformation = undefined;
        p.plannerNotification = 'Kopplas till morgonpasset.';
        change(p);
      });
    expect(keys(without(() => {})).map((i) => i.key)).toEqual(['other_important_information']);
    expect(keys(without((p) => (p.approach = 'Tala lugnt.')))).toEqual([]);
    expect(keys(without((p) => (p.dailyRhythm = { night: 'Dörren låst.' })))).toEqual([]);
    expect(keys(without((p) => (p.health = { alarm: { type: 'Trygghetslarm', consent: true } })))).toEqual(
      [],
    );
    expect(keys(without((p) => (p.medicationHelp = false)))).toEqual([]);
    expect(keys(without((p) => (p.needs = { meals: 'Små portioner.' })))).toEqual([]);
  });

  it('3. the case officer note and the planner notification do not count as such information', () => {
    const plan = homeCarePlan((p) => {
      p.otherInformation = undefined;
      p.interventions[0]!.note = 'Återkoppla om fallrisken.';
    });
    expect(keys(plan).map((i) => i.key)).toEqual(['other_important_information']);
  });

  it('4. på vilket sätt brukaren har deltagit', () => {
    const plan = homeCarePlan((p) => (p.participation.howPersonTookPart = '   '));
    expect(keys(plan)).toEqual([
      {
        key: 'how_person_took_part',
        wording: 'på vilket sätt brukaren har deltagit i planeringen',
        paths: ['/participation/howPersonTookPart'],
      },
    ]);
  });

  it('5. vilka personer som har deltagit: at least one', () => {
    const plan = homeCarePlan((p) => (p.participation.otherParticipants = []));
    expect(keys(plan).map((i) => [i.key, i.paths])).toEqual([
      ['other_participants', ['/participation/otherParticipants']],
    ]);
  });

  it('6. när genomförandeplanen har fastställts', () => {
    const plan = homeCarePlan((p) => (p.dates.established = undefined));
    expect(keys(plan)).toEqual([
      {
        key: 'established_date',
        wording: 'när genomförandeplanen har fastställts',
        paths: ['/dates/established'],
      },
    ]);
  });

  it('reports every missing item at once', () => {
    const plan = homeCarePlan((p) => {
      p.dates.established = undefined;
      p.participation.otherParticipants = [];
      p.otherInformation = undefined;
    });
    expect(keys(plan).map((i) => i.key)).toEqual([
      'other_important_information',
      'other_participants',
      'established_date',
    ]);
  });
});
