// Detection items as the rule loader calls them: the predicates they build for plain values,
// lists, null, numbers and booleans, keyword lists, and the problems they report.
import { describe, expect, it } from 'vitest';
import { FALSE } from '../../../src/rules/ast.js';
import { fieldItem, keywordItem } from '../../../src/rules/sigma/detection-item.js';
import { evaluate, itemMatches, recordingContext } from '../../helpers/evaluate.js';

describe('plain values (sigma-semantics §1)', () => {
  it('a string without wildcards is case-insensitive equality', () => {
    expect(fieldItem('Image', 'C:\\x.exe', recordingContext())).toEqual({
      kind: 'field',
      field: 'Image',
      test: { kind: 'equals', value: 'C:\\x.exe', cased: false },
    });
  });

  it('EventID: 4688 matches numeric 4688 and text "4688"', () => {
    expect(itemMatches('EventID', 4688, { EventID: 4688 })).toBe(true);
    expect(itemMatches('EventID', 4688, { EventID: '4688' })).toBe(true);
    expect(itemMatches('EventID', 4688, { EventID: 46880 })).toBe(false);
    expect(itemMatches('EventID', '4688', { EventID: 4688 })).toBe(true);
    expect(fieldItem('EventID', 4688, recordingContext())).toEqual({
      kind: 'field',
      field: 'EventID',
      test: { kind: 'equals', value: '4688', cased: false },
    });
  });

  it('booleans compare with true/false text, case-insensitively', () => {
    expect(itemMatches('F', true, true)).toBe(true);
    expect(itemMatches('F', true, 'True')).toBe(true);
    expect(itemMatches('F', false, 'true')).toBe(false);
  });

  it("'' is a present, empty field", () => {
    expect(itemMatches('F', '', '')).toBe(true);
    expect(itemMatches('F', '', {})).toBe(false);
    expect(itemMatches('F', '', 'x')).toBe(false);
  });

  it('null and [] are an absent (or null) field', () => {
    expect(fieldItem('F', null, recordingContext())).toEqual({ kind: 'null', field: 'F' });
    expect(fieldItem('F', [], recordingContext())).toEqual({ kind: 'null', field: 'F' });
    expect(itemMatches('F', null, {})).toBe(true);
    expect(itemMatches('F', null, null)).toBe(true);
    expect(itemMatches('F', null, '')).toBe(false);
  });

  it('a list is OR; with all, AND', () => {
    expect(fieldItem('F', ['a', 'b'], recordingContext())).toEqual({
      kind: 'or',
      items: ['a', 'b'].map((value) => ({ kind: 'field', field: 'F', test: { kind: 'equals', value, cased: false } })),
    });
    expect(fieldItem('F|contains|all', ['a', 'b'], recordingContext()).kind).toBe('and');
    expect(itemMatches('F', ['a', null], {})).toBe(true);
    expect(itemMatches('F', ['a', null], 'A')).toBe(true);
  });

  it('all keeps each value’s alternatives OR’ed', () => {
    const item = fieldItem('F|base64offset|contains|all', ['ab', 'cd'], recordingContext());
    expect(item.kind).toBe('and');
    if (item.kind !== 'and') return;
    expect(item.items.map((p) => p.kind)).toEqual(['or', 'or']);
  });

  it('neq is the NOT of the whole item', () => {
    expect(fieldItem('F|neq', 'a', recordingContext())).toEqual({
      kind: 'not',
      item: { kind: 'field', field: 'F', test: { kind: 'equals', value: 'a', cased: false } },
    });
  });

  it('exists builds exists nodes', () => {
    expect(fieldItem('F|exists', true, recordingContext())).toEqual({ kind: 'exists', field: 'F' });
    expect(fieldItem('F|exists', false, recordingContext())).toEqual({ kind: 'not', item: { kind: 'exists', field: 'F' } });
  });

  it('fieldref, compare, cidr, timepart and regex build their nodes', () => {
    const ctx = recordingContext();
    expect(fieldItem('F|fieldref|endswith', 'G', ctx)).toEqual({ kind: 'fieldref', field: 'F', other: 'G', match: 'endswith', cased: false });
    expect(fieldItem('F|gte', '0x10', ctx)).toEqual({ kind: 'field', field: 'F', test: { kind: 'compare', op: 'gte', value: 16 } });
    expect(fieldItem('F|cidr', ' 10.0.0.0/8 ', ctx)).toEqual({ kind: 'field', field: 'F', test: { kind: 'cidr', network: '10.0.0.0/8' } });
    expect(fieldItem('F|week', 7, ctx)).toEqual({ kind: 'field', field: 'F', test: { kind: 'timepart', part: 'week', value: 7 } });
    expect(fieldItem('F|re|s|i', '(?m)^a', ctx)).toEqual({ kind: 'field', field: 'F', test: { kind: 'regex', pattern: '^a', flags: 'ims' } });
    expect(ctx.problems).toEqual([]);
  });
});

