// Every BinXML token (MS-EVEN6 2.2.12; libevtx "Binary XML" notes) parsed from chunk-like bytes
// built by hand: exact node trees, name structures in place and by reference, template
// instances, and damage (unknown tokens, truncation) reported as EvtxFormatError only.
import { describe, expect, it } from 'vitest';
import { parseFragment, readName, nameStructureSize, Token } from '../../src/evtx/tokens.js';
import type { AttributeNode, ElementNode, InstanceNode, Node } from '../../src/evtx/nodes.js';
import { decodeValue } from '../../src/evtx/values.js';
import { ValueType as T } from '../../src/evtx/value-types.js';
import { EvtxFormatError } from '../../src/evtx/errors.js';
import {
  ChunkWriter,
  cdata,
  charref,
  contextFor,
  el,
  entity,
  hex,
  inst,
  le32,
  lit,
  opt,
  pi,
  str,
  sub,
  utf16le,
  vRaw,
  vStr,
  vU16,
  type Bx,
  type TemplateSpec,
} from './binxml-builder.js';

const E = (name: string, attrs: AttributeNode[] = [], children: Node[] = []): ElementNode => ({
  kind: 'element',
  name,
  attrs,
  children,
  jsonKey: null,
});
const A = (name: string, ...parts: Node[]): AttributeNode => ({ name, parts });
const text = (value: unknown): Node => ({ kind: 'text', value } as Node);
const S = (index: number, type: number, optional = false): Node => ({ kind: 'subst', index, type, optional });

/** Writes `nodes` as a fragment at 512 and parses it back. */
function roundTrip(nodes: Bx[], inSubstitution = false): Node[] {
  const w = new ChunkWriter();
  w.fragment(nodes, inSubstitution);
  return parseFragment(w.ctx(), 512, w.pos, inSubstitution);
}

function formatError(f: () => unknown): EvtxFormatError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof EvtxFormatError)) throw new Error(`expected an EvtxFormatError, got ${String(e)}`);
    return e;
  }
  throw new Error('expected an EvtxFormatError, nothing was thrown');
}

describe('name structures', () => {
  it('readName reads length-prefixed UTF-16 after next-offset and hash', () => {
    const b = Buffer.alloc(64, 0xee);
    b.set([...le32(0), 0x34, 0x12, 5, 0, ...utf16le('Event'), 0, 0], 16);
    expect(readName(b, 16, b.length)).toBe('Event');
    expect(nameStructureSize(b, 16)).toBe(4 + 2 + 2 + 10 + 2);
  });
  it('readName rejects names outside the chunk', () => {
    const b = Buffer.alloc(32);
    b.set([0, 0, 0, 0, 0, 0, 40, 0], 8); // claims 40 characters
    expect(() => readName(b, 8, b.length)).toThrow(EvtxFormatError);
    expect(() => readName(b, 28, b.length)).toThrow(EvtxFormatError);
    expect(() => readName(b, 0xffffffff, b.length)).toThrow(EvtxFormatError);
  });
});

