import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertTest, fieldsUsed, scopeDetection } from '../../src/mappings/apply-logsource.js';
import { loadLogsourceMap, parseLogsourceMap, scopeFor, type LogsourceMap } from '../../src/mappings/logsource-map.js';
import type { Logsource, Predicate, ValueTest } from '../../src/rules/ast.js';

const map = loadLogsourceMap();
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const STAR = { wildcard: '*' } as const;

const eq = (field: string, value: string): Predicate => ({ kind: 'field', field, test: { kind: 'equals', value, cased: false } });
const test = (field: string, t: ValueTest): Predicate => ({ kind: 'field', field, test: t });
const and = (...items: Predicate[]): Predicate => ({ kind: 'and', items });
const or = (...items: Predicate[]): Predicate => ({ kind: 'or', items });
const not = (item: Predicate): Predicate => ({ kind: 'not', item });

function scoped(detection: Predicate, logsource: Logsource, m: LogsourceMap = map): Predicate | null {
  return scopeDetection(detection, scopeFor(logsource, m));
}

/** The branch of a scoped detection for one EventID, without its guard: what runs there. */
function branchFor(result: Predicate | null, eventId: number): Predicate | undefined {
  const branches = result === null ? [] : result.kind === 'or' ? result.items : [result];
  for (const b of branches) {
    if (b.kind !== 'and') continue;
    const pinned = b.items.some((i) => JSON.stringify(i).includes(`"field":"EventID","test":{"kind":"equals","value":"${eventId}"`));
    if (pinned) return b.items[b.items.length - 1];
  }
  return undefined;
}

const processCreation: Logsource = { product: 'windows', category: 'process_creation' };

describe('guards', () => {
  it('product windows alone leaves the detection as it is', () => {
    const d = eq('Image', 'x');
    expect(scoped(d, { product: 'windows' })).toBe(d);
    expect(scoped(d, {})).toBe(d);
  });

  it('a scope that does not apply gives null', () => {
    expect(scoped(eq('Image', 'x'), { product: 'linux' })).toBeNull();
  });

  it('ANDs a Sysmon category with its Channel and EventID', () => {
    expect(scoped(eq('ImageLoaded', 'x'), { product: 'windows', category: 'image_load' })).toEqual(
      and(eq('Channel', SYSMON), eq('EventID', '7'), eq('ImageLoaded', 'x')),
    );
  });

  it('ORs several channels and event ids', () => {
    expect(scoped(eq('ScriptBlockText', 'x'), { product: 'windows', category: 'ps_script' })).toEqual(
      and(or(eq('Channel', 'Microsoft-Windows-PowerShell/Operational'), eq('Channel', 'PowerShellCore/Operational')), eq('EventID', '4104'), eq('ScriptBlockText', 'x')),
    );
    expect(scoped(eq('PipeName', 'x'), { product: 'windows', category: 'pipe_created' })).toEqual(
      and(eq('Channel', SYSMON), or(eq('EventID', '17'), eq('EventID', '18')), eq('PipeName', 'x')),
    );
  });

  it('a service adds only its Channel', () => {
    expect(scoped(eq('EventID', '4624'), { product: 'windows', service: 'security' })).toEqual(and(eq('Channel', 'Security'), eq('EventID', '4624')));
  });

  it('adds the alternative conditions (4657 OperationType)', () => {
    const r = scoped(test('TargetObject', { kind: 'contains', value: '\\Run\\', cased: false }), { product: 'windows', category: 'registry_delete' });
    expect(r?.kind).toBe('or');
    const audit = (r as { items: Predicate[] }).items[1]!;
    expect(audit).toEqual(
      and(
        eq('Channel', 'Security'),
        eq('EventID', '4657'),
        or(eq('OperationType', '%%1906'), eq('OperationType', 'Registry value deleted')),
        test('ObjectName\\ObjectValueName', { kind: 'contains', value: '\\Run\\', cased: false }),
      ),
    );
  });
});

