import type { FieldIssue } from '../src/domain/field-issue.js';
import type { Plan } from '../src/domain/plan.js';

/** The systems planbrygga reads and writes native documents for. */
export const SYSTEMS = ['procapita', 'lifecare', 'pulsen-combine'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * Why a document was refused: 400 unreadable (not well-formed, undecodable, DOCTYPE, too
 * deep, duplicate JSON key), 413 larger than the limit, 422 readable but invalid.
 */
export type RefusalStatus = 400 | 413 | 422;

export type ParseOutcome =
  | { ok: true; plan: Plan; warnings: FieldIssue[] }
  | { ok: false; status: RefusalStatus; issues: FieldIssue[] };

export type RenderOutcome = { ok: true; body: Buffer } | { ok: false; issues: FieldIssue[] };

/** Envelope metadata a renderer writes (export time, document id); injected so output is reproducible. */
export interface RenderContext {
  now: Date;
  /** A UUID for formats that carry a document id (Lifecare); a fresh one when absent. */
  documentId?: string;
}

/** One external system's interchange format: native bytes ⇄ canonical plan. Pure: no I/O. */
export interface FormatAdapter {
  system: SystemName;
  /** Content-Type of rendered documents, with charset. */
  contentType: string;
  /** File name ending for the convert CLI, without the dot. */
  fileExtension: string;
  parse(document: Uint8Array): ParseOutcome;
  render(plan: Plan, context: RenderContext): RenderOutcome;
}

/** The largest document any receiver accepts (formats/README.md 3.6): 10 MiB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** The deepest nesting of XML elements or JSON objects/arrays any receiver accepts. */
export const MAX_NESTING_DEPTH = 32;
