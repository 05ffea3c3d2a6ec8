// How subpatterns combine (`trigger:` in YAML, `Operator` elements in XML) → the Trigger AST.
// Operators apply left to right, all at one precedence (FortiSIEM ranks them in order);
// parentheses group.
//
//   trigger  := primary (operator primary)*
//   operator := AND | OR | AND NOT | FOLLOWED_BY | NOT FOLLOWED_BY   (FOLLOWED BY also)
//   primary  := SUBPATTERN | '(' trigger ')'
import type { Trigger, TriggerOperator } from '../ast.js';
import { QueryError, TokenCursor, describe, parenthesized, tokenize } from './query-tokens.js';

export function parseTrigger(text: string, subpatterns: readonly string[]): Trigger {
  const c = new TokenCursor(tokenize(text));
  const t = sequence(c, subpatterns);
  c.end();
  return t;
}

/** An XML `Operator/@type` alone (`FOLLOWED_BY`, `AND`, `NOT FOLLOWED_BY`…). */
export function parseTriggerOperator(text: string): TriggerOperator {
  const c = new TokenCursor(tokenize(text));
  const op = operator(c);
  if (!op) throw new QueryError(`unknown operator ${describe(c.peek())} (expected AND, OR, AND NOT, FOLLOWED_BY or NOT FOLLOWED_BY)`, c.peek().column);
  c.end();
  return op;
}

function sequence(c: TokenCursor, names: readonly string[]): Trigger {
  let left = primary(c, names);
  for (;;) {
    const at = c.peek();
    if (at.kind === 'end' || at.kind === ')') return left;
    const op = operator(c);
    if (!op) throw new QueryError(`expected AND, OR, AND NOT, FOLLOWED_BY or NOT FOLLOWED_BY, found ${describe(at)}`, at.column);
    left = { kind: 'operator', op, left, right: primary(c, names) };
  }
}

function operator(c: TokenCursor): TriggerOperator | undefined {
  const followedBy = () => c.accept('FOLLOWED_BY') || (c.isKeyword(c.peek(), 'FOLLOWED') && c.isKeyword(c.peek(1), 'BY') && !!c.next() && !!c.next());
  if (c.accept('AND')) return c.accept('NOT') ? 'AND NOT' : 'AND';
  if (c.accept('OR')) return 'OR';
  if (followedBy()) return 'FOLLOWED_BY';
  if (c.isKeyword(c.peek(), 'NOT')) {
    const at = c.next();
    if (followedBy()) return 'NOT FOLLOWED_BY';
    throw new QueryError('expected FOLLOWED_BY after NOT', at.column);
  }
  return undefined;
}

function primary(c: TokenCursor, names: readonly string[]): Trigger {
  const inner = parenthesized(c, () => sequence(c, names));
  if (inner) return inner;
  const t = c.expect('word', 'a subpattern name');
  if (!names.includes(t.text)) throw new QueryError(`no subpattern named "${t.text}" (have ${names.join(', ')})`, t.column);
  return { kind: 'subpattern', name: t.text };
}
