// `sigscan test` end to end on *.test.yml files and small EVTX files: the per-case lines, the
// summary, JSON, exit codes, rule sets loaded once each, groups of a grouping (FortiSIEM) rule,
// disabled rules, and terminal safety.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTest } from '../../src/cli/test.js';
import { evtxFile } from '../helpers/events-file.js';
import { CMD, CMD_RULE, NOTEPAD, PWSH, PWSH_RULE, evtxOf, put, runTestCommand, workspace } from './helpers.js';

/** A workspace with logs/mixed.evtx (2 cmd, 1 powershell, 1 notepad) and tests/<name>. */
function setup(tests: Record<string, string>) {
  const dir = workspace();
  put(dir, 'logs/mixed.evtx', evtxOf([CMD, PWSH, CMD, NOTEPAD]));
  put(dir, 'logs/quiet.evtx', evtxOf([NOTEPAD]));
  for (const [name, text] of Object.entries(tests)) put(dir, `tests/${name}`, text);
  return { dir, tests: join(dir, 'tests'), rules: join(dir, 'rules') };
}

const PASSING = `rules: ../rules
cases:
  - name: cmd and powershell fire
    evtx: ../logs/mixed.evtx
    expect:
      - rule: ${CMD_RULE}
        events: 2
        detections: 1
        groups: [{group: {}, events: 2}]
      - rule: PowerShell started
    mustNotFire: all-others
  - name: nothing fires on notepad
    evtx: [../logs/quiet.evtx]
    mustNotFire: all-others
`;

