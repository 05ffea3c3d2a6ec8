// FortiSIEM attributes of records: the per-eventType map (fortisiem.md §4), hostName, the
// DOMAIN\user split, Sysmon hash parts, the fallback to the EVTX field of the same name, and
// `--mapping` files adding or overriding entries.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttributeResolver, accountPart, hashPart } from '../../src/engine/fortisiem-attributes.js';
import { loadAttributeTable, parseAttributeTable } from '../../src/mappings/fortisiem-attributes.js';
import { loadLogsourceMap } from '../../src/mappings/logsource-map.js';
import type { Value } from '../../src/evtx/values.js';
import { plainDocument } from './plain-document.js';

const bundled = new AttributeResolver(loadAttributeTable());
const SYSMON = { Channel: 'Microsoft-Windows-Sysmon/Operational', Provider_Name: 'Microsoft-Windows-Sysmon' };
const SECURITY = { Channel: 'Security', Provider_Name: 'Microsoft-Windows-Security-Auditing' };

function attr(fields: Record<string, Value>, name: string, r = bundled): readonly Value[] {
  return r.values(plainDocument(fields), name);
}

describe('attribute → EVTX field per event type', () => {
  it('hostName is Computer on every record', () => {
    expect(attr({ ...SECURITY, EventID: 4624, Computer: 'DC01' }, 'hostName')).toEqual(['DC01']);
    expect(attr({ Channel: 'Whatever/Operational', Provider_Name: 'X', EventID: 1, Computer: 'WS9' }, 'hostName')).toEqual(['WS9']);
  });

  it('logons (4624/4625)', () => {
    const logon = { ...SECURITY, EventID: 4625, TargetUserName: 'bob', TargetDomainName: 'CORP', IpAddress: '10.1.2.3', LogonType: 3, SubjectUserName: '-' };
    expect(attr(logon, 'user')).toEqual(['bob']);
    expect(attr(logon, 'domain')).toEqual(['CORP']);
    expect(attr(logon, 'srcIpAddr')).toEqual(['10.1.2.3']);
    expect(attr(logon, 'winLogonType')).toEqual([3]);
  });

  it('Security events without their own entry name their subject', () => {
    expect(attr({ ...SECURITY, EventID: 4701, SubjectUserName: 'xodih', TaskName: '\\T' }, 'user')).toEqual(['xodih']);
    expect(attr({ ...SECURITY, EventID: 4701, SubjectUserName: 'xodih', TaskName: '\\T' }, 'task')).toEqual(['\\T']);
  });

  it('process creation (4688 and Sysmon 1)', () => {
    expect(attr({ ...SECURITY, EventID: 4688, NewProcessName: 'C:\\a.exe', CommandLine: 'a -x' }, 'procName')).toEqual(['C:\\a.exe']);
    expect(attr({ ...SECURITY, EventID: 4688, NewProcessName: 'C:\\a.exe', CommandLine: 'a -x' }, 'command')).toEqual(['a -x']);
    const p = { ...SYSMON, EventID: 1, Image: 'C:\\b.exe', ParentImage: 'C:\\p.exe', CommandLine: 'b', OriginalFileName: 'B.EXE', ParentCommandLine: 'p' };
    expect([attr(p, 'procName'), attr(p, 'parentProcName'), attr(p, 'srcFileName'), attr(p, 'parentCommand')]).toEqual([['C:\\b.exe'], ['C:\\p.exe'], ['B.EXE'], ['p']]);
  });

  it('shares (5140/5145), services (7045), files (Sysmon 11), registry (Sysmon 13), process access (Sysmon 10)', () => {
    const share = { ...SECURITY, EventID: 5145, ShareName: '\\\\*\\IPC$', RelativeTargetName: 'RemCom_stderr', IpAddress: '10.0.0.5' };
    expect([attr(share, 'fileName'), attr(share, 'targetName'), attr(share, 'srcIpAddr')]).toEqual([['\\\\*\\IPC$'], ['RemCom_stderr'], ['10.0.0.5']]);
    const service = { Channel: 'System', Provider_Name: 'Service Control Manager', EventID: 7045, ServiceName: 'BTOBTO', ImagePath: '%COMSPEC% /Q /c echo … \\execute.bat' };
    expect([attr(service, 'serviceName'), attr(service, 'serviceFileName')]).toEqual([['BTOBTO'], ['%COMSPEC% /Q /c echo … \\execute.bat']]);
    expect(attr({ ...SYSMON, EventID: 11, TargetFilename: 'C:\\x.dll', Image: 'C:\\w.exe' }, 'fileName')).toEqual(['C:\\x.dll']);
    const reg = { ...SYSMON, EventID: 13, EventType: 'SetValue', TargetObject: 'HKLM\\X', Details: 'DWORD (0x00000000)' };
    expect([attr(reg, 'regKeyPath'), attr(reg, 'details'), attr(reg, 'osObjAction')]).toEqual([['HKLM\\X'], ['DWORD (0x00000000)'], ['SetValue']]);
    const access = { ...SYSMON, EventID: 10, SourceImage: 'C:\\s.exe', TargetImage: 'C:\\t.exe', CallTrace: 'dbgcore.DLL+1', SourceUser: 'NT AUTHORITY\\SYSTEM' };
    expect([attr(access, 'procName'), attr(access, 'targetProcName'), attr(access, 'procPath'), attr(access, 'user')]).toEqual([['C:\\s.exe'], ['C:\\t.exe'], ['dbgcore.DLL+1'], ['SYSTEM']]);
  });

  it('DOMAIN\\user is split into domain and user', () => {
    const p = { ...SYSMON, EventID: 1, User: 'CORP\\alice', ParentUser: 'NT AUTHORITY\\SYSTEM' };
    expect(attr(p, 'user')).toEqual(['alice']);
    expect(attr(p, 'domain')).toEqual(['CORP']);
    expect(attr(p, 'userGrp')).toEqual(['SYSTEM']);
    expect(attr({ ...SYSMON, EventID: 1, User: 'alice' }, 'domain')).toEqual([]);
    expect(attr({ ...SYSMON, EventID: 1, User: 'alice' }, 'user')).toEqual(['alice']);
    expect([accountPart('A\\b\\c', 'user'), accountPart('A\\b\\c', 'domain')]).toEqual(['b\\c', 'A']);
  });

  it('Sysmon Hashes: the list, and each hash on its own', () => {
    const p = { ...SYSMON, EventID: 1, Hashes: 'SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD' };
    expect(attr(p, 'hashCode')).toEqual(['SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD']);
    expect([attr(p, 'hashMD5'), attr(p, 'hashSHA1'), attr(p, 'hashSHA256'), attr(p, 'hashIMP')]).toEqual([['BB'], ['AA'], ['CC'], ['DD']]);
    expect(hashPart('MD5=BB', 'SHA1')).toBeUndefined();
  });

  it('an attribute with no mapping reads the EVTX field of the same name', () => {
    const wmi = { Channel: 'Microsoft-Windows-WMI-Activity/Operational', Provider_Name: 'Microsoft-Windows-WMI-Activity', EventID: 5858, Operation: 'x::cleareventlog' };
    expect(attr(wmi, 'Operation')).toEqual(['x::cleareventlog']);
    expect(attr({ ...SECURITY, EventID: 5145, ShareName: 'S' }, 'ShareName')).toEqual(['S']);
    expect(attr({ ...SECURITY, EventID: 5145 }, 'nothingLikeThis')).toEqual([]);
  });

  it('an absent source field is an absent attribute; null values are dropped from split parts', () => {
    expect(attr({ ...SYSMON, EventID: 1 }, 'command')).toEqual([]);
    expect(attr({ ...SYSMON, EventID: 1, User: null }, 'user')).toEqual([]);
  });
});

