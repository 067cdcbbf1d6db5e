/** Counters and the end-of-run summary; keeps only the first few refusals, never every result. */
import type { FieldIssue } from '../../domain/field-issue.js';
import type { NamedOutcome } from './outcome.js';

const LISTED_REFUSALS = 50;
const ISSUES_PER_LINE = 3;

export class Tally {
  succeeded = 0;
  refused = 0;
  failed = 0;
  warnings = 0;
  withWarnings = 0;
  private readonly lines: string[] = [];

  /** `detailed` (one document): list every issue and every warning instead of the first few issues. */
  constructor(private readonly detailed = false) {}

  add(outcome: NamedOutcome): void {
    if (outcome.result === 'converted' || outcome.result === 'valid') {
      this.succeeded++;
      this.warnings += outcome.warnings.length;
      if (outcome.warnings.length) this.withWarnings++;
      if (this.detailed)
        this.lines.push(...outcome.warnings.map((w) => `${outcome.input}: warning: ${issueText(w)}`));
      return;
    }
    if (outcome.result === 'refused') this.refused++;
    else this.failed++;
    if (this.lines.length < LISTED_REFUSALS)
      this.lines.push(describeProblem(outcome, this.detailed ? Number.POSITIVE_INFINITY : ISSUES_PER_LINE));
  }

  get total(): number {
    return this.succeeded + this.refused + this.failed;
  }

  get allSucceeded(): boolean {
    return this.refused === 0 && this.failed === 0;
  }

  /** The human summary; `verb` is `converted` or `valid`. */
  format(verb: string, reportPath: string | undefined): string {
    const out = [
      `${verb} ${this.succeeded} of ${this.total} document${this.total === 1 ? '' : 's'}` +
        (this.warnings
          ? ` (${this.warnings} warning${this.warnings === 1 ? '' : 's'} in ${this.withWarnings})`
          : ''),
    ];
    if (this.refused) out.push(`refused ${this.refused}`);
    if (this.failed) out.push(`failed ${this.failed} (could not be read or written)`);
    out.push(...this.lines.map((l) => `  ${l}`));
    const unlisted = this.refused + this.failed - this.lines.length;
    if (unlisted > 0 && !this.detailed)
      out.push(
        `  … and ${unlisted} more${reportPath ? ` (all in ${reportPath})` : '; --report FILE lists them all'}`,
      );
    return `${out.join('\n')}\n`;
  }
}

/** One line per problem document: its name, status, and the first issues' paths and messages (never values). */
export function describeProblem(outcome: NamedOutcome, issues = ISSUES_PER_LINE): string {
  if (outcome.result === 'failed') return `${outcome.input}: failed: ${outcome.error}`;
  if (outcome.result !== 'refused') return `${outcome.input}: ok`;
  // One document's every issue gets its own line; in a batch the first few share one.
  const shown =
    issues === Number.POSITIVE_INFINITY
      ? outcome.issues.map((i) => `\n    ${issueText(i)}`).join('')
      : ` ${outcome.issues.slice(0, issues).map(issueText).join('; ')}`;
  const more = outcome.issues.length - issues;
  const stage = outcome.stage === 'render' ? ' cannot be written:' : '';
  return `${outcome.input}: ${outcome.status}${stage}${shown}${more > 0 ? ` (+${more} more)` : ''}`;
}

function issueText(issue: FieldIssue): string {
  return issue.path ? `${issue.path} ${issue.message}` : issue.message;
}
