/**
 * The plan as the LSS template's sections (routine 003, "lathund"), in Swedish and in the
 * template's order. Empty is absent: a section with nothing to say is left out, and so is
 * an item that is not stated. The PDF lays these out; the FHIR export turns them into notes.
 */
import type { SignatureRound, SignedSignature } from '../domain/lifecycle/signatures.js';
import type { Intervention, Plan } from '../domain/plan.js';
import {
  DAILY_RHYTHM_LABELS,
  HEALTH_LABELS,
  MOBILITY_LABELS,
  NEEDS_LABELS,
  SIGNATURE_METHOD_LABELS,
  SIGNATURE_ROLE_LABELS,
  SOCIAL_LABELS,
  yesNo,
} from './swedish-labels.js';

export type DocumentItem =
  | { kind: 'field'; label: string; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'subheading'; text: string };

export interface DocumentSection {
  /** Stable key, independent of the Swedish heading. */
  key: string;
  heading: string;
  items: DocumentItem[];
}

/**
 * The template's sections after the header, empty ones left out. With a signing round, the
 * signature section shows the round (also signatures recorded through the API) and whether a
 * guardian signed for the person; without one, the signatures the document carries.
 */
export function planSections(plan: Plan, signing?: SignatureRound): DocumentSection[] {
  const sections: DocumentSection[] = [
    { key: 'planning', heading: 'Planens framtagande', items: planning(plan) },
    { key: 'officer', heading: 'Mål och insatser', items: plan.interventions.flatMap(officerPart) },
    {
      key: 'provider',
      heading: 'Utförarens mål och insatser',
      items: plan.interventions.flatMap(providerPart),
    },
    { key: 'dailyRhythm', heading: 'Dygnsrytm', items: labelled(DAILY_RHYTHM_LABELS, plan.dailyRhythm) },
    { key: 'social', heading: 'Sociala aktiviteter', items: social(plan) },
    { key: 'health', heading: 'Hälsa', items: health(plan) },
    { key: 'transportAndMedication', heading: 'Färdtjänst och medicin', items: transportAndMedication(plan) },
    { key: 'mobility', heading: 'Förmåga till förflyttning inom- och utomhus', items: mobility(plan) },
    ...(['meals', 'personalCare', 'household', 'other'] as const).map((need) => ({
      key: `needs.${need}`,
      heading: NEEDS_LABELS[need],
      items: text(plan.needs?.[need]),
    })),
    { key: 'approach', heading: 'Förhållningssätt', items: text(plan.approach) },
    { key: 'otherInformation', heading: 'Övrig information', items: otherInformation(plan) },
    { key: 'consents', heading: 'Samtycken', items: consents(plan) },
    { key: 'signatures', heading: 'Underskrifter', items: signatures(plan, signing) },
  ];
  return sections.filter((section) => section.items.length > 0);
}

function planning(plan: Plan): DocumentItem[] {
  const { dates, participation } = plan;
  return [
    field('Datum (upprättad)', dates.drawnUp),
    field('Insatsens startdatum', dates.interventionStart),
    field('Deltagande', participation.howPersonTookPart),
    field(
      'Övriga deltagande personer',
      participation.otherParticipants.map((p) => `${p.name}, ${p.titleOrRelation}`).join('\n') || undefined,
    ),
    field('Uppföljning av planen', dates.nextFollowUp),
    field('Fastställd', dates.established),
    field('Kommunicerad', dates.communicated),
  ].flat();
}

function officerPart(intervention: Intervention): DocumentItem[] {
  return [
    { kind: 'subheading', text: interventionHeading(intervention) },
    ...field('Beställt mål', intervention.orderedGoal),
    ...field('Individuellt mål', intervention.individualGoal),
    ...field('Beställd insats', intervention.name),
    ...field('Lagrum', intervention.legalBasis),
    ...field('Omfattning', intervention.scope),
    ...field('Anteckning', intervention.note),
  ];
}

function providerPart(intervention: Intervention): DocumentItem[] {
  return [
    { kind: 'subheading', text: interventionHeading(intervention) },
    ...field('Planerat mål', intervention.plannedGoal),
    ...field('När', intervention.when),
    ...field('Var', intervention.where),
    ...field('Hur', intervention.how),
  ];
}

