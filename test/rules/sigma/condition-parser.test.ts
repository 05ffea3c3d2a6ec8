// The condition parser on its own: the expression tree it builds (before identifiers are looked
// up), with quantifiers, targets and columns as written.
import { describe, expect, it } from 'vitest';
import { tokeniseCondition } from '../../../src/rules/sigma/condition-tokens.js';
import { parseCondition, type ConditionExpr } from '../../../src/rules/sigma/condition-parser.js';

const parse = (text: string) => parseCondition(tokeniseCondition(text));
const id = (name: string, column: number): ConditionExpr => ({ kind: 'id', name, column });

describe('parseCondition', () => {
  it('builds left-associative and/or with and binding tighter', () => {
    expect(parse('a or b and c or d').expression).toEqual({
      kind: 'or',
      left: { kind: 'or', left: id('a', 1), right: { kind: 'and', left: id('b', 6), right: id('c', 12) } },
      right: id('d', 17),
    });
  });

  it('reads 1 of / any of as one and all of as all, with them or a pattern', () => {
    expect(parse('1 of them').expression).toEqual({ kind: 'of', quantifier: 'one', target: { kind: 'them' }, column: 1 });
    expect(parse('any of sel*').expression).toEqual({
      kind: 'of', quantifier: 'one', target: { kind: 'pattern', pattern: 'sel*' }, column: 1,
    });
    expect(parse('not all of *_filter').expression).toEqual({
      kind: 'not',
      item: { kind: 'of', quantifier: 'all', target: { kind: 'pattern', pattern: '*_filter' }, column: 5 },
    });
  });

  it('keeps no trace of parentheses', () => {
    expect(parse('(((a)))').expression).toEqual(id('a', 4));
  });

  it('returns no aggregation when there is no |', () => {
    expect(parse('a')).toEqual({ expression: id('a', 1) });
  });

  it('returns the aggregation beside the expression', () => {
    expect(parse('a | count(User) by Host != 0')).toEqual({
      expression: id('a', 1),
      aggregation: { func: 'count', field: 'User', groupBy: 'Host', op: '!=', value: 0, column: 5 },
    });
  });
});
