/**
 * Which encoding an XML document is in, by its byte order mark and XML declaration
 * (XML 1.0 appendix F). An HTTP charset is never consulted (formats/README.md 3.6).
 */

export type DocumentEncoding = 'ISO-8859-1' | 'UTF-8';

export type EncodingDetection =
  | {
      ok: true;
      encoding: DocumentEncoding;
      /** `declaration`: named by the XML declaration; `default`: none named, so UTF-8 (appendix F). */
      by: 'declaration' | 'byte-order-mark' | 'default';
    }
  | { ok: false; message: string };

// The declaration is ASCII in both encodings; it is short, so a bounded look at the start suffices.
const DECLARATION_WINDOW = 512;
const DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.\d+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>/;
const LATIN1_NAMES = /^(?:iso[-_]?8859-1|iso_8859-1:1987|latin-?1|l1|iso-ir-100|csisolatin1|ibm819|cp819)$/i;
const UTF8_NAMES = /^utf-?8$/i;

/**
 * The encoding to decode with: the declared one when it is `expected` or UTF-8; UTF-8 when
 * the document names none (no declaration, or one without `encoding`), since appendix F reads
 * such a document as UTF-8 whatever the format usually is. Any other encoding is refused.
 */
export function detectEncoding(bytes: Uint8Array, expected: DocumentEncoding): EncodingDetection {
  const hasUtf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    return { ok: false, message: 'the document is UTF-16, which this format does not use' };
  }
  const start = hasUtf8Bom ? 3 : 0;
  const head = Buffer.from(
    bytes.buffer,
    bytes.byteOffset + start,
    Math.min(bytes.length - start, DECLARATION_WINDOW),
  ).toString('latin1');
  let declared: string | undefined;
  if (/^<\?xml[ \t\r\n]/.test(head)) {
    const match = DECLARATION.exec(head);
    if (!match) return { ok: false, message: 'the XML declaration is malformed' };
    declared = match[3];
  }
  const encoding = declared === undefined ? 'UTF-8' : canonicalName(declared);
  if (encoding === undefined || (encoding !== expected && encoding !== 'UTF-8')) {
    return {
      ok: false,
      message: `the declared encoding is not ${expected === 'UTF-8' ? 'UTF-8' : `${expected} or UTF-8`}`,
    };
  }
  if (hasUtf8Bom && encoding !== 'UTF-8') {
    return {
      ok: false,
      message: 'the document starts with a UTF-8 byte order mark but declares another encoding',
    };
  }
  const by = declared !== undefined ? 'declaration' : hasUtf8Bom ? 'byte-order-mark' : 'default';
  return { ok: true, encoding, by };
}

function canonicalName(name: string): DocumentEncoding | undefined {
  if (UTF8_NAMES.test(name)) return 'UTF-8';
  if (LATIN1_NAMES.test(name)) return 'ISO-8859-1';
  return undefined;
}