describe('sigscan test with *.test.yml', () => {
  it('all cases pass: one PASS line each, the summary, exit 0', async () => {
    const { tests } = setup({ 'a.test.yml': PASSING });
    const r = await runTestCommand([tests]);
    const file = join(tests, 'a.test.yml');
    expect(r.lines.slice(0, 2)).toEqual([`PASS  ${file}:3 cmd and powershell fire`, `PASS  ${file}:12 nothing fires on notepad`]);
    expect(r.lines[2]).toMatch(/^sigscan test: 2 cases, 2 passed, 0 failed \(\d+\.\ds\)$/);
    expect(r.status).toBe(0);
  });

  it('a failing case says every difference on its line; exit 1', async () => {
    const { tests } = setup({
      'b.test.yml': `rules: ../rules
cases:
  - name: wrong counts
    evtx: ../logs/mixed.evtx
    expect:
      - {rule: ${CMD_RULE}, events: 3, detections: 2}
    mustNotFire: [${PWSH_RULE}]
  - name: missing file
    evtx: ../logs/nope.evtx
    expect: [{rule: ${CMD_RULE}}]
`,
    });
    const r = await runTestCommand([tests]);
    const file = join(tests, 'b.test.yml');
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(3);
    expect(r.lines[0]).toBe(
      `FAIL  ${file}:3 wrong counts: rule ${CMD_RULE} (Cmd started): expected 3 matching events, got 2; ` +
        `rule ${CMD_RULE} (Cmd started): expected 2 detections, got 1 (groups: {} 2 events); ` +
        `rule ${PWSH_RULE} (PowerShell started) must not fire, fired on 1 event (groups: {} 1 event)`,
    );
    expect(r.lines[1]).toBe(`FAIL  ${file}:8 missing file: ${file}:9:11: EVTX file not found: ${join(tests, '..', 'logs', 'nope.evtx')}`);
    expect(r.lines[2]).toMatch(/^sigscan test: 2 cases, 0 passed, 2 failed/);
  });

  it('--format json: summary and each case with its failures (kind, rule, expected, actual)', async () => {
    const { tests } = setup({ 'c.test.yml': `rules: ../rules\ncases:\n  - name: too few\n    evtx: ../logs/mixed.evtx\n    expect: [{rule: ${CMD_RULE}, events: 5}]\n` });
    const r = await runTestCommand([tests], { format: 'json' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ cases: 1, passed: 0, failed: 1 });
    expect(report.cases).toEqual([
      {
        name: 'too few',
        file: join(tests, 'c.test.yml'),
        line: 3,
        format: 'test-file',
        status: 'fail',
        failures: [{ kind: 'events', rule: CMD_RULE, expected: 5, actual: 2, message: `rule ${CMD_RULE} (Cmd started): expected 5 matching events, got 2` }],
        notes: [],
      },
    ]);
  });

  it('-q prints only failing cases and the summary, and nothing on stderr', async () => {
    const { tests } = setup({ 'a.test.yml': PASSING, 'c.test.yml': `rules: ../rules\ncases:\n  - name: too few\n    evtx: ../logs/mixed.evtx\n    expect: [{rule: ${CMD_RULE}, events: 5}]\n` });
    const r = await runTestCommand([tests], { quiet: true });
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^FAIL .*too few: /);
    expect(r.lines[1]).toMatch(/^sigscan test: 3 cases, 2 passed, 1 failed/);
    expect(r.stderr).toBe('');
  });

  it('rules: each distinct rule set is loaded once; -r is the default for files that name none', async () => {
    const noRules = PASSING.replace('rules: ../rules\n', '');
    const { tests, rules } = setup({ 'a.test.yml': noRules, 'b.test.yml': noRules, 'c.test.yml': PASSING, 'd.test.yml': PASSING.replace('rules: ../rules', 'rules: [../rules/cmd.yml]') });
    const r = await runTestCommand([tests], { rules: [rules] });
    // c.test.yml's ../rules is the -r folder: the same set. d.test.yml's is another.
    expect(r.stderr.split('\n').filter((l) => l.includes('rules from'))).toHaveLength(2);
    expect(r.stderr).toMatch(/rules from .*rules: 2 run, 1 invalid, 0 unsupported, 1 for other log sources/);
    // d.test.yml has only the cmd rule: PowerShell is not found there.
    expect(r.lines.filter((l) => l.startsWith('PASS'))).toHaveLength(7);
    expect(r.lines.find((l) => l.startsWith('FAIL'))).toMatch(/d\.test\.yml:3 cmd and powershell fire: rule "PowerShell started" not found \(no id or title among the 1 rules from .*cmd\.yml\)$/);
    expect(r.status).toBe(1);
  });

  it("a test file's rules that give nothing to run fail its cases at the rules line", async () => {
    const { tests } = setup({ 'e.test.yml': PASSING.replace('rules: ../rules', 'rules: [../no-rules-here]') });
    const r = await runTestCommand([tests]);
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe(
      `FAIL  ${join(tests, 'e.test.yml')}:3 cmd and powershell fire: ${join(tests, 'e.test.yml')}:1:8: rules: no rule to run (0 rule files, 0 rules loaded, 1 invalid, 0 cannot run here; first problem: ${join(tests, '..', 'no-rules-here')}: no such rule file or folder)`,
    );
  });

  it('an unreadable EVTX file fails its case with the reader’s reason', async () => {
    const { dir, tests } = setup({ 'f.test.yml': `rules: ../rules\ncases:\n  - evtx: ../logs/junk.evtx\n    mustNotFire: all-others\n` });
    put(dir, 'logs/junk.evtx', 'not an event log at all');
    const r = await runTestCommand([tests]);
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatch(/^FAIL .*f\.test\.yml:3 case 1: 1 of 1 EVTX files could not be read: .*junk\.evtx: /);
  });

  it('text from test and rule files reaches the terminal without raw control characters', async () => {
    const { dir, tests } = setup({
      'g.test.yml': `rules: ../rules\ncases:\n  - name: "red \\e[31m name"\n    evtx: ../logs/mixed.evtx\n    expect: [{rule: "Evil \\e]0;title\\a rule", events: 9}]\n`,
    });
    put(dir, 'rules/evil.yml', `title: "Evil \\e]0;title\\a rule"\nid: 44444444-4444-4444-8444-444444444444\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\cmd.exe'}\n  condition: sel\n`);
    const r = await runTestCommand([tests]);
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(r.lines[0]).toBe(`FAIL  ${join(tests, 'g.test.yml')}:3 red \\u001b[31m name: rule "Evil \\u001b]0;title\\u0007 rule": expected 9 matching events, got 2`);
  });
});

