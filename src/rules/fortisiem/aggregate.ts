// A subpattern's group constraint (`GroupEvtConstr` / `aggregate:`) → the Aggregate AST:
// `COUNT(*)`, `COUNT(DISTINCT attr)`, `SUM(attr)`, `AVG(attr)`, `MIN(attr)`, `MAX(attr)`, each
// compared with a number, joined by AND / OR (AND binds tighter) and parentheses.
//
//   aggregate := and (OR and)*
//   and       := unary (AND unary)*
//   unary     := '(' aggregate ')' | FUNCTION '(' ('*' | DISTINCT attr | attr) ')' op number
import { parseNumberText } from '../../compile/value-test.js';
import type { Aggregate, AggregateFunction, Comparison } from '../ast.js';
import { QueryError, TokenCursor, chain, describe, parenthesized, tokenize } from './query-tokens.js';

const FUNCTIONS: Record<string, AggregateFunction> = { COUNT: 'count', SUM: 'sum', AVG: 'avg', MIN: 'min', MAX: 'max' };
export const COMPARISONS: Record<string, Comparison> = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

export function parseAggregate(text: string): Aggregate {
  const c = new TokenCursor(tokenize(text));
  if (c.peek().kind === 'end') throw new QueryError('the aggregate constraint is empty', 1);
  const a = orAggregate(c);
  c.end();
  return a;
}

function orAggregate(c: TokenCursor): Aggregate {
  return chain(c, 'OR', () => andAggregate(c), (items) => ({ kind: 'or', items }));
}

function andAggregate(c: TokenCursor): Aggregate {
  return chain(c, 'AND', () => unary(c), (items) => ({ kind: 'and', items }));
}

function unary(c: TokenCursor): Aggregate {
  const inner = parenthesized(c, () => orAggregate(c));
  if (inner) return inner;
  const name = c.expect('word', 'COUNT, SUM, AVG, MIN or MAX');
  const fn = FUNCTIONS[name.text.toUpperCase()];
  if (!fn) throw new QueryError(`unknown aggregate function "${name.text}" (expected COUNT, SUM, AVG, MIN or MAX)`, name.column);
  c.expect('(', `"(" after ${name.text.toUpperCase()}`);
  let out: { fn: AggregateFunction; attribute?: string };
  const arg = c.expect('word', 'an attribute or *');
  if (arg.text === '*') {
    if (fn !== 'count') throw new QueryError(`${name.text.toUpperCase()}(*) is not defined; only COUNT(*)`, arg.column);
    out = { fn };
  } else if (arg.text.toUpperCase() === 'DISTINCT') {
    if (fn !== 'count') throw new QueryError('DISTINCT is only for COUNT', arg.column);
    out = { fn: 'count-distinct', attribute: c.expect('word', 'an attribute after DISTINCT').text };
  } else {
    if (fn === 'count') throw new QueryError('COUNT takes * or DISTINCT attribute', arg.column);
    out = { fn, attribute: arg.text };
  }
  c.expect(')', '")"');
  const op = c.expect('op', 'a comparison (=, !=, <, <=, >, >=)');
  const v = c.next();
  const n = v.kind === 'word' || v.kind === 'string' ? parseNumberText(v.text) : undefined;
  if (n === undefined) throw new QueryError(`expected a number, found ${describe(v)}`, v.column);
  return { kind: 'compare', ...out, op: COMPARISONS[op.op], value: Number(n) };
}
