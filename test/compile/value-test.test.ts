// compileValueTest for each ValueTest kind, and the guarantee that a rule regex cannot hang a scan.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ValueTest } from '../../src/rules/ast.js';
import { valueText, type Value } from '../../src/evtx/values.js';
import { compileValueTest, parseNetwork, parseTimestamp, timePart } from '../../src/compile/value-test.js';
import { compileRuleRegex, LINEAR_FALLBACK, regexProblem } from '../../src/compile/safe-regex.js';

function run(test: ValueTest, value: Value): boolean {
  const text = valueText(value);
  return compileValueTest(test)(value, text, text.toLowerCase());
}

const ANY = { wildcard: '*' } as const;
const ONE = { wildcard: '?' } as const;

describe('string tests', () => {
  const rows: [ValueTest, Value, boolean][] = [
    [{ kind: 'equals', value: 'Cmd.EXE', cased: false }, 'cmd.exe', true],
    [{ kind: 'equals', value: 'Cmd.EXE', cased: true }, 'cmd.exe', false],
    [{ kind: 'equals', value: '', cased: false }, null, true],
    [{ kind: 'contains', value: 'ÄB', cased: false }, 'xäbx', true],
    [{ kind: 'startswith', value: 'ab', cased: false }, 'ABc', true],
    [{ kind: 'endswith', value: 'bc', cased: true }, 'aBC', false],
    [{ kind: 'equals', value: '1,2', cased: false }, ['1', 2], true],
    [{ kind: 'glob', parts: ['a', ANY, 'c'], cased: false }, 'A\nb\nC', true],
    [{ kind: 'glob', parts: ['a', ONE, 'c'], cased: false }, 'abbc', false],
    [{ kind: 'glob', parts: ['a', ONE, 'c'], cased: false }, 'a.c', true],
    [{ kind: 'glob', parts: ['a.(b)', ANY], cased: false }, 'A.(B)x', true],
    [{ kind: 'glob', parts: ['a.(b)', ANY], cased: false }, 'aX(b)x', false],
    [{ kind: 'glob', parts: ['A', ANY], cased: true }, 'abc', false],
    // İ lower-cases to two characters; the glob is built from lowered parts, so it still lines up.
    [{ kind: 'glob', parts: ['İ', ONE, 'x'], cased: false }, 'İyX', true],
  ];
  it.each(rows)('%o on %o → %s', (test, value, expected) => {
    expect(run(test, value)).toBe(expected);
  });
});

describe('compare', () => {
  const rows: [ValueTest, Value, boolean][] = [
    [{ kind: 'compare', op: 'gt', value: 15 }, '0x10', true],
    [{ kind: 'compare', op: 'gt', value: 15 }, '0X0F', false],
    [{ kind: 'compare', op: 'eq', value: 16 }, '0x10', true],
    [{ kind: 'compare', op: 'eq', value: 4688 }, 4688, true],
    [{ kind: 'compare', op: 'lte', value: 1.5 }, '1.5', true],
    [{ kind: 'compare', op: 'lt', value: 0 }, '-3', true],
    [{ kind: 'compare', op: 'gt', value: 1 }, ' 2', false],
    [{ kind: 'compare', op: 'gt', value: 1 }, true, false],
    [{ kind: 'compare', op: 'gt', value: 1 }, null, false],
    [{ kind: 'compare', op: 'gt', value: 2 ** 53 }, 2n ** 64n - 1n, true],
    [{ kind: 'compare', op: 'gt', value: 2 ** 53 }, '0xFFFFFFFFFFFFFFFF', true],
    [{ kind: 'compare', op: 'eq', value: 2 ** 53 }, '9007199254740993', false], // exact, not rounded
    [{ kind: 'compare', op: 'eq', value: 10 }, 10n, true],
  ];
  it.each(rows)('%o on %o → %s', (test, value, expected) => {
    expect(run(test, value)).toBe(expected);
  });
});

