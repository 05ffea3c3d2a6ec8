// EVTX files built by `sigscan fixture` against the reference readers, and against Windows itself:
// - libevtx's evtxexport and python-evtx read every record of every committed fixture and of a
//   generated 5,000-event file over many chunks, without complaint, and count what sigscan counts;
// - described like the first record of a real log, an event is written with template definitions
//   byte for byte those Windows wrote (at the same chunk offsets), in each System layout.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chunk } from '../src/evtx/chunk.js';
import { FILE_HEADER_SIZE } from '../src/evtx/file-header.js';
import { parseEventsFile, writeEvtx } from '../src/fixture/index.js';
import { CORPUS, countRecords } from './corpus.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const TMP = mkdtempSync(join(tmpdir(), 'sigscan-fixture-readers-'));

function evtxexport(file: string): { records: number; stderr: string } {
  const r = spawnSync('evtxexport', ['-f', 'xml', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`evtxexport is needed for this suite (Debian package libevtx-utils): ${r.error.message}`);
  return { records: (r.stdout.match(/<Event xmlns/g) ?? []).length, stderr: r.stderr };
}

/** Records python-evtx renders as XML (each one rendered, not only enumerated). */
function pythonEvtx(file: string): number {
  const script = 'import sys, Evtx.Evtx as E\nwith E.Evtx(sys.argv[1]) as log: print(sum(1 for r in log.records() if r.xml().startswith("<Event")))';
  return Number(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }).trim());
}

function checkReaders(file: string, expected: number): void {
  const ours = countRecords(file);
  expect(ours.damage).toEqual([]);
  expect(ours.records).toBe(expected);
  const lib = evtxexport(file);
  expect(lib.stderr).not.toMatch(/unable|error/i);
  expect(lib.records).toBe(expected);
  expect(pythonEvtx(file)).toBe(expected);
}

