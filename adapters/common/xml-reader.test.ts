import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../types.js';
import { childPath, childPaths, readXml, type XmlElement, type XmlReadResult } from './xml-reader.js';

const LATIN1_DECL = '<?xml version="1.0" encoding="ISO-8859-1"?>\r\n';

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
function latin1(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}
function root(result: XmlReadResult): XmlElement {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.root;
}
function refusal(result: XmlReadResult): { status: number; message: string } {
  if (result.ok) throw new Error('accepted');
  return { status: result.status, message: result.issues.map((i) => i.message).join('; ') };
}
const readUtf8 = (text: string) => readXml(utf8(text), { encoding: 'UTF-8' });
const readLatin1 = (bytes: Uint8Array) => readXml(bytes, { encoding: 'ISO-8859-1' });

describe('DOCTYPE is refused before any entity is expanded', () => {
  it.each([
    ['plain', '<!DOCTYPE a><a/>'],
    ['external SYSTEM', '<!DOCTYPE a SYSTEM "http://127.0.0.1:1/evil.dtd"><a/>'],
    ['external entity (XXE)', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'],
    [
      'billion laughs',
      `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`,
    ],
    ['internal subset with a PI that never closes', '<!DOCTYPE a [<?pi?> <a/>'],
    ['after the declaration', '<?xml version="1.0"?><!doctype a><a/>'],
  ])('%s → 400', (_, text) => {
    const { status, message } = refusal(readUtf8(text));
    expect(status).toBe(400);
    expect(message).toMatch(/DOCTYPE|doctype/);
  });
});

describe('nesting depth', () => {
  const nested = (depth: number) => `${'<e>'.repeat(depth)}${'</e>'.repeat(depth)}`;
  it('accepts 32 levels', () => {
    let element = root(readUtf8(nested(32)));
    for (let level = 1; level < 32; level++) element = element.children[0]!;
    expect(element.children).toEqual([]);
  });
  it('refuses 33 levels with 400', () => {
    expect(refusal(readUtf8(nested(33)))).toMatchObject({ status: 400, message: /nested deeper than 32/ });
  });
});

describe('size', () => {
  it('refuses more than 10 MiB with 413 without parsing', () => {
    const bytes = new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(0x3c); // '<' everywhere: unparseable
    expect(refusal(readUtf8Bytes(bytes)).status).toBe(413);
  });
  it('accepts exactly 10 MiB', () => {
    const body = `<a>${'x'.repeat(MAX_DOCUMENT_BYTES - 7)}</a>`;
    expect(root(readUtf8(body)).text).toHaveLength(MAX_DOCUMENT_BYTES - 7);
  });
  function readUtf8Bytes(bytes: Uint8Array) {
    return readXml(bytes, { encoding: 'UTF-8' });
  }
});

describe('encodings', () => {
  it('decodes ISO-8859-1 byte for byte: 0x80–0xFF are U+0080–U+00FF (0x96 is not an en dash)', () => {
    const bytes = Uint8Array.from([
      ...latin1(`${LATIN1_DECL}<a>`),
      ...Array.from({ length: 128 }, (_, i) => 0x80 + i),
      ...latin1('</a>'),
    ]);
    const text = root(readLatin1(bytes)).text;
    expect([...text].map((c) => c.codePointAt(0))).toEqual(Array.from({ length: 128 }, (_, i) => 0x80 + i));
    expect(text.includes('\u2013')).toBe(false);
  });
  it('reads Ä (0xC4) in an attribute of a Latin-1 document', () => {
    const result = root(readLatin1(latin1(`${LATIN1_DECL}<A MODUL="ÄO"/>`)));
    expect(result.attributes[0]).toEqual({ name: 'MODUL', localName: 'MODUL', namespace: '', value: 'ÄO' });
  });
  it('reads a Latin-1 format document that declares UTF-8 as UTF-8', () => {
    const result = root(readLatin1(utf8('<?xml version="1.0" encoding="UTF-8"?><a>Sjöström – 😀</a>')));
    expect(result.text).toBe('Sjöström – 😀');
  });
  it('reads UTF-8 bytes declared ISO-8859-1 as Latin-1 (mojibake is not repaired)', () => {
    expect(root(readLatin1(utf8(`${LATIN1_DECL}<a>Sjöström</a>`))).text).toBe('SjÃ¶strÃ¶m');
  });
  it('reads a document that declares no encoding as UTF-8, whatever the format (appendix F)', () => {
    expect(root(readLatin1(utf8('<a>Sjöström – 😀</a>'))).text).toBe('Sjöström – 😀');
    expect(root(readLatin1(utf8('<?xml version="1.0"?><a>ö</a>'))).text).toBe('ö');
    expect(root(readUtf8('<a>ö</a>')).text).toBe('ö');
  });
  it('refuses Latin-1 bytes without a declared encoding with 400 naming UTF-8, never reads them as Latin-1', () => {
    for (const head of ['', '<?xml version="1.0"?>']) {
      expect(refusal(readLatin1(latin1(`${head}<a>ö</a>`)))).toMatchObject({
        status: 400,
        message: /declares no encoding, so it is read as UTF-8.*not valid UTF-8/,
      });
    }
  });
  it('refuses invalid UTF-8 bytes with 400', () => {
    const bytes = Uint8Array.from([
      ...utf8('<?xml version="1.0" encoding="UTF-8"?><a>'),
      0xc3,
      0x28,
      ...utf8('</a>'),
    ]);
    expect(refusal(readXml(bytes, { encoding: 'UTF-8' }))).toMatchObject({ status: 400, message: /UTF-8/ });
    expect(refusal(readLatin1(bytes)).status).toBe(400);
  });
  it.each(['windows-1252', 'UTF-16', 'EBCDIC'])('refuses the declared encoding %s with 400', (name) => {
    expect(refusal(readLatin1(latin1(`<?xml version="1.0" encoding="${name}"?><a/>`))).status).toBe(400);
  });
  it('refuses a declared ISO-8859-1 where the format is UTF-8', () => {
    expect(refusal(readUtf8(`${LATIN1_DECL}<a/>`))).toMatchObject({ status: 400, message: /not UTF-8/ });
  });
  it('accepts a UTF-8 byte order mark, refuses it with a Latin-1 declaration', () => {
    expect(
      root(readXml(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('<a>ö</a>')]), { encoding: 'UTF-8' })).text,
    ).toBe('ö');
    expect(
      refusal(readLatin1(Uint8Array.from([0xef, 0xbb, 0xbf, ...latin1(`${LATIN1_DECL}<a/>`)]))).status,
    ).toBe(400);
  });
  it('refuses a malformed or misplaced XML declaration', () => {
    expect(refusal(readUtf8('<?xml encoding="UTF-8"?><a/>')).status).toBe(400);
    expect(refusal(readUtf8(' <?xml version="1.0"?><a/>')).status).toBe(400);
    expect(refusal(readUtf8('<a><?xml version="1.0"?></a>')).status).toBe(400);
  });
});

