// Templates and rendering end to end on hand-built chunks: record header fields, JSON (as the Rust
// `evtx` crate prints it), JSON text, and XML.
import { describe, expect, it } from 'vitest';
import { Chunk, type ChunkProblem } from '../../src/evtx/chunk.js';
import type { EvtxRecord } from '../../src/evtx/record.js';
import { stringifyJson, toPlain } from '../../src/evtx/render-json.js';
import { ValueType as T } from '../../src/evtx/value-types.js';
import { el, inst, hex, sub, opt, vStr, vU16, vNull, vBinXml, str, type Bx, type TemplateSpec } from './binxml-builder.js';
import {
  EVENT_NS,
  SYSMON_GUID,
  TIME_2021,
  chunkOf,
  duplicatesEvent,
  nestedElementsEvent,
  nestedTemplateEvent,
  processCreateEvent,
  unnamedEvent,
} from './sample-events.js';

function recordsOf(events: Bx[][]): EvtxRecord[] {
  const chunk = new Chunk(chunkOf(events), 0);
  const problems: ChunkProblem[] = [];
  const out = [...chunk.records((p) => problems.push(p))];
  expect(problems).toEqual([]);
  expect(chunk.checksumProblems()).toEqual([]);
  return out;
}

const one = (event: Bx[]): EvtxRecord => recordsOf([event])[0];
const plain = (r: EvtxRecord) => toPlain(r.json());

const processCreateJson = (id: number, image: string, commandLine: string) => ({
  Event: {
    '#attributes': { xmlns: EVENT_NS },
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: SYSMON_GUID } },
      EventID: 1,
      TimeCreated: { '#attributes': { SystemTime: TIME_2021 } },
      EventRecordID: id,
      Execution: { '#attributes': { ProcessID: 4242 } },
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Security: { '#attributes': { UserID: 'S-1-5-18' } },
      Keywords: '0x8000000000000000',
    },
    EventData: {
      Image: image,
      CommandLine: commandLine,
      ProcessId: 1234,
      Hashes: null,
      ParentImage: null,
    },
  },
});

describe('a Sysmon-like record', () => {
  const r = one(processCreateEvent(42));

  it('header fields', () => {
    expect(r.id).toBe(1);
    expect(r.offset).toBe(512);
    expect(r.timestamp).toBe(TIME_2021);
    expect(r.timeMillis).toBe(Date.UTC(2021, 9, 1, 7, 42, 5, 123));
  });

  it('JSON: attributes under #attributes, values typed, optional Null-declared parts absent, null values null', () => {
    expect(plain(r)).toEqual(processCreateJson(42, 'C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c "echo <hi> & bye"'));
  });

  it('JSON keys keep document order', () => {
    const system = r.json().get('Event') as Map<string, unknown>;
    expect([...system.keys()]).toEqual(['#attributes', 'System', 'EventData']);
    expect([...(system.get('EventData') as Map<string, unknown>).keys()]).toEqual(['Image', 'CommandLine', 'ProcessId', 'Hashes', 'ParentImage']);
  });

  it('JSON text parses to the same object and is byte-equal to the general builder', () => {
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
    expect(r.jsonText()).toBe(stringifyJson(r.json()));
  });

  it('pretty JSON text is indented and parses to the same object', () => {
    const pretty = r.jsonText(true);
    expect(pretty.split('\n')[1]).toBe('  "Event": {');
    expect(JSON.parse(pretty)).toEqual(plain(r));
  });

  it('XML', () => {
    expect(r.xml()).toBe(
      [
        `<Event xmlns="${EVENT_NS}">`,
        '  <System>',
        `    <Provider Name="Microsoft-Windows-Sysmon" Guid="${SYSMON_GUID}"/>`,
        '    <EventID>1</EventID>',
        `    <TimeCreated SystemTime="${TIME_2021}"/>`,
        '    <EventRecordID>42</EventRecordID>',
        '    <Execution ProcessID="4242"/>',
        '    <Channel>Microsoft-Windows-Sysmon/Operational</Channel>',
        '    <Security UserID="S-1-5-18"/>',
        '    <Keywords>0x8000000000000000</Keywords>',
        '  </System>',
        '  <EventData>',
        '    <Data Name="Image">C:\\Windows\\System32\\cmd.exe</Data>',
        '    <Data Name="CommandLine">cmd.exe /c "echo &lt;hi&gt; &amp; bye"</Data>',
        '    <Data Name="ProcessId">1234</Data>',
        '    <Data Name="Hashes"/>',
        '    <Data Name="ParentImage"></Data>',
        '  </EventData>',
        '</Event>',
      ].join('\n'),
    );
  });

  it('rendering twice gives the same result (substitution values are reusable across renders)', () => {
    expect(plain(r)).toEqual(plain(r));
    expect(r.jsonText()).toBe(r.jsonText());
    expect(r.xml()).toBe(r.xml());
  });
});

