import { describe, expect, it } from 'vitest';
import { decodeEntities, findElements, readXml } from './read-xml.js';

describe('readXml', () => {
  it('reads elements, attributes in both quotes, self-closing tags, text, CDATA and entities', () => {
    const [suite] = readXml(
      `<?xml version="1.0"?><!-- report --><suite name='a &amp; b'><case id="1"/><case id="2">x &lt; y<![CDATA[ <raw> & ]]>&#10;&#x41;</case></suite>`,
    );
    expect(suite?.name).toBe('suite');
    expect(suite?.attributes).toEqual({ name: 'a & b' });
    expect(suite?.children.map((child) => child.attributes.id)).toEqual(['1', '2']);
    expect(suite?.children[1]?.text).toBe('x < y <raw> & \nA');
  });

  it('never throws: unclosed elements end with the input, stray closing tags are skipped', () => {
    const elements = readXml('<a><b>one</c></b><d>two');
    expect(findElements(elements, 'b')[0]?.text).toBe('one');
    expect(findElements(elements, 'd')[0]?.text).toBe('two');
    expect(readXml('not xml at all < > &')).toEqual([]);
  });

  it('leaves unknown entities as they are', () => {
    expect(decodeEntities('&nbsp;&quot;&apos;')).toBe(`&nbsp;"'`);
  });
});
