// Sigma string escaping (sigma-semantics §1, row by row), placeholders, and the simplification of
// globs into the cheapest equivalent ValueTest.
import { describe, expect, it } from 'vitest';
import type { GlobPart } from '../../../src/rules/ast.js';
import {
  ANY,
  ONE,
  parseExpandable,
  parseSigmaString,
  toValueTest,
  withLeadingAny,
  withTrailingAny,
} from '../../../src/rules/sigma/sigma-string.js';
import { itemMatches } from '../../helpers/evaluate.js';

describe('Sigma escaping (sigma-semantics §1 table)', () => {
  // rule text (after YAML) | parts | a value it matches | a value it does not match
  const table: [string, GlobPart[], string, string][] = [
    [String.raw`C:\Windows\x`, [String.raw`C:\Windows\x`], String.raw`c:\windows\X`, String.raw`C:\Windowsx`],
    [String.raw`\\`, ['\\'], '\\', '\\\\'],
    ['\\\\\\', ['\\\\'], '\\\\', '\\'], // \\\ (a trailing backslash is kept)
    [String.raw`\\\\`, ['\\\\'], '\\\\', '\\'],
    [String.raw`\*`, ['*'], '*', 'x'],
    [String.raw`\\*`, ['\\', ANY], String.raw`\anything`, String.raw`x\y`],
    [String.raw`\\\*`, ['\\*'], String.raw`\*`, String.raw`\x`],
    [String.raw`\\\\\*\\IPC$`, [String.raw`\\*\IPC$`], String.raw`\\*\IPC$`, String.raw`\\x\IPC$`],
  ];

  it.each(table)('%s reads as %j', (text, parts, yes, no) => {
    expect(parseSigmaString(text)).toEqual(parts);
    expect(itemMatches('F', text, yes)).toBe(true);
    expect(itemMatches('F', text, no)).toBe(false);
  });

  it('reads unescaped * and ? as wildcards, and keeps other escapes whole', () => {
    expect(parseSigmaString('a*b?c')).toEqual(['a', ANY, 'b', ONE, 'c']);
    expect(parseSigmaString(String.raw`\?`)).toEqual(['?']);
    expect(parseSigmaString('a\\nb\\')).toEqual(['a\\nb\\']);
    expect(parseSigmaString('')).toEqual([]);
  });

  it('folds runs of * into one', () => {
    expect(parseSigmaString('a**b***')).toEqual(['a', ANY, 'b', ANY]);
    expect(parseSigmaString('*?*')).toEqual([ANY, ONE, ANY]);
  });

  it('a \\* between words stays literal while * around it is a wildcard', () => {
    expect(itemMatches('F', String.raw`*a\*b*`, 'xxA*Bxx')).toBe(true);
    expect(itemMatches('F', String.raw`*a\*b*`, 'xxAzBxx')).toBe(false);
  });
});

describe('placeholders (sigma-semantics §7)', () => {
  it('are read only under expand', () => {
    expect(parseSigmaString('%admins%')).toEqual(['%admins%']);
    expect(parseExpandable('%admins%')).toEqual([{ placeholder: 'admins' }]);
    expect(parseExpandable('x-%DC-MACHINE-NAME%*')).toEqual(['x-', { placeholder: 'DC-MACHINE-NAME' }, ANY]);
  });

  it('\\% is a literal % under expand; a lone % is literal', () => {
    expect(parseExpandable(String.raw`\%admins%`)).toEqual(['%admins%']);
    expect(parseExpandable('100% sure')).toEqual(['100% sure']);
    expect(parseSigmaString(String.raw`\%x`)).toEqual([String.raw`\%x`]);
  });
});

describe('contains / startswith / endswith stars', () => {
  it('are added unless already there', () => {
    expect(withLeadingAny(['a'])).toEqual([ANY, 'a']);
    expect(withLeadingAny([ANY, 'a'])).toEqual([ANY, 'a']);
    expect(withTrailingAny(['a', ANY])).toEqual(['a', ANY]);
    expect(withTrailingAny(['a', ONE])).toEqual(['a', ONE, ANY]);
    expect(withTrailingAny(withLeadingAny([]))).toEqual([ANY]);
  });
});

describe('toValueTest', () => {
  const table: [string, GlobPart[], ReturnType<typeof toValueTest>][] = [
    ['no wildcard → equals', ['abc'], { kind: 'equals', value: 'abc', cased: false }],
    ['empty → equals ""', [], { kind: 'equals', value: '', cased: false }],
    ['*lit* → contains', [ANY, 'abc', ANY], { kind: 'contains', value: 'abc', cased: false }],
    ['lit* → startswith', ['abc', ANY], { kind: 'startswith', value: 'abc', cased: false }],
    ['*lit → endswith', [ANY, 'abc'], { kind: 'endswith', value: 'abc', cased: false }],
    ['* → contains "" (any value, empty too)', [ANY], { kind: 'contains', value: '', cased: false }],
    ['** → contains ""', [ANY, ANY], { kind: 'contains', value: '', cased: false }],
    ['? → glob', [ONE], { kind: 'glob', parts: [ONE], cased: false }],
    ['a*b → glob', ['a', ANY, 'b'], { kind: 'glob', parts: ['a', ANY, 'b'], cased: false }],
    ['*a*b* → glob', [ANY, 'a', ANY, 'b', ANY], { kind: 'glob', parts: [ANY, 'a', ANY, 'b', ANY], cased: false }],
  ];
  it.each(table)('%s', (_name, parts, test) => {
    expect(toValueTest(parts, false)).toEqual(test);
  });

  it('keeps cased', () => {
    expect(toValueTest([ANY, 'A', ANY], true)).toEqual({ kind: 'contains', value: 'A', cased: true });
  });

  it('`*` matches any value, the empty one too', () => {
    expect(itemMatches('F', '*', '')).toBe(true);
    expect(itemMatches('F', '*', 'x\ny')).toBe(true);
    expect(itemMatches('F', '*', null)).toBe(true);
    expect(itemMatches('F', '*', {})).toBe(false); // absent field
  });
});
