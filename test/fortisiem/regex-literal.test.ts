// REGEXP texts that are plain text run as string tests; each conversion is checked against the
// regex itself on values that tell the cases apart.
import { describe, expect, it } from 'vitest';
import { compileRuleRegex } from '../../src/compile/safe-regex.js';
import { compileValueTest } from '../../src/compile/value-test.js';
import { literalTests } from '../../src/rules/fortisiem/regex-literal.js';

const VALUES = [
  'C:\\Windows\\System32\\cmdkey.exe', 'C:\\WINDOWS\\SYSTEM32\\CMDKEY.EXE', 'cmdkey.exe /list', 'x\\cmdkey.exe\ny', 'cmdkey -l', 'cmdkey /l',
  'Win-Sysmon-13-Registry-SetValue', 'Win-Sysmon-12-Registry-DeleteKey', 'a.b', 'aXb', 'C:\\$WINDOWS.~BT\\x', 'chcp', 'chcp 936', 'x "a.bat"', '', 'first\nsecond',
];

describe('REGEXP texts as string tests', () => {
  it.each([
    [String.raw`\\cmdkey\.exe$`, [{ kind: 'endswith', value: '\\cmdkey.exe' }]],
    ['Win-Sysmon-13-Registry-Set.*', [{ kind: 'contains', value: 'Win-Sysmon-13-Registry-Set' }]],
    [' -l| /l', [{ kind: 'contains', value: ' -l' }, { kind: 'contains', value: ' /l' }]],
    ['^chcp$', [{ kind: 'equals', value: 'chcp' }]],
    ['^cmdkey', [{ kind: 'startswith', value: 'cmdkey' }]],
    [String.raw`C:\\\$WINDOWS\.~BT\\`, [{ kind: 'contains', value: 'C:\\$WINDOWS.~BT\\' }]],
    ['.*RemCom_stderr.*', [{ kind: 'contains', value: 'RemCom_stderr' }]],
    [String.raw`\.bat"$`, [{ kind: 'endswith', value: '.bat"' }]],
  ])('%s', (pattern, tests) => {
    expect(literalTests(pattern, false)).toEqual(tests.map((t) => ({ ...t, cased: false })));
  });

  it.each(['a.b', 'x+', '[0-9]', String.raw`\d+`, String.raw`\s-H\s`, 'a{2}', '(a)', '^.*x', 'x.*$', 'a|', 'ß', String.raw`\u202e`, 'Win-.*-5858[^\\d]*'])('%s stays a regex', (pattern) => {
    expect(literalTests(pattern, false)).toBeNull();
  });

  it('non-ASCII text converts only when case matters (where lower-casing cannot differ from the regex)', () => {
    expect(literalTests('–l', false)).toBeNull();
    expect(literalTests('–l', true)).toEqual([{ kind: 'contains', value: '–l', cased: true }]);
  });

  it('every conversion answers as the regex does', () => {
    const patterns = [String.raw`\\cmdkey\.exe$`, 'Win-Sysmon-13-Registry-Set.*', ' -l| /l', '^chcp$', '^cmdkey', String.raw`C:\\\$WINDOWS\.~BT\\`, '^first', 'second$', String.raw`\.bat"$`, String.raw`a\.b`];
    for (const cased of [false, true]) {
      for (const pattern of patterns) {
        const re = compileRuleRegex(pattern, cased ? '' : 'i')!;
        const tests = literalTests(pattern, cased)!.map(compileValueTest);
        for (const v of VALUES) expect(tests.some((t) => t(v, v, v.toLowerCase())), `${pattern} on ${JSON.stringify(v)}`).toBe(re.test(v));
      }
    }
  });
});
