// Constraints across subpatterns (`GlobalConstr` / `globalConstraint:`) → the GlobalConstraint AST,
// e.g. `AccountCreated.targetUser = LogonSuccess.user AND A.hostName != B.hostName`.
//
//   constraint := and (OR and)*
//   and        := unary (AND unary)*
//   unary      := '(' constraint ')' | operand op operand
//   operand    := SUBPATTERN.attribute | string | number
import type { ConstraintOperand, GlobalConstraint } from '../ast.js';
import { COMPARISONS } from './aggregate.js';
import { QueryError, TokenCursor, chain, describe, parenthesized, tokenize } from './query-tokens.js';

export function parseGlobalConstraint(text: string, subpatterns: readonly string[]): GlobalConstraint {
  const c = new TokenCursor(tokenize(text));
  if (c.peek().kind === 'end') throw new QueryError('the global constraint is empty', 1);
  const g = orConstraint(c, subpatterns);
  c.end();
  return g;
}

function orConstraint(c: TokenCursor, names: readonly string[]): GlobalConstraint {
  return chain(c, 'OR', () => andConstraint(c, names), (items) => ({ kind: 'or', items }));
}

function andConstraint(c: TokenCursor, names: readonly string[]): GlobalConstraint {
  return chain(c, 'AND', () => unary(c, names), (items) => ({ kind: 'and', items }));
}

function unary(c: TokenCursor, names: readonly string[]): GlobalConstraint {
  const inner = parenthesized(c, () => orConstraint(c, names));
  if (inner) return inner;
  const left = operand(c, names);
  const op = c.expect('op', 'a comparison (=, !=, <, <=, >, >=)');
  return { kind: 'compare', left, op: COMPARISONS[op.op], right: operand(c, names) };
}

function operand(c: TokenCursor, names: readonly string[]): ConstraintOperand {
  const t = c.next();
  if (t.kind === 'string') return { kind: 'literal', value: t.text };
  if (t.kind === 'word') {
    if (/^[+-]?(\d|0x)/i.test(t.text)) return { kind: 'literal', value: t.text };
    return subpatternAttribute(t.text, t.column, names);
  }
  throw new QueryError(`expected SUBPATTERN.attribute or a value, found ${describe(t)}`, t.column);
}

/** `Sub.attr` → its parts; the subpattern must exist. Also used for incident attributes. */
export function subpatternAttribute(text: string, column: number, names: readonly string[]): { kind: 'attribute'; subpattern: string; attribute: string } {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) throw new QueryError(`expected SUBPATTERN.attribute, found "${text}"`, column);
  const subpattern = text.slice(0, dot);
  if (!names.includes(subpattern)) throw new QueryError(`no subpattern named "${subpattern}" (have ${names.join(', ')})`, column);
  return { kind: 'attribute', subpattern, attribute: text.slice(dot + 1) };
}