describe('several records sharing one template definition', () => {
  const records = recordsOf([
    processCreateEvent(100, 'C:\\a.exe', 'a'),
    processCreateEvent(101, 'C:\\b.exe', 'b'),
    processCreateEvent(102, 'C:\\c.exe', 'c'),
  ]);

  it('come out in order with their own ids, times and values', () => {
    expect(records.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.timestamp)).toEqual([TIME_2021, '2021-10-01T07:42:06.123456Z', '2021-10-01T07:42:07.123456Z']);
    expect(records.map((r) => plain(r))).toEqual([
      processCreateJson(100, 'C:\\a.exe', 'a'),
      processCreateJson(101, 'C:\\b.exe', 'b'),
      processCreateJson(102, 'C:\\c.exe', 'c'),
    ]);
  });

  it('only the first record carries the definition', () => {
    expect(records[1].size).toBeLessThan(records[0].size - 200);
    expect(records[2].size).toBe(records[1].size);
  });
});

describe('JSON shapes of the Rust crate', () => {
  it('an element with attributes and text: {"#attributes": {...}, "#text": v}', () => {
    expect(plain(one(duplicatesEvent()))).toMatchObject({
      Event: { System: { EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4624 } } },
    });
  });

  it('repeated Data names: the later value keeps the key, the earlier moves to X_1', () => {
    const r = one(duplicatesEvent());
    expect(plain(r)).toEqual({
      Event: {
        '#attributes': { xmlns: EVENT_NS },
        System: { EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4624 } },
        EventData: { X: 'second', Y: 'y', X_1: 'first' },
      },
    });
    expect(r.jsonText()).toContain('"EventData":{"X":"second","Y":"y","X_1":"first"}');
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
  });

  it('a third repeat moves the second value to X_2 (X_1 keeps the first)', () => {
    const t: TemplateSpec = {
      guid: hex('05000000 0000 0000 0000 000000000005'),
      nodes: [el('EventData', {}, [0, 1, 2].map((i) => el('Data', { Name: 'X' }, [sub(i, T.String)])))],
    };
    expect(plain(one([inst(t, [vStr('a'), vStr('b'), vStr('c')])]))).toEqual({ EventData: { X: 'c', X_1: 'a', X_2: 'b' } });
  });

  it('an empty earlier value is not kept (Rust: placeholders are not moved)', () => {
    const t: TemplateSpec = {
      guid: hex('06000000 0000 0000 0000 000000000006'),
      nodes: [el('EventData', {}, [el('Data', { Name: 'X' }, [sub(0, T.String)]), el('Data', { Name: 'X' }, [sub(1, T.String)])])],
    };
    expect(plain(one([inst(t, [vNull(), vStr('b')])]))).toEqual({ EventData: { X: 'b' } });
  });

  it('unnamed Data elements: {"Data": {"#text": [..]}}', () => {
    const r = one(unnamedEvent());
    expect(plain(r)).toEqual({
      Event: {
        '#attributes': { xmlns: EVENT_NS },
        System: { EventID: 7036 },
        EventData: { Data: { '#text': ['Windows Update', 'running'] }, Binary: 'DEAD' },
      },
    });
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
  });

  it('a single unnamed Data element: {"Data": {"#text": v}}', () => {
    const t: TemplateSpec = { guid: hex('07000000 0000 0000 0000 000000000007'), nodes: [el('EventData', {}, [el('Data', {}, [sub(0, T.String)])])] };
    expect(plain(one([inst(t, [vStr('only')])]))).toEqual({ EventData: { Data: { '#text': 'only' } } });
  });

  it('a substitution named twice gives null the second time (values are used once)', () => {
    const t: TemplateSpec = {
      guid: hex('08000000 0000 0000 0000 000000000008'),
      nodes: [el('R', {}, [el('A', {}, [sub(0, T.String)]), el('B', {}, [sub(0, T.String)])])],
    };
    const r = one([inst(t, [vStr('x')])]);
    expect(plain(r)).toEqual({ R: { A: 'x', B: null } });
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
  });

  it('a substitution index past the values renders as null', () => {
    const t: TemplateSpec = { guid: hex('09000000 0000 0000 0000 000000000009'), nodes: [el('R', {}, [el('A', {}, [sub(5, T.String)])])] };
    expect(plain(one([inst(t, [vStr('x')])]))).toEqual({ R: { A: null } });
  });

  it('an optional substitution declared Null is absent, one declared String with a Null value is null', () => {
    const t: TemplateSpec = {
      guid: hex('0A000000 0000 0000 0000 00000000000A'),
      nodes: [el('R', { a: opt(0, T.Null), b: opt(1, T.String), c: 'k' }, [el('X', {}, [opt(0, T.Null)]), el('Y', {}, [opt(1, T.String)])])],
    };
    const r = one([inst(t, [vStr('hidden'), vNull()])]);
    expect(plain(r)).toEqual({ R: { '#attributes': { c: 'k' }, X: null, Y: null } });
    expect(r.xml()).toBe('<R c="k">\n  <X/>\n  <Y></Y>\n</R>');
  });

  it('array values render as JSON arrays', () => {
    const t: TemplateSpec = { guid: hex('0B000000 0000 0000 0000 00000000000B'), nodes: [el('R', {}, [el('A', {}, [sub(0, T.UInt16 | 0x80)])])] };
    const r = one([inst(t, [{ type: T.UInt16 | 0x80, bytes: [1, 0, 2, 0, 3, 0] }])]);
    expect(plain(r)).toEqual({ R: { A: [1, 2, 3] } });
    expect(r.jsonText()).toBe('{"R":{"A":[1,2,3]}}');
    expect(r.xml()).toBe('<R>\n  <A>1,2,3</A>\n</R>');
  });

  it('64-bit values above 2^53 are written exactly in JSON text', () => {
    const t: TemplateSpec = { guid: hex('0C000000 0000 0000 0000 00000000000C'), nodes: [el('R', {}, [el('A', {}, [sub(0, T.UInt64)])])] };
    const r = one([inst(t, [{ type: T.UInt64, bytes: hex('FFFFFFFFFFFFFFFF') }])]);
    expect(r.json().get('R')).toEqual(new Map([['A', 18446744073709551615n]]));
    expect(r.jsonText()).toBe('{"R":{"A":18446744073709551615}}');
  });

  it('literal text and entity / character references in element content are concatenated', () => {
    const t: TemplateSpec = {
      guid: hex('0D000000 0000 0000 0000 00000000000D'),
      nodes: [el('R', {}, [el('A', {}, [str('a'), { t: 'entity', name: 'amp' }, str('b'), { t: 'charref', code: 0x3c }])])],
    };
    const r = one([inst(t, [])]);
    expect(plain(r)).toEqual({ R: { A: 'a&b<' } });
    expect(r.xml()).toBe('<R>\n  <A>a&amp;b&lt;</A>\n</R>');
  });
});

