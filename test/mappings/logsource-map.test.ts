import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadLogsourceMap,
  LogsourceMapError,
  parseLogsourceMap,
  scopeFor,
  type Alternative,
  type LogsourceMap,
  type Scope,
} from '../../src/mappings/logsource-map.js';

const map = loadLogsourceMap();
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function alternatives(scope: Scope): readonly Alternative[] {
  if (!scope.applies) throw new Error(`expected the scope to apply: ${scope.reason}`);
  if (scope.alternatives === null) throw new Error('expected alternatives, got every record');
  return scope.alternatives;
}

function reason(scope: Scope): string {
  if (scope.applies) throw new Error('expected the scope not to apply');
  return scope.reason;
}

/** A user mapping on top of the bundled one. */
function withUser(text: string, file = 'user.yml'): LogsourceMap {
  return parseLogsourceMap([
    { file: 'logsources.yml', text: bundledText() },
    { file, text },
  ]);
}

const BUNDLED_TEXT = readFileSync(new URL('../../src/mappings/logsources.yml', import.meta.url), 'utf8');
const bundledText = () => BUNDLED_TEXT;

describe('services → Channel (§6)', () => {
  const table: Array<[string, string[]]> = [
    ['security', ['Security']],
    ['system', ['System']],
    ['application', ['Application']],
    ['sysmon', [SYSMON]],
    ['powershell', ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational']],
    ['powershell-classic', ['Windows PowerShell']],
    ['taskscheduler', ['Microsoft-Windows-TaskScheduler/Operational']],
    ['wmi', ['Microsoft-Windows-WMI-Activity/Operational']],
    ['windefend', ['Microsoft-Windows-Windows Defender/Operational']],
    [
      'applocker',
      [
        'Microsoft-Windows-AppLocker/MSI and Script',
        'Microsoft-Windows-AppLocker/EXE and DLL',
        'Microsoft-Windows-AppLocker/Packaged app-Deployment',
        'Microsoft-Windows-AppLocker/Packaged app-Execution',
      ],
    ],
    ['bits-client', ['Microsoft-Windows-Bits-Client/Operational']],
    ['codeintegrity-operational', ['Microsoft-Windows-CodeIntegrity/Operational']],
    ['firewall-as', ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall']],
    ['dns-server', ['DNS Server']],
    ['dns-server-analytic', ['Microsoft-Windows-DNS-Server/Analytical']],
    ['dns-server-audit', ['Microsoft-Windows-DNS-Server/Audit']],
    ['dns-client', ['Microsoft-Windows-DNS-Client/Operational', 'Microsoft-Windows-DNS Client Events/Operational']],
    ['driver-framework', ['Microsoft-Windows-DriverFrameworks-UserMode/Operational']],
    ['ntlm', ['Microsoft-Windows-NTLM/Operational']],
    ['dhcp', ['Microsoft-Windows-DHCP-Server/Operational']],
    ['msexchange-management', ['MSExchange Management']],
    ['printservice-admin', ['Microsoft-Windows-PrintService/Admin']],
    ['printservice-operational', ['Microsoft-Windows-PrintService/Operational']],
    ['smbclient-security', ['Microsoft-Windows-SmbClient/Security']],
    ['smbclient-connectivity', ['Microsoft-Windows-SmbClient/Connectivity']],
    ['smbserver-connectivity', ['Microsoft-Windows-SMBServer/Connectivity']],
    ['terminalservices-localsessionmanager', ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational']],
    ['security-mitigations', ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode']],
    ['diagnosis-scripted', ['Microsoft-Windows-Diagnosis-Scripted/Operational']],
    ['shell-core', ['Microsoft-Windows-Shell-Core/Operational']],
    ['openssh', ['OpenSSH/Operational']],
    ['bitlocker', ['Microsoft-Windows-BitLocker/BitLocker Management']],
    ['vhdmp', ['Microsoft-Windows-VHDMP-Operational', 'Microsoft-Windows-VHDMP/Operational']],
    ['appxdeployment-server', ['Microsoft-Windows-AppXDeploymentServer/Operational']],
    ['appxpackaging-om', ['Microsoft-Windows-AppxPackaging/Operational']],
    ['appmodel-runtime', ['Microsoft-Windows-AppModel-Runtime/Admin']],
    ['lsa-server', ['Microsoft-Windows-LSA/Operational']],
    ['capi2', ['Microsoft-Windows-CAPI2/Operational']],
    ['certificateservicesclient-lifecycle-system', ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational']],
    ['ldap', ['Microsoft-Windows-LDAP-Client/Debug']],
    ['ldap_debug', ['Microsoft-Windows-LDAP-Client/Debug']],
    ['kernel-shimengine', ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic']],
    [
      'application-experience',
      ['Microsoft-Windows-Application-Experience/Program-Telemetry', 'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant'],
    ],
    ['ntfs', ['Microsoft-Windows-Ntfs/Operational']],
    ['hyper-v-worker', ['Microsoft-Windows-Hyper-V-Worker-Admin', 'Microsoft-Windows-Hyper-V-Worker']],
    ['iis-configuration', ['Microsoft-IIS-Configuration/Operational']],
    ['sense', ['Microsoft-Windows-SENSE/Operational']],
    ['servicebus-client', ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin']],
    ['microsoft-servicebus-client', ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin']],
  ];
  it.each(table)('%s', (service, channels) => {
    const alts = alternatives(scopeFor({ product: 'windows', service }, map));
    expect(alts).toHaveLength(1);
    expect(alts[0]!.channels).toEqual(channels);
    expect(alts[0]!.eventIds).toBeNull();
  });

  it('knows no service beyond the table', () => {
    expect([...map.services.keys()].sort()).toEqual(table.map(([s]) => s).sort());
  });

  it('matches service names case-insensitively', () => {
    expect(alternatives(scopeFor({ product: 'windows', service: 'Security' }, map))[0]!.channels).toEqual(['Security']);
  });
});

describe('categories → Channel + EventID', () => {
  const sysmon: Array<[string, number[]]> = [
    ['process_creation', [1]],
    ['file_change', [2]],
    ['network_connection', [3]],
    ['sysmon_status', [4, 16]],
    ['process_termination', [5]],
    ['driver_load', [6]],
    ['image_load', [7]],
    ['create_remote_thread', [8]],
    ['raw_access_thread', [9]],
    ['process_access', [10]],
    ['file_event', [11]],
    ['registry_add', [12]],
    ['registry_delete', [12]],
    ['registry_set', [13]],
    ['registry_rename', [14]],
    ['registry_event', [12, 13, 14]],
    ['create_stream_hash', [15]],
    ['pipe_created', [17, 18]],
    ['wmi_event', [19, 20, 21]],
    ['dns_query', [22]],
    ['file_delete', [23, 26]],
    ['clipboard_capture', [24]],
    ['process_tampering', [25]],
    ['file_delete_detected', [26]],
    ['file_block_executable', [27]],
    ['file_block_shredding', [28]],
    ['file_executable_detected', [29]],
    ['sysmon_error', [255]],
  ];
  it.each(sysmon)('%s → Sysmon %j', (category, ids) => {
    const first = alternatives(scopeFor({ product: 'windows', category }, map))[0]!;
    expect(first.channels).toEqual([SYSMON]);
    expect(first.eventIds).toEqual(ids);
    expect(first.renames.size).toBe(0);
  });

  const powershell: Array<[string, string[], number]> = [
    ['ps_module', ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'], 4103],
    ['ps_script', ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'], 4104],
    ['ps_classic_start', ['Windows PowerShell'], 400],
    ['ps_classic_provider_start', ['Windows PowerShell'], 600],
    ['ps_classic_script', ['Windows PowerShell'], 800],
  ];
  it.each(powershell)('%s → %j %d', (category, channels, id) => {
    const alts = alternatives(scopeFor({ product: 'windows', category }, map));
    expect(alts).toEqual([expect.objectContaining({ channels, eventIds: [id] })]);
  });

  it('process_creation also comes from Security 4688', () => {
    const alts = alternatives(scopeFor({ product: 'windows', category: 'process_creation' }, map));
    expect(alts).toHaveLength(2);
    const audit = alts[1]!;
    expect(audit.channels).toEqual(['Security']);
    expect(audit.eventIds).toEqual([4688]);
    expect(audit.renames.get('Image')).toEqual({ field: 'NewProcessName', convert: null });
    expect(audit.renames.get('ParentImage')).toEqual({ field: 'ParentProcessName', convert: null });
    expect(audit.renames.get('ProcessId')).toEqual({ field: 'NewProcessId', convert: { kind: 'number' } });
    expect(audit.renames.get('ParentProcessId')).toEqual({ field: 'ProcessId', convert: { kind: 'number' } });
    expect(audit.renames.get('LogonId')?.field).toBe('SubjectLogonId');
    expect(audit.renames.get('IntegrityLevel')?.field).toBe('MandatoryLabel');
    expect(audit.renames.get('IntegrityLevel')?.convert).toMatchObject({ kind: 'values', name: 'integrity-level' });
    expect(audit.renames.get('User')?.field).toBe('SubjectDomainName\\SubjectUserName');
    expect(audit.renames.has('CommandLine')).toBe(false);
    for (const f of ['OriginalFileName', 'Hashes', 'Description', 'Product', 'Company', 'CurrentDirectory', 'ParentCommandLine', 'ParentUser', 'ProcessGuid', 'ParentProcessGuid', 'LogonGuid']) {
      expect(audit.lacks).toContain(f);
    }
  });

  it.each([
    ['registry_add', ['%%1904']],
    ['registry_delete', ['%%1906']],
    ['registry_set', ['%%1904', '%%1905']],
  ])('%s also comes from Security 4657 with OperationType %j', (category, codes) => {
    const audit = alternatives(scopeFor({ product: 'windows', category }, map))[1]!;
    expect(audit).toMatchObject({ channels: ['Security'], eventIds: [4657] });
    expect(audit.conditions).toHaveLength(1);
    expect(audit.conditions[0]!.field).toBe('OperationType');
    expect(audit.conditions[0]!.values).toEqual(expect.arrayContaining(codes));
    expect(audit.renames.get('TargetObject')?.field).toBe('ObjectName\\ObjectValueName');
  });

  it('registry_event on 4657 takes every operation; registry_rename has no 4657 form', () => {
    const event = alternatives(scopeFor({ product: 'windows', category: 'registry_event' }, map));
    expect(event[1]).toMatchObject({ channels: ['Security'], eventIds: [4657], conditions: [] });
    expect(alternatives(scopeFor({ product: 'windows', category: 'registry_rename' }, map))).toHaveLength(1);
  });

  it('network_connection also comes from Security 5156', () => {
    const audit = alternatives(scopeFor({ product: 'windows', category: 'network_connection' }, map))[1]!;
    expect(audit).toMatchObject({ channels: ['Security'], eventIds: [5156] });
    expect(audit.renames.get('DestinationIp')?.field).toBe('DestAddress');
    expect(audit.lacks).toContain('DestinationHostname');
  });

  it('antivirus is Defender 1006–1012, 1017–1019, 1115, 1116, with or without product', () => {
    const ids = [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116];
    for (const logsource of [{ category: 'antivirus' }, { product: 'windows', category: 'antivirus' }]) {
      expect(alternatives(scopeFor(logsource, map))).toEqual([
        expect.objectContaining({ channels: ['Microsoft-Windows-Windows Defender/Operational'], eventIds: ids }),
      ]);
    }
  });
});

describe('products and unknown names', () => {
  it('product windows alone, no logsource or an empty one: every record', () => {
    expect(scopeFor({ product: 'windows' }, map)).toEqual({ applies: true, alternatives: null });
    expect(scopeFor({ product: 'Windows' }, map)).toEqual({ applies: true, alternatives: null });
    expect(scopeFor(undefined, map)).toEqual({ applies: true, alternatives: null });
    expect(scopeFor({}, map)).toEqual({ applies: true, alternatives: null });
    expect(scopeFor({ product: 'windows', definition: 'needs audit policy X' }, map)).toEqual({ applies: true, alternatives: null });
  });

  it.each(['linux', 'macos', 'aws', 'azure', 'gcp', 'm365', 'okta'])('product %s does not apply', (product) => {
    expect(reason(scopeFor({ product, category: 'process_creation' }, map))).toBe(`product ${product} does not apply to EVTX`);
  });

  it('names the unknown service or category', () => {
    expect(reason(scopeFor({ product: 'windows', category: 'foo' }, map))).toBe('unknown category foo');
    expect(reason(scopeFor({ product: 'windows', service: 'bar' }, map))).toBe('unknown service bar');
    expect(reason(scopeFor({ category: 'webserver' }, map))).toBe('unknown category webserver');
  });

  it('says why a category has no EVTX source', () => {
    expect(reason(scopeFor({ product: 'windows', category: 'file_access' }, map))).toMatch(
      /^category file_access has no EVTX source: .*Kernel-File/,
    );
    expect(reason(scopeFor({ product: 'windows', category: 'file_rename' }, map))).toMatch(/^category file_rename has no EVTX source/);
  });
});

describe('service and category together narrow each other', () => {
  it('keeps only the alternatives on the service channels', () => {
    expect(alternatives(scopeFor({ product: 'windows', service: 'sysmon', category: 'process_creation' }, map))).toEqual([
      expect.objectContaining({ channels: [SYSMON], eventIds: [1] }),
    ]);
    expect(alternatives(scopeFor({ product: 'windows', service: 'security', category: 'process_creation' }, map))).toEqual([
      expect.objectContaining({ channels: ['Security'], eventIds: [4688] }),
    ]);
  });

  it('narrows channel lists to their intersection', () => {
    const m = withUser('services: {core: {channels: [PowerShellCore/Operational]}}');
    expect(alternatives(scopeFor({ product: 'windows', service: 'core', category: 'ps_script' }, m))).toEqual([
      expect.objectContaining({ channels: ['PowerShellCore/Operational'], eventIds: [4104] }),
    ]);
  });

  it('intersects event ids too', () => {
    const m = withUser('services: {sysmon-net: {channels: [Microsoft-Windows-Sysmon/Operational], event_ids: [3, 22]}}');
    expect(alternatives(scopeFor({ product: 'windows', service: 'sysmon-net', category: 'dns_query' }, m))).toEqual([
      expect.objectContaining({ eventIds: [22] }),
    ]);
    expect(reason(scopeFor({ product: 'windows', service: 'sysmon-net', category: 'process_creation' }, m))).toMatch(/share no channel or event id/);
  });

  it('does not apply when nothing is shared', () => {
    expect(reason(scopeFor({ product: 'windows', service: 'system', category: 'ps_script' }, map))).toBe(
      'service system and category ps_script share no channel or event id',
    );
  });

  it('reports an unknown part even when the other is known', () => {
    expect(reason(scopeFor({ product: 'windows', service: 'nope', category: 'process_creation' }, map))).toBe('unknown service nope');
  });
});

describe('user mappings (--mapping)', () => {
  it('adds a service and a category', () => {
    const m = withUser(`
services:
  my-app: {channels: [My App/Operational]}
categories:
  my_thing:
    channels: [My App/Operational]
    event_ids: [7]
`);
    expect(alternatives(scopeFor({ product: 'windows', service: 'my-app' }, m))[0]!.channels).toEqual(['My App/Operational']);
    expect(alternatives(scopeFor({ product: 'windows', category: 'my_thing' }, m))[0]!.eventIds).toEqual([7]);
    // The bundled entries are still there.
    expect(alternatives(scopeFor({ product: 'windows', service: 'security' }, m))[0]!.channels).toEqual(['Security']);
  });

  it('overrides an entry by name, replacing all its alternatives', () => {
    const m = withUser(`
categories:
  process_creation:
    channels: [Microsoft-Windows-Sysmon/Operational]
    event_ids: [1]
`);
    expect(alternatives(scopeFor({ product: 'windows', category: 'process_creation' }, m))).toHaveLength(1);
  });

  it('can make an unavailable category available, and use bundled or own conversions', () => {
    const m = withUser(`
conversions:
  yes-no: {values: {'yes': '1', 'no': '0'}}
categories:
  file_access:
    channels: [Microsoft-Windows-Kernel-File/Analytic]
    renames:
      Image: {field: ProcessName, convert: device-path}
      Flag: {field: F, convert: yes-no}
      IntegrityLevel: {field: IL, convert: integrity-level}
`);
    const alt = alternatives(scopeFor({ product: 'windows', category: 'file_access' }, m))[0]!;
    expect(alt.renames.get('Image')?.convert).toEqual({ kind: 'device-path' });
    expect(alt.renames.get('Flag')?.convert).toMatchObject({ kind: 'values', name: 'yes-no' });
    expect(alt.renames.get('IntegrityLevel')?.convert).toMatchObject({ kind: 'values', name: 'integrity-level' });
  });

  it('later files win', () => {
    const m = parseLogsourceMap([
      { file: 'logsources.yml', text: bundledText() },
      { file: 'a.yml', text: 'services: {x: {channels: [A]}}' },
      { file: 'b.yml', text: 'services: {X: {channels: [B]}}' },
    ]);
    expect(alternatives(scopeFor({ product: 'windows', service: 'x' }, m))[0]!.channels).toEqual(['B']);
  });

  it('loads user files from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-map-'));
    const file = join(dir, 'extra.yml');
    writeFileSync(file, 'services: {extra: {channels: [Extra/Operational]}}\n');
    const m = loadLogsourceMap([file]);
    expect(alternatives(scopeFor({ product: 'windows', service: 'extra' }, m))[0]!.channels).toEqual(['Extra/Operational']);
    expect(() => loadLogsourceMap([join(dir, 'missing.yml')])).toThrow(/missing\.yml: cannot read/);
  });
});

describe('validation names the file and the bad entry', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['not YAML', 'services: [unclosed', /^u\.yml: not valid YAML/],
    ['top level not a map', '- a', /^u\.yml: \(top level\): must be a mapping/],
    ['unknown top-level key', 'servces: {}', /^u\.yml: \(top level\): unknown key 'servces'/],
    ['no channels', 'services: {x: {event_ids: [1]}}', /^u\.yml: services\.x: needs `channels`/],
    ['empty channels', 'services: {x: {channels: []}}', /^u\.yml: services\.x\.channels: is empty/],
    ['channel not a string', 'services: {x: {channels: [1]}}', /^u\.yml: services\.x\.channels\[0\]: must be a non-empty string/],
    ['bad event id', 'categories: {c: {channels: [A], event_ids: [4688, x]}}', /^u\.yml: categories\.c\.event_ids\[1\]: 'x' is not an event id/],
    ['event id out of range', 'categories: {c: {channels: [A], event_ids: [70000]}}', /event_ids\[0\]: '70000' is not an event id/],
    ['unknown alternative key', 'categories: {c: [{channels: [A], renmes: {}}]}', /^u\.yml: categories\.c\[0\]: unknown key 'renmes'/],
    ['unknown conversion', 'categories: {c: [{channels: [A]}, {channels: [B], renames: {X: {field: Y, convert: nmber}}}]}', /^u\.yml: categories\.c\[1\]\.renames\.X\.convert: unknown conversion 'nmber'/],
    ['rename to nothing', "categories: {c: {channels: [A], renames: {X: ''}}}", /^u\.yml: categories\.c\.renames\.X: must be a non-empty string/],
    ['empty alternatives', 'categories: {c: []}', /^u\.yml: categories\.c: needs at least one alternative/],
    ['unavailable with more', 'categories: {c: {unavailable: why, channels: [A]}}', /^u\.yml: categories\.c: unknown key 'channels'/],
    ['duplicate by case', 'services: {x: {channels: [A]}, X: {channels: [B]}}', /^u\.yml: services\.X: defined twice/],
    ['conversion with both tables', 'conversions: {c: {values: {a: b}, prefixes: {a: b}}}', /^u\.yml: conversions\.c: needs exactly one of/],
    ['redefined built-in', 'conversions: {number: {values: {a: b}}}', /^u\.yml: conversions\.number: 'number' is built in/],
  ];
  it.each(bad)('%s', (_what, text, message) => {
    expect(() => withUser(text, 'u.yml')).toThrow(LogsourceMapError);
    expect(() => withUser(text, 'u.yml')).toThrow(message);
  });

  it('an empty user file changes nothing', () => {
    expect(withUser('').categories.size).toBe(map.categories.size);
  });
});
