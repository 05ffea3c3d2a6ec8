// Test helper: a few event shapes written as templates, the way Windows writes them, and their
// substitution values. Shared by the chunk, render, fields, JSON writer and file tests.
import { ValueType as T } from '../../src/evtx/value-types.js';
import {
  ChunkWriter,
  el,
  hex,
  inst,
  opt,
  str,
  sub,
  vBinXml,
  vFileTime,
  vHex64,
  vNull,
  vRaw,
  vStr,
  vU16,
  vU32,
  vU64,
  type Bx,
  type SubValue,
  type TemplateSpec,
} from './binxml-builder.js';

export const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
export const SYSMON_GUID = '5770385F-C22A-43E0-BF4C-06F5698FFBD9';
export const SYSMON_GUID_BYTES = hex('5F387057 2AC2 E043 BF4C 06F5698FFBD9');
export const SID_SYSTEM_BYTES = hex('01 01 000000000005 12000000'); // S-1-5-18
/** 2021-10-01T07:42:05.1234567Z as FILETIME ticks (checked with Python's datetime). */
export const TICKS_2021 = 132775477251234567n;
export const TIME_2021 = '2021-10-01T07:42:05.123456Z';

/** Sysmon-like process creation: every common value type, an optional Null attribute and Data. */
export const processCreate: TemplateSpec = {
  guid: SYSMON_GUID_BYTES,
  nodes: [
    el('Event', { xmlns: EVENT_NS }, [
      el('System', {}, [
        el('Provider', { Name: sub(0, T.String), Guid: sub(1, T.Guid) }),
        el('EventID', {}, [sub(2, T.UInt16)]),
        el('TimeCreated', { SystemTime: sub(3, T.FileTime) }),
        el('EventRecordID', {}, [sub(4, T.UInt64)]),
        el('Execution', { ProcessID: sub(5, T.UInt32), ThreadID: opt(6, T.Null) }),
        el('Channel', {}, [sub(7, T.String)]),
        el('Security', { UserID: sub(8, T.Sid) }),
        el('Keywords', {}, [sub(9, T.HexInt64)]),
      ]),
      el('EventData', {}, [
        el('Data', { Name: 'Image' }, [sub(10, T.String)]),
        el('Data', { Name: 'CommandLine' }, [sub(11, T.String)]),
        el('Data', { Name: 'ProcessId' }, [sub(12, T.UInt32)]),
        el('Data', { Name: 'Hashes' }, [opt(13, T.Null)]),
        el('Data', { Name: 'ParentImage' }, [sub(14, T.String)]),
      ]),
    ]),
  ],
};

export function processCreateValues(recordId: number, image: string, commandLine: string): SubValue[] {
  return [
    vStr('Microsoft-Windows-Sysmon'),
    vRaw(T.Guid, SYSMON_GUID_BYTES),
    vU16(1),
    vFileTime(TICKS_2021),
    vU64(recordId),
    vU32(4242),
    vStr('not shown: the template declares this optional substitution Null'),
    vStr('Microsoft-Windows-Sysmon/Operational'),
    vRaw(T.Sid, SID_SYSTEM_BYTES),
    vHex64(0x8000000000000000n),
    vStr(image),
    vStr(commandLine),
    vU32(1234),
    vStr('not shown either'),
    vNull(), // ParentImage: a Null value where a String was declared
  ];
}

export const processCreateEvent = (recordId: number, image = 'C:\\Windows\\System32\\cmd.exe', commandLine = 'cmd.exe /c "echo <hi> & bye"'): Bx[] => [
  inst(processCreate, processCreateValues(recordId, image, commandLine)),
];

/** Attributes beside text, and two Data elements with the same Name. */
export const duplicates: TemplateSpec = {
  guid: hex('01000000 0000 0000 0000 000000000001'),
  nodes: [
    el('Event', { xmlns: EVENT_NS }, [
      el('System', {}, [el('EventID', { Qualifiers: sub(0, T.UInt16) }, [sub(1, T.UInt16)])]),
      el('EventData', {}, [
        el('Data', { Name: 'X' }, [sub(2, T.String)]),
        el('Data', { Name: 'Y' }, [sub(3, T.String)]),
        el('Data', { Name: 'X' }, [sub(4, T.String)]),
      ]),
    ]),
  ],
};
export const duplicatesEvent = (): Bx[] => [inst(duplicates, [vU16(16384), vU16(4624), vStr('first'), vStr('y'), vStr('second')])];

/** Data elements without a Name attribute (classic event log style). */
export const unnamed: TemplateSpec = {
  guid: hex('02000000 0000 0000 0000 000000000002'),
  nodes: [
    el('Event', { xmlns: EVENT_NS }, [
      el('System', {}, [el('EventID', {}, [sub(0, T.UInt16)])]),
      el('EventData', {}, [el('Data', {}, [sub(1, T.String)]), el('Data', {}, [sub(2, T.String)]), el('Binary', {}, [sub(3, T.Binary)])]),
    ]),
  ],
};
export const unnamedEvent = (): Bx[] => [inst(unnamed, [vU16(7036), vStr('Windows Update'), vStr('running'), vRaw(T.Binary, [0xde, 0xad])])];

/** UserData held by a BinXML substitution value whose fragment instantiates its own template. */
export const logCleared: TemplateSpec = {
  guid: hex('03000000 0000 0000 0000 000000000003'),
  nodes: [
    el('LogFileCleared', { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, [
      el('SubjectUserName', {}, [sub(0, T.String)]),
      el('SubjectDomainName', {}, [sub(1, T.String)]),
    ]),
  ],
};
export const withUserData: TemplateSpec = {
  guid: hex('04000000 0000 0000 0000 000000000004'),
  nodes: [
    el('Event', { xmlns: EVENT_NS }, [
      el('System', {}, [el('EventID', {}, [sub(0, T.UInt16)])]),
      el('UserData', {}, [sub(1, T.BinXml)]),
    ]),
  ],
};
export const nestedTemplateEvent = (): Bx[] => [inst(withUserData, [vU16(1102), vBinXml([inst(logCleared, [vStr('alice'), vStr('CORP')])])])];
/** The nested fragment holds elements directly (written without dependency ids). */
export const nestedElementsEvent = (): Bx[] => [
  inst(withUserData, [vU16(1), vBinXml([el('EventXML', { v: '2' }, [el('Param1', {}, [str('abc')]), el('Param2', {}, [str('def')])])])]),
];

/** A chunk holding the given events as records with ids first, first+1, …. */
export function chunkOf(events: Bx[][], firstId = 1): Buffer {
  const w = new ChunkWriter();
  let last = 0;
  events.forEach((e, i) => {
    last = w.record(firstId + i, TICKS_2021 + BigInt(i) * 10_000_000n, e);
  });
  return w.finishChunk({ firstId, lastId: firstId + events.length - 1, lastRecordOffset: last });
}
