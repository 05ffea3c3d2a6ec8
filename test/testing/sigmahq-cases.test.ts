// SigmaHQ's regression format: info.yml folders, recordings found beside info.yml or under the
// repository root, match_count as a floor (as SigmaHQ's runner checks it), and every problem
// reported as a failing case with its position.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRecording, sigmahqCases } from '../../src/testing/sigmahq-cases.js';
import { CMD, CMD_RULE, LINUX_RULE, NOTEPAD, PWSH, evtxOf, put, runTestCommand, workspace } from './helpers.js';

const info = (ruleId: string, path: string, matchCount?: number, extra = '') =>
  `id: 0f0f0f0f-0000-4000-8000-000000000000\ndescription: N/A\nrule_metadata:\n    - id: ${ruleId}\n      title: Some rule\nregression_tests_info:\n    - name: Positive Detection Test\n      type: evtx\n      provider: Microsoft-Windows-Sysmon\n${matchCount !== undefined ? `      match_count: ${matchCount}\n` : ''}      path: ${path}\n${extra}`;

/** A SigmaHQ-like repository: rules/ and regression_data/rules/<name>/{info.yml, <id>.evtx}. */
function repo(matchCount: number | undefined, images = [CMD, CMD, PWSH], ruleId = CMD_RULE) {
  const root = workspace();
  const rel = `regression_data/rules/windows/proc_creation_cmd/${ruleId}.evtx`;
  put(root, rel, evtxOf(images));
  const infoFile = put(root, 'regression_data/rules/windows/proc_creation_cmd/info.yml', info(ruleId, rel, matchCount));
  return { root, infoFile, rules: join(root, 'rules'), data: join(root, 'regression_data') };
}

describe('resolveRecording', () => {
  it('finds the file beside info.yml, else the path under the nearest folder above where it exists', () => {
    const root = workspace();
    const infoFile = put(root, 'regression_data/a/b/info.yml', '');
    const beside = put(root, 'regression_data/a/b/x.evtx', '');
    expect(resolveRecording(infoFile, 'regression_data/somewhere/else/x.evtx')).toBe(beside);
    const elsewhere = put(root, 'recordings/y.evtx', '');
    expect(resolveRecording(infoFile, 'recordings/y.evtx')).toBe(elsewhere);
    expect(resolveRecording(infoFile, 'recordings\\y.evtx')).toBe(elsewhere);
    expect(resolveRecording(infoFile, 'recordings/z.evtx')).toBeUndefined();
  });
});

describe('sigmahqCases', () => {
  it('one case per regression test, expecting each listed rule at least match_count times', () => {
    const { infoFile } = repo(2);
    const [c, ...rest] = sigmahqCases(infoFile);
    expect(rest).toEqual([]);
    expect(c.name).toBe('Positive Detection Test (Some rule)');
    expect(c.at).toMatchObject({ file: infoFile, line: 7 });
    expect(c.problems).toEqual([]);
    expect(c.evtx.map((e) => e.path)).toEqual([join(infoFile, '..', `${CMD_RULE}.evtx`)]);
    expect(c.expect).toMatchObject([{ rule: CMD_RULE, minEvents: 2, minEventsFrom: 'match_count' }]);
  });

  it('without match_count the rule must match at least once', () => {
    expect(sigmahqCases(repo(undefined).infoFile)[0].expect).toMatchObject([{ rule: CMD_RULE, minEvents: 1 }]);
    expect(sigmahqCases(repo(undefined).infoFile)[0].expect[0].minEventsFrom).toBeUndefined();
  });

  it('problems are failing cases with file:line:col', () => {
    const root = workspace();
    const bad = put(root, 'a/info.yml', info(CMD_RULE, 'nowhere/x.evtx', -1).replace('type: evtx', 'type: json'));
    const [c] = sigmahqCases(bad);
    expect(c.problems.map((p) => [p.kind, p.message])).toEqual([
      ['invalid-test', `${bad}:8:13: test type "json": only evtx tests run here`],
      ['file-missing', `${bad}:11:13: EVTX file not found: nowhere/x.evtx (looked beside info.yml and under each folder above it)`],
      ['invalid-test', `${bad}:10:20: match_count must be a whole number of at least 0`],
    ]);
    const yaml = put(root, 'b/info.yml', 'rule_metadata: [{id: 1}\nregression_tests_info: []\n');
    expect(sigmahqCases(yaml)[0].problems[0].message).toMatch(new RegExp(`^${yaml.replace(/[.\\]/g, '\\$&')}:2:1: YAML: `));
    const noRule = put(root, 'c/info.yml', 'rule_metadata: []\nregression_tests_info: [{type: evtx, path: x.evtx}]\n');
    expect(sigmahqCases(noRule)[0].problems[0].message).toBe(`${noRule}:1:16: rule_metadata lists no rule id`);
    const noTests = put(root, 'd/info.yml', `rule_metadata: [{id: ${CMD_RULE}}]\n`);
    expect(sigmahqCases(noTests)[0].problems[0].message).toBe(`${noTests}:1:1: regression_tests_info lists no test`);
  });
});

describe('sigscan test on SigmaHQ folders', () => {
  it('passes when the rule matches at least match_count events; more passes with a note', async () => {
    const exact = repo(2);
    const r = await runTestCommand([exact.data], { rules: [exact.rules] });
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe(`PASS  ${exact.infoFile}:7 Positive Detection Test (Some rule)`);
    expect(r.lines[1]).toMatch(/^sigscan test: 1 case, 1 passed, 0 failed \(\d+\.\ds\)$/);
    const floor = repo(1);
    const more = await runTestCommand([floor.data], { rules: [floor.rules] });
    expect(more.status).toBe(0);
    expect(more.lines[0]).toBe(`PASS  ${floor.infoFile}:7 Positive Detection Test (Some rule): note: rule ${CMD_RULE} (Cmd started): 2 matching events, match_count says 1 (consider updating it)`);
  });

  it('fails with expected and actual when fewer events match', async () => {
    const { data, rules, infoFile } = repo(3);
    const r = await runTestCommand([data], { rules: [rules] });
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe(`FAIL  ${infoFile}:7 Positive Detection Test (Some rule): rule ${CMD_RULE} (Cmd started): expected at least 3 matching events (match_count), got 2`);
    expect(r.lines[1]).toMatch(/^sigscan test: 1 case, 0 passed, 1 failed/);
  });

  it('a rule that never fires fails even without match_count', async () => {
    const { data, rules } = repo(undefined, [NOTEPAD]);
    const r = await runTestCommand([data], { rules: [rules] });
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/: rule 1111\S+ \(Cmd started\): expected at least 1 matching event, got 0$/);
  });

  it('names a rule id that is not among the rules, and a rule that cannot run here', async () => {
    const missing = repo(1, [CMD], '99999999-9999-4999-8999-999999999999');
    const r = await runTestCommand([missing.data], { rules: [missing.rules] });
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/: rule "99999999-9999-4999-8999-999999999999" not found \(no id or title among the 3 rules from .*rules\)$/);
    const linux = repo(1, [CMD], LINUX_RULE);
    const l = await runTestCommand([linux.data], { rules: [linux.rules] });
    expect(l.lines[0]).toMatch(new RegExp(`: rule ${LINUX_RULE} \\(Linux shell\\) cannot run: .*linux`));
  });

  it('the bundled rules are used without -r (the rule is then not found)', async () => {
    const { data } = repo(1);
    const r = await runTestCommand([data]);
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/not found \(no id or title among the \d+ rules from .*rules\)$/);
  });
});
