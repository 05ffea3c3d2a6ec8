// One truth table per modifier, evaluated end to end: rule key + value → fieldItem → the
// test evaluator over an event (field `F` unless a whole event is given). Plus the exact
// expansions of base64offset and windash, and the registry's shape.
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/evtx/values.js';
import { base64Offsets, MODIFIERS, windashVariants } from '../../../src/rules/sigma/modifiers.js';
import { fieldItem } from '../../../src/rules/sigma/detection-item.js';
import { parseSigmaString } from '../../../src/rules/sigma/sigma-string.js';
import { itemMatches, recordingContext, type TestEvent } from '../../helpers/evaluate.js';

type Row = [key: string, ruleValue: unknown, event: TestEvent | Value, expected: boolean];

const b64 = (text: string, encoding: BufferEncoding = 'utf8'): string => Buffer.from(text, encoding).toString('base64');
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

function table(name: string, rows: Row[], placeholders: Record<string, string[]> = {}): void {
  describe(name, () => {
    it.each(rows)('%s: %o on %o → %s', (key, ruleValue, event, expected) => {
      expect(itemMatches(key, ruleValue, event, placeholders)).toBe(expected);
    });
  });
}

table('contains', [
  ['F|contains', 'foo', 'xxFOOxx', true],
  ['F|contains', 'foo', 'fo', false],
  ['F|contains', '*foo', 'a foo b', true],
  ['F|contains', 'a?c', 'xxabcxx', true],
  ['F|contains', 'a?c', 'xxacxx', false],
  ['F|contains', 4688, 'x4688y', true],
  ['F|contains', '', '', true],
  ['F|contains', ['x', 'y'], 'zzy', true],
  ['F|contains', ['x', 'y'], 'zz', false],
]);

table('startswith', [
  ['F|startswith', 'C:\\Win', 'c:\\windows', true],
  ['F|startswith', 'win', 'xwin', false],
  ['F|startswith', 'a*c', 'abbbcdef', true],
]);

table('endswith', [
  ['F|endswith', '\\cmd.exe', 'C:\\Windows\\System32\\CMD.EXE', true],
  ['F|endswith', '\\cmd.exe', 'C:\\cmd.exe.bak', false],
  ['F|endswith', '*.exe', 'a.exe', true],
]);

table('all', [
  ['F|contains|all', ['a', 'b'], 'xaxbx', true],
  ['F|contains|all', ['a', 'b'], 'xax', false],
  ['F|all', ['a', 'b'], 'a', false], // whole-value equality with two different values: nothing
  ['F|all', 'a', 'a', true], // a single value is fine
  ['F|all', ['a', 'A'], 'a', true],
  ['F|all|contains', ['a', 'b'], 'ab', true], // position of all in the chain does not matter
]);

table('base64', [
  ['F|base64', 'spinstall0.aspx', b64('spinstall0.aspx'), true],
  ['F|base64|contains', 'spinstall0.aspx', `-e ${b64('spinstall0.aspx')} x`, true],
  ['F|base64|contains', 'spinstall0.aspx', b64('spinstall0.aspx').toLowerCase(), false], // case kept
  ['F|base64', 'é', 'w6k=', true], // UTF-8 bytes, padded
  ['F|base64|contains', 'abc', b64('abd'), false],
]);

table('base64offset', [
  ['F|base64offset|contains', 'http', b64('http://x'), true],
  ['F|base64offset|contains', 'http', b64('.http://x'), true],
  ['F|base64offset|contains', 'http', b64('..http://x'), true],
  ['F|base64offset|contains', 'http', b64('...https'), true],
  ['F|base64offset|contains', 'http', b64('htp://x'), false],
  ['F|base64offset|contains', 'http', b64('..http://x').toUpperCase(), false],
]);

table('wide', [
  ['F|wide|base64', 'cmd', 'YwBtAGQA', true],
  ['F|wide|base64offset|contains', 'ab', b64('xxab', 'utf16le'), true],
  ['F|wide|base64offset|contains', 'ab', b64('xab', 'utf16le'), true],
  ['F|wide|base64offset|contains', 'ab', b64('ab', 'utf8'), false],
]);

table('utf16le', [
  ['F|utf16le|base64', 'cmd', 'YwBtAGQA', true],
  ['F|utf16le|base64', 'cmd', 'Y21k', false],
]);

table('utf16be', [
  ['F|utf16be|base64', 'cmd', utf16be('cmd').toString('base64'), true],
  ['F|utf16be|base64', 'cmd', 'AGMAbQBk', true],
  ['F|utf16be|base64', 'cmd', 'YwBtAGQA', false],
]);

table('utf16', [
  ['F|utf16|base64', 'cmd', '//5jAG0AZAA=', true], // FF FE, then little-endian
  ['F|utf16|base64', 'cmd', 'YwBtAGQA', false],
]);

