// The small XML reader: what it reads, where each text character came from, and strict errors
// with line and column.
import { describe, expect, it } from 'vitest';
import { LineIndex, XmlError, parseXml, sourceOffset } from '../../src/rules/fortisiem/xml.js';

describe('XML reader', () => {
  it('elements, attributes, text with entities, CDATA, comments, the declaration', () => {
    const src = `<?xml version="1.0"?>\n<!-- rules -->\n<Rules>\n<Rule id="R&amp;1" a='x'>\n  <C>a &gt;= 1 &#65;&#x42;</C><D><![CDATA[<raw> & ]]></D><E/>\n</Rule></Rules>\n`;
    const root = parseXml(src);
    expect(root.name).toBe('Rules');
    const rule = root.children[0];
    expect([...rule.attributes].map(([k, v]) => [k, v.value])).toEqual([['id', 'R&1'], ['a', 'x']]);
    expect(rule.children.map((c) => [c.name, c.text.value])).toEqual([['C', 'a >= 1 AB'], ['D', '<raw> & '], ['E', '']]);
  });

  it('text remembers the source offset of each character across entities', () => {
    const src = '<C>ab &gt;= cd</C>';
    const text = parseXml(src).text;
    expect(text.value).toBe('ab >= cd');
    expect(src[sourceOffset(text, 0)]).toBe('a');
    expect(src.slice(sourceOffset(text, 3), sourceOffset(text, 3) + 4)).toBe('&gt;');
    expect(src[sourceOffset(text, 4)]).toBe('=');
    expect(src[sourceOffset(text, 7)]).toBe('d');
  });

  it('line and column of offsets', () => {
    const lines = new LineIndex('ab\ncd\n\nx');
    expect([lines.at(0), lines.at(4), lines.at(7)]).toEqual([{ line: 1, column: 1 }, { line: 2, column: 2 }, { line: 4, column: 1 }]);
  });

  it('strict: mismatched tags, bare &, unknown entities, DOCTYPE, unquoted attributes, trailing content', () => {
    const err = (src: string) => {
      try {
        parseXml(src);
      } catch (e) {
        if (e instanceof XmlError) return { message: e.message, line: e.line, column: e.column };
        throw e;
      }
      throw new Error('no error');
    };
    expect(err('<A>\n  <B></C></A>')).toEqual({ message: '</C> closes <B> (opened at line 2)', line: 2, column: 6 });
    expect(err('<A>x & y</A>')).toMatchObject({ line: 1, column: 6, message: expect.stringMatching(/&amp;/) });
    expect(err('<A>&nbsp;</A>')).toMatchObject({ message: 'unknown entity &nbsp;' });
    expect(err('<!DOCTYPE x [<!ENTITY e "boom">]><A/>')).toMatchObject({ message: expect.stringMatching(/DOCTYPE/) });
    expect(err('<A b=1/>')).toMatchObject({ column: 6, message: expect.stringMatching(/must be quoted/) });
    expect(err('<A/><B/>')).toMatchObject({ column: 5, message: 'content after the root element' });
    expect(err('<A><B>')).toMatchObject({ message: '<B> is not closed' });
    expect(err('')).toMatchObject({ message: 'no root element' });
  });
});