describe('--mapping files add and override entries', () => {
  it('a fortisiem: section applies after the bundled table; the logsource loader accepts the section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-fsm-map-'));
    const file = join(dir, 'map.yml');
    writeFileSync(file, "fortisiem:\n  attributes:\n    'Win-Security-5145':\n      fileName: RelativeTargetName\n      shareLabel: ShareName\n");
    const r = new AttributeResolver(loadAttributeTable([file]));
    const share = { ...SECURITY, EventID: 5145, ShareName: 'IPC$', RelativeTargetName: 'pipe' };
    expect(attr(share, 'fileName', r)).toEqual(['pipe']);
    expect(attr(share, 'shareLabel', r)).toEqual(['IPC$']);
    expect(attr(share, 'srcIpAddr', r)).toEqual([]); // bundled entries still apply
    expect(() => loadLogsourceMap([file])).not.toThrow();
  });

  it('bad entries are named', () => {
    const parse = (text: string) => () => parseAttributeTable([{ file: 'u.yml', text, section: 'fortisiem' }]);
    expect(parse("fortisiem:\n  attributes:\n    '*': {eventType: X}\n")).toThrow(/u\.yml: fortisiem\.attributes\.\*\.eventType: eventType is derived/);
    expect(parse("fortisiem:\n  attributes:\n    '*': {user: {field: U, part: name}}\n")).toThrow(/part: must be 'user' or 'domain'/);
    expect(parse("fortisiem:\n  attributes:\n    '*': {h: {field: Hashes, hash: CRC}}\n")).toThrow(/hash: must be one of MD5/);
    expect(parse('fortisiem:\n  atributes: {}\n')).toThrow(/unknown key 'atributes'/);
  });
});
