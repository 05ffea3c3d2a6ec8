// FortiSIEM rules in both formats → the shared AST: what a rule carries, that the same rule in
// YAML and XML loads the same, where errors point (file:line:col and the subpattern), and what is
// reported as unsupported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/ast.js';
import { loadRuleFile, loadRules } from '../../src/rules/load-rules.js';
import { SMBEXEC_XML } from './smbexec-xml.js';

const dir = mkdtempSync(join(tmpdir(), 'sigscan-fsm-load-'));
let n = 0;
function file(text: string, ext = 'yml'): string {
  const p = join(dir, `rule${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}
const BUNDLED = join(import.meta.dirname, '..', '..', 'rules', 'fortisiem');

/** A rule without where it came from, and without the two fields only one format has. */
function meaning(r: Rule): unknown {
  const { path: _p, line: _l, ...rest } = r;
  const fortisiem = { ...r.fortisiem };
  delete fortisiem.group;
  delete fortisiem.incidentType;
  return { ...rest, fortisiem };
}

describe('the bundled FortiSIEM rules', () => {
  const loaded = loadRules([BUNDLED]);
  const byId = new Map(loaded.rules.map((r) => [r.id, r]));

  it('both load, with nothing invalid or unsupported', () => {
    expect(loaded.problems).toEqual([]);
    expect([...byId.keys()].sort()).toEqual(['PH_Rule_SIGMA_1176', 'PH_Rule_SIGMA_27']);
    for (const r of loaded.rules) expect(r.unsupported).toEqual([]);
  });

  it('PH_Rule_SIGMA_27 carries every field of its rule page', () => {
    const r = byId.get('PH_Rule_SIGMA_27')!;
    expect(r).toMatchObject({ title: 'Windows: smbexec.py Service Installation', format: 'fortisiem', severity: 9, level: 'critical', status: 'enabled' });
    expect(r.tags).toEqual(['attack.lateral-movement', 'attack.t1021.002', 'attack.t1569.002']);
    expect(r.description).toMatch(/BTOBTO/);
    expect(r.fortisiem).toMatchObject({ category: 'Security', tactics: ['Lateral Movement'], techniques: ['T1021.002', 'T1569.002'], impacts: 'Server', dataSource: 'Windows System Log via OMI or FortiSIEM Agent', detectionTechnology: 'Correlation' });
    expect(r.fortisiem?.remediation).toMatch(/\w/);
    expect(r.groupBy).toEqual(['fsm:hostName', 'fsm:serviceFileName', 'fsm:serviceName']);
    expect(r.pattern).toMatchObject({
      window: 300,
      trigger: { kind: 'subpattern', name: 'Filter' },
      globalConstraint: null,
      caseSensitive: false,
      subpatterns: [{ name: 'Filter', groupBy: ['hostName', 'serviceFileName', 'serviceName'], aggregate: { kind: 'compare', fn: 'count', op: 'gte', value: 1 } }],
      incident: [
        { attribute: 'hostName', subpattern: 'Filter', source: 'hostName' },
        { attribute: 'serviceFileName', subpattern: 'Filter', source: 'serviceFileName' },
        { attribute: 'serviceName', subpattern: 'Filter', source: 'serviceName' },
      ],
    });
    // The regex \\execute\.bat$ is plain text with an end anchor: an endswith test.
    expect(JSON.stringify(r.detection)).toContain(JSON.stringify({ kind: 'field', field: 'fsm:serviceFileName', test: { kind: 'endswith', value: '\\execute.bat', cased: false } }));
  });

  it('PH_Rule_SIGMA_1176: the IPC$ share value unescaped, the pipe regex as written, severity 7 → high', () => {
    const r = byId.get('PH_Rule_SIGMA_1176')!;
    expect(r).toMatchObject({ title: 'Windows: Impacket PsExec Execution', severity: 7, level: 'high' });
    expect(r.groupBy).toEqual(['fsm:hostName', 'fsm:srcIpAddr', 'fsm:user']);
    const json = JSON.stringify(r.detection);
    expect(json).toContain(JSON.stringify({ kind: 'equals', value: '\\\\*\\IPC$', cased: false }));
    for (const pipe of ['RemCom_stdint', 'RemCom_stdoutt', 'RemCom_stderr']) expect(json).toContain(JSON.stringify({ kind: 'contains', value: pipe, cased: false }));
    expect(r.fortisiem).toMatchObject({ category: 'Security', tactics: ['Lateral Movement'], techniques: ['T1021.002'], impacts: 'Server', dataSource: 'Windows Security Log via OMI or FortiSIEM Agent' });
  });
});

describe('YAML and XML load the same rule the same', () => {
  it('PH_Rule_SIGMA_27 in both formats gives the same AST (detection, group-by, pattern, metadata)', () => {
    const yaml = loadRuleFile(join(BUNDLED, 'PH_Rule_SIGMA_27.yml'));
    const xml = loadRuleFile(file(SMBEXEC_XML, 'xml'));
    expect(xml.problems).toEqual([]);
    expect(xml.rules).toHaveLength(1);
    expect(meaning(xml.rules[0])).toEqual(meaning(yaml.rules[0]));
    expect(xml.rules[0].line).toBe(2);
    expect(xml.rules[0].fortisiem).toMatchObject({ group: 'PH_SYS_RULE_THREAT_HUNTING', incidentType: 'PH_RULE_smbexec_py_Service_Installation' });
  });

  it('a multi-subpattern rule: trigger from Operator elements, global constraint; loads and runs', () => {
    const subpattern = (name: string, q: string) => `<SubPattern name="${name}"><SingleEvtConstr>${q}</SingleEvtConstr><GroupByAttr>hostName,user</GroupByAttr><GroupEvtConstr>COUNT(*) &gt;= 1</GroupEvtConstr></SubPattern>`;
    const xml = `<Rules><Rule id="X1"><Name>Account created, used, deleted</Name><IncidentDef severity="8"><ArgList>user = LogonSuccess.user</ArgList></IncidentDef>
<PatternClause window="3600">
${subpattern('AccountCreated', 'eventType = "Win-Security-4720"')}
${subpattern('LogonSuccess', 'eventType = "Win-Security-4624"')}
${subpattern('AccountDeleted', 'eventType = "Win-Security-4726"')}
<Operator rank="1" type="FOLLOWED_BY"/><Operator rank="0" type="FOLLOWED_BY"/>
<GlobalConstr>AccountCreated.targetUser = LogonSuccess.user AND LogonSuccess.user = AccountDeleted.targetUser</GlobalConstr>
</PatternClause></Rule></Rules>`;
    const yaml = `id: X1
name: Account created, used, deleted
severity: 8
window: 3600
subpatterns:
  - {name: AccountCreated, query: 'eventType = "Win-Security-4720"', groupBy: [hostName, user], aggregate: COUNT(*) >= 1}
  - {name: LogonSuccess, query: 'eventType = "Win-Security-4624"', groupBy: 'hostName,user', aggregate: COUNT(*) >= 1}
  - {name: AccountDeleted, query: 'eventType = "Win-Security-4726"', groupBy: [hostName, user], aggregate: COUNT(*) >= 1}
trigger: AccountCreated FOLLOWED_BY LogonSuccess FOLLOWED_BY AccountDeleted
globalConstraint: AccountCreated.targetUser = LogonSuccess.user AND LogonSuccess.user = AccountDeleted.targetUser
incident: {user: LogonSuccess.user}
`;
    const [x, y] = [loadRuleFile(file(xml, 'xml')), loadRuleFile(file(yaml))];
    expect(x.rules[0].pattern).toEqual(y.rules[0].pattern);
    expect(x.rules[0].detection).toEqual(y.rules[0].detection);
    const r = x.rules[0];
    expect(r.level).toBe('high');
    expect(r.detection.kind).toBe('or');
    expect(r.pattern?.trigger).toMatchObject({ op: 'FOLLOWED_BY', left: { op: 'FOLLOWED_BY', left: { name: 'AccountCreated' } }, right: { name: 'AccountDeleted' } });
    expect(r.pattern?.globalConstraint).toMatchObject({ kind: 'and' });
    expect(r.unsupported).toEqual([]);
  });
});

describe('what loads and what is reported', () => {
  const rule = (extra: string, query = 'eventType = "Win-Security-4625"') =>
    `id: T1\nname: Test rule\nseverity: 5\nwindow: 60\nsubpatterns:\n  - name: Failures\n    query: '${query}'\n    groupBy: [srcIpAddr]\n${extra}`;

  it('a query syntax error names file:line:col, the subpattern and the query column; other rules in the file still load', () => {
    const p = file(`${rule('', 'eventType = "Win-Security-4625" AND user "x"')}\n---\n${rule('').replace('T1', 'T2')}`);
    const r = loadRuleFile(p);
    expect(r.rules.map((x) => x.id)).toEqual(['T2']);
    expect(r.problems).toEqual([
      { file: p, line: 7, column: 54, rule: 'Test rule', reason: 'subpattern Failures: query, column 42: expected an operator after "user", found string "x"', kind: 'invalid' },
    ]);
  });

  it('errors inside XML text point at their place in the file, past entities', () => {
    const xml = `<Rules>\n<Rule id="A"><Name>A</Name><IncidentDef severity="3"/><PatternClause window="60"><SubPattern name="S">\n<SingleEvtConstr>n &gt;= 1 AND x</SingleEvtConstr></SubPattern></PatternClause></Rule>\n<Rule id="B"><Name>B</Name><IncidentDef severity="3"/><PatternClause window="60"><SubPattern name="S"><SingleEvtConstr>n &gt;= 1</SingleEvtConstr></SubPattern></PatternClause></Rule>\n</Rules>`;
    const p = file(xml, 'xml');
    const r = loadRuleFile(p);
    expect(r.rules.map((x) => x.id)).toEqual(['B']);
    expect(r.problems).toEqual([{ file: p, line: 3, column: 33, rule: 'A', reason: 'subpattern S: query, column 13: expected an operator after "x", found the end', kind: 'invalid' }]);
  });

  it('aggregate errors, missing fields, bad severity, unknown keys, unknown incident subpatterns', () => {
    const problems = (text: string) => loadRuleFile(file(text)).problems.map((p) => `${p.line}${p.column ? `:${p.column}` : ''} ${p.reason}`);
    expect(problems(rule('    aggregate: COUNT(*) >= x\n'))).toEqual(['9:28 subpattern Failures: aggregate, column 13: expected a number, found "x"']);
    expect(problems('name: x\nsubpatterns: []\n')).toEqual(['1 missing severity (1–10)', '1 missing window (seconds)', '2 needs at least one subpattern']);
    expect(problems(rule('').replace('severity: 5', 'severity: 11'))).toEqual(['3 severity 11 is not a whole number from 1 to 10']);
    expect(problems(rule('serverity: 3\n'))).toEqual(['9 unknown key \'serverity\'']);
    expect(problems(rule('incident: {user: Other.user}\n'))).toEqual(['9:18 incident attribute user, column 1: no subpattern named "Other" (have Failures)']);
  });

  it('an aggregate other than COUNT(*) >= 1 loads and runs (windowed incidents)', () => {
    const r = loadRuleFile(file(rule('    aggregate: COUNT(*) >= 5\n')));
    expect(r.problems).toEqual([]);
    expect(r.rules[0].unsupported).toEqual([]);
    expect(r.rules[0].pattern?.subpatterns[0].aggregate).toEqual({ kind: 'compare', fn: 'count', op: 'gte', value: 5 });
  });

  it('Group@ members and regexes that could hang load as unsupported, pointing at the value', () => {
    const r = loadRuleFile(file(rule('', 'srcIpAddr IN (Group@PH_SYS_SCANNERS)')));
    expect(r.rules[0].unsupported).toMatchObject([{ line: 7, column: 27, reason: 'subpattern Failures: Group@PH_SYS_SCANNERS: FortiSIEM groups are not available', kind: 'unsupported' }]);
  });

  it('status: disabled and <active>false</active> load as disabled rules', () => {
    expect(loadRuleFile(file(rule('status: disabled\n'))).rules[0]).toMatchObject({ disabled: true, status: 'disabled' });
    const x = loadRuleFile(file(SMBEXEC_XML.replace('<active>true</active>', '<active>false</active>'), 'xml')).rules[0];
    expect(x).toMatchObject({ disabled: true, status: 'disabled' });
  });

  it('caseSensitive: true makes string tests cased', () => {
    const r = loadRuleFile(file(rule('caseSensitive: true\n', 'user = "Bob" OR command REGEXP "x\\d"'))).rules[0];
    expect(r.detection).toEqual({
      kind: 'or',
      items: [
        { kind: 'field', field: 'fsm:user', test: { kind: 'equals', value: 'Bob', cased: true } },
        { kind: 'field', field: 'fsm:command', test: { kind: 'regex', pattern: 'x\\d', flags: '' } },
      ],
    });
  });

  it('an XML file that is not a rule file, or broken XML, is reported with its position', () => {
    expect(loadRuleFile(file('<Config/>', 'xml')).problems[0]).toMatchObject({ kind: 'invalid', line: 1, reason: expect.stringMatching(/root element is <Config>/) });
    expect(loadRuleFile(file('<Rules>\n<Rule id="x">\n</Rules>', 'xml')).problems[0]).toMatchObject({ kind: 'invalid', line: 3, column: 1, reason: 'XML: </Rules> closes <Rule> (opened at line 2)' });
  });

  it('rules stay JSON data (the rule cache stores them)', () => {
    const r = loadRuleFile(file(SMBEXEC_XML, 'xml')).rules[0];
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
