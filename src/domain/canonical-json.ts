/**
 * JSON with object keys sorted and arrays sorted by their items' canonical JSON, for hashing
 * content whose lists carry no order (formats/README.md 3.4). Absent (undefined) keys are left out.
 */
export function canonicalJson(value: unknown): string {
  // Every push hashes its plan more than once, so this walk builds strings directly instead of
  // allocating entry pairs and closures per node. Default sort() compares UTF-16 code units.
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items: string[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = canonicalJson(value[i]);
    return `[${items.sort().join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `{${out}}`;
}

/** The canonical JSON of an object, given its members' canonical JSON (as canonicalJson writes them). */
export function canonicalObject(members: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key of Object.keys(members).sort())
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${members[key]}`;
  return `{${out}}`;
}
