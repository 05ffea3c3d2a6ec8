// The Sigma condition pipeline end to end (text → tokens → expression → Predicate): precedence
// checked both by structure and by truth tables, `them` and patterns with underscore identifiers,
// list conditions, the legacy aggregation, and every error with its column.
import { evaluate as evaluateEvent } from '../../helpers/evaluate.js';
import { describe, expect, it } from 'vitest';
import type { Predicate } from '../../../src/rules/ast.js';
import { ConditionError, resolveCondition } from '../../../src/rules/sigma/condition.js';

// Each identifier resolves to a distinct marker predicate, so the result shows which went where.
const m = (name: string): Predicate => ({ kind: 'exists', field: name });
const and = (...items: Predicate[]): Predicate => ({ kind: 'and', items });
const or = (...items: Predicate[]): Predicate => ({ kind: 'or', items });
const not = (item: Predicate): Predicate => ({ kind: 'not', item });
const ids = (...names: string[]): Map<string, Predicate> => new Map(names.map((n) => [n, m(n)]));

const resolve = (condition: string | string[], names: string[]) =>
  resolveCondition(condition, ids(...names)).predicate;

/** Evaluates over markers: `exists x` holds when x is in `truths` (an event with just those fields). */
function evaluate(p: Predicate, truths: ReadonlySet<string>): boolean {
  return evaluateEvent(p, Object.fromEntries([...truths].map((t) => [t, 'present'])));
}

/** Every assignment of true/false to `names`, as the set of names that are true. */
function assignments(names: readonly string[]): Set<string>[] {
  return Array.from({ length: 2 ** names.length }, (_, bits) => new Set(names.filter((_, i) => bits & (1 << i))));
}

/** The condition agrees with `expected` on every assignment of its identifiers. */
function expectTruthTable(condition: string | string[], names: string[], expected: (t: (n: string) => boolean) => boolean): void {
  const predicate = resolve(condition, names);
  for (const truths of assignments(names)) {
    const label = `${JSON.stringify(condition)} with true = {${[...truths].join(', ')}}`;
    expect(evaluate(predicate, truths), label).toBe(expected((n) => truths.has(n)));
  }
}

function errorOf(condition: string | string[], names: string[]): ConditionError {
  try {
    resolveCondition(condition, ids(...names));
  } catch (error) {
    if (error instanceof ConditionError) return error;
    throw error;
  }
  throw new Error(`expected a ConditionError for ${JSON.stringify(condition)}`);
}

describe('identifiers and boolean operators', () => {
  it('resolves a single identifier to its predicate', () => {
    expect(resolve('selection', ['selection', 'filter'])).toEqual(m('selection'));
  });

  it('flattens chains of and/or into one node', () => {
    expect(resolve('a and b and c', ['a', 'b', 'c'])).toEqual(and(m('a'), m('b'), m('c')));
    expect(resolve('a or (b or c)', ['a', 'b', 'c'])).toEqual(or(m('a'), m('b'), m('c')));
  });

  it('does not flatten across different operators or through not', () => {
    expect(resolve('a and not (b and c)', ['a', 'b', 'c'])).toEqual(and(m('a'), not(and(m('b'), m('c')))));
    expect(resolve('not not a', ['a'])).toEqual(not(not(m('a'))));
  });

  it('accepts upper-case operators', () => {
    expect(resolve('a AND NOT b OR c', ['a', 'b', 'c'])).toEqual(or(and(m('a'), not(m('b'))), m('c')));
    expect(resolve('ALL OF sel* Or 1 OF THEM', ['sel1', 'x'])).toEqual(or(m('sel1'), m('sel1'), m('x')));
  });

  it('reads identifiers with digits, dashes and underscores, and any whitespace between tokens', () => {
    expect(resolve('sel-1\n  and\t_helper_2', ['sel-1', '_helper_2'])).toEqual(and(m('sel-1'), m('_helper_2')));
  });

  it('flattens an identifier\'s own and/or into the condition without changing it', () => {
    const items: readonly Predicate[] = Object.freeze([m('x'), m('y')]);
    const selection: Predicate = Object.freeze({ kind: 'and', items: items as Predicate[] });
    const identifiers = new Map([['selection', selection], ['other', m('other')]]);
    expect(resolveCondition('selection and other', identifiers).predicate).toEqual(and(m('x'), m('y'), m('other')));
    expect(resolveCondition('selection or other', identifiers).predicate).toEqual(or(selection, m('other')));
    expect(selection).toEqual(and(m('x'), m('y')));
  });
});

