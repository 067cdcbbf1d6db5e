/** The few FHIR R4 shapes the export builds; plain JSON objects, validated in tests by @medplum/core. */
export interface FhirResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

export interface Reference {
  reference?: string;
  display?: string;
}

export interface Annotation {
  text: string;
}

/** Where each resource of the bundle lives: `urn:uuid:` fullUrls, derived from a key. */
export interface EntryIds {
  id(key: string): string;
  ref(key: string, display?: string): Reference;
}