describe('sigscan test: exit 2', () => {
  it('when no test file is found, or a given path does not exist', async () => {
    const { dir, tests } = setup({ 'notes.yml': 'not a test file name\n' });
    const none = await runTestCommand([tests]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('sigscan: no test files (info.yml or *.test.yml) found in the given paths');
    const missing = await runTestCommand([join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`sigscan: ${join(dir, 'nope')}: no such file or folder`);
  });

  it('when the run’s rules (-r) give nothing to run', async () => {
    const { dir, tests } = setup({ 'a.test.yml': PASSING });
    const r = await runTestCommand([tests], { rules: [join(dir, 'no-such-rules')] });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sigscan: rules from .*no-such-rules: no rule to run \(0 rule files/m);
    expect(r.stdout).toBe('');
  });

  it('when --placeholders names a folder that is not there (a usage error, as in scan)', async () => {
    const { dir, tests } = setup({ 'a.test.yml': PASSING });
    const r = await runTestCommand([tests], { placeholders: join(dir, 'no-such-placeholders') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sigscan: .*no-such-placeholders/);
  });

  it('a test file named directly is read whatever its name; info.yml and *.test.yml are found side by side', async () => {
    const { dir, tests } = setup({ 'a.test.yml': PASSING });
    const direct = put(dir, 'tests/plain-name.yml', PASSING);
    const r = await runTestCommand([direct]);
    expect(r.status).toBe(0);
    expect(r.lines).toHaveLength(3);
    put(dir, 'tests/sub/info.yml', `rule_metadata: [{id: ${CMD_RULE}}]\nregression_tests_info: [{type: evtx, path: logs/mixed.evtx, match_count: 2}]\n`);
    const both = await runTestCommand([tests], { rules: [join(dir, 'rules')] });
    expect(both.lines.map((l) => l.slice(0, 4))).toEqual(['PASS', 'PASS', 'PASS', 'sigs']);
    expect(both.lines[2]).toContain(join(tests, 'sub', 'info.yml'));
  });
});

describe('sigscan test with grouping rules (FortiSIEM group-by)', () => {
  const SCM = { channel: 'System', provider: 'Service Control Manager', eventId: 7045 };
  const install = (computer: string, service: string) => ({ ...SCM, computer, data: { ServiceName: service, ImagePath: `C:\\x\\${service}.exe` } });
  const fsmRule = (status: string) =>
    `id: T_SERVICE_PER_HOST\nname: Service per host\nstatus: ${status}\nseverity: 5\nwindow: 300\nsubpatterns:\n  - name: A\n    query: 'eventType="Win-System-Service-Control-Manager-7045" AND serviceName="BTOBTO"'\n    groupBy: [hostName]\n    aggregate: COUNT(*) >= 1\n`;

  function grouped(status: string, expectation: string) {
    const log = evtxFile([install('WS01', 'BTOBTO'), install('WS01', 'BTOBTO'), install('WS02', 'BTOBTO'), install('WS02', 'Spooler')], 'System.evtx');
    const dir = workspace();
    put(dir, 'fsm/service.yml', fsmRule(status));
    put(dir, 'fsm/other.yml', fsmRule('enabled').replace('T_SERVICE_PER_HOST', 'T_OTHER').replace('Service per host', 'Other'));
    const tests = put(dir, 'tests/g.test.yml', `rules: ../fsm\ncases:\n  - name: per host\n    evtx: ${log}\n    expect:\n${expectation}`);
    return { tests, dir };
  }

  it('groups: each listed group is one of the detections, with its event count', async () => {
    const ok = grouped('enabled', '      - rule: T_SERVICE_PER_HOST\n        events: 3\n        detections: 2\n        groups:\n          - {group: {hostName: WS01}, events: 2}\n          - {group: {hostName: WS02}}\n');
    const r = await runTestCommand([ok.tests]);
    expect(r.lines[0]).toBe(`PASS  ${ok.tests}:3 per host`);
    expect(r.status).toBe(0);
    const wrong = grouped('enabled', '      - rule: Service per host\n        groups:\n          - {group: {hostName: WS01}, events: 1}\n          - {group: {hostName: WS03}}\n');
    const w = await runTestCommand([wrong.tests]);
    expect(w.status).toBe(1);
    expect(w.lines[0]).toBe(
      `FAIL  ${wrong.tests}:3 per host: rule "Service per host", group {"hostName":"WS01"}: expected 1 event, got 2; ` +
        `rule "Service per host": no detection with group {"hostName":"WS03"} (groups: {"hostName":"WS01"} 2 events, {"hostName":"WS02"} 1 event)`,
    );
  });

  it('a disabled rule is named as such, and runs with --include-disabled', async () => {
    const { tests } = grouped('disabled', '      - {rule: T_SERVICE_PER_HOST, events: 3}\n');
    const r = await runTestCommand([tests]);
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe(`FAIL  ${tests}:3 per host: rule T_SERVICE_PER_HOST (Service per host) is disabled: it runs only with --include-disabled`);
    expect((await runTestCommand([tests], { includeDisabled: true })).status).toBe(0);
  });
});

describe('sigscan test: the report file', () => {
  it('an output file that cannot be written is a usage error, exit 2', async () => {
    const { dir, tests } = setup({ 'a.test.yml': PASSING });
    const stderr: string[] = [];
    const status = await runTest([tests], { format: 'text', color: false, output: join(dir, 'no-such-folder', 'report.txt') }, (s) => stderr.push(s));
    expect(status).toBe(2);
    expect(stderr).toEqual([`sigscan: cannot write ${join(dir, 'no-such-folder', 'report.txt')}: ENOENT`]);
  });
});