describe('process_creation on Sysmon 1 and Security 4688', () => {
  it('a rule using only Image and CommandLine runs on both, renamed on 4688', () => {
    const d = and(test('Image', { kind: 'endswith', value: '\\cmd.exe', cased: false }), test('CommandLine', { kind: 'contains', value: '/c', cased: false }));
    const r = scoped(d, processCreation);
    expect(r).toEqual(
      or(
        and(eq('Channel', SYSMON), eq('EventID', '1'), d),
        and(
          eq('Channel', 'Security'),
          eq('EventID', '4688'),
          and(test('NewProcessName', { kind: 'endswith', value: '\\cmd.exe', cased: false }), test('CommandLine', { kind: 'contains', value: '/c', cased: false })),
        ),
      ),
    );
  });

  it('renames ParentImage, LogonId and User (joined field)', () => {
    const d = and(eq('ParentImage', 'p'), eq('LogonId', '0x3e7'), test('User', { kind: 'contains', value: 'AUTHORI', cased: false }));
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(
      and(eq('ParentProcessName', 'p'), eq('SubjectLogonId', '0x3e7'), test('SubjectDomainName\\SubjectUserName', { kind: 'contains', value: 'AUTHORI', cased: false })),
    );
  });

  it('the lacks rule: a field 4688 does not have keeps the rule on Sysmon only', () => {
    const d = and(eq('Image', 'x'), eq('OriginalFileName', 'y'));
    expect(scoped(d, processCreation)).toEqual(and(eq('Channel', SYSMON), eq('EventID', '1'), d));
  });

  it('lacking fields count under NOT, in null/exists tests and in fieldrefs', () => {
    const only1 = (d: Predicate) => expect(branchFor(scoped(d, processCreation), 4688)).toBeUndefined();
    only1(and(eq('Image', 'x'), not(test('ParentCommandLine', { kind: 'contains', value: 'y', cased: false }))));
    only1(and(eq('Image', 'x'), not({ kind: 'null', field: 'Description' })));
    only1({ kind: 'exists', field: 'Hashes' });
    only1({ kind: 'fieldref', field: 'User', other: 'ParentUser', match: 'equals', cased: false });
    expect(branchFor(scoped(eq('Image', 'x'), processCreation), 1)).toEqual(eq('Image', 'x'));
  });

  it('no alternative left gives null', () => {
    const m = parseLogsourceMap([{ file: 'm.yml', text: 'categories: {c: {channels: [Security], event_ids: [1], lacks: [A]}}' }]);
    expect(scoped(eq('A', 'x'), { category: 'c' }, m)).toBeNull();
    expect(scoped(not(eq('A', 'x')), { category: 'c' }, m)).toBeNull();
  });

  it('renames inside NOT', () => {
    const d = and(eq('CommandLine', 'x'), not(or(test('ParentImage', { kind: 'startswith', value: 'C:\\Windows\\', cased: false }), { kind: 'null', field: 'Image' })));
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(
      and(eq('CommandLine', 'x'), not(or(test('ParentProcessName', { kind: 'startswith', value: 'C:\\Windows\\', cased: false }), { kind: 'null', field: 'NewProcessName' }))),
    );
  });

  it('renames both sides of a fieldref and exists keys', () => {
    const d = and(
      { kind: 'fieldref', field: 'Image', other: 'ParentImage', match: 'equals', cased: false },
      { kind: 'exists', field: 'IntegrityLevel' },
    );
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(
      and({ kind: 'fieldref', field: 'NewProcessName', other: 'ParentProcessName', match: 'equals', cased: false }, { kind: 'exists', field: 'MandatoryLabel' }),
    );
  });

  it('renames at once, not in a chain (ParentProcessId → ProcessId, ProcessId → NewProcessId)', () => {
    const d = and(eq('ProcessId', '10'), eq('ParentProcessId', '20'));
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(
      and(test('NewProcessId', { kind: 'compare', op: 'eq', value: 10 }), test('ProcessId', { kind: 'compare', op: 'eq', value: 20 })),
    );
  });

  it('number: a decimal id matches 4688 hex numerically; Sysmon keeps the text test', () => {
    const r = scoped(eq('ProcessId', '6699'), processCreation);
    expect(branchFor(r, 4688)).toEqual(test('NewProcessId', { kind: 'compare', op: 'eq', value: 6699 }));
    expect(branchFor(r, 1)).toEqual(eq('ProcessId', '6699'));
    expect(branchFor(scoped(eq('ProcessId', '0x1A2B'), processCreation), 4688)).toEqual(test('NewProcessId', { kind: 'compare', op: 'eq', value: 6699 }));
  });

  it('number leaves non-numeric and non-equality tests alone', () => {
    const n = { kind: 'number' } as const;
    const contains: ValueTest = { kind: 'contains', value: '12', cased: false };
    const gt: ValueTest = { kind: 'compare', op: 'gt', value: 4 };
    expect(convertTest(contains, n)).toBe(contains);
    expect(convertTest(gt, n)).toBe(gt);
    expect(convertTest({ kind: 'equals', value: 'abc', cased: false }, n)).toEqual({ kind: 'equals', value: 'abc', cased: false });
  });

  it('integrity-level: names become 4688 label SIDs, SIDs stay', () => {
    const d = or(eq('IntegrityLevel', 'High'), eq('IntegrityLevel', 'system'), eq('IntegrityLevel', 'S-1-16-8192'), test('IntegrityLevel', { kind: 'contains', value: 'Low', cased: false }));
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(
      or(eq('MandatoryLabel', 'S-1-16-12288'), eq('MandatoryLabel', 'S-1-16-16384'), eq('MandatoryLabel', 'S-1-16-8192'), test('MandatoryLabel', { kind: 'contains', value: 'S-1-16-4096', cased: false })),
    );
    expect(branchFor(scoped(d, processCreation), 1)).toEqual(d);
  });

  it('integrity-level maps glob parts and leaves regexes alone', () => {
    const r = scoped(
      or(test('IntegrityLevel', { kind: 'glob', parts: [STAR, 'Medium'], cased: false }), test('IntegrityLevel', { kind: 'regex', pattern: 'High', flags: '' })),
      processCreation,
    );
    expect(branchFor(r, 4688)).toEqual(
      or(test('MandatoryLabel', { kind: 'glob', parts: [STAR, 'S-1-16-8192'], cased: false }), test('MandatoryLabel', { kind: 'regex', pattern: 'High', flags: '' })),
    );
  });

  it('keyword searches and constants pass through', () => {
    const d = and({ kind: 'keyword', test: { kind: 'contains', value: 'mimikatz', cased: false } }, { kind: 'const', value: true });
    expect(branchFor(scoped(d, processCreation), 4688)).toEqual(d);
  });
});