describe('fragment header, elements and end of stream', () => {
  it('parses hand-written bytes for <A/> with its name in place', () => {
    const w = new ChunkWriter();
    w.put(
      hex('0F 01 01 00'), // fragment header
      hex('01 FFFF 11000000'), // open start element, dependency id, data size
      le32(527), // name offset: right after this field (512 + 4 + 1 + 2 + 4 + 4)
      hex('00000000 4100 0100 4100 0000'), // name structure "A": next, hash (MS-EVEN6: 'A' is 0x41), length, text, NUL
      hex('03'), // close empty element
      hex('00'), // end of stream
    );
    expect(w.pos).toBe(541);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('A')]);
    // The test builder writes the same bytes.
    const b = new ChunkWriter();
    b.fragment([el('A')]);
    expect(b.bytes.subarray(512, b.pos)).toEqual(w.bytes.subarray(512, w.pos));
  });

  it('an empty fragment is an empty list', () => {
    expect(roundTrip([])).toEqual([]);
  });

  it('a fragment without end-of-stream ends at `end`', () => {
    const w = new ChunkWriter();
    w.fragmentHeader().node(el('A'), false);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('A')]);
  });

  it('data that ends inside an open element is a truncated fragment, not a partial tree', () => {
    const w = new ChunkWriter();
    w.fragment([el('A', {}, [el('B')])]);
    // Drop the closing 0x04 of <A> and the end-of-stream token.
    expect(() => parseFragment(w.ctx(), 512, w.pos - 2, false)).toThrow(/ends inside element <A>/);
    // End of stream while <A> is still open is the same damage.
    w.bytes[w.pos - 2] = Token.EndOfStream;
    expect(() => parseFragment(w.ctx(), 512, w.pos, false)).toThrow(EvtxFormatError);
  });

  it('stops at end of stream, ignoring what follows', () => {
    const w = new ChunkWriter();
    w.fragment([el('A')]).put(0xff, 0xff, 0x7f);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('A')]);
  });

  it('nests elements with close start (0x02) and close element (0x04)', () => {
    const tree = roundTrip([el('Event', {}, [el('System', {}, [el('EventID', {}, [str('4624')]), el('Level')]), el('EventData')])]);
    expect(tree).toEqual([E('Event', [], [E('System', [], [E('EventID', [], [text('4624')]), E('Level')]), E('EventData')])]);
  });

  it('several top-level elements stay in order', () => {
    expect(roundTrip([el('A'), el('B'), el('C')])).toEqual([E('A'), E('B'), E('C')]);
  });

  it('a repeated name points back at the first structure (no name in place the second time)', () => {
    const w = new ChunkWriter();
    w.fragment([el('A', {}, [el('A')])]);
    // fragment 4 + outer element (1+2+4+4 + 12 name + 1 close start) + inner (1+2+4+4 + 1) + close 1 + eos 1
    expect(w.pos - 512).toBe(4 + 24 + 12 + 1 + 1);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('A', [], [E('A')])]);
  });

  it('names can live elsewhere in the chunk (offset not equal to the position)', () => {
    const w = new ChunkWriter(0x400);
    w.nameAt(0x200, 'Provider');
    w.nameAt(0x240, 'Name');
    w.fragment([el('Provider', { Name: 'Sysmon' })]);
    // No name structure between the tokens: 4 + (1+2+4+4+4) + (1+4) + (1+1+2+12) + 1 + 1
    expect(w.pos - 0x400).toBe(4 + 15 + 5 + 16 + 1 + 1);
    expect(parseFragment(w.ctx(), 0x400, w.pos, false)).toEqual([E('Provider', [A('Name', text('Sysmon'))])]);
  });

  it('element names have trailing whitespace trimmed', () => {
    expect(roundTrip([el('Data  ')])).toEqual([E('Data')]);
  });
});

describe('dependency id', () => {
  it('is absent inside a BinXML substitution value', () => {
    const w = new ChunkWriter();
    w.fragment([el('UserData', {}, [el('X', { a: 'b' }, [str('v')])])], true);
    expect(parseFragment(w.ctx(), 512, w.pos, true)).toEqual([E('UserData', [], [E('X', [A('a', text('b'))], [text('v')])])]);
  });

  it('an element written without one is still read outside substitutions (data size past the chunk)', () => {
    // Open start element with no dependency id: u32 data size, then u32 name offset. Read as if a
    // dependency id were there, the "data size" would be 0x020D_0000 (name offset bits): impossible.
    const w = new ChunkWriter();
    w.put(hex('0F 01 01 00'), hex('01 05000000'), le32(0x20d), hex('00000000 0000 0100 5A00 0000'), hex('03 00'));
    expect(w.pos).toBe(0x20d + 12 + 2);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('Z')]);
  });
});

