// Reading our *.test.yml format: what each key becomes, and every mistake reported as
// file:line:col on the case (or the file) it belongs to.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testFileCases } from '../../src/testing/test-file-cases.js';
import { put, workspace } from './helpers.js';

const read = (text: string) => {
  const dir = workspace();
  const file = put(dir, 'tests/t.test.yml', text);
  return { dir, file, cases: testFileCases(file) };
};

describe('testFileCases', () => {
  it('reads rules, logs and expectations, paths relative to the test file', () => {
    const { dir, file, cases } = read(
      [
        'rules: [../rules/cmd.yml, ../rules/pwsh.yml]',
        'cases:',
        '  - name: cmd fires',
        '    evtx: a.evtx',
        '    expect:',
        '      - rule: Cmd started',
        '        events: 2',
        '        detections: 1',
        '        groups:',
        '          - {group: {Computer: WS01, Port: 445}, events: 2}',
        '    mustNotFire: [22222222-2222-4222-8222-222222222222, all-others]',
        '  - evtx: [b.evtx, sub/c.evtx]',
        '    events: e.events.yml',
        '    expect: [{rule: x}]',
        '',
      ].join('\n'),
    );
    expect(cases).toHaveLength(2);
    const [a, b] = cases;
    expect(a.problems).toEqual([]);
    expect(a.name).toBe('cmd fires');
    expect(a.at).toEqual({ file, line: 3, column: 5 });
    expect(a.rules).toEqual([join(dir, 'rules/cmd.yml'), join(dir, 'rules/pwsh.yml')]);
    expect(a.rulesAt).toEqual({ file, line: 1, column: 8 });
    expect(a.evtx).toEqual([{ path: join(dir, 'tests/a.evtx'), at: { file, line: 4, column: 11 } }]);
    expect(a.expect).toEqual([
      { rule: 'Cmd started', events: 2, detections: 1, groups: [{ group: { Computer: 'WS01', Port: '445' }, events: 2, at: { file, line: 10, column: 13 } }], at: { file, line: 6, column: 9 } },
    ]);
    expect(a.mustNotFire).toEqual(['22222222-2222-4222-8222-222222222222']);
    expect(a.onlyExpectedFire).toBe(true);
    expect(b.name).toBe('case 2');
    expect(b.evtx.map((e) => e.path)).toEqual([join(dir, 'tests/b.evtx'), join(dir, 'tests/sub/c.evtx')]);
    expect(b.events).toEqual([{ kind: 'file', path: join(dir, 'tests/e.events.yml'), at: { file, line: 13, column: 13 } }]);
    // Only a rule named: it must fire at least once.
    expect(b.expect).toMatchObject([{ rule: 'x', minEvents: 1, groups: [] }]);
    expect(b.onlyExpectedFire).toBe(false);
  });

  it('inline events are kept as their YAML node, with the file text, for the event builder', () => {
    const { file, cases } = read('cases:\n  - events:\n      - {EventID: 1}\n    mustNotFire: all-others\n');
    expect(cases[0].events).toMatchObject([{ kind: 'inline', file, at: { line: 3, column: 7 } }]);
    expect(cases[0].onlyExpectedFire).toBe(true);
    expect(cases[0].expect).toEqual([]);
  });

  it('mistakes in a case fail that case with file:line:col, the others still read', () => {
    const { file, cases } = read(
      [
        'cases:',
        '  - name: typo',
        '    evtx: a.evtx',
        '    expect:',
        '      - rule: x',
        '        event: 3',
        '        detections: -1',
        '        groups: [{group: WS01}]',
        '      - events: 2',
        '  - name: no logs, no checks',
        '  - name: fine',
        '    evtx: a.evtx',
        '    mustNotFire: x',
        '  - just text',
        '',
      ].join('\n'),
    );
    expect(cases.map((c) => c.name)).toEqual(['typo', 'no logs, no checks', 'fine', 'case 4']);
    expect(cases[0].problems.map((p) => p.message)).toEqual([
      `${file}:6:9: unknown key "event" (expected rule, events, detections, groups)`,
      `${file}:7:21: detections must be a whole number of at least 0`,
      `${file}:8:26: group must be a map of group-by fields to values`,
      `${file}:9:9: expect entry without a rule (id or exact title)`,
    ]);
    expect(cases[1].problems.map((p) => p.message)).toEqual([
      `${file}:10:5: case "no logs, no checks" has no logs: give evtx or events`,
      `${file}:10:5: case "no logs, no checks" checks nothing: give expect or mustNotFire`,
    ]);
    expect(cases[2].problems).toEqual([]);
    expect(cases[3].problems.map((p) => p.message)).toEqual([`${file}:14:5: a case must be a map: {name, evtx or events, expect, mustNotFire}`]);
    expect(cases.flatMap((c) => c.problems).every((p) => p.kind === 'invalid-test')).toBe(true);
  });

  it('mistakes at the top fail the file as one nameless case', () => {
    const top = read('rules: {a: 1}\ncase: []\n');
    expect(top.cases).toHaveLength(1);
    expect(top.cases[0].name).toBe('');
    expect(top.cases[0].problems.map((p) => p.message)).toEqual([
      `${top.file}:2:1: unknown key "case" (expected rules, description, cases)`,
      `${top.file}:1:8: rules must be a rule file or folder, or a list of them`,
      `${top.file}:1:1: cases must be a list of at least one case`,
    ]);
    const syntax = read('cases:\n  - name: a\n    name: b\n');
    expect(syntax.cases[0].problems.map((p) => p.message)).toEqual([`${syntax.file}:3:5: YAML: Map keys must be unique`]);
    expect(read('- a\n- b\n').cases[0].problems[0].message).toMatch(/:1:1: expected a map at the top of the file$/);
    expect(read('cases: []\n').cases[0].problems[0].message).toMatch(/:1:8: cases must be a list of at least one case$/);
  });
});
