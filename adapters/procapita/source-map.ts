/**
 * Where each canonical field came from: canonical path → Procapita element path, so
 * that the canonical validator's issues can be reported at the element the sender wrote.
 */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import type { PlanIssue } from '../../src/domain/parse-plan.js';
import { attributePath } from '../common/xml-reader.js';

export class SourceMap {
  // Records are kept as given and turned into lookup keys only when a canonical issue needs
  // translating: most documents are valid, and the keys would be built for nothing.
  private readonly records: [at: readonly PropertyKey[], path: string][] = [];
  private built: Map<string, string> | undefined;

  constructor(private readonly fallback: string) {}

  /** Records the element of a canonical object and, per field, the attribute it came from. */
  element(
    at: readonly PropertyKey[],
    elementPath: string,
    attributes: Readonly<Record<string, string>> = {},
  ): void {
    this.field(at, elementPath);
    for (const [field, attribute] of Object.entries(attributes)) {
      this.field([...at, field], attributePath(elementPath, attribute));
    }
  }

  /** Records the element a canonical field (a free text) came from. */
  field(at: readonly PropertyKey[], elementPath: string): void {
    this.records.push([at, elementPath]);
    this.built = undefined;
  }

  private get paths(): Map<string, string> {
    // A later record of the same canonical path replaces an earlier one.
    this.built ??= new Map(this.records.map(([at, path]) => [key(at), path]));
    return this.built;
  }

  /** The Procapita path of a canonical path: the field's own, else its nearest recorded ancestor's. */
  pathOf(canonical: readonly PropertyKey[]): string {
    for (let length = canonical.length; length > 0; length--) {
      const path = this.paths.get(key(canonical.slice(0, length)));
      if (path !== undefined) return path;
    }
    return this.fallback;
  }

  /** Canonical issues at Procapita paths, leaving out paths that already have an issue. */
  translate(issues: PlanIssue[], reported: readonly FieldIssue[]): FieldIssue[] {
    const taken = new Set(reported.map((issue) => issue.path));
    const translated: FieldIssue[] = [];
    for (const issue of issues) {
      const path = this.pathOf(issue.path);
      if (taken.has(path)) continue;
      translated.push({ path, message: issue.message });
    }
    return translated;
  }
}

// Canonical field names hold no '/', so joining is an unambiguous key (and cheaper than a JSON Pointer).
function key(at: readonly PropertyKey[]): string {
  return at.join('/');
}
