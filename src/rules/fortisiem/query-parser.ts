// Stage 2 of the FortiSIEM query pipeline: tokens → parse tree. AND binds tighter than OR;
// parentheses group; negation is written into the operators (`!=`, `NOT IN`, `NOT BETWEEN`,
// `IS NOT NULL`, `NOT CONTAIN`, `NOT REGEXP`), and a prefix `NOT (…)` is read too.
//
//   query      := and (OR and)*
//   and        := unary (AND unary)*
//   unary      := '(' query ')' | NOT unary | test
//   test       := ATTRIBUTE ( ('=' | '!=' | '<' | '<=' | '>' | '>=') value
//                           | [NOT] IN '(' [value] (',' [value])* ')'
//                           | [NOT] BETWEEN ( '(' value ',' value ')' | value AND value )
//                           | IS [NOT] NULL
//                           | [NOT] CONTAIN value
//                           | [NOT] REGEXP string )
//   value      := string | word (number, IP address, attribute, Group@NAME)
import { QueryError, TokenCursor, chain, describe, parenthesized, tokenize, type QueryToken } from './query-tokens.js';

export type QueryOperator = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'between' | 'null' | 'contain' | 'regexp';

/** A value as written: quoted (both readings of its escapes) or a bare word; `''` for an empty IN member. */
export type QueryValue = Extract<QueryToken, { kind: 'string' }> | Extract<QueryToken, { kind: 'word' }>;

export type QueryExpr =
  | { kind: 'and' | 'or'; items: QueryExpr[] }
  | { kind: 'not'; item: QueryExpr }
  /** `attribute op values`; `negated` for `!=` and the NOT forms. */
  | { kind: 'test'; attribute: string; column: number; op: QueryOperator; negated: boolean; values: QueryValue[] };

const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'CONTAIN', 'CONTAINS', 'REGEXP']);

export function parseQuery(query: string): QueryExpr {
  const cursor = new TokenCursor(tokenize(query));
  if (cursor.peek().kind === 'end') throw new QueryError('the query is empty', 1);
  const expr = orExpr(cursor);
  cursor.end();
  return expr;
}

function orExpr(c: TokenCursor): QueryExpr {
  return chain(c, 'OR', () => andExpr(c), (items) => ({ kind: 'or', items }));
}

function andExpr(c: TokenCursor): QueryExpr {
  return chain(c, 'AND', () => unary(c), (items) => ({ kind: 'and', items }));
}

function unary(c: TokenCursor): QueryExpr {
  const inner = parenthesized(c, () => orExpr(c));
  if (inner) return inner;
  if (c.accept('NOT')) return { kind: 'not', item: unary(c) };
  return test(c);
}

function test(c: TokenCursor): QueryExpr {
  const a = c.next();
  if (a.kind !== 'word' || KEYWORDS.has(a.text.toUpperCase()) || !ATTRIBUTE.test(a.text)) {
    throw new QueryError(`expected an attribute, found ${describe(a)}`, a.column);
  }
  const base = { kind: 'test' as const, attribute: a.text, column: a.column };
  const t = c.peek();
  if (t.kind === 'op') {
    c.next();
    const op = t.op === '!=' ? '=' : t.op;
    return { ...base, op, negated: t.op === '!=', values: [value(c, `a value after "${t.op}"`)] };
  }
  if (c.accept('IS')) {
    const negated = c.accept('NOT');
    if (!c.accept('NULL')) throw new QueryError(`expected NULL after IS${negated ? ' NOT' : ''}, found ${describe(c.peek())}`, c.peek().column);
    return { ...base, op: 'null', negated, values: [] };
  }
  const negated = c.accept('NOT');
  if (c.accept('IN')) return { ...base, op: 'in', negated, values: list(c) };
  if (c.accept('BETWEEN')) return { ...base, op: 'between', negated, values: between(c) };
  if (c.accept('CONTAIN') || c.accept('CONTAINS')) return { ...base, op: 'contain', negated, values: [value(c, 'a value after CONTAIN')] };
  if (c.accept('REGEXP')) return { ...base, op: 'regexp', negated, values: [c.expect('string', 'a quoted regular expression after REGEXP')] };
  const found = c.peek();
  throw new QueryError(`expected an operator after "${a.text}", found ${describe(found)}`, found.column);
}

function value(c: TokenCursor, what: string): QueryValue {
  const t = c.peek();
  if (t.kind === 'string' || (t.kind === 'word' && !KEYWORDS.has(t.text.toUpperCase()))) {
    c.next();
    return t;
  }
  throw new QueryError(`expected ${what}, found ${describe(t)}`, t.column);
}

/** `( a, b, , c )`: members may be empty (`srcIpAddr NOT IN (,::1)`). */
function list(c: TokenCursor): QueryValue[] {
  const open = c.expect('(', '"(" after IN');
  const out: QueryValue[] = [];
  for (;;) {
    const t = c.peek();
    if (t.kind === ',' || t.kind === ')') out.push({ kind: 'string', text: '', regex: '', column: t.column });
    else out.push(value(c, 'a list member'));
    const sep = c.next();
    if (sep.kind === ')') break;
    if (sep.kind !== ',') throw new QueryError(`expected "," or ")" in the list opened at column ${open.column}, found ${describe(sep)}`, sep.column);
  }
  return out;
}

function between(c: TokenCursor): QueryValue[] {
  if (c.peek().kind === '(') {
    c.next();
    const low = value(c, 'the lower bound');
    c.expect(',', '","');
    const high = value(c, 'the upper bound');
    c.expect(')', '")"');
    return [low, high];
  }
  const low = value(c, 'the lower bound');
  if (!c.accept('AND')) throw new QueryError(`expected AND between the bounds, found ${describe(c.peek())}`, c.peek().column);
  return [low, value(c, 'the upper bound')];
}
