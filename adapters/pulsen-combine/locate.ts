/**
 * Translates a canonical issue path (`['interventions', 2, 'plannedGoal']`) into a JSON
 * Pointer into the original document (`/utforarensMalOchInsatser/0/planeratMal`), using the
 * key table of `format.ts` and the document index of every kept list item.
 */
import { jsonPointer } from '../../src/domain/field-issue.js';
import { DOCUMENT_FIELDS, type Field, type ListName } from './format.js';

interface Place {
  at: (string | number)[];
  /** The list whose document index replaces the `#` in `at`. */
  list?: ListName;
}

export type ListOrigins = Record<ListName, number[]>;

const PLACES = buildPlaces(DOCUMENT_FIELDS);

export function locate(path: readonly PropertyKey[], origins: ListOrigins): string {
  const index = path.find((part): part is number => typeof part === 'number');
  const key = path.map((part) => (typeof part === 'number' ? '#' : String(part)));
  for (let length = key.length; length > 0; length--) {
    const place = PLACES.get(key.slice(0, length).join('.'));
    if (!place) continue;
    const origin = place.list && index !== undefined ? origins[place.list][index] : undefined;
    return jsonPointer(place.at.map((part) => (part === '#' ? (origin ?? index ?? 0) : part)));
  }
  return '';
}

function buildPlaces(fields: readonly Field[]): Map<string, Place> {
  // Dates live partly at the top level and partly in planensFramtagande; the group points there.
  const places = new Map<string, Place>([['dates', { at: ['planensFramtagande'] }]]);
  const add = (key: string, place: Place) => {
    // The first list wins for keys both intervention lists carry (decisionId): the officer's.
    if (!places.has(key)) places.set(key, place);
  };
  const walk = (fields: readonly Field[], at: (string | number)[], prefix: string, list?: ListName) => {
    for (const field of fields) {
      if (field.kind === 'metadata') continue;
      const here = [...at, field.key];
      const key = prefix + field.to;
      add(key, { at: here, list });
      if (field.kind === 'object') walk(field.fields, here, prefix, list);
      if (field.kind === 'list') {
        add(`${key}.#`, { at: [...here, '#'], list: field.list });
        walk(field.fields, [...here, '#'], `${key}.#.`, field.list);
      }
    }
  };
  walk(fields, [], '');
  return places;
}