/** 5145 events over three computers: many chunks. String values only (python-evtx reads no other arrays). */
function generated(n: number): string {
  const lines = [
    'defaults:',
    '  channel: Security',
    "  provider: {name: Microsoft-Windows-Security-Auditing, guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}'}",
    '  eventId: 5145',
    '  level: 0',
    '  task: 12811',
    "  keywords: '0x8020000000000000'",
    'events:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - time: ${new Date(Date.UTC(2024, 4, 1) + i * 1500).toISOString()}`,
      `    computer: WS0${i % 3}.corp.local`,
      `    execution: {processId: 4, threadId: ${4000 + (i % 97)}}`,
      '    data:',
      `      SubjectUserSid: !sid S-1-5-21-1-2-3-${1000 + (i % 50)}`,
      `      SubjectUserName: user${i % 50}`,
      `      SubjectLogonId: !hex64 0x${(0x3e7 + i).toString(16)}`,
      `      IpAddress: 10.0.${i % 7}.${i % 250}`,
      `      IpPort: '${49152 + (i % 16000)}'`,
      '      ShareName: \\\\*\\IPC$',
      `      RelativeTargetName: ${['srvsvc', 'RemCom_stdinAbCd1234', 'lsarpc', 'winreg'][i % 4]}`,
      '      AccessMask: !hex32 0x12019f',
      `      Tags: !string [a${i}, b, c]`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('fixtures read by evtxexport and python-evtx', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.evtx')).sort();

  it('finds the committed fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of files) {
    it(name, () => {
      const events = parseEventsFile(readFileSync(join(FIXTURES, name.replace(/\.evtx$/, '.yml')), 'utf8'), name);
      checkReaders(join(FIXTURES, name), events.length);
    });
  }

  it('a generated file of 5,000 events over many chunks', () => {
    const file = join(TMP, 'many.evtx');
    const bytes = writeEvtx(parseEventsFile(generated(5000), 'many.yml'));
    expect((bytes.length - FILE_HEADER_SIZE) / 0x10000).toBeGreaterThan(10);
    writeFileSync(file, bytes);
    checkReaders(file, 5000);
  });
});

/** First records of real logs, described as events files. */
const LIKE_WINDOWS: Array<[string, string]> = [
  [
    'Lateral_Movement_LM_Remote_Service02_7045.evtx', // System 7045: literal provider (EventSourceName)
    `- eventId: 7045
  qualifiers: 16384
  channel: System
  provider: {name: Service Control Manager, guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}', eventSourceName: Service Control Manager}
  keywords: '0x8080000000000000'
  time: 2019-03-03T09:20:28.6214897Z
  recordId: 4480
  execution: {processId: 444, threadId: 140}
  computer: WIN-77LTAPHIQ1R.example.corp
  userSid: S-1-5-21-1587066498-1489273250-1035260531-1108
  data: {ServiceName: spoolfool, ImagePath: cmd.exe, ServiceType: user mode service, StartType: auto start, AccountName: LocalSystem}
`,
  ],
  [
    'Lateral_Movement_LM_REMCOM_5145_TargetHost.evtx', // Security 5145: ETW provider, typed data
    `- eventId: 5145
  channel: Security
  provider: {name: Microsoft-Windows-Security-Auditing, guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}'}
  level: 0
  task: 12811
  keywords: '0x8020000000000000'
  time: 2019-02-16T17:54:26.9562512Z
  recordId: 237285
  execution: {processId: 528, threadId: 548}
  computer: PC01.example.corp
  data:
    SubjectUserSid: !sid S-1-5-21-3583694148-1414552638-2922671848-1000
    SubjectUserName: IEUser
    SubjectDomainName: PC01
    SubjectLogonId: !hex64 0x95c2e
    ObjectType: File
    IpAddress: 10.0.2.16
    IpPort: '59492'
    ShareName: \\\\*\\ADMIN$
    ShareLocalPath: \\??\\C:\\Windows
    RelativeTargetName: \\
    AccessMask: !hex32 0x100088
    AccessList: "%%1541\\r\\n\\t\\t\\t\\t%%4419\\r\\n\\t\\t\\t\\t%%4423\\r\\n\\t\\t\\t\\t"
    AccessReason: '-'
`,
  ],
  [
    'Defense_Evasion_DE_104_system_log_cleared.evtx', // System 104: the event log's own event, UserData
    `- eventId: 104
  channel: System
  provider: {name: Microsoft-Windows-Eventlog, guid: '{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}'}
  task: 104
  time: 2019-03-19T23:34:25.8943413Z
  recordId: 27736
  execution: {processId: 812, threadId: 3916}
  computer: PC01.example.corp
  userSid: S-1-5-21-1587066498-1489273250-1035260531-1106
  userData:
    LogFileCleared:
      '@xmlns:auto-ns3': http://schemas.microsoft.com/win/2004/08/events
      '@xmlns': http://manifests.microsoft.com/win/2004/08/windows/eventlog
      SubjectUserName: user01
      SubjectDomainName: EXAMPLE
      Channel: System
      BackupPath: ''
`,
  ],
  [
    'Credential_Access_MSSQL_multiple_failed_logon_EventID_18456.evtx', // Application 18456: classic source, unnamed data, binary
    `- eventId: 18456
  qualifiers: 49152
  channel: Application
  provider: MSSQLSERVER
  level: 0
  task: 4
  keywords: '0x90000000000000'
  time: 2019-11-04T13:46:01.1713393Z
  recordId: 13026
  computer: MSEDGEWIN10
  data: [sa, ' Reason: Password did not match that for the login provided.', ' [CLIENT: 10.0.2.17]']
  binary: 184800000E0000000C0000004D0053004500440047004500570049004E00310030000000070000006D00610073007400650072000000
`,
  ],
];

/** Template definitions of a chunk by offset: the bytes after the GUID (size and BinXML). */
function templates(chunk: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let i = 0; i < 32; i++) {
    for (let o = chunk.readUInt32LE(384 + 4 * i); o !== 0; o = chunk.readUInt32LE(o)) out.set(o, chunk.subarray(o + 20, o + 24 + chunk.readUInt32LE(o + 20)));
  }
  return out;
}

describe('written as Windows writes it', () => {
  for (const [sample, yml] of LIKE_WINDOWS) {
    it(`${sample}: the same templates at the same offsets, the same record`, () => {
      const windows = readFileSync(join(CORPUS, 'attack-samples', sample)).subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + 0x10000);
      const ours = Buffer.from(writeEvtx(parseEventsFile(yml, 'sample.yml'))).subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + 0x10000);
      const theirs = templates(windows);
      const mine = templates(ours);
      expect(mine.size).toBe(2); // the System template and the event data template
      for (const [offset, body] of mine) expect(theirs.get(offset), `template at ${offset}`).toEqual(body);
      const [w] = [...new Chunk(windows, 0).records(() => {})];
      const [o] = [...new Chunk(ours, 0).records(() => {})];
      expect(o.size).toBe(w.size);
      expect(o.jsonText()).toBe(w.jsonText());
    });
  }
});
