import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeLineEnds } from '../../src/domain/text.js';
import { readPlainXml } from './xml-plain-reader.js';
import { parseStrictly } from './xml-reader.js';

const PROCAPITA = new URL('../procapita/fixtures/', import.meta.url);
const examples = readdirSync(PROCAPITA)
  .filter((name) => name.endsWith('.procapita.xml'))
  .map((name) => [name, normalizeLineEnds(readFileSync(new URL(name, PROCAPITA)).toString('latin1'))]);

describe('the quick reader of plain XML', () => {
  // Not plain: a DOCTYPE, a truncated document, comments (markup), xsi: and xml: attributes.
  const notPlain = ['doctype', 'truncated', 'markup', 'unknown-attribute'].map((n) => `${n}.procapita.xml`);
  it.each(examples.filter(([name]) => !notPlain.includes(name!)))(
    'reads the Procapita example %s itself, into the tree saxes builds',
    (_, text) => {
      const strict = parseStrictly(text!);
      expect(strict.ok).toBe(true);
      expect(readPlainXml(text!)).toEqual(strict.ok ? strict.root : undefined);
    },
  );

  it('reads the five entities, character references, and attribute space as saxes does', () => {
    const text =
      '<?xml version="1.0" encoding="UTF-8"?>\n<a b="1\t2\n3 &#9;&#10;&lt;&quot;" c=\'&apos;\'>x &amp;&#128512;&#x1F600;&#13;<d/> y</a>\n';
    const strict = parseStrictly(text);
    expect(strict.ok && readPlainXml(text)).toEqual(strict.ok && strict.root);
  });

  it.each([
    ['a comment', '<a><!-- c --></a>'],
    ['a processing instruction', '<a><?pi x?></a>'],
    ['a CDATA section', '<a><![CDATA[x]]></a>'],
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['a namespace', '<a xmlns="urn:x"/>'],
    ['a prefix', '<p:a xmlns:p="urn:x"/>'],
    ['an xml: attribute', '<a xml:lang="sv"/>'],
    ['a name outside ASCII', '<Ärende/>'],
    ['an entity saxes does not know', '<a>&nbsp;</a>'],
    ['an uppercase X in a reference', '<a>&#X41;</a>'],
    ['a reference to NUL', '<a>&#0;</a>'],
    [']]> in text', '<a>]]></a>'],
    ['XML 1.1', '<?xml version="1.1"?><a/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['text after the root', '<a/>x'],
    ['a truncated document', '<a><b>'],
    ['33 levels', `${'<e>'.repeat(33)}${'</e>'.repeat(33)}`],
  ])('leaves %s to saxes', (_, text) => {
    expect(readPlainXml(text)).toBeUndefined();
  });
});