describe('precedence', () => {
  it('and binds tighter than or: a or b and c = a or (b and c)', () => {
    expect(resolve('a or b and c', ['a', 'b', 'c'])).toEqual(or(m('a'), and(m('b'), m('c'))));
    expect(resolve('a and b or c', ['a', 'b', 'c'])).toEqual(or(and(m('a'), m('b')), m('c')));
    expectTruthTable('a or b and c', ['a', 'b', 'c'], (t) => t('a') || (t('b') && t('c')));
    expectTruthTable('a and b or c', ['a', 'b', 'c'], (t) => (t('a') && t('b')) || t('c'));
  });

  it('not binds tighter than and: not a and b = (not a) and b', () => {
    expect(resolve('not a and b', ['a', 'b'])).toEqual(and(not(m('a')), m('b')));
    expectTruthTable('not a and b', ['a', 'b'], (t) => !t('a') && t('b'));
    expectTruthTable('not a or b', ['a', 'b'], (t) => !t('a') || t('b'));
  });

  it('x of binds tighter than not: not 1 of sel* = not (1 of sel*)', () => {
    expect(resolve('not 1 of sel*', ['sel1', 'sel2'])).toEqual(not(or(m('sel1'), m('sel2'))));
    expectTruthTable('not 1 of sel*', ['sel1', 'sel2'], (t) => !(t('sel1') || t('sel2')));
    expectTruthTable('not all of sel* and x', ['sel1', 'sel2', 'x'], (t) => !(t('sel1') && t('sel2')) && t('x'));
  });

  it('x of binds tighter than and/or around it', () => {
    expect(resolve('a and 1 of sel* or b', ['a', 'b', 'sel1', 'sel2'])).toEqual(
      or(and(m('a'), or(m('sel1'), m('sel2'))), m('b')),
    );
  });

  it('parentheses override precedence', () => {
    expect(resolve('(a or b) and c', ['a', 'b', 'c'])).toEqual(and(or(m('a'), m('b')), m('c')));
    expect(resolve('not (a and b)', ['a', 'b'])).toEqual(not(and(m('a'), m('b'))));
    expectTruthTable('(a or b) and c', ['a', 'b', 'c'], (t) => (t('a') || t('b')) && t('c'));
    expectTruthTable('not (a and b) or c', ['a', 'b', 'c'], (t) => !(t('a') && t('b')) || t('c'));
    expectTruthTable('a and not (b or not (c and d))', ['a', 'b', 'c', 'd'], (t) => t('a') && !(t('b') || !(t('c') && t('d'))));
  });

  it('redundant parentheses change nothing', () => {
    expect(resolve('((a))', ['a'])).toEqual(m('a'));
    expect(resolve('(a) and ((b) and (c))', ['a', 'b', 'c'])).toEqual(and(m('a'), m('b'), m('c')));
  });

  it('parses a multi-line condition as written in SigmaHQ rules', () => {
    const condition = 'selection_parent and\n(\n    1 of selection_generic_*\n    or\n    all of selection_special_*\n)\n';
    const names = ['selection_parent', 'selection_generic_a', 'selection_generic_b', 'selection_special_a', 'selection_special_b'];
    expect(resolve(condition, names)).toEqual(
      and(
        m('selection_parent'),
        or(m('selection_generic_a'), m('selection_generic_b'), and(m('selection_special_a'), m('selection_special_b'))),
      ),
    );
  });
});

