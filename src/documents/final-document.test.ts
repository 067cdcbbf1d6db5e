import { PDFParse } from 'pdf-parse';
import { afterAll, describe, expect, it } from 'vitest';
import {
  examplePlans,
  longPlan,
  minimalPlan,
  samordningsnummerPlan,
} from '../../test/fixtures/example-plans.js';
import { signatureRound } from '../domain/lifecycle/signatures.js';
import type { Plan, Signature } from '../domain/plan.js';
import { signedContentHash } from '../domain/plan-hashes.js';
import type { Policy } from '../domain/policy/policy.js';
import { presetPolicy } from '../domain/policy/presets.js';
import { type FinalDocumentMeta, renderFinalDocumentPdf } from './final-document.js';
import { printable } from './pdf-writer.js';
import { planSections } from './plan-sections.js';

const meta: FinalDocumentMeta = {
  planId: 'p-1',
  version: 3,
  lifecycleStatus: 'signed',
  // 08:41 UTC is 09:41 in Stockholm (CET).
  generatedAt: new Date('2025-02-06T08:41:07Z'),
};

const parsers: PDFParse[] = [];
afterAll(async () => {
  await Promise.all(parsers.map((p) => p.destroy()));
});

async function read(pdf: Buffer) {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  parsers.push(parser);
  const [text, info] = [await parser.getText(), await parser.getInfo()];
  // Extraction puts line breaks where the layout wrapped; compare texts with whitespace collapsed.
  return {
    pages: text.total,
    text: text.text.replace(/\s+/g, ' '),
    info: info.info as Record<string, unknown>,
  };
}

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const examples = examplePlans();
const elias = examples['lss-gruppbostad-elias'] as Plan;
const astrid = examples['hemtjanst-astrid'] as Plan;

