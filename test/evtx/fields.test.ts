// Record fields by name (src/evtx/fields.ts) on hand-built records: Data Name values, System
// elements, Element_Attribute names, repeated and unnamed fields, nested BinXML.
import { describe, expect, it } from 'vitest';
import { Chunk } from '../../src/evtx/chunk.js';
import type { EvtxRecord } from '../../src/evtx/record.js';
import { ValueType as T } from '../../src/evtx/value-types.js';
import type { RawValueVisitor } from '../../src/evtx/fields.js';
import { decodeValue, valueText, type Value } from '../../src/evtx/values.js';
import { el, hex, inst, str, sub, vBinXml, vStr, vU16, type Bx, type TemplateSpec } from './binxml-builder.js';
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

function one(event: Bx[]): EvtxRecord {
  const records = [...new Chunk(chunkOf([event]), 0).records(() => expect.fail('no problems expected'))];
  expect(records).toHaveLength(1);
  return records[0];
}

describe('fields of a Sysmon-like record', () => {
  const f = one(processCreateEvent(42)).fields;

  it('EventData values by their Data Name', () => {
    expect(f.get('Image')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(f.get('CommandLine')).toBe('cmd.exe /c "echo <hi> & bye"');
    expect(f.get('ProcessId')).toBe(1234);
  });

  it('System elements by name, typed', () => {
    expect(f.get('EventID')).toBe(1);
    expect(f.get('EventRecordID')).toBe(42);
    expect(f.get('Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(f.get('Keywords')).toBe('0x8000000000000000');
  });

  it('attributes as Element_Attribute', () => {
    expect(f.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(f.get('Provider_Guid')).toBe(SYSMON_GUID);
    expect(f.get('TimeCreated_SystemTime')).toBe(TIME_2021);
    expect(f.get('Execution_ProcessID')).toBe(4242);
    expect(f.get('Security_UserID')).toBe('S-1-5-18');
    expect(f.get('Event_xmlns')).toBe(EVENT_NS);
  });

  it('fields present without a value are null; unknown names undefined', () => {
    expect(f.get('Hashes')).toBeNull();
    expect(f.get('ParentImage')).toBeNull();
    expect(f.get('NoSuchField')).toBeUndefined();
    expect(f.all('NoSuchField')).toEqual([]);
  });

  it('an attribute whose optional substitution is declared Null is absent, as in the JSON', () => {
    expect(f.get('Execution_ThreadID')).toBeUndefined();
    expect(f.all('Execution_ThreadID')).toEqual([]);
  });

  it('elements that only carry attributes are not fields themselves', () => {
    expect(f.get('Provider')).toBeUndefined();
    expect(f.get('TimeCreated')).toBeUndefined();
    expect(f.get('Security')).toBeUndefined();
  });

  it('Data elements are not fields named "Data" and Name is not an attribute field', () => {
    expect(f.get('Data')).toBeUndefined();
    expect(f.get('Data_Name')).toBeUndefined();
  });

  it('entries() lists every field in document order', () => {
    expect(f.entries()).toEqual([
      ['Event_xmlns', EVENT_NS],
      ['Provider_Name', 'Microsoft-Windows-Sysmon'],
      ['Provider_Guid', SYSMON_GUID],
      ['EventID', 1],
      ['TimeCreated_SystemTime', TIME_2021],
      ['EventRecordID', 42],
      ['Execution_ProcessID', 4242],
      ['Channel', 'Microsoft-Windows-Sysmon/Operational'],
      ['Security_UserID', 'S-1-5-18'],
      ['Keywords', '0x8000000000000000'],
      ['Image', 'C:\\Windows\\System32\\cmd.exe'],
      ['CommandLine', 'cmd.exe /c "echo <hi> & bye"'],
      ['ProcessId', 1234],
      ['Hashes', null],
      ['ParentImage', null],
    ]);
  });

  it('each record reads its own values through a shared template', () => {
    const records = [...new Chunk(chunkOf([processCreateEvent(1, 'C:\\a.exe'), processCreateEvent(2, 'C:\\b.exe')]), 0).records(() => {})];
    expect(records.map((r) => r.fields.get('Image'))).toEqual(['C:\\a.exe', 'C:\\b.exe']);
    expect(records.map((r) => r.fields.get('EventRecordID'))).toEqual([1, 2]);
  });
});

describe('repeated and unnamed fields', () => {
  it('a repeated Data Name: get() is the first in document order, all() lists both', () => {
    const f = one(duplicatesEvent()).fields;
    expect(f.get('X')).toBe('first');
    expect(f.all('X')).toEqual(['first', 'second']);
    expect(f.get('Y')).toBe('y');
    expect(f.get('X_1')).toBeUndefined();
  });

  it('an element with an attribute and text gives both fields', () => {
    const f = one(duplicatesEvent()).fields;
    expect(f.get('EventID')).toBe(4624);
    expect(f.get('EventID_Qualifiers')).toBe(16384);
  });

  it('unnamed Data elements are all fields named Data', () => {
    const f = one(unnamedEvent()).fields;
    expect(f.all('Data')).toEqual(['Windows Update', 'running']);
    expect(f.get('Data')).toBe('Windows Update');
    expect(f.get('Binary')).toBe('DEAD');
    expect(f.get('EventID')).toBe(7036);
  });

  it('a Data Name given by a substitution names the field by its value', () => {
    const t: TemplateSpec = {
      guid: hex('20000000 0000 0000 0000 000000000020'),
      nodes: [el('EventData', {}, [el('Data', { Name: sub(0, T.String) }, [sub(1, T.String)])])],
    };
    const f = one([inst(t, [vStr('TargetUserName'), vStr('bob')])]).fields;
    expect(f.get('TargetUserName')).toBe('bob');
    expect(f.entries()).toEqual([['TargetUserName', 'bob']]);
  });
});

describe('nested BinXML values', () => {
  it('fields of a nested template instance', () => {
    const f = one(nestedTemplateEvent()).fields;
    expect(f.get('SubjectUserName')).toBe('alice');
    expect(f.get('SubjectDomainName')).toBe('CORP');
    expect(f.get('EventID')).toBe(1102);
    expect(f.get('LogFileCleared_xmlns')).toBe('http://manifests.microsoft.com/win/2004/08/windows/eventlog');
    // The container itself is not a field.
    expect(f.get('UserData')).toBeUndefined();
  });

  it('entries() include the nested fields after the outer ones', () => {
    expect(one(nestedTemplateEvent()).fields.entries()).toEqual([
      ['Event_xmlns', EVENT_NS],
      ['EventID', 1102],
      ['LogFileCleared_xmlns', 'http://manifests.microsoft.com/win/2004/08/windows/eventlog'],
      ['SubjectUserName', 'alice'],
      ['SubjectDomainName', 'CORP'],
    ]);
  });

  /** What a visitor is given, decoded (raw values as decodeValue reads them). */
  const visited = (visit: (v: RawValueVisitor) => unknown): { values: Value[]; raw: number; returned: unknown } => {
    const values: Value[] = [];
    let raw = 0;
    const returned = visit({
      raw: (b, type, o, n) => {
        raw++;
        values.push(decodeValue(b, type, o, n, b.length));
      },
      decoded: (v) => values.push(v),
    });
    return { values, raw, returned };
  };
  const leafTexts = (values: Value[]) => values.flatMap((v) => (Array.isArray(v) ? v.map(valueText) : [valueText(v)]));

  it('string values only: numbers, times, SIDs and GUIDs are left out (simple and nested records)', () => {
    const strings = (r: EvtxRecord) => leafTexts(visited((v) => r.fields.visitLeaves(true, v)).values).sort();
    const sysmon = one(processCreateEvent(42));
    const all = sysmon.fields.entries().map(([, v]) => v);
    const texts = strings(sysmon);
    expect(texts).toContain('C:\\Windows\\System32\\cmd.exe');
    expect(texts).toContain('Microsoft-Windows-Sysmon/Operational');
    for (const v of all) if (typeof v === 'number') expect(texts).not.toContain(String(v));
    expect(texts).not.toContain(TIME_2021);
    expect(texts).not.toContain('S-1-5-18');
    // Every string value is there.
    for (const v of all) if (typeof v === 'string' && v !== TIME_2021 && v !== 'S-1-5-18' && v !== SYSMON_GUID && !v.startsWith('0x')) expect(texts).toContain(v);
    expect(strings(one(nestedTemplateEvent()))).toEqual(['CORP', EVENT_NS, 'alice', 'http://manifests.microsoft.com/win/2004/08/windows/eventlog'].sort());
  });

  it('visiting gives what reading gives: every field and every leaf, raw where a value is one substitution', () => {
    for (const event of [processCreateEvent(42), nestedTemplateEvent(), duplicatesEvent(), unnamedEvent(), nestedElementsEvent()]) {
      const f = one(event).fields;
      const names = [...new Set(f.entries().map(([k]) => k)), 'NoSuchField'];
      for (const name of names) {
        const all = f.all(name);
        const seen = visited((v) => f.visitValues(name, v));
        expect(seen.returned).toBe(all.length);
        expect(seen.values).toEqual(all.filter((v) => v !== null));
      }
      const leaves = f.entries().map(([, v]) => v).filter((v) => v !== null);
      expect(visited((v) => f.visitLeaves(false, v)).values).toEqual(leaves);
    }
    // A Sysmon record's values are substitutions: none is decoded for the visitor.
    const sysmon = visited((v) => one(processCreateEvent(42)).fields.visitValues('CommandLine', v));
    expect(sysmon.raw).toBe(1);
    expect(sysmon.values).toEqual(['cmd.exe /c "echo <hi> & bye"']);
  });

  it('fields of elements held directly by a nested fragment', () => {
    const f = one(nestedElementsEvent()).fields;
    expect(f.get('Param1')).toBe('abc');
    expect(f.get('Param2')).toBe('def');
    expect(f.get('EventXML_v')).toBe('2');
  });
});

describe('document order holds when names or nesting vary by record', () => {
  it('a substituted Data Name before a literal one keeps its place', () => {
    const spec: TemplateSpec = {
      guid: hex('05000000 0000 0000 0000 000000000005'),
      nodes: [el('Event', {}, [el('EventData', {}, [el('Data', { Name: sub(0, T.String) }, [sub(1, T.String)]), el('Data', { Name: 'X' }, [sub(2, T.String)])])])],
    };
    const f = one([inst(spec, [vStr('X'), vStr('first'), vStr('second')])]).fields;
    expect(f.all('X')).toEqual(['first', 'second']);
    expect(f.get('X')).toBe('first');
    expect(f.entries().filter(([k]) => k === 'X').map(([, v]) => v)).toEqual(f.all('X'));
  });

  it('fields inside nested BinXML stand where their element stands', () => {
    const spec: TemplateSpec = {
      guid: hex('06000000 0000 0000 0000 000000000006'),
      nodes: [el('Event', {}, [el('UserData', {}, [sub(1, T.BinXml)]), el('System', {}, [el('EventID', {}, [sub(0, T.UInt16)])])])],
    };
    const f = one([inst(spec, [vU16(7), vBinXml([el('EventID', {}, [str('nested')])])])]).fields;
    expect(f.all('EventID')).toEqual(['nested', 7]);
    expect(f.entries()).toEqual([
      ['EventID', 'nested'],
      ['EventID', 7],
    ]);
  });
});

describe('dataEntries: the event data without System', () => {
  it('EventData fields only, in document order, nulls kept', () => {
    expect(one(processCreateEvent(3)).fields.dataEntries()).toEqual([
      ['Image', 'C:\\Windows\\System32\\cmd.exe'],
      ['CommandLine', 'cmd.exe /c "echo <hi> & bye"'],
      ['ProcessId', 1234],
      ['Hashes', null],
      ['ParentImage', null],
    ]);
  });
  it('UserData leaves from a nested template; namespace declarations are not data', () => {
    expect(one(nestedTemplateEvent()).fields.dataEntries()).toEqual([
      ['SubjectUserName', 'alice'],
      ['SubjectDomainName', 'CORP'],
    ]);
  });
});
