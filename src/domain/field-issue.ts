/** A problem with one field of a document, as reported in problem+json bodies and warnings. */
export interface FieldIssue {
  /** JSON Pointer for JSON documents and the canonical model; element path for XML (formats/README.md 3.8). */
  path: string;
  message: string;
}

/** RFC 6901 JSON Pointer of a path of keys and indexes. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