describe('ordinary XML is accepted', () => {
  it('keeps text, CDATA and character references in order and ignores comments and PIs', () => {
    const element = root(
      readUtf8('<a>x <![CDATA[<y> & ]]]]><!-- c --><?pi z?>&amp;&#128512;&#x1F600;&#13;</a>'),
    );
    expect(element.text).toBe('x <y> & ]]&😀😀\r');
  });
  it('reads long texts, comments, PIs and attribute values (no buffer limit below the size limit)', () => {
    const long = 'x'.repeat(200_000);
    const element = root(
      readUtf8(`<a b="${long}"><!--${long}--><?pi ${long}?>${long}<![CDATA[${long}]]></a>`),
    );
    expect(element.attributes[0]!.value).toHaveLength(200_000);
    expect(element.text).toHaveLength(400_000);
  });
  it('turns literal CR LF and CR into LF', () => {
    expect(root(readUtf8('<a>1\r\n2\r3\n</a>')).text).toBe('1\n2\n3\n');
  });
  it('gives whitespace and text between child elements in the text of the parent', () => {
    const element = root(readUtf8('<a>\n  <b/>x\n  <c>y</c>\n</a>'));
    expect(element.text).toBe('\n  x\n  \n');
    expect(element.children.map((c) => [c.localName, c.text])).toEqual([
      ['b', ''],
      ['c', 'y'],
    ]);
  });
  it('reads namespaces with prefixes and excludes xmlns declarations', () => {
    const element = root(
      readUtf8(
        '<p:a xmlns:p="urn:p" xmlns="urn:d" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="false" b="1"><c/><p:d/></p:a>',
      ),
    );
    expect(element).toMatchObject({ localName: 'a', namespace: 'urn:p' });
    expect(element.attributes).toEqual([
      {
        name: 'xsi:nil',
        localName: 'nil',
        namespace: 'http://www.w3.org/2001/XMLSchema-instance',
        value: 'false',
      },
      { name: 'b', localName: 'b', namespace: '', value: '1' },
    ]);
    expect(element.children.map((c) => [c.localName, c.namespace])).toEqual([
      ['c', 'urn:d'],
      ['d', 'urn:p'],
    ]);
  });
  it('reads a literal tab or line end in an attribute value as a space, a reference as itself (XML 1.0 3.3.3)', () => {
    const element = root(readUtf8('<a b="1\t2\r\n3\n4" c="&#9;&#10;"/>'));
    expect(element.attributes.map((a) => a.value)).toEqual(['1 2 3 4', '\t\n']);
  });
  it('treats __proto__ as an ordinary name', () => {
    const element = root(readUtf8('<a __proto__="1" constructor="2"><__proto__/></a>'));
    expect(element.attributes.map((a) => a.name)).toEqual(['__proto__', 'constructor']);
    expect(element.children[0]!.localName).toBe('__proto__');
    expect(({} as Record<string, unknown>).value).toBeUndefined();
  });
});

