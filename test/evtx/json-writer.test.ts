// The direct JSON writer (fast path of `dump`) against the general builder: whenever it does not
// bail out, its text must be exactly the general builder's; it must bail on shapes it cannot do.
import { describe, expect, it } from 'vitest';
import { Chunk } from '../../src/evtx/chunk.js';
import type { EvtxRecord } from '../../src/evtx/record.js';
import { writeRecordJson } from '../../src/evtx/json-writer.js';
import { recordJson, stringifyJson } from '../../src/evtx/render-json.js';
import { ValueType as T } from '../../src/evtx/value-types.js';
import { cdata, el, entity, hex, inst, lit, opt, str, sub, vBinXml, vNull, vRaw, vStr, vU16, type Bx, type TemplateSpec } from './binxml-builder.js';
import { duplicatesEvent, nestedElementsEvent, nestedTemplateEvent, processCreateEvent, unnamedEvent, chunkOf } from './sample-events.js';

let guidSeq = 0x40;
/** A one-off template with a fresh GUID. */
const tpl = (...nodes: Bx[]): TemplateSpec => ({ guid: [guidSeq++, ...new Array(15).fill(0x77)], nodes });

function one(event: Bx[]): EvtxRecord {
  return [...new Chunk(chunkOf([event]), 0).records(() => expect.fail('no problems expected'))][0];
}

const fast = (r: EvtxRecord) => writeRecordJson(r.chunk, r.nodes());
const general = (r: EvtxRecord) => stringifyJson(recordJson(r.chunk, r.nodes()));

// Shapes the fast writer handles, with the JSON text both must give.
const handled: Array<[string, Bx[], string | null]> = [
  ['Sysmon-like record', processCreateEvent(42), null],
  ['nested template instance', nestedTemplateEvent(), null],
  ['nested elements', nestedElementsEvent(), null],
  [
    'attributes beside text',
    [inst(tpl(el('R', {}, [el('EventID', { Qualifiers: sub(0, T.UInt16) }, [sub(1, T.UInt16)])])), [vU16(0), vU16(4624)])],
    '{"R":{"EventID":{"#attributes":{"Qualifiers":0},"#text":4624}}}',
  ],
  [
    'attributes beside a null value',
    [inst(tpl(el('R', {}, [el('A', { q: 'x' }, [sub(0, T.String)])])), [vNull()])],
    '{"R":{"A":{"#attributes":{"q":"x"},"#text":null}}}',
  ],
  [
    'attributes that are all null: the element is its value',
    [inst(tpl(el('R', {}, [el('A', { q: sub(0, T.String) }, [sub(1, T.String)]), el('B', { q: sub(2, T.String) })])), [vNull(), vStr('v'), vNull()])],
    '{"R":{"A":"v","B":null}}',
  ],
  [
    'attributes beside child elements',
    [inst(tpl(el('R', { a: '1' }, [el('C', {}, [str('x')]), el('D')])), [])],
    '{"R":{"#attributes":{"a":"1"},"C":"x","D":null}}',
  ],
  [
    'literal values of several types',
    [inst(tpl(el('R', {}, [el('A', {}, [lit(T.Int32, [0xff, 0xff, 0xff, 0xff])]), el('B', {}, [lit(T.Bool, [1, 0, 0, 0])]), el('C', {}, [lit(T.Null, [])])])), [])],
    '{"R":{"A":-1,"B":true,"C":null}}',
  ],
  [
    'strings needing escapes',
    [inst(tpl(el('R', {}, [el('A', {}, [sub(0, T.String)])])), [vStr('q"b\\s\tn\u0001')])],
    '{"R":{"A":"q\\"b\\\\s\\tn\\u0001"}}',
  ],
  [
    'arrays and 64-bit values',
    [inst(tpl(el('R', {}, [el('A', {}, [sub(0, T.Int64 | 0x80)]), el('B', {}, [sub(1, T.UInt64)])])), [vRaw(T.Int64 | 0x80, hex('FFFFFFFFFFFFFFFF 0000000000000080')), vRaw(T.UInt64, hex('FFFFFFFFFFFFFFFF'))])],
    '{"R":{"A":[-1,-9223372036854775808],"B":18446744073709551615}}',
  ],
  [
    'optional substitutions declared Null are absent',
    [inst(tpl(el('R', { a: opt(0, T.Null), b: 'k' }, [el('X', {}, [opt(0, T.Null)])])), [vStr('hidden')])],
    '{"R":{"#attributes":{"b":"k"},"X":null}}',
  ],
  [
    'an empty nested fragment',
    [inst(tpl(el('R', {}, [el('U', {}, [sub(0, T.BinXml)])])), [vBinXml([])])],
    '{"R":{"U":null}}',
  ],
  [
    'Data with a literal Name and nested content',
    [inst(tpl(el('EventData', {}, [el('Data', { Name: 'Payload' }, [sub(0, T.BinXml)])])), [vBinXml([el('Inner', {}, [str('v')])])])],
    '{"EventData":{"Payload":{"Inner":"v"}}}',
  ],
];

describe('the fast writer gives the general builder\'s JSON text', () => {
  for (const [name, event, expected] of handled) {
    it(name, () => {
      const r = one(event);
      const text = fast(r);
      expect(text, 'the fast writer should not bail here').not.toBeNull();
      expect(text).toBe(general(r));
      if (expected !== null) expect(text).toBe(expected);
      expect(r.jsonText()).toBe(text);
    });
  }
});

// Shapes where the fast writer must hand over to the general builder.
const bails: Array<[string, Bx[], string]> = [
  ['repeated Data names', duplicatesEvent(), '"X":"second","Y":"y","X_1":"first"'],
  ['unnamed Data', unnamedEvent(), '"Data":{"#text":["Windows Update","running"]}'],
  [
    'repeated element names',
    [inst(tpl(el('R', {}, [el('H', {}, [str('a')]), el('H', {}, [str('b')])])), [])],
    '{"R":{"H":"b","H_1":"a"}}',
  ],
  [
    'a substitution used twice',
    [inst(tpl(el('R', {}, [el('A', {}, [sub(0, T.String)]), el('B', {}, [sub(0, T.String)])])), [vStr('x')])],
    '{"R":{"A":"x","B":null}}',
  ],
  [
    'text beside child elements',
    [inst(tpl(el('R', {}, [str('t'), el('A')])), [])],
    '{"R":{"A":null,"A_1":"t"}}', // as the Rust crate: the text moves into the element's slot
  ],
  [
    'several text parts',
    [inst(tpl(el('R', {}, [el('A', {}, [str('a'), entity('amp'), str('b')])])), [])],
    '{"R":{"A":"a&b"}}',
  ],
  ['CDATA', [inst(tpl(el('R', {}, [el('A', {}, [cdata('c')])])), [])], '{"R":{"A":"c"}}'],
  [
    'a Data Name given by a substitution',
    [inst(tpl(el('EventData', {}, [el('Data', { Name: sub(0, T.String) }, [sub(1, T.String)])])), [vStr('K'), vStr('v')])],
    '{"EventData":{"K":"v"}}',
  ],
];

describe('the fast writer bails on shapes only the general builder renders', () => {
  for (const [name, event, expected] of bails) {
    it(name, () => {
      const r = one(event);
      expect(fast(r)).toBeNull();
      expect(general(r)).toContain(expected);
      expect(r.jsonText()).toBe(general(r));
    });
  }
});