describe('x of them / x of pattern', () => {
  const names = ['selection', 'sel_img', 'sel_cli', 'filter_main', 'filter_optional', 'proc_filter', '_helper', '_xa', '_xb'];

  it('1 of them is OR over every identifier not starting with _', () => {
    expect(resolve('1 of them', names)).toEqual(
      or(m('selection'), m('sel_img'), m('sel_cli'), m('filter_main'), m('filter_optional'), m('proc_filter')),
    );
  });

  it('all of them is AND over every identifier not starting with _', () => {
    expect(resolve('all of them', ['a', 'b', '_c'])).toEqual(and(m('a'), m('b')));
  });

  it('them without underscore identifiers takes all of them, in rule order', () => {
    expect(resolve('all of them', ['b', 'a', 'c'])).toEqual(and(m('b'), m('a'), m('c')));
  });

  it('any of is the same as 1 of', () => {
    expect(resolve('any of sel*', names)).toEqual(resolve('1 of sel*', names));
    expect(resolve('any of them', ['a', 'b'])).toEqual(or(m('a'), m('b')));
  });

  it('sel* matches by prefix, over the whole name', () => {
    expect(resolve('1 of sel*', names)).toEqual(or(m('selection'), m('sel_img'), m('sel_cli')));
    expect(resolve('all of sel_*', names)).toEqual(and(m('sel_img'), m('sel_cli')));
  });

  it('*_filter and *filter* match by suffix and anywhere', () => {
    expect(resolve('1 of *_filter', names)).toEqual(m('proc_filter'));
    expect(resolve('1 of *filter*', names)).toEqual(or(m('filter_main'), m('filter_optional'), m('proc_filter')));
  });

  it('a pattern leaves out _ identifiers, even * alone', () => {
    expect(resolve('1 of *', ['a', '_b'])).toEqual(m('a'));
    expect(resolve('1 of *x*', ['ax', '_xa', '_xb'])).toEqual(m('ax'));
  });

  it('a pattern starting with _ selects _ identifiers', () => {
    expect(resolve('all of _x*', names)).toEqual(and(m('_xa'), m('_xb')));
    expect(resolve('1 of _*', names)).toEqual(or(m('_helper'), m('_xa'), m('_xb')));
  });

  it('an _ identifier can always be named directly', () => {
    expect(resolve('selection and not _helper', names)).toEqual(and(m('selection'), not(m('_helper'))));
  });

  it('a pattern without * selects exactly that identifier', () => {
    expect(resolve('all of selection', names)).toEqual(m('selection'));
  });

  it('pattern characters other than * are literal', () => {
    expect(resolve('1 of a-*', ['a-1', 'ab1', 'a-2'])).toEqual(or(m('a-1'), m('a-2')));
  });

  it('a one-item selection stands alone; nested selectors flatten into and/or', () => {
    expect(resolve('selection and not 1 of filter_main_* and not 1 of filter_optional_*', [
      'selection', 'filter_main_a', 'filter_optional_a', 'filter_optional_b',
    ])).toEqual(and(m('selection'), not(m('filter_main_a')), not(or(m('filter_optional_a'), m('filter_optional_b')))));
    expect(resolve('all of sel* and x', ['sel1', 'sel2', 'x'])).toEqual(and(m('sel1'), m('sel2'), m('x')));
    expect(resolve('1 of sel* or x', ['sel1', 'sel2', 'x'])).toEqual(or(m('sel1'), m('sel2'), m('x')));
  });

  it('truth tables: 1 of = any, all of = every', () => {
    expectTruthTable('1 of them', ['a', 'b', 'c'], (t) => t('a') || t('b') || t('c'));
    expectTruthTable('all of them', ['a', 'b', 'c'], (t) => t('a') && t('b') && t('c'));
    expectTruthTable('all of them', ['a', 'b', '_c'], (t) => t('a') && t('b'));
  });
});

