import type { operations, paths } from '../../openapi/planbrygga-api.js';

/**
 * A small client of the planbrygga API, written the way an integration team would write one:
 * against the types openapi-typescript generates from openapi/openapi.json, one function per
 * operationId. It compiles only while the document still has these operations, paths,
 * parameters and bodies, and every answer is the union the document declares for it, problem
 * bodies included.
 */

type Operation = keyof operations;
type ResponsesOf<O extends Operation> = operations[O]['responses'];
type BodyOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;

/** One answer of an operation, discriminated by its status; the body typed by the document. */
export type Answer<O extends Operation> = {
  [S in keyof ResponsesOf<O>]: { status: S; headers: Headers; body: BodyOf<ResponsesOf<O>[S]> };
}[keyof ResponsesOf<O>];

type QueryOf<O extends Operation> = NonNullable<operations[O]['parameters']['query']>;
type PathOf<O extends Operation> = operations[O]['parameters']['path'];
type JsonBodyOf<O extends Operation> =
  NonNullable<operations[O]['requestBody']> extends { content: { 'application/json': infer B } } ? B : never;

interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path template of the document, filled with `params`. */
  path: keyof paths;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: { contentType: string; bytes: string | Uint8Array };
}

export function planbryggaClient(baseUrl: string, authorization: string) {
  async function send<O extends Operation>(_operation: O, request: Request): Promise<Answer<O>> {
    const path = String(request.path).replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(request.params?.[name] ?? ''),
    );
    const url = new URL(path, baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const res = await fetch(url, {
      method: request.method,
      headers: {
        authorization,
        ...request.headers,
        ...(request.body && { 'content-type': request.body.contentType }),
      },
      ...(request.body && { body: request.body.bytes }),
    });
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    const body = text === '' ? undefined : /[/+]json\b/.test(type) ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body } as Answer<O>;
  }

  const json = (body: unknown) => ({ contentType: 'application/json', bytes: JSON.stringify(body) });

  return {
    pushNativePlan: (
      params: PathOf<'pushNativePlan'>,
      document: {
        contentType: keyof NonNullable<operations['pushNativePlan']['requestBody']>['content'];
        bytes: Uint8Array;
      },
    ) =>
      send('pushNativePlan', {
        method: 'POST',
        path: '/v1/systems/{system}/plans',
        params,
        body: { contentType: document.contentType, bytes: document.bytes },
      }),

    getPlanStatus: (params: PathOf<'getPlanStatus'>, etag?: string) =>
      send('getPlanStatus', {
        method: 'GET',
        path: '/v1/plans/{id}/status',
        params,
        ...(etag && { headers: { 'if-none-match': etag } }),
      }),

    submitPlan: (params: PathOf<'submitPlan'>, body?: JsonBodyOf<'submitPlan'>) =>
      send('submitPlan', {
        method: 'POST',
        path: '/v1/plans/{id}/submissions',
        params,
        ...(body && { body: json(body) }),
      }),

    listInbox: (query: QueryOf<'listInbox'> = {}) =>
      send('listInbox', { method: 'GET', path: '/v1/inbox', query }),

    acknowledgeInboxItem: (params: PathOf<'acknowledgeInboxItem'>) =>
      send('acknowledgeInboxItem', { method: 'POST', path: '/v1/inbox/{id}/ack', params }),

    listChanges: (query: QueryOf<'listChanges'> = {}) =>
      send('listChanges', { method: 'GET', path: '/v1/changes', query }),
  };
}

export type PlanbryggaClient = ReturnType<typeof planbryggaClient>;