describe('cidr', () => {
  const rows: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', '::ffff:0a01:0203', true],
    ['10.0.0.0/8', '10.1.2', false],
    ['10.0.0.0/8', '10.1.2.300', false],
    ['192.168.1.7', '192.168.1.7', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'FE80:0:0:0:0:0:0:1', true],
    ['fe80::/10', 'febf:ffff::', true],
    ['fe80::/10', 'fec0::1', false],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['::1/128', '::1', true],
    ['::/0', '10.0.0.1', false],
    ['2001:db8::/32', '2001:db8:1:2:3:4:5:6', true],
    ['2001:db8::/32', '2001:db8:1:2:3:4:5:6:7', false],
    ['2001:db8::/32', '2001:db8::1::2', false],
    ['2001:db8::/32', '-', false],
  ];
  it.each(rows)('%s contains %s: %s', (network, address, expected) => {
    expect(run({ kind: 'cidr', network }, address)).toBe(expected);
  });

  it('parses networks and refuses what is not one', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ version: 4, bits: 0x0a000000n, prefix: 8 });
    expect(parseNetwork('::/0')).toEqual({ version: 6, bits: 0n, prefix: 0 });
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', 'fe80::/129', 'host', '1.2.3.4.5', '::1::', '1:2:3:4:5:6:7:8:9']) {
      expect(parseNetwork(bad)).toBeUndefined();
    }
  });
});