describe('registry on Security 4657', () => {
  const registrySet: Logsource = { product: 'windows', category: 'registry_set' };

  it('TargetObject becomes the joined ObjectName\\ObjectValueName with kernel hive paths', () => {
    const d = and(
      test('TargetObject', { kind: 'startswith', value: 'HKLM\\SOFTWARE\\Microsoft\\', cased: false }),
      test('TargetObject', { kind: 'endswith', value: '\\Run\\evil', cased: false }),
      eq('TargetObject', 'hku\\S-1-5-21-1\\x'),
      test('TargetObject', { kind: 'glob', parts: ['HKCR\\', STAR, '\\shell'], cased: false }),
      test('Image', { kind: 'endswith', value: '\\reg.exe', cased: false }),
    );
    expect(branchFor(scoped(d, registrySet), 4657)).toEqual(
      and(
        test('ObjectName\\ObjectValueName', { kind: 'startswith', value: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\', cased: false }),
        test('ObjectName\\ObjectValueName', { kind: 'endswith', value: '\\Run\\evil', cased: false }),
        eq('ObjectName\\ObjectValueName', '\\REGISTRY\\USER\\S-1-5-21-1\\x'),
        test('ObjectName\\ObjectValueName', { kind: 'glob', parts: ['\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\', STAR, '\\shell'], cased: false }),
        test('ProcessName', { kind: 'endswith', value: '\\reg.exe', cased: false }),
      ),
    );
  });

  it('a rule on Details stays on Sysmon', () => {
    const d = and(test('TargetObject', { kind: 'contains', value: '\\Run', cased: false }), eq('Details', 'DWORD (0x00000001)'));
    expect(branchFor(scoped(d, registrySet), 4657)).toBeUndefined();
    expect(branchFor(scoped(d, registrySet), 13)).toEqual(d);
  });
});

describe('network_connection on Security 5156', () => {
  const net: Logsource = { product: 'windows', category: 'network_connection' };

  it('renames address fields and converts Initiated and Protocol', () => {
    const d = and(eq('Initiated', 'true'), eq('Protocol', 'tcp'), eq('DestinationPort', '445'), test('DestinationIp', { kind: 'cidr', network: '10.0.0.0/8' }));
    expect(branchFor(scoped(d, net), 5156)).toEqual(
      and(eq('Direction', '%%14593'), eq('Protocol', '6'), eq('DestPort', '445'), test('DestAddress', { kind: 'cidr', network: '10.0.0.0/8' })),
    );
  });

  it('drive paths become device-path globs; other paths stay', () => {
    const d = or(
      eq('Image', 'C:\\Windows\\System32\\svchost.exe'),
      test('Image', { kind: 'startswith', value: 'C:\\Program Files\\', cased: false }),
      test('Image', { kind: 'contains', value: ':\\Users\\Public\\', cased: true }),
      test('Image', { kind: 'glob', parts: [{ wildcard: '?' }, ':\\Temp\\', STAR], cased: false }),
      test('Image', { kind: 'endswith', value: '\\rundll32.exe', cased: false }),
      eq('Image', 'System'),
    );
    expect(branchFor(scoped(d, net), 5156)).toEqual(
      or(
        test('Application', { kind: 'glob', parts: ['\\device\\harddiskvolume', STAR, '\\Windows\\System32\\svchost.exe'], cased: false }),
        test('Application', { kind: 'glob', parts: ['\\device\\harddiskvolume', STAR, '\\Program Files\\', STAR], cased: false }),
        test('Application', { kind: 'glob', parts: [STAR, '\\device\\harddiskvolume', STAR, '\\Users\\Public\\', STAR], cased: true }),
        test('Application', { kind: 'glob', parts: ['\\device\\harddiskvolume', STAR, '\\Temp\\', STAR], cased: false }),
        test('Application', { kind: 'endswith', value: '\\rundll32.exe', cased: false }),
        eq('Application', 'System'),
      ),
    );
  });

  it('a rule on DestinationHostname stays on Sysmon', () => {
    expect(branchFor(scoped(test('DestinationHostname', { kind: 'endswith', value: '.onion', cased: false }), net), 5156)).toBeUndefined();
  });
});

describe('antivirus on Defender', () => {
  it('Signature and Filename become Threat Name and Path', () => {
    const d = and(test('Signature', { kind: 'startswith', value: 'HackTool', cased: false }), test('Filename', { kind: 'endswith', value: '.ps1', cased: false }));
    const r = scoped(d, { category: 'antivirus' });
    expect(r?.kind).toBe('and');
    const items = (r as { items: Predicate[] }).items;
    expect(items[0]).toEqual(eq('Channel', 'Microsoft-Windows-Windows Defender/Operational'));
    expect(items[items.length - 1]).toEqual(
      and(test('Threat Name', { kind: 'startswith', value: 'HackTool', cased: false }), test('Path', { kind: 'endswith', value: '.ps1', cased: false })),
    );
  });
});

describe('fieldsUsed', () => {
  it('collects every field name, NOT included', () => {
    const d = and(eq('A', '1'), not(or({ kind: 'null', field: 'B' }, { kind: 'exists', field: 'C' })), { kind: 'fieldref', field: 'D', other: 'E', match: 'contains', cased: false });
    expect([...fieldsUsed(d)].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});

it('the bundled file on disk is the one loadLogsourceMap reads', () => {
  const text = readFileSync(new URL('../../src/mappings/logsources.yml', import.meta.url), 'utf8');
  expect(parseLogsourceMap([{ file: 'logsources.yml', text }]).categories.size).toBe(map.categories.size);
});
