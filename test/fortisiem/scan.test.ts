// FortiSIEM rules through the real engine, on an EVTX file built from event descriptions: the
// same rule in YAML and XML finds the same detections, grouped by its group-by attributes (plain
// names in the output), in the JSONL contract shape; disabled rules run only when asked; the rule
// index tries a rule only on the records its eventType names.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan, type ScanCliOptions } from '../../src/cli/scan.js';
import { buildRuleSet } from '../../src/compile/rule-set.js';
import { loadLogsourceMap } from '../../src/mappings/logsource-map.js';
import { loadRuleFile } from '../../src/rules/load-rules.js';
import { evtxFile, type EventSpec } from '../helpers/events-file.js';
import { SMBEXEC_XML } from './smbexec-xml.js';

process.env.SIGSCAN_CACHE_DIR = mkdtempSync(join(tmpdir(), 'sigscan-cache-'));
const BUNDLED = join(import.meta.dirname, '..', '..', 'rules', 'fortisiem');
const SCM = { channel: 'System', provider: 'Service Control Manager', eventId: 7045 };
const SHARE = { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', eventId: 5145 };
const share = (computer: string, ip: string, user: string, target: string): EventSpec => ({
  ...SHARE,
  computer,
  data: { SubjectUserName: user, SubjectDomainName: 'CORP', ShareName: '\\\\*\\IPC$', RelativeTargetName: target, IpAddress: ip, AccessMask: '0x3' },
});
const events: EventSpec[] = [
  { ...SCM, computer: 'WS01', data: { ServiceName: 'BTOBTO', ImagePath: '%COMSPEC% /Q /c echo cd > \\\\127.0.0.1\\C$\\__output 2>&1 > %TEMP%\\execute.bat', StartType: 'demand start' } },
  { ...SCM, computer: 'WS01', data: { ServiceName: 'btobto', ImagePath: '%COMSPEC% /Q /c echo whoami ^> \\\\127.0.0.1\\C$\\__output > %TEMP%\\EXECUTE.BAT', StartType: 'demand start' } },
  { ...SCM, computer: 'WS02', data: { ServiceName: 'BTOBTO', ImagePath: '%COMSPEC% /Q /c echo dir > %TEMP%\\execute.bat', StartType: 'demand start' } },
  { ...SCM, computer: 'WS02', data: { ServiceName: 'BTOBTO', ImagePath: 'C:\\Windows\\execute.bat.exe', StartType: 'demand start' } },
  { ...SCM, computer: 'WS02', data: { ServiceName: 'Spooler', ImagePath: 'C:\\Windows\\execute.bat', StartType: 'auto start' } },
  // Same data on another log: the eventType (and the index) keep the rule off it.
  { channel: 'Application', provider: 'Service Control Manager', eventId: 7045, computer: 'WS01', data: { ServiceName: 'BTOBTO', ImagePath: 'x\\execute.bat' } },
  share('DC01', '10.0.0.7', 'mallory', 'RemCom_stderrAbCd1234'),
  share('DC01', '10.0.0.7', 'mallory', 'RemCom_stdoutAbCd1234'), // not matched: the rule's own typo
  share('DC01', '10.0.0.7', 'mallory', 'RemCom_stdintXyZ1234'),
  share('DC01', '10.0.0.9', 'eve', 'RemCom_stderrQq1'),
  { ...SHARE, computer: 'DC01', data: { SubjectUserName: 'eve', ShareName: '\\\\*\\C$', RelativeTargetName: 'RemCom_stderr', IpAddress: '10.0.0.9' } },
];
const file = evtxFile(events, 'mixed.evtx');

async function scan(extra: Partial<ScanCliOptions> = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'sigscan-out-')), 'out');
  const stderr: string[] = [];
  const status = await runScan([file], { format: 'jsonl', maxEvents: 100, color: false, progress: false, output: out, ...extra }, (s) => stderr.push(s));
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  return { status, stderr: stderr.join('\n'), detections: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

/** Detections as rule id, group, count and record ids (what must agree between formats). */
const summary = (ds: Array<{ rule: { id: string }; group: unknown; count: number; events: Array<{ recordId: number }> }>) =>
  ds.map((d) => ({ id: d.rule.id, group: d.group, count: d.count, records: d.events.map((e) => e.recordId) }));

describe('FortiSIEM rules through the scan', () => {
  it('PH_Rule_SIGMA_27 (YAML): one critical detection per host, service file and service name', async () => {
    const r = await scan({ rules: [join(BUNDLED, 'PH_Rule_SIGMA_27.yml')] });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/rule not/);
    expect(summary(r.detections)).toEqual([
      { id: 'PH_Rule_SIGMA_27', group: { hostName: 'WS01', serviceFileName: events[0].data!.ImagePath, serviceName: 'BTOBTO' }, count: 1, records: [1] },
      { id: 'PH_Rule_SIGMA_27', group: { hostName: 'WS01', serviceFileName: events[1].data!.ImagePath, serviceName: 'btobto' }, count: 1, records: [2] },
      { id: 'PH_Rule_SIGMA_27', group: { hostName: 'WS02', serviceFileName: events[2].data!.ImagePath, serviceName: 'BTOBTO' }, count: 1, records: [3] },
    ]);
    expect(r.detections[0].rule).toEqual({
      id: 'PH_Rule_SIGMA_27',
      title: 'Windows: smbexec.py Service Installation',
      level: 'critical',
      severity: 9,
      status: 'enabled',
      format: 'fortisiem',
      path: join(BUNDLED, 'PH_Rule_SIGMA_27.yml'),
      tags: ['attack.lateral-movement', 'attack.t1021.002', 'attack.t1569.002'],
    });
    expect(r.detections[0].events[0]).toMatchObject({ channel: 'System', eventId: 7045, computer: 'WS01', fields: { ServiceName: 'BTOBTO' } });
  });

  it('the same rule as XML finds exactly the same detections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-fsm-xml-'));
    writeFileSync(join(dir, 'smbexec.xml'), SMBEXEC_XML);
    const [y, x] = [await scan({ rules: [join(BUNDLED, 'PH_Rule_SIGMA_27.yml')] }), await scan({ rules: [join(dir, 'smbexec.xml')] })];
    expect(x.stderr).not.toMatch(/rule not/);
    expect(summary(x.detections)).toEqual(summary(y.detections));
    expect(x.detections.map((d) => d.rule.level)).toEqual(['critical', 'critical', 'critical']);
  });

  it('PH_Rule_SIGMA_1176: grouped by host, source address and user; only IPC$ pipes its regex names', async () => {
    const r = await scan({ rules: [join(BUNDLED, 'PH_Rule_SIGMA_1176.yml')] });
    expect(summary(r.detections)).toEqual([
      { id: 'PH_Rule_SIGMA_1176', group: { hostName: 'DC01', srcIpAddr: '10.0.0.7', user: 'mallory' }, count: 2, records: [7, 9] },
      { id: 'PH_Rule_SIGMA_1176', group: { hostName: 'DC01', srcIpAddr: '10.0.0.9', user: 'eve' }, count: 1, records: [10] },
    ]);
    expect(r.detections[0].rule).toMatchObject({ level: 'high', severity: 7, format: 'fortisiem' });
  });

  it('the bundled rules run by default; --min-level and --tags select FortiSIEM rules too', async () => {
    const fortisiem = (ds: Array<{ rule: { id: string; format: string } }>) => new Set(ds.filter((d) => d.rule.format === 'fortisiem').map((d) => d.rule.id));
    expect(fortisiem((await scan()).detections)).toEqual(new Set(['PH_Rule_SIGMA_27', 'PH_Rule_SIGMA_1176']));
    expect(fortisiem((await scan({ minLevel: 'critical' })).detections)).toEqual(new Set(['PH_Rule_SIGMA_27']));
    expect(fortisiem((await scan({ tags: ['attack.t1569.002'] })).detections)).toEqual(new Set(['PH_Rule_SIGMA_27']));
  });

  it('disabled rules load but run only with --include-disabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-fsm-disabled-'));
    writeFileSync(join(dir, 'off.yml'), readFileSync(join(BUNDLED, 'PH_Rule_SIGMA_27.yml'), 'utf8').replace('status: enabled', 'status: disabled'));
    const off = await scan({ rules: [dir] });
    expect(off.detections).toEqual([]);
    expect(off.status).toBe(2); // no rule to run
    expect(off.stderr).toMatch(/no rule to run \(1 loaded, 0 selected/);
    const on = await scan({ rules: [dir], includeDisabled: true });
    expect(on.detections.map((d) => d.rule.status)).toEqual(['disabled', 'disabled', 'disabled']);
  });

  it('a FortiSIEM rule is indexed by the Channel/EventID its eventType implies', () => {
    const rules = [...loadRuleFile(join(BUNDLED, 'PH_Rule_SIGMA_27.yml')).rules, ...loadRuleFile(join(BUNDLED, 'PH_Rule_SIGMA_1176.yml')).rules];
    const set = buildRuleSet(rules, loadLogsourceMap());
    const ids = (channel: string, eventId: string) => set.index.candidates(channel, eventId).map((c) => c.rule.id);
    expect(ids('System', '7045')).toEqual(['PH_Rule_SIGMA_27']);
    expect(ids('Security', '5145')).toEqual(['PH_Rule_SIGMA_1176']);
    expect(ids('Security', '4624')).toEqual([]);
    expect(ids('Microsoft-Windows-Sysmon/Operational', '1')).toEqual([]);
  });
});
