// The same windowed FortiSIEM rules as YAML and as FortiSIEM XML give the same detections end to
// end: a single subpattern with COUNT(*) >= 3, and two subpatterns joined by FOLLOWED_BY with a
// global constraint and incident attributes (ArgList).
import { describe, expect, it } from 'vitest';
import { brief, evtx, logon, ruleFile, scan, securityEvents } from './helpers.js';

// Two files whose events interleave in time: the rules see them in time order either way.
const first = evtx(securityEvents([logon(0, 4625, 'alice', '10.0.0.5'), logon(20, 4625, 'alice', '10.0.0.5'), logon(31, 4624, 'alice', '10.0.0.5'), logon(200, 4625, 'bob', '10.0.0.6'), logon(700, 4625, 'bob', '10.0.0.6')]), 'dc-a.evtx');
const second = evtx(securityEvents([logon(10, 4625, 'alice', '10.0.0.5'), logon(30, 4625, 'alice', '10.0.0.5'), logon(210, 4625, 'bob', '10.0.0.6'), logon(220, 4625, 'bob', '10.0.0.6'), logon(230, 4624, 'bob', '10.0.0.6')]), 'dc-b.evtx');

const YAML = `id: PH_Rule_BF_1
name: "Windows: brute force then success"
severity: 8
tactics: [Credential Access]
techniques: [T1110]
window: 120
subpatterns:
  - name: Failures
    query: 'eventType = "Win-Security-4625" AND winLogonType = 3'
    groupBy: [user, srcIpAddr]
    aggregate: COUNT(*) >= 3
  - name: Success
    query: 'eventType = "Win-Security-4624"'
    groupBy: [user]
    aggregate: COUNT(*) >= 1
trigger: Failures FOLLOWED_BY Success
globalConstraint: Failures.user = Success.user AND Failures.srcIpAddr = Success.srcIpAddr
incident:
  user: Success.user
  srcIpAddr: Failures.srcIpAddr
`;

const XML = `<Rules>
<Rule group="PH_SYS_RULE_THREAT_HUNTING" id="PH_Rule_BF_1" phIncidentCategory="Server" function="Security" subFunction="Credential Access" technique="T1110">
  <Name>Windows: brute force then success</Name>
  <active>true</active>
  <IncidentDef eventType="PH_RULE_Brute_force_then_success" severity="8">
    <ArgList>user = Success.user,srcIpAddr = Failures.srcIpAddr</ArgList>
  </IncidentDef>
  <PatternClause window="120">
    <SubPattern displayName="Failures" name="Failures">
      <SingleEvtConstr>eventType = "Win-Security-4625" AND winLogonType = 3</SingleEvtConstr>
      <GroupByAttr>user,srcIpAddr</GroupByAttr>
      <GroupEvtConstr>COUNT(*) &gt;= 3</GroupEvtConstr>
    </SubPattern>
    <SubPattern displayName="Success" name="Success">
      <SingleEvtConstr>eventType = "Win-Security-4624"</SingleEvtConstr>
      <GroupByAttr>user</GroupByAttr>
      <GroupEvtConstr>COUNT(*) &gt;= 1</GroupEvtConstr>
    </SubPattern>
    <Operator rank="0" type="FOLLOWED_BY"/>
    <GlobalConstr>Failures.user = Success.user AND Failures.srcIpAddr = Success.srcIpAddr</GlobalConstr>
  </PatternClause>
</Rule>
</Rules>
`;

/** The Failures subpattern alone, as a rule of its own. */
const single = (text: string, xml: boolean) =>
  xml
    ? text
        .replace(/<SubPattern displayName="Success"[\s\S]*?<\/SubPattern>\s*<Operator[^>]*\/>\s*<GlobalConstr>.*<\/GlobalConstr>/, '')
        .replace('user = Success.user', 'user = Failures.user')
    : text.replace(/  - name: Success[\s\S]*$/, 'incident: {user: Failures.user, srcIpAddr: Failures.srcIpAddr}\n');

describe('YAML and XML load and run the same windowed rules', () => {
  it('one subpattern, COUNT(*) >= 3 in 120 s', async () => {
    const [y, x] = [await scan([ruleFile(single(YAML, false))], [first, second]), await scan([ruleFile(single(XML, true), 'xml')], [first, second])];
    expect(y.stderr + x.stderr).not.toMatch(/rule not|problem/);
    const expected = [
      { group: { user: 'alice', srcIpAddr: '10.0.0.5' }, count: 4, events: ['dc-a.evtx#1', 'dc-b.evtx#1', 'dc-a.evtx#2', 'dc-b.evtx#2'] },
      // bob: 200, 210, 220 fire; 700 is long past that window and alone in its own.
      { group: { user: 'bob', srcIpAddr: '10.0.0.6' }, count: 3, events: ['dc-a.evtx#4', 'dc-b.evtx#3', 'dc-b.evtx#4'] },
    ];
    expect(brief(y.detections)).toEqual(expected);
    expect(brief(x.detections)).toEqual(expected);
  });

  it('FOLLOWED_BY with a global constraint and incident attributes', async () => {
    const [y, x] = [await scan([ruleFile(YAML)], [first, second]), await scan([ruleFile(XML, 'xml')], [first, second])];
    expect(y.stderr + x.stderr).not.toMatch(/rule not|problem/);
    const expected = [
      { group: { user: 'alice', srcIpAddr: '10.0.0.5' }, count: 5, events: ['dc-a.evtx#1', 'dc-b.evtx#1', 'dc-a.evtx#2', 'dc-b.evtx#2', 'dc-a.evtx#3'] },
      { group: { user: 'bob', srcIpAddr: '10.0.0.6' }, count: 4, events: ['dc-a.evtx#4', 'dc-b.evtx#3', 'dc-b.evtx#4', 'dc-b.evtx#5'] },
    ];
    expect(brief(y.detections)).toEqual(expected);
    expect(brief(x.detections)).toEqual(expected);
    for (const d of [...y.detections, ...x.detections]) expect(d.rule).toMatchObject({ id: 'PH_Rule_BF_1', title: 'Windows: brute force then success', level: 'high', severity: 8, format: 'fortisiem' });
    // Whole lines agree but for the rule's path.
    expect(x.text.replaceAll(/"path":"[^"]*"/g, '')).toBe(y.text.replaceAll(/"path":"[^"]*"/g, ''));
  });
});