function interventionHeading(intervention: Intervention): string {
  return `${intervention.name} (beslut ${intervention.decisionId})`;
}

function social(plan: Plan): DocumentItem[] {
  const contacts = (plan.social?.importantContacts ?? []).map((contact) => {
    const phone = contact.phone === undefined ? '' : `, tel. ${contact.phone}`;
    const help = contact.wantsHelpToCall ? 'vill ha hjälp att ringa' : 'vill inte ha hjälp att ringa';
    return `${contact.name} (${contact.relation})${phone} – ${help}`;
  });
  return [
    ...field(SOCIAL_LABELS.activities, plan.social?.activities),
    ...field(SOCIAL_LABELS.interests, plan.social?.interests),
    ...field(SOCIAL_LABELS.importantContacts, contacts.join('\n') || undefined),
  ];
}

function health(plan: Plan): DocumentItem[] {
  const alarm = plan.health?.alarm;
  const alarmText =
    alarm &&
    [
      `Typ: ${alarm.type}`,
      ...(alarm.placement === undefined ? [] : [`Placering: ${alarm.placement}`]),
      `Samtycke: ${yesNo(alarm.consent)}`,
    ].join('\n');
  return [...labelled(HEALTH_LABELS, plan.health), ...field('Larm', alarmText)];
}

/** Tri-state: false is "Nej", absent is not stated and left out. */
function transportAndMedication(plan: Plan): DocumentItem[] {
  return [
    ...field('Färdtjänst', plan.transportService === undefined ? undefined : yesNo(plan.transportService)),
    ...field('Medicin', plan.medicationHelp === undefined ? undefined : yesNo(plan.medicationHelp)),
  ];
}

function mobility(plan: Plan): DocumentItem[] {
  const { indoors, outdoors, aids, other } = plan.mobility ?? {};
  return [
    ...field('Inomhus', indoors && MOBILITY_LABELS[indoors]),
    ...field('Utomhus', outdoors && MOBILITY_LABELS[outdoors]),
    ...field('Hjälpmedel', aids),
    ...field('Annat', other),
  ];
}

function otherInformation(plan: Plan): DocumentItem[] {
  return [
    ...field('Övrig viktig information', plan.otherInformation),
    ...field('SIP (samordnad individuell plan)', plan.sipNote),
    ...field('Meddelande till planerare', plan.plannerNotification),
  ];
}

function consents(plan: Plan): DocumentItem[] {
  return plan.consents.flatMap((consent) =>
    field(`${consent.given ? 'Lämnat' : 'Ej lämnat eller återtaget'} ${consent.date}`, consent.covers),
  );
}

function signatures(plan: Plan, signing: SignatureRound | undefined): DocumentItem[] {
  const forPerson = signing?.required.find((status) => status.role === 'person')?.byGuardians ?? [];
  const metByGuardians =
    forPerson.length === 0
      ? []
      : field(
          capitalize(SIGNATURE_ROLE_LABELS.person),
          `Underskriven av ställföreträdare för den enskilde: ${forPerson.map((s) => s.name).join(' och ')}`,
        );
  return [
    ...metByGuardians,
    ...(signing?.signatures ?? plan.signatures).flatMap((signature) => {
      const role = capitalize(SIGNATURE_ROLE_LABELS[signature.role]);
      const label = forPerson.includes(signature as SignedSignature) ? `${role} för den enskilde` : role;
      return signature.signed
        ? field(
            label,
            `Underskriven av ${signature.name} ${signature.date} (${SIGNATURE_METHOD_LABELS[signature.method]})`,
          )
        : field(label, `Ej underskriven. Orsak: ${signature.reason}`);
    }),
  ];
}

function labelled<K extends string>(
  labels: Record<K, string>,
  values: Partial<Record<NoInfer<K>, string>> | undefined,
): DocumentItem[] {
  return (Object.keys(labels) as K[]).flatMap((key) => field(labels[key], values?.[key]));
}

function field(label: string, value: string | undefined): DocumentItem[] {
  return value === undefined ? [] : [{ kind: 'field', label, text: value }];
}

function text(value: string | undefined): DocumentItem[] {
  return value === undefined ? [] : [{ kind: 'text', text: value }];
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