describe('renderFinalDocumentPdf', () => {
  it('lays out the LSS example with the template headings, names, goals and a refusal reason', async () => {
    const pdf = await renderFinalDocumentPdf(elias, meta);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = await read(pdf);

    for (const heading of [
      'Genomförandeplan',
      'Planens framtagande',
      'Mål och insatser',
      'Utförarens mål och insatser',
      'Dygnsrytm',
      'Morgon 07:00–12:00',
      'Natt 21:30–07:00',
      'Sociala aktiviteter',
      'Hälsa',
      'Larm',
      'Färdtjänst och medicin',
      'Förmåga till förflyttning inom- och utomhus',
      'Måltidssituation',
      'Personnära',
      'Sköta hemmet',
      'Förhållningssätt',
      'Övrig information',
      'Samtycken',
      'Underskrifter',
    ]) {
      expect(text, heading).toContain(heading);
    }
    expect(text).toContain('LSS – bostad med särskild service för vuxna (LSS 9 § 9) · Gruppbostaden Lönnen');
    expect(text).toContain('Elias Nordström');
    expect(text).toContain('19910523-9835');
    expect(text).toContain('Sara Lindberg, Stödassistent');
    const intervention = elias.interventions[0];
    expect(text).toContain(flat(intervention?.name ?? '?')); // has an en dash
    expect(text).toContain(flat(intervention?.plannedGoal ?? '?'));
    expect(text).toContain(flat(intervention?.how ?? '?')); // has ” quotation marks
    const refusal = elias.signatures.find((s) => s.signed === false);
    expect(text).toContain(flat(refusal?.signed === false ? refusal.reason : '?'));
    expect(text).toContain('Margareta Holm 2025-02-05 (papper)');
    expect(text).toContain('Färdtjänst Ja');
    expect(text).toContain('Inomhus utan hjälpmedel');
    expect(text).toContain(`Version 3 · signerad · skapad 2025-02-06 09:41 · sida 1 av ${pages}`);
  });

  it('leaves out what the plan does not say', async () => {
    const { text, pages } = await read(await renderFinalDocumentPdf(minimalPlan(), meta));
    expect(pages).toBe(1);
    expect(text).toContain('Planens framtagande');
    expect(text).toContain('Städning (beslut D-1)');
    for (const absent of [
      'Dygnsrytm',
      'Hälsa',
      'Färdtjänst',
      'Medicin',
      'Samtycken',
      'Underskrifter',
      'Fastställd',
      'Vice',
    ]) {
      expect(text, absent).not.toContain(absent);
    }
    expect(planSections(minimalPlan()).map((s) => s.key)).toEqual(['planning', 'officer', 'provider']);
  });

  it('shows "Nej" for a stated false, the planner notification and SITHS signatures of the home-care example', async () => {
    const plan: Plan = { ...astrid, transportService: false };
    const { text } = await read(await renderFinalDocumentPdf(plan, meta));
    expect(text).toContain('Färdtjänst Nej');
    expect(text).toContain('Medicin Ja');
    expect(text).toContain('Meddelande till planerare');
    expect(text).toContain('Lena Ek 2025-03-17 (SITHS)');
  });

  it('shows a child’s plan signed by both vårdnadshavare as the person’s signature, by guardian', async () => {
    const guardian = (name: string): Signature => ({
      role: 'guardian',
      signed: true,
      name,
      date: '2025-02-05',
      method: 'bankid',
    });
    const plan: Plan = { ...elias, signatures: [] };
    const recorded = [guardian('Anna Berg'), guardian('Jonas Berg')].map((s) => ({
      ...s,
      signedContentHash: signedContentHash(plan),
      source: 'api' as const,
    }));
    const round = (policy: Policy) =>
      signatureRound({
        plan,
        signedContentHash: signedContentHash(plan),
        sourceSystem: 'pulsen-combine',
        policy,
        recorded,
      });
    const { text } = await read(
      await renderFinalDocumentPdf(plan, { ...meta, signing: round(presetPolicy('lss')) }),
    );
    expect(text).toContain(
      'Brukare/kund Underskriven av ställföreträdare för den enskilde: Anna Berg och Jonas Berg',
    );
    expect(text).toContain('Ställföreträdare för den enskilde Underskriven av Anna Berg 2025-02-05 (BankID)');
    const notCounted = { ...presetPolicy('lss'), guardianSignsForPerson: false };
    const without = await read(await renderFinalDocumentPdf(plan, { ...meta, signing: round(notCounted) }));
    expect(without.text).toContain('Ställföreträdare Underskriven av Jonas Berg 2025-02-05 (BankID)');
    expect(without.text).not.toContain('för den enskilde');
  });

  it('labels a samordningsnummer as such', async () => {
    const { text } = await read(await renderFinalDocumentPdf(samordningsnummerPlan(), meta));
    expect(text).toContain('Samordningsnummer 19900163-9989');
  });

  it('keeps the identity number out of the metadata and is reproducible for a fixed generation time', async () => {
    const pdf = await renderFinalDocumentPdf(elias, meta);
    const { info } = await read(pdf);
    expect(info.Title).toBe('Genomförandeplan – Elias Nordström');
    expect(JSON.stringify(info)).not.toMatch(/199105239835|19910523-9835/);
    expect((await renderFinalDocumentPdf(elias, meta)).equals(pdf)).toBe(true);
    const later = await renderFinalDocumentPdf(elias, {
      ...meta,
      generatedAt: new Date('2025-02-07T08:00:00Z'),
    });
    expect(later.equals(pdf)).toBe(false);
  });

  it('flows free texts at their 100 000-character limit over many pages, including characters the font lacks', async () => {
    const started = performance.now();
    const pdf = await renderFinalDocumentPdf(longPlan(), meta);
    const elapsed = performance.now() - started;
    const long = await read(pdf);
    const short = await read(await renderFinalDocumentPdf(minimalPlan(), meta));
    expect(long.pages).toBeGreaterThan(short.pages + 20);
    expect(long.text).toContain(`sida ${long.pages} av ${long.pages}`);
    expect(long.text).toContain('Lång text – med ”citat” och emoji');
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe('printable', () => {
  it('gives long words break opportunities and expands tabs, leaving ordinary text alone', () => {
    expect(printable('a\tb')).toBe('a    b');
    expect(printable('kort text – ”citat”')).toBe('kort text – ”citat”');
    const broken = printable('x'.repeat(100));
    expect(broken.split('\u200B').map((part) => part.length)).toEqual([40, 40, 20]);
    expect(printable('y'.repeat(40))).toBe('y'.repeat(40));
  });
});