describe('keywords', () => {
  it('a keyword is a contains search over every leaf value, with Sigma wildcards and escapes', () => {
    const ctx = recordingContext();
    expect(keywordItem(['mimikatz', 'a*b', 'x\\*'], false, ctx)).toEqual({
      kind: 'or',
      items: [
        { kind: 'keyword', test: { kind: 'contains', value: 'mimikatz', cased: false } },
        { kind: 'keyword', test: { kind: 'glob', parts: [{ wildcard: '*' }, 'a', { wildcard: '*' }, 'b', { wildcard: '*' }], cased: false } },
        { kind: 'keyword', test: { kind: 'contains', value: 'x*', cased: false } },
      ],
    });
    const event = { A: 'run MimiKatz now', B: 7 };
    expect(evaluate(keywordItem('mimikatz', false, ctx), event)).toBe(true);
    expect(evaluate(keywordItem(['nothing', '7'], false, ctx), event)).toBe(true);
    expect(evaluate(keywordItem(['mimikatz', 'nothing'], true, ctx), event)).toBe(false);
    expect(evaluate(keywordItem(['mimikatz', 'now'], true, ctx), event)).toBe(true);
    expect(ctx.problems).toEqual([]);
  });

  it('keyless keys are keyword items with modifiers', () => {
    const ctx = recordingContext();
    expect(fieldItem('|all', ['a', 'b'], ctx)).toEqual(keywordItem(['a', 'b'], true, ctx));
    expect(fieldItem('|contains', 'a', ctx)).toEqual(keywordItem('a', false, ctx));
    expect(evaluate(fieldItem('|re', 'ab+c', ctx), { X: 'zabbbcz' })).toBe(true);
    expect(evaluate(fieldItem('|windash', '-enc', ctx), { X: 'ps /enc' })).toBe(true);
    expect(ctx.problems).toEqual([]);
  });

  it('an empty keyword list matches nothing', () => {
    expect(keywordItem([], false, recordingContext())).toEqual(FALSE);
  });
});

describe('problems', () => {
  const cases: [string, unknown, string, 'invalid' | 'unsupported'][] = [
    ['F|bogus', 'x', 'unknown modifier bogus', 'invalid'],
    ['F|expand', '%nowhere%', 'unresolved placeholder %nowhere%', 'needs-input'],
    ['F|re', '(?<=a', 'regular expression', 'unsupported'],
    ['F|re', 'a(?i)b', 'not a valid JavaScript regular expression', 'unsupported'],
    ['F|re', '\\Aabc\\Z', 'escape \\A \\Z has no meaning in JavaScript', 'unsupported'],
    ['F|re', '(a+)+\\1', 'could backtrack without end', 'unsupported'],
    ['F|cidr', '10.0.0.0/33', 'invalid CIDR network', 'invalid'],
    ['F|cidr', 'example.com', 'invalid CIDR network', 'invalid'],
    ['F|gt', 'ten', 'needs a number', 'invalid'],
    ['F|exists', 'yes', 'needs true or false', 'invalid'],
    ['F|i', 'x', 'must follow re', 'invalid'],
    ['F|contains|re', 'x', 're must come before', 'invalid'],
    ['F|base64', 'a*', 'needs literal text', 'invalid'],
    ['F|cidr', '10.*', 'needs literal text', 'invalid'],
    ['F|wide', 'a', 'must be followed by base64', 'invalid'],
    ['F|windash', '-a -b -c -d -e -f', 'too many alternatives', 'unsupported'],
    ['F', { nested: 1 }, 'a detection value must be', 'invalid'],
    ['|fieldref', 'G', 'fieldref needs a field name', 'invalid'],
    ['F|minute', 1.5, 'needs a whole number', 'invalid'],
  ];

  it.each(cases)('%s: %j → %s', (key, value, reason, kind) => {
    const ctx = recordingContext();
    expect(fieldItem(key, value, ctx)).toEqual(FALSE);
    expect(ctx.problems).toHaveLength(1);
    expect(ctx.problems[0].reason).toContain(reason);
    expect(ctx.problems[0].kind).toBe(kind);
  });

  it('a problem makes the item FALSE even under neq', () => {
    const ctx = recordingContext();
    expect(fieldItem('F|neq|expand', '%nowhere%', ctx)).toEqual(FALSE);
  });

  it('placeholders resolve to an OR over their values, several placeholders multiply', () => {
    const ctx = recordingContext({ a: ['1', '2'], b: ['x', 'y', 'z'] });
    const item = fieldItem('F|expand', '%a%-%b%', ctx);
    expect(item.kind === 'or' && item.items.length).toBe(6);
    expect(evaluate(item, { F: '2-Z' })).toBe(true);
    expect(evaluate(item, { F: '3-x' })).toBe(false);
    expect(ctx.problems).toEqual([]);
  });
});
