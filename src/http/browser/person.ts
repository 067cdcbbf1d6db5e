import type { OidcConfig } from '../../config.js';

const MUNICIPALITY_CODE = /^\d{4}$/;

/** Who signed in, as the provider's ID token says: never the token itself. */
export interface Person {
  /** The token's `sub`. */
  subject: string;
  /** `name`, for pages and for the record of who acknowledged a submission. */
  name: string;
  /** The 4-digit municipality code (kommunkod) of the organisation claim; null when the token has none. */
  organisation: string | null;
  roles: string[];
}

/**
 * The person an ID token's claims describe. The role claim is looked up as an exact key first
 * (a URL-named claim has dots in it), then as a dotted path (Keycloak's `realm_access.roles`);
 * its value is an array or a space-separated string.
 */
export function personOf(
  claims: Record<string, unknown>,
  config: Pick<OidcConfig, 'organisationClaim' | 'roleClaim'>,
): Person | null {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject.length === 0) return null;
  const organisation = claimAt(claims, config.organisationClaim);
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : subject;
  return {
    subject,
    name,
    organisation:
      typeof organisation === 'string' && MUNICIPALITY_CODE.test(organisation) ? organisation : null,
    roles: roleValues(claimAt(claims, config.roleClaim)),
  };
}

export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function roleValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}
