// Expectations against detections, one failure kind at a time, each message saying what was
// expected and what came out. Detections are made up here (groups included, which Sigma rules
// do not produce yet); the rules are prepared as a scan prepares them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/correlate/group-hits.js';
import { prepareRules } from '../../src/engine/prepare-rules.js';
import { checkCase } from '../../src/testing/check-case.js';
import { RuleCatalogue } from '../../src/testing/rule-lookup.js';
import type { RuleExpectation, TestCase } from '../../src/testing/test-case.js';
import { CMD_RULE, CMD_TITLE, LINUX_RULE, PWSH_RULE, workspace } from './helpers.js';

const rulesDir = join(workspace(), 'rules');
const prepared = prepareRules({ rules: [rulesDir], mapping: [], selection: {}, version: 'test' });
const catalogue = new RuleCatalogue(prepared, 'rules/');
const ruleOf = (id: string) => prepared.loaded.rules.find((r) => r.id === id)!;

const detection = (id: string, group: Record<string, string>, count: number): Detection => ({
  rule: ruleOf(id),
  group,
  count,
  first: '',
  last: '',
  firstTime: 0,
  lastTime: 0,
  events: [],
});

const at = { file: 't.test.yml', line: 1 };
const testCase = (expectations: Array<Partial<RuleExpectation> & { rule: string }>, extra: Partial<TestCase> = {}): TestCase => ({
  name: 'c',
  at,
  format: 'test-file',
  rules: [],
  evtx: [],
  events: [],
  expect: expectations.map((e) => ({ groups: [], at, ...e })),
  mustNotFire: [],
  onlyExpectedFire: false,
  problems: [],
  ...extra,
});

const detections = [
  detection(CMD_RULE, { Computer: 'WS01' }, 2),
  detection(CMD_RULE, { Computer: 'WS02\u001b[31m' }, 1),
  detection(PWSH_RULE, {}, 4),
];
const check = (c: TestCase) => checkCase(c, detections, catalogue);
const messages = (c: TestCase) => check(c).failures.map((f) => f.message);

describe('checkCase', () => {
  it('passes when every count and group matches; rules are named by id or exact title', () => {
    const byId = testCase([{ rule: CMD_RULE, events: 3, detections: 2, groups: [{ group: { Computer: 'WS01' }, events: 2, at }] }]);
    expect(check(byId)).toEqual({ failures: [], notes: [] });
    expect(check(testCase([{ rule: CMD_TITLE, events: 3 }])).failures).toEqual([]);
    expect(check(testCase([{ rule: 'cmd started', events: 3 }])).failures[0].kind).toBe('rule-not-found');
  });

  it('event count: exact, or at least (with a note when higher and the floor came from match_count)', () => {
    expect(check(testCase([{ rule: CMD_RULE, events: 2 }])).failures).toEqual([
      { kind: 'events', rule: CMD_RULE, expected: 2, actual: 3, message: `rule ${CMD_RULE} (Cmd started): expected 2 matching events, got 3` },
    ]);
    expect(messages(testCase([{ rule: CMD_RULE, minEvents: 4, minEventsFrom: 'match_count' }]))).toEqual([
      `rule ${CMD_RULE} (Cmd started): expected at least 4 matching events (match_count), got 3`,
    ]);
    expect(check(testCase([{ rule: CMD_RULE, minEvents: 2, minEventsFrom: 'match_count' }]))).toEqual({
      failures: [],
      notes: [`rule ${CMD_RULE} (Cmd started): 3 matching events, match_count says 2 (consider updating it)`],
    });
    expect(check(testCase([{ rule: CMD_RULE, minEvents: 1 }]))).toEqual({ failures: [], notes: [] });
    expect(messages(testCase([{ rule: LINUX_RULE, events: 0 }]))[0]).toMatch(/cannot run/);
  });

  it('detection count lists the groups seen', () => {
    expect(messages(testCase([{ rule: CMD_RULE, detections: 1 }]))).toEqual([
      `rule ${CMD_RULE} (Cmd started): expected 1 detection, got 2 (groups: {"Computer":"WS01"} 2 events, {"Computer":"WS02\\u001b[31m"} 1 event)`,
    ]);
  });

  it('groups: a listed group must be among the detections, with its event count', () => {
    const missing = testCase([{ rule: CMD_RULE, groups: [{ group: { Computer: 'WS03' }, at }] }]);
    expect(check(missing).failures).toMatchObject([{ kind: 'group-missing', expected: '{"Computer":"WS03"}' }]);
    expect(messages(missing)[0]).toMatch(/no detection with group \{"Computer":"WS03"\} \(groups: \{"Computer":"WS01"\} 2 events, /);
    // A group is matched whole: a subset of its fields is not enough.
    expect(check(testCase([{ rule: PWSH_RULE, groups: [{ group: { Computer: 'WS01' }, at }] }])).failures[0].kind).toBe('group-missing');
    expect(check(testCase([{ rule: PWSH_RULE, groups: [{ group: {}, events: 4, at }] }])).failures).toEqual([]);
    expect(check(testCase([{ rule: CMD_RULE, groups: [{ group: { Computer: 'WS01' }, events: 1, at }] }])).failures).toEqual([
      { kind: 'group-events', rule: CMD_RULE, expected: 1, actual: 2, message: `rule ${CMD_RULE} (Cmd started), group {"Computer":"WS01"}: expected 1 event, got 2` },
    ]);
  });

  it('mustNotFire names what fired; all-others fails on every rule not expected', () => {
    expect(check(testCase([], { mustNotFire: [PWSH_RULE] })).failures).toEqual([
      { kind: 'must-not-fire', rule: PWSH_RULE, expected: 0, actual: 4, message: `rule ${PWSH_RULE} (PowerShell started) must not fire, fired on 4 events (groups: {} 4 events)` },
    ]);
    expect(check(testCase([{ rule: CMD_RULE }], { onlyExpectedFire: true })).failures).toEqual([
      { kind: 'unexpected-rule', rule: PWSH_RULE, expected: 0, actual: 4, message: `rule ${PWSH_RULE} (PowerShell started) fired on 4 events but is not expected (mustNotFire: all-others)` },
    ]);
    expect(check(testCase([{ rule: CMD_RULE }, { rule: PWSH_RULE }], { onlyExpectedFire: true })).failures).toEqual([]);
    expect(messages(testCase([], { onlyExpectedFire: true }))).toHaveLength(2);
  });

  it('a rule that is not there, did not load or cannot run fails in expect and mustNotFire alike', () => {
    expect(messages(testCase([{ rule: 'nope' }]))).toEqual(['rule "nope" not found (no id or title among the 3 rules from rules/)']);
    expect(messages(testCase([], { mustNotFire: ['nope'] }))).toEqual(['rule "nope" not found (no id or title among the 3 rules from rules/)']);
    const broken = messages(testCase([{ rule: 'Broken rule' }]));
    expect(broken).toHaveLength(1);
    expect(broken[0].startsWith(`rule "Broken rule" did not load: ${join(rulesDir, 'broken.yml')}:5:`)).toBe(true);
    expect(broken[0]).toMatch(/: condition: .*nope/);
    expect(check(testCase([], { mustNotFire: [LINUX_RULE] })).failures).toMatchObject([{ kind: 'rule-not-runnable', rule: LINUX_RULE }]);
  });
});
