/**
 * The content a plan must hold before it may be established or submitted. The first six
 * items are routine 000's list ("Av genomförandeplanen ska det framgå", SOSFS 2014:5 ch. 6);
 * the others are items an organisation may add to its policy.
 */
import type { Plan } from '../plan.js';
import { isBlank } from '../text.js';

export const CONTENT_ITEM_KEYS = [
  'when_where_how',
  'goals',
  'other_important_information',
  'how_person_took_part',
  'other_participants',
  'established_date',
  'daily_rhythm',
  'approach',
] as const;
export type ContentItemKey = (typeof CONTENT_ITEM_KEYS)[number];

/** The six items of routine 000, the default of every preset. */
export const ROUTINE_000_CONTENT: readonly ContentItemKey[] = CONTENT_ITEM_KEYS.slice(0, 6);

/** A required item the plan lacks. `paths` are JSON Pointers into the canonical plan. */
export interface MissingContentItem {
  key: ContentItemKey;
  /** The requirement as the routine words it. */
  wording: string;
  paths: string[];
}

interface ContentItem {
  wording: string;
  /** Paths of what is missing; empty when the item is present. */
  missingPaths(plan: Plan): string[];
}

const has = (text: string | undefined): boolean => text !== undefined && !isBlank(text);

function perIntervention(plan: Plan, fields: readonly ('when' | 'where' | 'how' | GoalField)[]): string[] {
  if (plan.interventions.length === 0) return ['/interventions'];
  return plan.interventions.flatMap((intervention, index) =>
    fields.filter((field) => !has(intervention[field])).map((field) => `/interventions/${index}/${field}`),
  );
}

type GoalField = 'orderedGoal' | 'individualGoal' | 'plannedGoal';

// Item 3 ("annan information som är av vikt vid utförandet"): routine 000 points the
// kontaktman at the tab "Uppgifter och övrig information" (other information, transport
// service, medication help); routine 003's template spells out what matters when carrying
// the plan out: daily rhythm, social life, health, mobility, needs, approach, SIP. Any one
// of these stated counts. Excluded: the case officer's note (not the provider's information)
// and the planner notification (addressed to the scheduler, not to those who carry it out).
function otherImportantInformationPresent(plan: Plan): boolean {
  const texts = [
    plan.otherInformation,
    plan.approach,
    plan.sipNote,
    ...Object.values(plan.dailyRhythm ?? {}),
    plan.social?.activities,
    plan.social?.interests,
    ...[plan.health?.allergies, plan.health?.diet, plan.health?.sightHearingSpeech, plan.health?.oralCare],
    ...[plan.health?.mobility, plan.health?.worry, plan.health?.orientationMemory],
    plan.mobility?.aids,
    plan.mobility?.other,
    ...Object.values(plan.needs ?? {}),
  ];
  return (
    texts.some(has) ||
    (plan.social?.importantContacts.length ?? 0) > 0 ||
    plan.health?.alarm !== undefined ||
    plan.mobility?.indoors !== undefined ||
    plan.mobility?.outdoors !== undefined ||
    plan.transportService !== undefined ||
    plan.medicationHelp !== undefined
  );
}

const CONTENT_ITEMS: Record<ContentItemKey, ContentItem> = {
  when_where_how: {
    wording: 'när, var och hur en beviljad insats ska utföras',
    missingPaths: (plan) => perIntervention(plan, ['when', 'where', 'how']),
  },
  // The formats require all three goals; the officer's, the person's and the provider's
  // goal together say "vilka mål som gäller".
  goals: {
    wording: 'vilka mål som gäller för insatsen eller delar av den',
    missingPaths: (plan) => perIntervention(plan, ['orderedGoal', 'individualGoal', 'plannedGoal']),
  },
  other_important_information: {
    wording: 'annan information som är av vikt vid utförandet',
    missingPaths: (plan) => (otherImportantInformationPresent(plan) ? [] : ['/otherInformation']),
  },
  how_person_took_part: {
    wording: 'på vilket sätt brukaren har deltagit i planeringen',
    missingPaths: (plan) =>
      has(plan.participation.howPersonTookPart) ? [] : ['/participation/howPersonTookPart'],
  },
  // At least the kontaktman who wrote the plan took part; routine 003 asks for staff with
  // titles and others with their relation.
  other_participants: {
    wording: 'vilka personer som har deltagit i planeringen',
    missingPaths: (plan) =>
      plan.participation.otherParticipants.length > 0 ? [] : ['/participation/otherParticipants'],
  },
  established_date: {
    wording: 'när genomförandeplanen har fastställts',
    missingPaths: (plan) => (plan.dates.established ? [] : ['/dates/established']),
  },
  daily_rhythm: {
    wording: 'dygnsrytm: morgon, dag, kväll och natt',
    missingPaths: (plan) =>
      (['morning', 'day', 'evening', 'night'] as const)
        .filter((part) => !has(plan.dailyRhythm?.[part]))
        .map((part) => `/dailyRhythm/${part}`),
  },
  approach: {
    wording: 'förhållningssätt och bemötande',
    missingPaths: (plan) => (has(plan.approach) ? [] : ['/approach']),
  },
};

/**
 * The items the policy requires that the plan lacks, in the order given, each with its key, the
 * routine's Swedish wording and the canonical field paths to fill in. The formats already
 * require some of these; they are still checked because plans also arrive as canonical JSON
 * and through future formats.
 */
export function missingContent(
  plan: Plan,
  policy: { requiredContent: readonly ContentItemKey[] },
): MissingContentItem[] {
  return [...new Set(policy.requiredContent)].flatMap((key) => {
    const item = CONTENT_ITEMS[key];
    const paths = item.missingPaths(plan);
    return paths.length === 0 ? [] : [{ key, wording: item.wording, paths }];
  });
}
