import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Db } from '../db/database.js';
import type { PlanDocumentCodec } from '../db/plan-document-codec.js';

export type Clock = () => Date;

/** What services need from the outside world; built once by `createDependencies`, faked in unit tests. */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  codec: PlanDocumentCodec;
  /** Encrypts personal data stored outside plan documents (names, reasons, secrets). */
  cipher: FieldCipher;
  /** Secret of the identity-number blind index. */
  indexKey: string;
}

/** The caller of a /v1 request, as authenticated by its API key or an OAuth2 access token. */
export interface Caller {
  clientId: string;
  organisation: string;
  scopes: readonly string[];
  /** Set when the caller presented an access token: who the provider says it is (never the token). */
  token?: TokenSubject;
  /** Set for a person signed in on the browser pages: their name from the ID token (`name`). */
  personName?: string;
}

export interface TokenSubject {
  /** The token's `sub`. */
  subject: string;
  /** The OAuth2 client the token was issued to (`azp`, `client_id`), when it says. */
  clientId: string | null;
}