describe('list-valued conditions', () => {
  it('are the OR of their elements', () => {
    expect(resolve(['a and b', 'c'], ['a', 'b', 'c'])).toEqual(or(and(m('a'), m('b')), m('c')));
    expect(resolve(['a or b', '1 of sel*'], ['a', 'b', 'sel1', 'sel2'])).toEqual(
      or(m('a'), m('b'), m('sel1'), m('sel2')),
    );
    expectTruthTable(['a and b', 'not c'], ['a', 'b', 'c'], (t) => (t('a') && t('b')) || !t('c'));
  });

  it('a one-element list is its element', () => {
    expect(resolve(['a and b'], ['a', 'b'])).toEqual(and(m('a'), m('b')));
  });

  it('an error names the element it is in', () => {
    const error = errorOf(['a', 'a and nope'], ['a']);
    expect(error.reason).toBe("unknown identifier 'nope'");
    expect(error.column).toBe(7);
    expect(error.item).toBe(2);
    expect(error.message).toBe("unknown identifier 'nope' at column 7 of condition 2");
  });

  it('an empty list is an error', () => {
    expect(errorOf([], ['a']).message).toBe('empty condition list at column 1');
  });
});

describe('legacy aggregation after |', () => {
  it('parses count() by field > n beside the search predicate', () => {
    const result = resolveCondition('selection | count() by Computer > 5', ids('selection'));
    expect(result.predicate).toEqual(m('selection'));
    expect(result.aggregation).toEqual({ func: 'count', groupBy: 'Computer', op: '>', value: 5, column: 13 });
  });

  it('parses count(field) by field, count() without group, and every comparison', () => {
    expect(resolveCondition('selection | count(TargetUserName) by Computer > 5', ids('selection')).aggregation).toEqual({
      func: 'count', field: 'TargetUserName', groupBy: 'Computer', op: '>', value: 5, column: 13,
    });
    expect(resolveCondition('sel | count() > 10', ids('sel')).aggregation).toEqual({ func: 'count', op: '>', value: 10, column: 7 });
    const ops = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', '=': '=', '==': '=', '!=': '!=' } as const;
    for (const [written, op] of Object.entries(ops)) {
      expect(resolveCondition(`sel | count()${written}3`, ids('sel')).aggregation).toMatchObject({ op, value: 3 });
    }
  });

  it('parses min/max/avg/sum with a field, dotted fields and decimal values', () => {
    expect(resolveCondition('sel | sum(bytes.out) by src.ip >= 1.5', ids('sel')).aggregation).toEqual({
      func: 'sum', field: 'bytes.out', groupBy: 'src.ip', op: '>=', value: 1.5, column: 7,
    });
    expect(resolveCondition('sel | MAX(n) < 2', ids('sel')).aggregation).toMatchObject({ func: 'max', field: 'n', op: '<' });
  });

  it('parses near with and / and not, without resolving its identifiers', () => {
    expect(resolveCondition('a | near b and not c', ids('a')).aggregation).toEqual({
      func: 'near',
      condition: {
        kind: 'and',
        left: { kind: 'id', name: 'b', column: 10 },
        right: { kind: 'not', item: { kind: 'id', name: 'c', column: 20 } },
      },
      column: 5,
    });
  });

  it('applies to the whole search expression', () => {
    const result = resolveCondition('a or b | count() > 1', ids('a', 'b'));
    expect(result.predicate).toEqual(or(m('a'), m('b')));
  });

  it('rejects malformed aggregations with the column of the fault', () => {
    expect(errorOf('sel | count() by > 5', ['sel']).message).toBe("expected field after 'by', found '>' at column 18");
    expect(errorOf('sel | count() > x', ['sel']).message).toBe("expected number after '>', found 'x' at column 17");
    expect(errorOf('sel | count() 5', ['sel']).message).toBe(
      "expected comparison (>, >=, <, <=, =, !=), found '5' at column 15",
    );
    expect(errorOf('sel | sum() > 5', ['sel']).message).toBe("'sum' needs a field at column 7");
    expect(errorOf('sel | count > 5', ['sel']).message).toBe("expected '(' after 'count', found '>' at column 13");
    expect(errorOf('sel | median(x) > 5', ['sel']).message).toBe(
      "unknown aggregation 'median'; expected count, min, max, avg, sum or near at column 7",
    );
    expect(errorOf('sel |', ['sel']).message).toBe('unexpected end of condition at column 6');
    expect(errorOf('sel | count() > 5 x', ['sel']).message).toBe("expected end of condition, found 'x' at column 19");
  });

  it('cannot be OR-ed with other conditions of a list', () => {
    const error = errorOf(['a', 'b | count() > 2'], ['a', 'b']);
    expect(error.message).toBe("an aggregation ('|') cannot be combined with other conditions in a list at column 5 of condition 2");
  });
});

