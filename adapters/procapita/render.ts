/**
 * Canonical plan → Procapita export bytes (formats/README.md 5.1, 5.2): ISO-8859-1 with every
 * other character as a decimal character reference, CR LF line ends also inside texts, the
 * children of GENOMFORANDEPLAN grouped in the order of 5.2, empty optional items left out.
 */
import { toCompactDate } from '../../src/domain/calendar-date.js';
import type { Plan } from '../../src/domain/plan.js';
import { stockholmCompactDateTime } from '../../src/domain/stockholm-time.js';
import type { RenderContext } from '../types.js';
import {
  BOOLEAN,
  codeOf,
  FORMAT_VERSION,
  INTERVENTION_TEXTS,
  KEYWORDS,
  LAW,
  METHOD,
  MOBILITY,
  MODULE_BY_LAW,
  ROLE,
} from './codes.js';

const EOL = '\r\n';
type Attributes = ReadonlyArray<readonly [string, string | undefined]>;

export function renderProcapita(plan: Plan, context: RenderContext): Buffer {
  const lines: string[] = [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    open('PROCAPITA_EXPORT', [
      ['VERSION', FORMAT_VERSION],
      ['MODUL', MODULE_BY_LAW[plan.plan.law]],
      ['EXPORTTID', stockholmCompactDateTime(context.now)],
    ]),
    `  ${open('GENOMFORANDEPLAN', [
      ['PLANID', plan.plan.sourcePlanId],
      ['LAG', codeOf(LAW, plan.plan.law)],
      ['KOMMUN', plan.plan.municipalityCode],
    ])}`,
    ...planChildren(plan).map((line) => `    ${line}`),
    '  </GENOMFORANDEPLAN>',
    '</PROCAPITA_EXPORT>',
  ];
  return Buffer.from(lines.join(EOL) + EOL, 'latin1');
}

function planChildren(plan: Plan): string[] {
  const { serviceType, unit } = plan.plan;
  const lines = [
    empty('VERKSAMHET', [
      ['KOD', serviceType.code],
      ['NAMN', serviceType.name],
    ]),
    empty('ENHET', [
      ['ENHETSID', unit.id],
      ['NAMN', unit.name],
    ]),
    empty('BRUKARE', [
      ['PNR', plan.person.identityNumber],
      ['FNAMN', plan.person.givenName],
      ['ENAMN', plan.person.familyName],
    ]),
    contactPerson('ANSVARIG', plan.contactPerson),
  ];
  if (plan.viceContactPerson) lines.push(contactPerson('VICE', plan.viceContactPerson));
  const { dates } = plan;
  lines.push(
    empty('DATUM', [
      ['INSATSSTART', toCompactDate(dates.interventionStart)],
      ['UPPRATTAD', toCompactDate(dates.drawnUp)],
      ['FASTSTALLD', dates.established && toCompactDate(dates.established)],
      ['KOMMUNICERAD', dates.communicated && toCompactDate(dates.communicated)],
      ['UPPFOLJNING', toCompactDate(dates.nextFollowUp)],
    ]),
  );
  for (const participant of plan.participation.otherParticipants) {
    lines.push(
      empty('DELTAGARE', [
        ['NAMN', participant.name],
        ['TITEL_RELATION', participant.titleOrRelation],
      ]),
    );
  }
  for (const intervention of plan.interventions) {
    lines.push(
      open('INSATS', [
        ['BESLUTSID', intervention.decisionId],
        ['BENAMNING', intervention.name],
        ['LAGRUM', intervention.legalBasis],
      ]),
    );
    for (const [name, field] of INTERVENTION_TEXTS) {
      const text = intervention[field];
      if (text !== undefined) lines.push(`  ${textElement(name, [], text)}`);
    }
    lines.push('</INSATS>');
  }
  for (const [code, at] of KEYWORDS) {
    const text = keywordText(plan, at);
    if (text !== undefined) lines.push(textElement('SOKORD', [['KOD', code]], text));
  }
  for (const contact of plan.social?.importantContacts ?? []) {
    lines.push(
      empty('KONTAKT', [
        ['NAMN', contact.name],
        ['RELATION', contact.relation],
        ['TELEFON', contact.phone],
        ['RINGHJALP', codeOf(BOOLEAN, contact.wantsHelpToCall)],
      ]),
    );
  }
  const alarm = plan.health?.alarm;
  if (alarm) {
    lines.push(
      empty('LARM', [
        ['TYP', alarm.type],
        ['PLACERING', alarm.placement],
        ['SAMTYCKE', codeOf(BOOLEAN, alarm.consent)],
      ]),
    );
  }
  const { indoors, outdoors } = plan.mobility ?? {};
  if (indoors !== undefined || outdoors !== undefined) {
    lines.push(
      empty('FORFLYTTNING', [
        ['INOMHUS', indoors && codeOf(MOBILITY, indoors)],
        ['UTOMHUS', outdoors && codeOf(MOBILITY, outdoors)],
      ]),
    );
  }
  if (plan.transportService !== undefined || plan.medicationHelp !== undefined) {
    lines.push(
      empty('UPPGIFTER', [
        ['FARDTJANST', optionalBoolean(plan.transportService)],
        ['MEDICIN', optionalBoolean(plan.medicationHelp)],
      ]),
    );
  }
  for (const consent of plan.consents) {
    lines.push(
      textElement(
        'SAMTYCKE',
        [
          ['GIVET', codeOf(BOOLEAN, consent.given)],
          ['DATUM', toCompactDate(consent.date)],
        ],
        consent.covers,
      ),
    );
  }
  for (const signature of plan.signatures) {
    const role = codeOf(ROLE, signature.role);
    lines.push(
      signature.signed
        ? empty('SIGNERING', [
            ['ROLL', role],
            ['NAMN', signature.name],
            ['DATUM', toCompactDate(signature.date)],
            ['METOD', codeOf(METHOD, signature.method)],
          ])
        : textElement('EJ_SIGNERAD', [['ROLL', role]], signature.reason),
    );
  }
  return lines;
}

function contactPerson(type: string, person: { name: string; title: string }): string {
  return empty('KONTAKTMAN', [
    ['TYP', type],
    ['NAMN', person.name],
    ['TITEL', person.title],
  ]);
}

function keywordText(plan: Plan, at: readonly string[]): string | undefined {
  let node: unknown = plan;
  for (const key of at) node = (node as Record<string, unknown> | undefined)?.[key];
  return typeof node === 'string' ? node : undefined;
}

function optionalBoolean(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : codeOf(BOOLEAN, value);
}

function attributes(list: Attributes): string {
  let out = '';
  for (const [name, value] of list)
    if (value !== undefined) out += ` ${name}="${escapeXml(value, ATTRIBUTE_SPECIAL)}"`;
  return out;
}

function open(name: string, list: Attributes): string {
  return `<${name}${attributes(list)}>`;
}

function empty(name: string, list: Attributes): string {
  return `<${name}${attributes(list)}/>`;
}

function textElement(name: string, list: Attributes, text: string): string {
  return `<${name}${attributes(list)}>${escapeXml(text, TEXT_SPECIAL).replace(/\n/g, EOL)}</${name}>`;
}

// Markup characters, CR (so it is not read as a line end) and everything outside Latin-1; an
// astral character is one reference to its code point, never two surrogate halves.
const TEXT_SPECIAL = /[&<>\r\u0100-\uD7FF\uE000-\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r\u0100-\uD7FF\uE000-\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const NAMED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeXml(value: string, special: RegExp): string {
  return value.replace(special, (c) => NAMED[c] ?? `&#${c.codePointAt(0)};`);
}
