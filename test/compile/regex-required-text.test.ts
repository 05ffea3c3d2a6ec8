// The text a regex's every match must contain (src/compile/regex-required-text.ts): examples
// from SigmaHQ-style patterns, the cases that must give nothing, and a check that real matches
// always contain what it returns.
import { describe, expect, it } from 'vitest';
import { regexRequiredText } from '../../src/compile/regex-required-text.js';

describe('regexRequiredText', () => {
  it.each([
    ['\\w+`(\\w+|-|.)`[\\w+|\\s]', '', '`'],
    ['echo.*clip.*&&', 'i', 'echo'],
    ['\\\\windows\\\\temp\\\\[a-z]{8}\\.exe', '', '\\windows\\temp\\'],
    ['cmd\\.exe\\s+/c', '', 'cmd.exe'],
    ['ab+c', '', 'ab'],
    ['abc?d', '', 'ab'],
    ['x{2,}yz', '', 'yz'],
    ['(?:foo|bar)bazz', '', 'bazz'],
    ['^Invoke-Expression', '', 'invoke-expression'],
    ['\\u0041BCD', '', 'bcd'],
  ])('%s (flags %s) must contain %s', (pattern, flags, text) => {
    expect(regexRequiredText(pattern, flags)).toBe(text);
  });

  it.each([
    ['foo|bar', ''],
    ['(a|b)', ''],
    ['.*', ''],
    ['[abc]+', ''],
    ['a?', ''],
    ['\\d+', ''],
    ['\\', ''],
    ['ab)', ''],
  ])('%s gives nothing', (pattern, flags) => {
    expect(regexRequiredText(pattern, flags)).toBeNull();
  });

  it('under i, k and s end a run (Unicode case folding matches the Kelvin sign and long s); non-ASCII ends a run too', () => {
    expect(regexRequiredText('mimikatz', 'i')).toBe('mimi');
    expect(regexRequiredText('mimikatz', '')).toBe('mimikatz');
    expect(regexRequiredText('ssh-keygen', 'i')).toBe('eygen');
    expect(regexRequiredText('cafébarr', '')).toBe('barr');
  });

  it('every real match contains the text, lower-cased', () => {
    const cases: Array<[string, string, string[]]> = [
      ['\\w+`(\\w+|-|.)`[\\w+|\\s]', '', ['I`E`X a', 'x`-`y']],
      ['echo.*clip.*&&', 'i', ['ECHO foo | CLIP && x', 'Echo x clip&&']],
      ['cmd\\.exe\\s+/c', 'i', ['CMD.EXE   /C dir']],
      ['ab+c', 'i', ['ABBBC', 'abc']],
    ];
    for (const [pattern, flags, texts] of cases) {
      const need = regexRequiredText(pattern, flags)!;
      for (const t of texts) {
        expect(new RegExp(pattern, flags).test(t), `${pattern} matches ${t}`).toBe(true);
        expect(t.toLowerCase().includes(need), `${t} contains ${need}`).toBe(true);
      }
    }
  });
});