describe('timepart', () => {
  it('reads ISO 8601 and "YYYY-MM-DD HH:MM:SS.fff" as UTC', () => {
    expect(parseTimestamp('2024-12-30T13:45:10.123456Z')).toBe(Date.UTC(2024, 11, 30, 13, 45, 10));
    expect(parseTimestamp('2024-12-30 13:45:10.123')).toBe(Date.UTC(2024, 11, 30, 13, 45, 10));
    expect(parseTimestamp('2024-12-30T13:45:10-02:30')).toBe(Date.UTC(2024, 11, 30, 16, 15, 10));
    expect(parseTimestamp('2024-12-30')).toBe(Date.UTC(2024, 11, 30));
    expect(parseTimestamp('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('numbers weeks the ISO way', () => {
    const week = (y: number, m: number, d: number): number => timePart(Date.UTC(y, m - 1, d), 'week');
    expect(week(2021, 1, 1)).toBe(53); // a Friday: still 2020's last week
    expect(week(2024, 12, 30)).toBe(1); // a Monday: 2025's first week
    expect(week(2026, 1, 1)).toBe(1);
    expect(week(2024, 6, 15)).toBe(24);
  });

  it('compares the part', () => {
    expect(run({ kind: 'timepart', part: 'hour', value: 13 }, '2024-12-30T13:45:10Z')).toBe(true);
    expect(run({ kind: 'timepart', part: 'month', value: 12 }, '2024-12-30T13:45:10Z')).toBe(true);
    expect(run({ kind: 'timepart', part: 'year', value: 2024 }, 2024)).toBe(false);
  });
});

describe('regex', () => {
  const rows: [string, string, Value, boolean][] = [
    ['foo\\d', '', 'xfoo1', true],
    ['^FOO', '', 'foo', false],
    ['^FOO', 'i', 'foo', true],
    ['^b$', 'm', 'a\nb', true],
    ['a.b', 's', 'a\nb', true],
    ['[A-Z]{3}', 'i', 'x abc', true],
    ['[^a-z]', 'i', 'ABC', false],
    ['ÉTÉ', 'i', 'été', true],
    ['(a)\\1', 'i', 'aA', true], // back-references keep the engine's own case folding
    ['(?<=a)b', '', 'ab', true],
  ];
  it.each(rows)('/%s/%s on %o → %s', (pattern, flags, value, expected) => {
    expect(run({ kind: 'regex', pattern, flags }, value)).toBe(expected);
  });

  it('a regex the loader would have refused never matches', () => {
    expect(run({ kind: 'regex', pattern: '(', flags: '' }, '(')).toBe(false);
  });
});

describe('regex safety', () => {
  const catastrophic: [string, string, string][] = [
    ['(a+)+$', '', 'a'.repeat(30) + '!'],
    ['(x+x+)+y', '', 'x'.repeat(30)],
    ['(X+X+)+y', 'i', 'x'.repeat(30)], // needs the hand-made case folding to reach the linear engine
    ['(\\w+\\s?)+$', 'i', 'aaaa bbbb cccc dddd eeee ffff gggg hhhh!'],
    ['(a|a)*b', '', 'a'.repeat(30)],
    ['(a{1,3}){1,12}$', '', 'a'.repeat(30) + '!'], // counted repeats are written out to stay linear
  ];

  it('the linear fallback engine is on', () => {
    expect(LINEAR_FALLBACK).toBe(true);
  });

  it.each(catastrophic)('/%s/%s on a 30-character non-match finishes at once', (pattern, flags, input) => {
    expect(regexProblem(pattern, flags)).toBeUndefined();
    const re = compileRuleRegex(pattern, flags);
    const start = performance.now();
    expect(re?.test(input)).toBe(false);
    expect(performance.now() - start).toBeLessThan(250);
  });

  it('without the protection, the same test takes far longer than a second', () => {
    // A fresh Node without the V8 flags, killed after 2 s (it needs about a minute).
    const code = "/(a+)+$/.test('a'.repeat(30) + '!')";
    const child = spawnSync(process.execPath, ['-e', code], { timeout: 2000 });
    expect(child.signal).toBe('SIGTERM');
  });

  it('globs are protected the same way', () => {
    const parts = Array.from({ length: 12 }, () => [ANY, 'a']).flat();
    const start = performance.now();
    expect(run({ kind: 'glob', parts: [...parts, 'b'], cased: false }, 'a'.repeat(60))).toBe(false);
    expect(performance.now() - start).toBeLessThan(250);
  });

  it('refuses nested repeats outside the linear subset, and PCRE-only escapes', () => {
    expect(regexProblem('(a+)+\\1', '')).toMatch(/backtrack/);
    expect(regexProblem('(?=x)(a|ab)*c', '')).toMatch(/backtrack/);
    expect(regexProblem('(?=x)a+b', '')).toBeUndefined(); // outside the subset but no nesting
    expect(regexProblem('\\Afoo', '')).toMatch(/\\A/);
    expect(regexProblem('\\x{41}', '')).toMatch(/\\x/);
    expect(regexProblem('(?i)a', '')).toMatch(/not a valid JavaScript/);
  });

  it('rewrites keep the meaning: folding, counted repeats, escapes and classes', () => {
    const samples = ['', 'a', 'A', 'é', 'É', 'ab-', 'AB/', '{2}', 'x\\y', 'ſ', 'K', 'k', 'σΣς', 'aaaa', '\n', 'a]b', 'a-c'];
    const patterns: [string, string][] = [
      ['[a-c]+', 'i'],
      ['[^a-]', 'i'],
      ['[\\w-]{2,3}', 'i'],
      ['[\\]-]', ''],
      ['é|Σ', 'i'],
      ['k', 'i'],
      ['s', 'i'],
      ['a{2}', ''],
      ['\\{2}', ''],
      ['x\\\\y', 'i'],
      ['\\x41\\u0062', 'i'],
      ['[\\x41-\\x43]', 'i'],
      ['(?<n>a)(?:b)?', 'i'],
      ['\\101', ''],
      ['[\\d-z]', ''],
      ['^$', ''],
      ['\\ba', 'i'],
    ];
    for (const [pattern, flags] of patterns) {
      const ours = compileRuleRegex(pattern, flags)!;
      const engine = new RegExp(pattern, flags);
      for (const s of samples) expect([pattern, flags, s, ours.test(s)]).toEqual([pattern, flags, s, engine.test(s)]);
    }
  });
});
