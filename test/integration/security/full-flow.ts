import { readFileSync } from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Plan } from '../../../src/domain/plan.js';

const EXAMPLES = new URL('../../../examples/canonical/', import.meta.url);
const NATIVE = new URL('../../adapters/fixtures/', import.meta.url);

/** The shared examples' people: what must never be found in clear. */
export const ASTRID = JSON.parse(readFileSync(new URL('hemtjanst-astrid.json', EXAMPLES), 'utf8')) as Plan;
export const ELIAS = JSON.parse(
  readFileSync(new URL('lss-gruppbostad-elias.json', EXAMPLES), 'utf8'),
) as Plan;

/** The signing secret of the flow's destination: stored encrypted, never in clear either. */
export const WEBHOOK_SECRET = `whsec_${Buffer.from('planbrygga leak test webhook secret!').toString('base64')}`;

/** Every spelling of the people's identity numbers and every name the examples hold about them. */
export function secretsOf(...plans: Plan[]): string[] {
  return plans.flatMap((plan) => {
    const id = plan.person.identityNumber;
    const dashed = `${id.slice(0, 8)}-${id.slice(8)}`;
    return [id, dashed, id.slice(2), dashed.slice(2), plan.person.givenName, plan.person.familyName];
  });
}

/** The first secret found in a text, or undefined. */
export function findSecret(text: string, secrets: readonly string[]): string | undefined {
  return secrets.find((secret) => text.includes(secret));
}