describe('errors carry a clear reason and the 1-based column', () => {
  const cases: Array<[condition: string, names: string[], message: string]> = [
    // unknown identifier
    ['selection and filter', ['selection'], "unknown identifier 'filter' at column 15"],
    ['Selection', ['selection'], "unknown identifier 'Selection' at column 1"],
    // a pattern or them with no match
    ['selection and not 1 of filter_*', ['selection'], "pattern 'filter_*' matches no identifier at column 19"],
    ['1 of them', ['_only'], "'them' matches no identifier at column 1"],
    ['1 of x*', ['_x1'], "pattern 'x*' matches no identifier at column 1"],
    // missing operand
    ['selection and', ['selection'], 'unexpected end of condition at column 14'],
    ['not', [], 'unexpected end of condition at column 4'],
    ['', [], 'unexpected end of condition at column 1'],
    ['a and or b', ['a', 'b'], "expected identifier, found 'or' at column 7"],
    ['(a and)', ['a'], "expected identifier, found ')' at column 7"],
    ['()', [], "expected identifier, found ')' at column 2"],
    ['1 of', [], "expected identifier after 'of', found end of condition at column 5"],
    ['all of (a)', ['a'], "expected identifier after 'of', found '(' at column 8"],
    ['1 sel*', ['sel1'], "expected 'of' after quantifier, found 'sel*' at column 3"],
    ['2 of sel*', ['sel1'], "expected '1', 'any' or 'all' before 'of', found '2' at column 1"],
    ['of them', [], "expected identifier, found 'of' at column 1"],
    ['them', [], "expected identifier, found 'them' at column 1"],
    ['sel*', ['sel1'], "pattern 'sel*' is only allowed after 'of' at column 1"],
    ['| count() > 1', [], "expected identifier, found '|' at column 1"],
    // unbalanced parentheses: an unclosed ( points at itself, a stray ) at itself
    ['(a and b', ['a', 'b'], 'unbalanced parenthesis at column 1'],
    ['a and (b or (c)', ['a', 'b', 'c'], 'unbalanced parenthesis at column 7'],
    ['a and b)', ['a', 'b'], 'unbalanced parenthesis at column 8'],
    [')', [], 'unbalanced parenthesis at column 1'],
    // trailing garbage
    ['a b', ['a', 'b'], "expected 'and', 'or' or end of condition, found 'b' at column 3"],
    ['a and b (c)', ['a', 'b', 'c'], "expected 'and', 'or' or end of condition, found '(' at column 9"],
    ['a not b', ['a', 'b'], "expected 'and', 'or' or end of condition, found 'not' at column 3"],
    ['(a b)', ['a', 'b'], "expected ')', 'and' or 'or', found 'b' at column 4"],
    // unknown tokens
    ['a && b', ['a', 'b'], "unknown token '&' at column 3"],
    ['a and b > 5', ['a', 'b'], "unknown token '>' at column 9"],
    ['sel.x', [], "unknown token '.' at column 4"],
    ['a and 🙂', ['a'], "unknown token '🙂' at column 7"],
  ];

  for (const [condition, names, message] of cases) {
    it(`${JSON.stringify(condition)} → ${message}`, () => {
      const error = errorOf(condition, names);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ConditionError');
      expect(error.message).toBe(message);
      expect(error.column).toBe(Number(/at column (\d+)/.exec(message)![1]));
      expect(error.item).toBeUndefined();
    });
  }

  it('the column is counted through newlines of a multi-line condition', () => {
    expect(errorOf('selection and\n  nope', ['selection']).column).toBe(17);
  });

  it('the reason is the message without the position', () => {
    expect(errorOf('a and', ['a']).reason).toBe('unexpected end of condition');
  });
});