describe('attributes (0x06 / 0x46) and values (0x05)', () => {
  it('0x41 element with an attribute list, several attributes', () => {
    const tree = roundTrip([el('Provider', { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625}' })]);
    expect(tree).toEqual([E('Provider', [A('Name', text('Microsoft-Windows-Security-Auditing')), A('Guid', text('{54849625}'))])]);
  });

  it('an attribute with several parts keeps them all', () => {
    const tree = roundTrip([el('A', { v: [str('x'), entity('amp'), str('y'), charref(0x21)] })]);
    expect(tree).toEqual([
      E('A', [A('v', text('x'), { kind: 'entity', name: 'amp' }, text('y'), { kind: 'charref', code: 0x21 })]),
    ]);
  });

  it('an attribute without a value has no parts', () => {
    expect(roundTrip([el('A', { empty: [] })])).toEqual([E('A', [A('empty')])]);
  });

  it('attributes followed by content', () => {
    expect(roundTrip([el('EventID', { Qualifiers: '0' }, [str('4624')])])).toEqual([
      E('EventID', [A('Qualifiers', text('0'))], [text('4624')]),
    ]);
  });

  it('a String value trims trailing whitespace and stops at NUL', () => {
    expect(roundTrip([el('A', {}, [str('text \r\n')])])).toEqual([E('A', [], [text('text')])]);
    expect(roundTrip([el('A', {}, [str('ab\0cd')])])).toEqual([E('A', [], [text('ab')])]);
  });

  it('fixed-size literal values decode by type', () => {
    const tree = roundTrip([
      el('A', {}, [lit(T.UInt16, [0x02, 0x01])]),
      el('B', {}, [lit(T.Int32, [0xff, 0xff, 0xff, 0xff])]),
      el('C', {}, [lit(T.HexInt64, hex('0000000000000080'))]),
      el('D', {}, [lit(T.Guid, hex('5F387057 2AC2 E043 BF4C 06F5698FFBD9'))]),
      el('E', {}, [lit(T.Null, [])]),
    ]);
    expect(tree).toEqual([
      E('A', [], [text(258)]),
      E('B', [], [text(-1)]),
      E('C', [], [text('0x8000000000000000')]),
      E('D', [], [text('5770385F-C22A-43E0-BF4C-06F5698FFBD9')]),
      E('E', [], [text(null)]),
    ]);
  });

  it('a literal of a sized type (Binary) is rejected', () => {
    expect(() => roundTrip([el('A', {}, [lit(T.Binary, [2, 0, 1, 2])])])).toThrow(EvtxFormatError);
  });

  it('0x45 (value with the more flag) is read like 0x05', () => {
    const w = new ChunkWriter();
    w.fragmentHeader().put(hex('41 FFFF 00000000')).nameRef('A').u32(0).u8(0x06).nameRef('b');
    w.put(0x45, 0x01).prefixed('x').put(0x05, 0x01).prefixed('y').put(0x03, 0x00);
    expect(parseFragment(w.ctx(), 512, w.pos, false)).toEqual([E('A', [A('b', text('x'), text('y'))])]);
  });

  it('mixed content: text, elements, text', () => {
    expect(roundTrip([el('A', {}, [str('x'), el('B'), str('y')])])).toEqual([E('A', [], [text('x'), E('B'), text('y')])]);
  });
});

describe('CDATA (0x07), character reference (0x08), entity reference (0x09), PI (0x0a/0x0b)', () => {
  it('CDATA keeps its text', () => {
    expect(roundTrip([el('A', {}, [cdata('x < y && "z"')])])).toEqual([E('A', [], [{ kind: 'cdata', text: 'x < y && "z"' }])]);
  });
  it('character reference keeps its code', () => {
    expect(roundTrip([el('A', {}, [charref(0x20ac)])])).toEqual([E('A', [], [{ kind: 'charref', code: 0x20ac }])]);
  });
  it('entity reference reads its name (in place, then by reference)', () => {
    expect(roundTrip([el('A', {}, [entity('lt'), str('b'), entity('lt')])])).toEqual([
      E('A', [], [{ kind: 'entity', name: 'lt' }, text('b'), { kind: 'entity', name: 'lt' }]),
    ]);
  });
  it('PI target followed by PI data', () => {
    expect(roundTrip([pi('xml-stylesheet', 'href="s.xsl"'), el('A')])).toEqual([
      { kind: 'pi', target: 'xml-stylesheet', data: 'href="s.xsl"' },
      E('A'),
    ]);
  });
  it('PI target without data', () => {
    expect(roundTrip([el('A', {}, [pi('go')])])).toEqual([E('A', [], [{ kind: 'pi', target: 'go', data: '' }])]);
  });
  it('PI data without a target is an error', () => {
    const w = new ChunkWriter();
    w.fragmentHeader().u8(0x0b).prefixed('x').u8(0);
    expect(formatError(() => parseFragment(w.ctx(), 512, w.pos, false)).offset).toBe(516);
  });
});

describe('substitutions (0x0d normal, 0x0e optional)', () => {
  it('record index, declared type and optionality', () => {
    expect(roundTrip([el('A', { x: sub(3, T.UInt32) }, [opt(0, T.String), sub(0x102, T.Sid | 0x80)])])).toEqual([
      E('A', [A('x', S(3, T.UInt32))], [S(0, T.String, true), S(0x102, T.Sid | 0x80)]),
    ]);
  });
  it('BinXml-typed and Null-typed substitutions are accepted', () => {
    expect(roundTrip([el('A', {}, [sub(0, T.BinXml), opt(1, T.Null)])])).toEqual([E('A', [], [S(0, T.BinXml), S(1, T.Null, true)])]);
  });
  it('an unknown declared type is an error', () => {
    for (const t of [0x16, 0x22, 0xa1, 0x80, 0xff]) {
      expect(() => roundTrip([el('A', {}, [sub(0, t)])]), `type 0x${t.toString(16)}`).toThrow(EvtxFormatError);
    }
  });
});

describe('template instance (0x0c)', () => {
  const GUID = hex('5F387057 2AC2 E043 BF4C 06F5698FFBD9');
  const tpl: TemplateSpec = {
    guid: GUID,
    nodes: [el('Event', {}, [el('EventID', {}, [sub(0, T.UInt16)]), el('Data', { Name: 'Image' }, [sub(1, T.String)])])],
  };
  const tplNodes = [E('Event', [], [E('EventID', [], [S(0, T.UInt16)]), E('Data', [A('Name', text('Image'))], [S(1, T.String)])])];

  function values(w: ChunkWriter, n: InstanceNode) {
    const out = [];
    for (let i = 0; i < n.values.count; i++) {
      out.push([n.values.type(i), decodeValue(w.bytes, n.values.type(i), n.values.offset(i), n.values.size(i), w.bytes.length)]);
    }
    return out;
  }

  it('reads an in-place definition, the substitution descriptors and the values', () => {
    const w = new ChunkWriter();
    w.fragment([inst(tpl, [vU16(1), vStr('C:\\Windows\\cmd.exe')])]);
    const [n, ...rest] = parseFragment(w.ctx(), 512, w.pos, false);
    expect(rest).toEqual([]);
    expect(n.kind).toBe('instance');
    const i = n as InstanceNode;
    // header 4, token 1, unknown byte 1, template id 4, offset 4 → definition at 526
    expect(i.template!.offset).toBe(526);
    expect(i.template!.nodes).toEqual(tplNodes);
    expect(i.values.count).toBe(2);
    expect(values(w, i)).toEqual([
      [T.UInt16, 1],
      [T.String, 'C:\\Windows\\cmd.exe'],
    ]);
    expect(i.values.offset(0)).toBe(w.pos - 1 - 36 - 2);
    expect(i.values.size(1)).toBe(36);
  });

  it('a later instance refers back to the definition and is not confused by it', () => {
    const w = new ChunkWriter();
    w.fragment([inst(tpl, [vU16(1), vStr('a')])]);
    const second = w.pos;
    w.fragment([inst(tpl, [vU16(2), vStr('b')])]);
    // 4 header + 10 instance head + 4 count + 8 descriptors + 2 + 2 values + 1 eos: no definition.
    expect(w.pos - second).toBe(31);
    const [n] = parseFragment(w.ctx(), second, w.pos, false) as InstanceNode[];
    expect(n.template!.offset).toBe(526);
    expect(n.template!.nodes).toEqual(tplNodes);
    expect(values(w, n)).toEqual([
      [T.UInt16, 2],
      [T.String, 'b'],
    ]);
  });

  it('an instance with no values', () => {
    const w = new ChunkWriter();
    w.fragment([inst({ guid: GUID, nodes: [el('Empty')] }, [])]);
    const [n] = parseFragment(w.ctx(), 512, w.pos, false) as InstanceNode[];
    expect(n.template!.nodes).toEqual([E('Empty')]);
    expect(n.values.count).toBe(0);
    expect(n.values.type(0)).toBe(-1);
  });

  it('descriptor types are kept as written (the instance type wins over the declared one)', () => {
    const w = new ChunkWriter();
    w.fragment([inst(tpl, [vRaw(T.Null, []), vRaw(T.HexInt32, le32(0x1f))])]);
    const [n] = parseFragment(w.ctx(), 512, w.pos, false) as InstanceNode[];
    expect(values(w, n)).toEqual([
      [T.Null, null],
      [T.HexInt32, '0x1f'],
    ]);
  });

  it('instance nodes can sit inside elements', () => {
    const w = new ChunkWriter();
    w.fragment([el('Wrap', {}, [inst(tpl, [vU16(5), vStr('x')])])]);
    const [wrap] = parseFragment(w.ctx(), 512, w.pos, false) as ElementNode[];
    expect(wrap.name).toBe('Wrap');
    expect(wrap.children).toHaveLength(1);
    expect((wrap.children[0] as InstanceNode).template!.nodes).toEqual(tplNodes);
  });

  it('an in-place definition running past the end is reported at the definition', () => {
    const w = new ChunkWriter();
    w.fragment([inst(tpl, [vU16(1), vStr('a')])]);
    const e = formatError(() => parseFragment(w.ctx(), 512, 526 + 24 + 10, false));
    expect(e.reason).toMatch(/template definition/);
    expect(e.offset).toBe(526);
  });

  it('values running past the end are an error', () => {
    const w = new ChunkWriter();
    w.fragmentHeader().put(0x0c, 0x01).u32(0).u32(0x300).u32(1).put(hex('1000 01 00')).put(utf16le('abc'));
    // 16 bytes promised, 6 present before `end`.
    expect(() => parseFragment(w.ctx(), 512, w.pos, false)).toThrow(EvtxFormatError);
  });
});

describe('damage', () => {
  it('unknown tokens are format errors at their offset', () => {
    for (const t of [0x10, 0x1f, 0x3f, 0x50, 0x7f, 0xff]) {
      const w = new ChunkWriter();
      w.fragment([el('A')]);
      w.pos -= 1; // replace end of stream
      w.put(t, 0x00);
      const e = formatError(() => parseFragment(w.ctx(), 512, w.pos, false));
      expect(e.offset, `token 0x${t.toString(16)}`).toBe(w.pos - 2);
      expect(e.reason).toContain(`0x${t.toString(16)}`);
    }
  });

  it('structural errors', () => {
    const cases: Array<[string, (w: ChunkWriter) => void]> = [
      ['close element without an open element', (w) => w.put(0x04)],
      ['close start tag without an element', (w) => w.put(0x02)],
      ['close empty element without an element', (w) => w.put(0x03)],
      ['attribute outside a start tag', (w) => w.u8(0x06).nameRef('x')],
      ['element inside a start tag', (w) => w.put(hex('01 FFFF 00000000')).nameRef('A').put(hex('01 FFFF 00000000')).nameRef('B')],
      ['close element while a start tag is open', (w) => w.put(hex('01 FFFF 00000000')).nameRef('A').put(0x04)],
    ];
    for (const [what, write] of cases) {
      const w = new ChunkWriter();
      w.fragmentHeader();
      write(w);
      w.u8(0);
      expect(() => parseFragment(w.ctx(), 512, w.pos, false), what).toThrow(EvtxFormatError);
    }
  });

  it('a name offset outside the chunk is an error', () => {
    const w = new ChunkWriter();
    w.fragmentHeader().put(hex('01 FFFF 00000000')).u32(0xfffc).put(0x03, 0x00);
    expect(() => parseFragment(w.ctx(), 512, w.pos, false)).toThrow(EvtxFormatError);
  });

  // A fragment using every token, to cut at every byte.
  const everything: Bx[] = [
    pi('t', 'd'),
    el('Event', { xmlns: 'urn:x', n: lit(T.UInt32, le32(7)) }, [
      el('A', {}, [str('text'), cdata('cd'), charref(0x41), entity('amp')]),
      el('B', { s: sub(0, T.String) }, [opt(1, T.UInt16)]),
      inst({ guid: new Array(16).fill(0x11), nodes: [el('T', {}, [sub(0, T.String)])] }, [vStr('value'), vU16(9)]),
    ]),
  ];

  it('the full fragment parses', () => {
    const tree = roundTrip(everything);
    expect(tree).toHaveLength(2);
    expect((tree[1] as ElementNode).children).toHaveLength(3);
  });

  it('cut at every byte: a tree or an EvtxFormatError, never another exception', () => {
    const w = new ChunkWriter();
    w.fragment(everything);
    let errors = 0;
    for (let end = 512; end < w.pos; end++) {
      try {
        parseFragment(w.ctx(), 512, end, false);
      } catch (e) {
        if (!(e instanceof EvtxFormatError)) throw new Error(`cut at ${end}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan((w.pos - 512) / 2);
  });

  it('cut inside a token is an EvtxFormatError', () => {
    const w = new ChunkWriter();
    w.fragmentHeader();
    const cuts: number[] = [];
    const mark = (write: () => void, within: number[]) => {
      const at = w.pos;
      write();
      for (const d of within) cuts.push(at + d);
    };
    mark(() => w.fragmentHeader(), [1, 3]);
    mark(() => w.put(hex('41 FFFF 00000000')).nameRef('Elem').u32(0), [1, 2, 4, 8, 12, 15, 20, 25, 27, 30]); // element header, in-place name, attribute list size
    mark(() => w.u8(0x06).nameRef('at'), [1, 4, 8, 12]);
    mark(() => w.put(0x05, 0x01).prefixed('abcdef'), [1, 2, 3, 6, 13]);
    mark(() => w.put(0x02), []);
    mark(() => w.u8(0x07).prefixed('cdata'), [1, 2, 5]);
    mark(() => w.u8(0x08).u16(0x41), [1, 2]);
    mark(() => w.u8(0x09).nameRef('ent'), [1, 3, 5, 10]);
    mark(() => w.u8(0x0d).u16(0).u8(1), [1, 2, 3]);
    mark(() => w.u8(0x0a).nameRef('pt').u8(0x0b).prefixed('pd'), [1, 4, 9, 16, 18, 20, 22]);
    mark(() => w.instance({ guid: new Array(16).fill(0x22), nodes: [el('T')] }, [vStr('abc')]), [1, 2, 6, 9, 12, 20, 30, 40, 60, 63, 65, 67, 70, 72, 76]);
    const end = w.pos;
    w.put(0x04, 0x00);
    expect(() => parseFragment(w.ctx(), 512, w.pos, false)).not.toThrow();
    for (const cut of cuts) {
      expect(cut).toBeLessThan(end);
      expect(() => parseFragment(w.ctx(), 512, cut, false), `cut at ${cut - 512}`).toThrow(EvtxFormatError);
    }
  });

  it('bytes that end early (a short buffer) give an EvtxFormatError or a tree, never another exception', () => {
    const w = new ChunkWriter();
    w.fragment(everything);
    for (let len = 512; len < w.pos; len++) {
      for (const bytes of [w.bytes.subarray(0, len), new Uint8Array(w.bytes.subarray(0, len))]) {
        try {
          parseFragment(contextFor(bytes), 512, w.pos, false);
        } catch (e) {
          if (!(e instanceof EvtxFormatError)) throw new Error(`length ${len}: ${String(e)}`);
        }
      }
    }
  });

  it('Token codes are those of MS-EVEN6', () => {
    expect(Token).toEqual({
      EndOfStream: 0x00,
      OpenStartElement: 0x01,
      CloseStartElement: 0x02,
      CloseEmptyElement: 0x03,
      CloseElement: 0x04,
      Value: 0x05,
      Attribute: 0x06,
      CDataSection: 0x07,
      CharRef: 0x08,
      EntityRef: 0x09,
      PITarget: 0x0a,
      PIData: 0x0b,
      TemplateInstance: 0x0c,
      NormalSubstitution: 0x0d,
      OptionalSubstitution: 0x0e,
      FragmentHeader: 0x0f,
    });
  });
});