export interface Exchange {
  request: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

const NATIVE_FILES = {
  procapita: ['hemtjanst-astrid.procapita.xml', 'application/xml', /KOMMUN="\d{4}"/, 'KOMMUN="$ORG"'],
  lifecare: ['hemtjanst-astrid.lifecare.xml', 'application/xml', /<Kommunkod>\d{4}</, '<Kommunkod>$ORG<'],
  'pulsen-combine': [
    'hemtjanst-astrid.pulsen-combine.json',
    'application/json',
    /"kommunkod": "\d{4}"/,
    '"kommunkod": "$ORG"',
  ],
} as const;

/** A native example moved to the organisation (4 ASCII digits, so byte offsets stay as they were). */
export function nativeExample(system: keyof typeof NATIVE_FILES, organisation: string): Buffer {
  const [file, , pattern, replacement] = NATIVE_FILES[system];
  const text = readFileSync(new URL(file, NATIVE)).toString('latin1');
  const moved = text.replace(pattern, replacement.replace('$ORG', organisation));
  if (moved === text) throw new Error(`${file}: no municipality code to move`);
  return Buffer.from(moved, 'latin1');
}

export function canonicalExample(plan: Plan, organisation: string, sourcePlanId?: string): Plan {
  return {
    ...plan,
    plan: {
      ...plan.plan,
      municipalityCode: organisation,
      sourcePlanId: sourcePlanId ?? plan.plan.sourcePlanId,
    },
  };
}

/**
 * A full run through the API for one organisation: every native format and canonical JSON,
 * idempotent retries, a second version, every read, search, and refusals that involve an
 * identity number. Returns every exchange, so a test can look at what went out.
 */
export async function runFullFlow(app: FastifyInstance, authorization: string, organisation: string) {
  const exchanges: Exchange[] = [];
  const call = async (options: InjectOptions) => {
    const response = await app.inject({ ...options, headers: { authorization, ...options.headers } });
    exchanges.push({
      request: `${options.method ?? 'GET'} ${options.url}`,
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
    });
    return response;
  };
  const ids: string[] = [];
  const push = async (url: string, contentType: string, payload: string | Buffer, key: string) => {
    const options = {
      method: 'POST' as const,
      url,
      headers: { 'content-type': contentType, 'idempotency-key': key },
      payload,
    };
    const first = await call(options);
    await call(options); // the retry: answered from the stored (encrypted) response
    if (first.statusCode === 201) ids.push(first.json().id);
    return first;
  };

  for (const system of Object.keys(NATIVE_FILES) as (keyof typeof NATIVE_FILES)[]) {
    const [, contentType] = NATIVE_FILES[system];
    await push(
      `/v1/systems/${system}/plans`,
      contentType,
      nativeExample(system, organisation),
      `native-${system}`,
    );
  }
  const astrid = canonicalExample(ASTRID, organisation, 'CANON-1');
  await push('/v1/plans', 'application/json', JSON.stringify(astrid), 'canonical-astrid');
  const changed = { ...astrid, approach: `${astrid.approach ?? ''} Ny version.`.trim() };
  await push('/v1/plans', 'application/json', JSON.stringify(changed), 'canonical-astrid-v2');
  await push('/v1/plans', 'application/json', JSON.stringify(canonicalExample(ELIAS, organisation)), 'elias');

  for (const id of ids) {
    for (const url of [
      `/v1/plans/${id}`,
      `/v1/plans/${id}?version=1`,
      `/v1/plans/${id}/versions`,
      `/v1/plans/${id}/status`,
      `/v1/plans/${id}/document.pdf`,
      `/v1/systems/fhir/plans/${id}`,
      ...Object.keys(NATIVE_FILES).map((system) => `/v1/systems/${system}/plans/${id}`),
    ]) {
      await call({ url });
    }
  }
  await call({ url: '/v1/plans?limit=2' });
  await call({ url: '/v1/changes' });
  const search = (personnummer: string) =>
    call({ method: 'POST', url: '/v1/plans/search', payload: { personnummer } });
  await search(ASTRID.person.identityNumber);
  await search(ELIAS.person.identityNumber);

  // Refusals around identity numbers: none may repeat the number.
  const id = ASTRID.person.identityNumber;
  const spoilt = `${id.slice(0, 11)}${(Number(id[11]) + 1) % 10}`;
  await search(spoilt);
  await search(`${id.slice(0, 8)}-${id.slice(8)}`);
  await call({ method: 'POST', url: '/v1/plans/search', payload: { personnummer: id, name: 'Astrid' } });
  const badPlan = { ...astrid, person: { ...astrid.person, identityNumber: spoilt } };
  await call({ method: 'POST', url: '/v1/plans', payload: badPlan });
  await call({
    method: 'POST',
    url: '/v1/systems/procapita/plans',
    headers: { 'content-type': 'application/xml' },
    payload: nativeExample('procapita', organisation).toString('latin1').replaceAll(id, spoilt),
  });
  await call({
    method: 'POST',
    url: '/v1/plans',
    headers: { 'content-type': 'application/json' },
    payload: `{"person":{"identityNumber":"${id}"`,
  });
  await call({ url: `/v1/plans/${id}` });
  await call({ url: `/v1/plans?unit=${id}` });

  // Lifecycle writes, where the routes exist: a signature and a refusal with its reason.
  const [first] = ids;
  if (first) {
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/signatures`,
      payload: {
        role: 'person',
        signed: true,
        name: 'Astrid Lindqvist',
        date: '2025-03-14',
        method: 'paper',
      },
    });
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/signatures`,
      payload: { role: 'relative', signed: false, reason: 'Astrid Lindqvist vill inte skriva under' },
    });
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/deviations`,
      payload: { kind: 'deviation', date: '2025-03-20', text: 'Astrid Lindqvist föll i badrummet.' },
    });
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/consents`,
      payload: { covers: 'Kontakt med Astrid Lindqvists dotter', given: true, date: '2025-03-14' },
    });
    await call({
      method: 'POST',
      url: '/v1/admin/destinations',
      payload: {
        kind: 'submission',
        system: 'procapita',
        url: 'https://receiver.example/hook',
        secret: WEBHOOK_SECRET,
      },
    });
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/submissions`,
      headers: { 'idempotency-key': 'submit' },
    });
    // Routine 003: a changed need, whose summary names the person, to the case officer.
    await call({
      method: 'POST',
      url: `/v1/plans/${first}/need-evaluations`,
      payload: {
        date: '2025-03-20',
        summary: 'Astrid Lindqvist behöver stöd även nattetid.',
        by: { name: 'Karin Öberg', title: 'Kontaktman' },
      },
    });
  }
  return { exchanges, ids };
}