describe('documents that are not well-formed are refused with 400', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \r\n'],
    ['declaration only', '<?xml version="1.0"?>'],
    ['truncated', '<a><b>text</b>'],
    ['truncated in a tag', '<a><b'],
    ['mismatched tags', '<a><b></a></b>'],
    ['two roots', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['undefined entity', '<a>&nbsp;</a>'],
    ['entity in the wrong case', '<a>&AMP;</a>'],
    ['a name of an object property as an entity', '<a>&constructor;&__proto__;</a>'],
    ['a declaration in upper case after the start', '<a><?XML version="1.0"?></a>'],
    ['uppercase X in a reference', '<a>&#X41;</a>'],
    ['reference to NUL', '<a>&#0;</a>'],
    ['reference to a surrogate', '<a>&#xD800;</a>'],
    ['reference beyond Unicode', '<a>&#1114112;</a>'],
    ['literal control character', '<a>\u0001</a>'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['unquoted attribute', '<a x=1/>'],
    ['unbound prefix', '<p:a/>'],
    ['unescaped <', '<a>1 < 2</a>'],
  ])('%s', (_, text) => {
    expect(refusal(readUtf8(text)).status).toBe(400);
  });
  it('names no value in its message', () => {
    const { message } = refusal(readUtf8('<a PNR="196408233234" PNR="196408233234"/>'));
    expect(message).not.toContain('196408233234');
  });
  // Found by the fuzzer (seed 621780903): the parser quotes a name it cannot resolve.
  it.each([
    ['in an unbound prefix', '<a><x196408233234mlns:b PNR="1"/></a>'],
    ['with a dash, in an unbound prefix', '<a><x640823-3234:b/></a>'],
  ])('masks an identity number the parser quotes, %s', (_, text) => {
    const { message } = refusal(readUtf8(text));
    expect(message).toContain('[identity number]');
    expect(message).not.toMatch(/6408233234|640823-3234/);
  });
});

describe('element paths', () => {
  const tree = root(readUtf8('<R><A/><B/><A/><C/></R>'));
  it('adds a position only when the name repeats', () => {
    expect(tree.children.map((child) => childPath('/R', tree, child))).toEqual([
      '/R/A[1]',
      '/R/B',
      '/R/A[2]',
      '/R/C',
    ]);
    expect(childPaths('/R', tree)).toEqual(['/R/A[1]', '/R/B', '/R/A[2]', '/R/C']);
  });
});
