/** What happened to one document: the record that is tallied, summarised and written to --report. */
import type { FormatAdapter } from '../../../adapters/types.js';
import type { FieldIssue } from '../../domain/field-issue.js';
import type { TargetFormat } from './formats.js';

export type Outcome =
  | { result: 'converted'; warnings: FieldIssue[] }
  | { result: 'valid'; warnings: FieldIssue[] }
  /** The document was read but not accepted: parse refusal (its 4xx status) or a render refusal (422). */
  | { result: 'refused'; stage: 'parse' | 'render'; status: number; issues: FieldIssue[] }
  /** Reading or writing the file failed; nothing is known about the document. */
  | { result: 'failed'; error: string };

/** One document's outcome under the name it is reported by (a path relative to the input, or stdin). */
export type NamedOutcome = Outcome & { input: string; output?: string };

export function convertBytes(
  bytes: Uint8Array,
  source: FormatAdapter,
  target: TargetFormat,
  now: Date,
): { outcome: Outcome; body?: Buffer } {
  const parsed = source.parse(bytes);
  if (!parsed.ok)
    return { outcome: { result: 'refused', stage: 'parse', status: parsed.status, issues: parsed.issues } };
  const rendered = target.render(parsed.plan, now);
  if (!rendered.ok)
    return { outcome: { result: 'refused', stage: 'render', status: 422, issues: rendered.issues } };
  return { outcome: { result: 'converted', warnings: parsed.warnings }, body: rendered.body };
}

export function validateBytes(bytes: Uint8Array, source: FormatAdapter): Outcome {
  const parsed = source.parse(bytes);
  return parsed.ok
    ? { result: 'valid', warnings: parsed.warnings }
    : { result: 'refused', stage: 'parse', status: parsed.status, issues: parsed.issues };
}

/** An I/O error in words without a stack; Node's messages name the path and the errno, not file content. */
export function failure(err: unknown): Outcome {
  return { result: 'failed', error: err instanceof Error ? err.message : String(err) };
}
