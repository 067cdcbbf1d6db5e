/**
 * The final document (slutredigeringsdokument): the plan laid out after the LSS template of
 * routine 003, for the person's binder and for the case officer. Pure: plan + metadata in,
 * PDF bytes out; the same input gives the same bytes.
 */
import { identityNumberKind, withDash } from '../domain/identity-number.js';
import type { SignatureRound } from '../domain/lifecycle/signatures.js';
import type { Plan } from '../domain/plan.js';
import { PdfWriter } from './pdf-writer.js';
import { planSections } from './plan-sections.js';

export interface FinalDocumentMeta {
  planId: string;
  version: number;
  lifecycleStatus: string;
  generatedAt: Date;
  /** The version's signing round; without it the signatures the document carries are shown. */
  signing?: SignatureRound;
}

const STATUS_LABELS: Record<string, string> = {
  draft: 'utkast',
  established: 'fastställd',
  communicated: 'kommunicerad',
  signed: 'signerad',
  submitted: 'avgiven',
  acknowledged: 'mottagen av handläggare',
};

const stockholmTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  dateStyle: 'short',
  timeStyle: 'short',
});

export async function renderFinalDocumentPdf(plan: Plan, meta: FinalDocumentMeta): Promise<Buffer> {
  const name = `${plan.person.givenName} ${plan.person.familyName}`;
  const writer = new PdfWriter({
    // The identity number stays out of the metadata, which viewers and indexers show freely.
    title: `Genomförandeplan – ${name}`,
    subject: plan.plan.serviceType.name,
    author: plan.plan.unit.name,
    createdAt: meta.generatedAt,
  });

  writer.title(
    'Genomförandeplan',
    `${plan.plan.law} – ${plan.plan.serviceType.name} · ${plan.plan.unit.name}`,
  );
  for (const [label, text] of header(plan, name)) writer.field(label, text);

  for (const section of planSections(plan, meta.signing)) {
    writer.heading(section.heading);
    for (const item of section.items) {
      if (item.kind === 'subheading') writer.subheading(item.text);
      else if (item.kind === 'field') writer.field(item.label, item.text);
      else writer.paragraph(item.text);
    }
  }

  const status = STATUS_LABELS[meta.lifecycleStatus] ?? meta.lifecycleStatus;
  const generated = stockholmTime.format(meta.generatedAt);
  return writer.finish(
    (page, pages) => `Version ${meta.version} · ${status} · skapad ${generated} · sida ${page} av ${pages}`,
  );
}

function header(plan: Plan, name: string): [string, string][] {
  const { identityNumber } = plan.person;
  const numberLabel =
    identityNumberKind(identityNumber) === 'samordningsnummer' ? 'Samordningsnummer' : 'Personnummer';
  const vice = plan.viceContactPerson;
  return [
    ['Namn', name],
    [numberLabel, withDash(identityNumber)],
    ['Ansvarig', `${plan.contactPerson.name}, ${plan.contactPerson.title}`],
    ...(vice ? [['Vice ansvarig', `${vice.name}, ${vice.title}`] as [string, string]] : []),
  ];
}
