import { parseArgs } from 'node:util';

/** Reads `--name value` integer options, each with a default; an unknown option stops the run. */
export function integerOptions<K extends string>(
  args: string[],
  defaults: Record<K, number>,
): Record<K, number> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'string' as const }])),
  });
  const result = { ...defaults };
  for (const key of Object.keys(defaults) as K[]) {
    const raw = values[key];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer`);
    result[key] = value;
  }
  return result;
}
