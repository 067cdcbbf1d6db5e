import { type DestinationStream, type Logger, pino } from 'pino';
import { maskIdentityNumbers } from './domain/identity-number.js';

export type { Logger } from 'pino';

/**
 * Fields that hold a person's identity number or name anywhere in a logged object. Logging
 * them is a mistake; redaction makes the mistake harmless.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'personnummer',
  'identityNumber',
  'givenName',
  'familyName',
  'person',
  'body',
  // A need evaluation's summary (routine 003) is about the person's need.
  'summary',
  '*.summary',
  '*.*.summary',
  '*.personnummer',
  '*.identityNumber',
  '*.givenName',
  '*.familyName',
  '*.person',
  '*.body',
  '*.*.personnummer',
  '*.*.identityNumber',
  '*.*.givenName',
  '*.*.familyName',
];

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskIdentityNumbers(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  // Class instances (errors, fastify's request and reply) are left to their serializers.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

function maskError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error);
  return maskDeep({ ...serialized }) as Record<string, unknown>;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
}

// The request line fastify logs: a client may put a personnummer in a URL by mistake.
function maskRequest(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: maskIdentityNumbers(req.url), host: req.host, remoteAddress: req.ip };
}

/**
 * Standard output, written asynchronously: lines logged while a write is under way go out
 * together in the next one, so a busy API makes one write for many access-log lines instead
 * of one each. Pino writes what is left when the process exits, crashes included; only a
 * machine that stops at once can lose the last lines.
 */
function standardOutput(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

export function createLogger(level: string, destination: DestinationStream = standardOutput()): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: maskError, error: maskError, req: maskRequest },
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? maskIdentityNumbers(arg) : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    destination,
  );
}