table('windash', [
  ['F|windash', '-x', '-x', true],
  ['F|windash', '-x', '/x', true],
  ['F|windash', '-x', '\u2013x', true],
  ['F|windash', '-x', '\u2014x', true],
  ['F|windash', '-x', '\u2015x', true],
  ['F|windash', '-x', '+x', false],
  ['F|windash', 'a-b', 'a/b', false], // the dash does not start a word
  ['F|contains|windash', ' -enc ', 'powershell /enc abc', true],
  ['F|windash|contains', ' -enc ', 'powershell \u2013enc abc', true],
  ['F|contains|windash|all', [' -a', ' -b'], 'x /a /b', true], // alternatives stay OR'ed under all
  ['F|contains|windash|all', [' -a', ' -b'], 'x /a', false],
]);

table('re', [
  ['F|re', 'foo\\d+', 'xxfoo12', true],
  ['F|re', 'foo\\d+', 'xxfoo', false],
  ['F|re', '^foo$', 'FOO', false], // case-sensitive by default
  ['F|re', '(?i)^foo$', 'FOO', true], // a leading inline flag becomes a flag
  ['F|re', '\\*', '*', true], // not Sigma-unescaped
  ['F|re', 'a{2,20}b', 'xaaab', true],
  ['F|re', 'a{2,20}b', 'xab', false],
]);

table('re|i', [
  ['F|re|i', '^foo', 'FOObar', true],
  ['F|re|i', '^foo', 'xFOO', false],
]);

table('re|m', [
  ['F|re|m', '^bar$', 'foo\nbar', true],
  ['F|re', '^bar$', 'foo\nbar', false],
]);

table('re|s', [
  ['F|re|s', 'a.b', 'a\nb', true],
  ['F|re', 'a.b', 'a\nb', false],
]);

table('cased', [
  ['F|cased', 'Foo', 'Foo', true],
  ['F|cased', 'Foo', 'foo', false],
  ['F|contains|cased', 'Foo', 'xFoox', true],
  ['F|contains|cased', 'Foo', 'xfoox', false],
  ['F', 'Foo', 'fOO', true], // without cased
]);

table('cidr', [
  ['F|cidr', '10.0.0.0/8', '10.1.2.3', true],
  ['F|cidr', '10.0.0.0/8', '11.0.0.1', false],
  ['F|cidr', '10.0.0.0/8', '::ffff:10.1.2.3', true],
  ['F|cidr', '10.0.0.0/8', '-', false],
  ['F|cidr', 'fe80::/10', 'fe80::1', true],
  ['F|cidr', 'fe80::/10', 'fe80::1%12', true],
  ['F|cidr', 'fe80::/10', 'fec0::1', false],
  ['F|cidr', 'fe80::/10', '10.1.2.3', false],
  ['F|cidr', ['192.168.0.0/16', '127.0.0.0/8'], '127.0.0.1', true],
]);

table('exists', [
  ['F|exists', true, { F: 'x' }, true],
  ['F|exists', true, { F: '' }, true],
  ['F|exists', true, {}, false],
  ['F|exists', false, {}, true],
  ['F|exists', false, { F: 'x' }, false],
]);

table(
  'expand',
  [
    ['F|expand', '%admins%', 'ALICE', true],
    ['F|expand', '%admins%', 'bobby', true], // `bob*` from the placeholder file is a wildcard
    ['F|expand', '%admins%', 'carol', false],
    ['F|contains|expand', '%admins%', 'x alice y', true],
    ['F|expand', 'pre-%admins%', 'pre-alice', true],
    ['F|expand', '\\%admins%', '%admins%', true], // escaped: literal
    ['F', '%admins%', '%admins%', true], // no expand: literal text
    ['F', '%admins%', 'alice', false],
  ],
  { admins: ['alice', 'bob*'] },
);

table('fieldref', [
  ['F|fieldref', 'G', { F: 'abc', G: 'ABC' }, true],
  ['F|fieldref', 'G', { F: 'abc', G: 'abd' }, false],
  ['F|fieldref', 'G', { F: 'abc' }, false],
  ['F|fieldref|contains', 'G', { F: 'xabcx', G: 'abc' }, true],
  ['F|contains|fieldref', 'G', { F: 'xabcx', G: 'abc' }, true],
  ['F|fieldref|startswith', 'G', { F: 'abcx', G: 'abc' }, true],
  ['F|fieldref|startswith', 'G', { F: 'xabc', G: 'abc' }, false],
  ['F|fieldref|endswith', 'G', { F: 'xabc', G: 'abc' }, true],
  ['F|fieldref|cased', 'G', { F: 'abc', G: 'ABC' }, false],
]);

