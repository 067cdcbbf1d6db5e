import type { FastifyInstance } from 'fastify';
import { MAX_NESTING_DEPTH } from '../../adapters/types.js';
import { badRequest } from '../services/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies of every route are read as the formats read documents (formats/README.md 3.6):
 * bytes that are not UTF-8, and nesting deeper than 32, are refused with 400 before parsing.
 * Then fastify's own parser, which refuses `__proto__` and `constructor.prototype` keys (400,
 * saying so). No route reads text/plain: a JSON body sent as text/plain is refused with 415
 * instead of reaching a route as a string.
 * Bounding the depth here keeps every later recursive walk of a body (validation, pruning,
 * hashing) far from the stack limit. Routes for native documents replace this parser.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(
        badRequest('The body is not valid UTF-8', [{ path: '', message: 'is not valid UTF-8' }]),
        undefined,
      );
      return;
    }
    if (exceedsDepth(text, MAX_NESTING_DEPTH)) {
      const message = `is nested deeper than ${MAX_NESTING_DEPTH} objects and arrays`;
      done(badRequest('The body is nested too deeply', [{ path: '', message }]), undefined);
      return;
    }
    // fastify's default parser answers through `done` and returns nothing.
    void parse(request, text, (err, value) => {
      // fastify answers every refusal of its parser as "invalid JSON"; JSON that JSON.parse
      // reads was refused for a prototype key.
      if (
        err &&
        (err as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' &&
        isWellFormedJson(text)
      ) {
        done(
          badRequest(
            'The body has a __proto__ or constructor.prototype key, which this API refuses: such keys can change how a program reads the objects',
            [{ path: '', message: 'has a __proto__ or constructor.prototype key' }],
          ),
          undefined,
        );
        return;
      }
      done(err, value);
    });
  });
}

/** True when objects and arrays nest deeper than `limit`; brackets inside strings do not count. */
function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function isWellFormedJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
