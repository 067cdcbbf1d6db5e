import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../types.js';
import { lifecareAdapter } from './index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const P = '/Genomforandeplan';
const NOT_AN_ATTRIBUTE = 'is not allowed: Lifecare elements have no attributes';
const NAMESPACE = 'urn:se:lifecare:utforare:genomforandeplan:v2';

/** Each refused fixture with every issue it must give, in order. */
const REFUSED: Record<string, [path: string, message: string][]> = {
  'v1-namespace': [[P, `must be in the namespace ${NAMESPACE}`]],
  'no-namespace': [[P, `must be in the namespace ${NAMESPACE}`]],
  'wrong-root': [['/Plan', 'must be Genomforandeplan']],
  'personnummer-in-samordningsnummer': [
    [`${P}/Brukare/Samordningsnummer`, 'holds a personnummer, which belongs in Personnummer'],
  ],
  'samordningsnummer-in-personnummer': [
    [`${P}/Brukare/Personnummer`, 'holds a samordningsnummer, which belongs in Samordningsnummer'],
  ],
  'both-identity-numbers': [[`${P}/Brukare`, 'must hold either Personnummer or Samordningsnummer, not both']],
  'no-identity-number': [[`${P}/Brukare/Personnummer`, 'is required (or Samordningsnummer)']],
  'identity-number-without-dash': [[`${P}/Brukare/Samordningsnummer`, 'must be written YYYYMMDD-NNNC']],
  'identity-number-check-digit': [[`${P}/Brukare/Samordningsnummer`, 'has a wrong check digit']],
  'unknown-element': [[`${P}/Halsa/Somnvanor`, 'is not a known element here']],
  'foreign-namespace-element': [[`${P}/Insatser/Insats/Prioritet`, `is not in the namespace ${NAMESPACE}`]],
  'attribute-on-element': [
    [`${P}/Arende/Kommunkod/@typ`, NOT_AN_ATTRIBUTE],
    [`${P}/Insatser/Insats/@id`, NOT_AN_ATTRIBUTE],
  ],
  'duplicated-single-element': [
    [`${P}/Brukare/Fornamn[2]`, 'must occur only once'],
    [`${P}/Tidpunkter/Upprattad[2]`, 'must occur only once'],
  ],
  'text-in-container': [[`${P}/Ansvariga`, 'must hold only elements, no text']],
  'element-in-text': [
    [`${P}/Insatser/Insats/Genomforande/Hur/Betoning`, 'is not allowed here: the element holds text only'],
  ],
  'boolean-spelling': [
    [`${P}/Stodbehov/Fardtjanst`, 'must be true or false'],
    [`${P}/Stodbehov/Lakemedelsstod`, 'must be true or false'],
  ],
  'code-spelling': [
    [`${P}/Stodbehov/Forflyttning/Inomhus`, 'must be one of UtanHjalpmedel, Kapp, Rollator, Rullstol'],
    [`${P}/Signeringar/Signering/Roll`, 'must be one of Brukare, Enhetschef, Kontaktman, Stallforetradare'],
    [`${P}/Signeringar/Signering/Metod`, 'must be one of Papper, BankID, SITHS'],
    [`${P}/Arende/Lagstiftning`, 'must be one of "SoL", "LSS"'],
  ],
  'bad-envelope': [
    [`${P}/Dokumentinfo/DokumentId`, 'must be a UUID'],
    [`${P}/Dokumentinfo/Skapad`, 'must be a date-time with offset, e.g. 2025-03-17T14:02:31+01:00'],
  ],
  'no-envelope': [
    [`${P}/Dokumentinfo/DokumentId`, 'is required'],
    [`${P}/Dokumentinfo/Skapad`, 'is required'],
    [`${P}/Dokumentinfo/KallsystemetsPlanId`, 'is required'],
  ],
  consistency: [
    [`${P}/Arende/Lagstiftning`, 'must be LSS for service type LSS_DAGLIG_VERKSAMHET'],
    [`${P}/Insatser/Insats[3]/BeslutsId`, 'must be unique within the plan'],
  ],
  'many-problems': [
    [`${P}/Signeringar/Signering/Orsak`, 'is not a known element here'],
    [`${P}/Arende/Kommunkod`, 'must be 4 digits'],
    [`${P}/Ansvariga/Kontaktman/Titel`, 'is required'],
    [`${P}/Tidpunkter/Upprattad`, 'must be a date that exists, written YYYY-MM-DD'],
    [`${P}/Insatser/Insats[3]/Genomforande/Hur`, 'is required'],
    [`${P}/Socialt/ViktigaKontakter/Kontakt[2]/VillHaHjalpAttRinga`, 'is required'],
    [`${P}/Halsa/Larm/Typ`, 'is required'],
  ],
};

// Every identity number used in the fixtures, in both spellings.
const IDENTITY_NUMBERS = ['19500370-9838', '19500310-9831', '19500370-9839'].flatMap((n) => [
  n,
  n.replace('-', ''),
]);

describe('refused documents (422) name every problem at its element', () => {
  it.each(Object.entries(REFUSED))('%s', (name, expected) => {
    const outcome = lifecareAdapter.parse(readFileSync(join(fixtures, `refused-${name}.lifecare.xml`)));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.status).toBe(422);
    expect(outcome.issues.map((issue) => [issue.path, issue.message])).toEqual(expected);
    const said = JSON.stringify(outcome.issues);
    for (const number of IDENTITY_NUMBERS) expect(said).not.toContain(number);
  });
});

describe('unreadable documents', () => {
  const minimal = readFileSync(join(fixtures, 'minimal-samordningsnummer.lifecare.xml'), 'utf8');
  const statusOf = (document: string | Uint8Array) => {
    const outcome = lifecareAdapter.parse(
      typeof document === 'string' ? Buffer.from(document, 'utf8') : document,
    );
    return outcome.ok ? 'accepted' : outcome.status;
  };

  it('refuses a DOCTYPE (400)', () => {
    const withDoctype = minimal.replace(
      '<Genomforandeplan ',
      '<!DOCTYPE Genomforandeplan [<!ENTITY x "y">]>\n<Genomforandeplan ',
    );
    expect(statusOf(withDoctype)).toBe(400);
  });

  it('refuses another declared encoding (400) and accepts no declaration', () => {
    expect(statusOf(minimal.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'))).toBe(400);
    expect(statusOf(minimal.replace('<?xml version="1.0" encoding="UTF-8"?>\n', ''))).toBe('accepted');
  });

  it('refuses a truncated document (400) and bytes that are not UTF-8 (400)', () => {
    expect(statusOf(minimal.slice(0, minimal.length - 30))).toBe(400);
    const utf8 = Buffer.from(minimal, 'utf8');
    const at = utf8.indexOf('Nadia');
    expect(statusOf(Buffer.concat([utf8.subarray(0, at), Buffer.from([0xff]), utf8.subarray(at)]))).toBe(400);
  });

  it('refuses a document over 10 MiB (413)', () => {
    const padding = ' '.repeat(MAX_DOCUMENT_BYTES);
    expect(statusOf(minimal.replace('</Genomforandeplan>', `${padding}</Genomforandeplan>`))).toBe(413);
  });
});