table('gt', [
  ['F|gt', 15, '0x10', true],
  ['F|gt', 15, 16, true],
  ['F|gt', 15, 15, false],
  ['F|gt', 15, 'abc', false],
  ['F|gt', '0x10', 17, true],
  ['F|gt', 9007199254740992, 18446744073709551615n, true],
]);

table('gte', [
  ['F|gte', 15, '15', true],
  ['F|gte', 15, '14.5', false],
]);

table('lt', [
  ['F|lt', '0x10', 15, true],
  ['F|lt', 10, '10', false],
  ['F|lt', 10, true, false],
]);

table('lte', [
  ['F|lte', 10, '10', true],
  ['F|lte', 10, 'abc', false],
  ['F|lte', 0, '-1', true],
]);

table('neq', [
  ['F|neq', 'a', 'b', true],
  ['F|neq', 'a', 'A', false],
  ['F|neq', 'a', {}, true], // missing field
  ['F|neq', ['a', 'b'], 'b', false],
  ['F|neq|contains', 'x', 'abc', true],
]);

const when = '2024-12-30T13:45:10.123456Z'; // a Monday: ISO week 1 of 2025
table('minute', [
  ['F|minute', 45, when, true],
  ['F|minute', 44, when, false],
  ['F|minute', 0, 'not a time', false],
]);
table('hour', [
  ['F|hour', 13, when, true],
  ['F|hour', 12, '2024-12-30T13:45:10+01:00', true], // offsets are converted to UTC
  ['F|hour', 13, '2024-12-30T13:45:10+01:00', false],
]);
table('day', [
  ['F|day', 30, when, true],
  ['F|day', 30, '2024-12-30 13:45:10.123', true],
  ['F|day', 29, when, false],
]);
table('week', [
  ['F|week', 1, when, true],
  ['F|week', 53, '2021-01-01 00:00:00', true],
  ['F|week', 52, when, false],
]);
table('month', [
  ['F|month', 12, when, true],
  ['F|month', '12', when, true],
  ['F|month', 1, when, false],
]);
table('year', [
  ['F|year', 2024, when, true],
  ['F|year', 2025, when, false],
]);

describe('base64offset', () => {
  it('gives the three documented forms', () => {
    expect(base64Offsets(new TextEncoder().encode('http'))).toEqual(['aHR0c', 'h0dH', 'odHRw']);
    expect(base64Offsets(Buffer.from('ab', 'utf16le'))).toEqual(['YQBiA', 'EAYg', 'hAGIA']);
  });

  it('wide|base64offset|contains builds contains tests on exactly those forms', () => {
    const ctx = recordingContext();
    expect(fieldItem('F|wide|base64offset|contains', 'ab', ctx)).toEqual({
      kind: 'or',
      items: ['YQBiA', 'EAYg', 'hAGIA'].map((value) => ({ kind: 'field', field: 'F', test: { kind: 'contains', value, cased: true } })),
    });
    expect(ctx.problems).toEqual([]);
  });

  it('reports wildcards it cannot encode', () => {
    const ctx = recordingContext();
    expect(fieldItem('F|base64offset|contains', 'ht*p', ctx)).toEqual({ kind: 'const', value: false });
    expect(ctx.problems).toEqual([{ reason: 'modifier base64offset needs literal text, without wildcards or placeholders', kind: 'invalid' }]);
  });
});

describe('windash', () => {
  it('-x -y gives 25 alternatives', () => {
    const variants = windashVariants(parseSigmaString('-x -y'));
    expect(variants).toHaveLength(25);
    expect(new Set(variants.map((v) => v.join(''))).size).toBe(25);
    expect(variants.map((v) => v.join(''))).toContain('\u2015x /y');
  });

  it('contains|windash ≡ windash|contains', () => {
    for (const value of [' -enc ', '-x -y', 'a-b /c', '/x*']) {
      const a = fieldItem('F|contains|windash', value, recordingContext());
      const b = fieldItem('F|windash|contains', value, recordingContext());
      expect(a).toEqual(b);
    }
  });
});

describe('the registry', () => {
  const names = [
    'contains', 'startswith', 'endswith', 'all', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16',
    'windash', 're', 'i', 'm', 's', 'cased', 'cidr', 'exists', 'expand', 'fieldref', 'gt', 'gte', 'lt', 'lte', 'neq',
    'minute', 'hour', 'day', 'week', 'month', 'year',
  ];

  it('has every modifier of the spec, each with a one-line doc naming it', () => {
    expect([...MODIFIERS.keys()].sort()).toEqual([...names].sort());
    for (const [name, modifier] of MODIFIERS) {
      expect(modifier.doc.startsWith(`${name}: `)).toBe(true);
      expect(modifier.doc).not.toContain('\n');
    }
  });
});
