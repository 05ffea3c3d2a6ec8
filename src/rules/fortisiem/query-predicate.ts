// Stage 3 of the FortiSIEM query pipeline: parse tree → shared predicate AST (fortisiem.md §2).
// Attributes become `fsm:` fields; each operator becomes the existing value tests:
//   =            equals (text unescaped, `*` literal); an unquoted number compares numerically;
//                an unquoted attribute name compares with that attribute (fieldref)
//   <, <=, >, >= numeric compare          IN           OR of `=`
//   BETWEEN      AND of >= and <=         IS NULL      absent, null, or the Windows `-`
//   CONTAIN      contains                 REGEXP       unanchored regex search, text as written
//                                                      (plain text: the same string tests)
//   NOT / !=     `not` of the above
// String tests ignore case unless the rule is caseSensitive. `eventType = "Win-…"` also gets the
// Channel and EventID that name implies, so the rule index tries the rule only on those records.
import { regexProblem } from '../../compile/safe-regex.js';
import { parseNumberText } from '../../compile/value-test.js';
import { recordsNamed, type EventTypeTable } from '../../mappings/fortisiem-event-type.js';
import { FALSE, attributeField, type Predicate, type ValueTest } from '../ast.js';
import type { QueryExpr, QueryValue } from './query-parser.js';
import { QueryError } from './query-tokens.js';
import { literalTests } from './regex-literal.js';

export interface PredicateContext {
  caseSensitive: boolean;
  eventTypes: EventTypeTable;
  /** A part sigscan cannot run: the rule loads, but is reported and does not run. */
  unsupported(reason: string, column: number): void;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** How Windows writes "no value" in many EventData fields. */
const WINDOWS_EMPTY = '-';

export function queryPredicate(expr: QueryExpr, ctx: PredicateContext): Predicate {
  switch (expr.kind) {
    case 'and':
      return { kind: 'and', items: expr.items.map((e) => queryPredicate(e, ctx)) };
    case 'or':
      return { kind: 'or', items: expr.items.map((e) => queryPredicate(e, ctx)) };
    case 'not':
      return { kind: 'not', item: queryPredicate(expr.item, ctx) };
    case 'test': {
      const p = positive(expr, ctx);
      return expr.negated ? { kind: 'not', item: p } : p;
    }
  }
}

type Test = Extract<QueryExpr, { kind: 'test' }>;

function positive(t: Test, ctx: PredicateContext): Predicate {
  const field = attributeField(t.attribute);
  const cased = ctx.caseSensitive;
  const on = (test: ValueTest): Predicate => ({ kind: 'field', field, test });
  switch (t.op) {
    case '=':
      return equals(t.attribute, t.values[0], ctx, true);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return on({ kind: 'compare', op: ({ '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const)[t.op], value: number(t.values[0]) });
    case 'in':
      return anyOf(t.values.map((v) => equals(t.attribute, v, ctx, false)));
    case 'between':
      return { kind: 'and', items: [on({ kind: 'compare', op: 'gte', value: number(t.values[0]) }), on({ kind: 'compare', op: 'lte', value: number(t.values[1]) })] };
    case 'null':
      return { kind: 'or', items: [{ kind: 'null', field }, on({ kind: 'equals', value: WINDOWS_EMPTY, cased: true })] };
    case 'contain':
      return on({ kind: 'contains', value: t.values[0].text, cased });
    case 'regexp': {
      const v = t.values[0] as Extract<QueryValue, { kind: 'string' }>;
      const flags = cased ? '' : 'i';
      const problem = regexProblem(v.regex, flags);
      if (problem !== undefined) {
        ctx.unsupported(`regular expression ${JSON.stringify(v.regex)}: ${problem}`, v.column);
        return FALSE;
      }
      // Plain text with anchors runs as the same string tests, which the prefilter can use.
      const literal = literalTests(v.regex, cased);
      return literal ? anyOf(literal.map(on)) : on({ kind: 'regex', pattern: v.regex, flags });
    }
  }
}

/**
 * `attribute = value`. A quoted value compares as text; an unquoted number numerically; an
 * unquoted attribute name (only where `allowReference`: not inside IN lists) with that attribute;
 * `Group@NAME` needs a group sigscan does not have.
 */
function equals(attribute: string, v: QueryValue, ctx: PredicateContext, allowReference: boolean): Predicate {
  const field = attributeField(attribute);
  if (v.kind === 'word') {
    if (/^Group@/i.test(v.text)) {
      ctx.unsupported(`${v.text}: FortiSIEM groups are not available`, v.column);
      return FALSE;
    }
    const n = parseNumberText(v.text);
    if (n !== undefined) return { kind: 'field', field, test: { kind: 'compare', op: 'eq', value: Number(n) } };
    if (allowReference && IDENTIFIER.test(v.text)) {
      return { kind: 'fieldref', field, other: attributeField(v.text), match: 'equals', cased: ctx.caseSensitive };
    }
  }
  const test: Predicate = { kind: 'field', field, test: { kind: 'equals', value: v.text, cased: ctx.caseSensitive } };
  return attribute === 'eventType' ? scopeEventType(test, v.text, ctx.eventTypes) : test;
}

/** `eventType = name` AND the Channel / EventID every record with that name has. */
function scopeEventType(test: Predicate, name: string, table: EventTypeTable): Predicate {
  const records = recordsNamed(table, name);
  if (!records) return test;
  const guard: Predicate[] = [];
  if (records.channels) guard.push(anyOf(records.channels.map((c) => ({ kind: 'field', field: 'Channel', test: { kind: 'equals', value: c, cased: false } }))));
  guard.push(anyOf(records.eventIds.map((id) => ({ kind: 'field', field: 'EventID', test: { kind: 'compare', op: 'eq', value: id } }))));
  return { kind: 'and', items: [...guard, test] };
}

function number(v: QueryValue): number {
  const n = parseNumberText(v.text.trim());
  if (n === undefined) throw new QueryError(`${JSON.stringify(v.text)} is not a number`, v.column);
  return Number(n);
}

function anyOf(items: Predicate[]): Predicate {
  return items.length === 1 ? items[0] : { kind: 'or', items };
}