describe('BinXML substitution values (0x21)', () => {
  it('a nested fragment with its own template instance renders in place', () => {
    const r = one(nestedTemplateEvent());
    expect(plain(r)).toEqual({
      Event: {
        '#attributes': { xmlns: EVENT_NS },
        System: { EventID: 1102 },
        UserData: {
          LogFileCleared: {
            '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
            SubjectUserName: 'alice',
            SubjectDomainName: 'CORP',
          },
        },
      },
    });
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
    expect(r.xml()).toBe(
      [
        `<Event xmlns="${EVENT_NS}">`,
        '  <System>',
        '    <EventID>1102</EventID>',
        '  </System>',
        '  <UserData>',
        '    <LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog">',
        '      <SubjectUserName>alice</SubjectUserName>',
        '      <SubjectDomainName>CORP</SubjectDomainName>',
        '    </LogFileCleared>',
        '  </UserData>',
        '</Event>',
      ].join('\n'),
    );
  });

  it('a nested fragment holding elements directly (no dependency ids)', () => {
    const r = one(nestedElementsEvent());
    expect(plain(r)).toEqual({
      Event: {
        '#attributes': { xmlns: EVENT_NS },
        System: { EventID: 1 },
        UserData: { EventXML: { '#attributes': { v: '2' }, Param1: 'abc', Param2: 'def' } },
      },
    });
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
  });

  it('two levels of nesting', () => {
    const inner: Bx[] = [el('Inner', {}, [str('deep')])];
    const middle: TemplateSpec = { guid: hex('0E000000 0000 0000 0000 00000000000E'), nodes: [el('Middle', {}, [sub(0, T.BinXml)])] };
    const outer: TemplateSpec = { guid: hex('0F000000 0000 0000 0000 00000000000F'), nodes: [el('Outer', {}, [sub(0, T.BinXml)])] };
    const r = one([inst(outer, [vBinXml([inst(middle, [vBinXml(inner)])])])]);
    expect(plain(r)).toEqual({ Outer: { Middle: { Inner: 'deep' } } });
    expect(JSON.parse(r.jsonText())).toEqual(plain(r));
  });

  it('a nested value used as an attribute renders as null (the crate cannot show it there)', () => {
    const t: TemplateSpec = { guid: hex('10000000 0000 0000 0000 000000000010'), nodes: [el('R', { a: sub(0, T.BinXml), b: sub(1, T.UInt16) })] };
    const r = one([inst(t, [vBinXml([el('X')]), vU16(3)])]);
    expect(plain(r)).toEqual({ R: { '#attributes': { b: 3 } } });
  });
});
