// A test-only evaluator of the rule AST over a plain object event, so loader tests can check
// meaning (does this rule item match this event?) rather than AST shapes. Value tests go through
// the real compileValueTest; the boolean and field plumbing here is deliberately naive.
import type { Predicate, RuleProblem } from '../../src/rules/ast.js';
import { valueText, type Value } from '../../src/evtx/values.js';
import { compileValueTest } from '../../src/compile/value-test.js';
import { fieldItem, type ItemContext } from '../../src/rules/sigma/detection-item.js';

/** Field name → value; a missing key is an absent field. */
export type TestEvent = Readonly<Record<string, Value>>;

export function evaluate(p: Predicate, event: TestEvent): boolean {
  switch (p.kind) {
    case 'and':
      return p.items.every((item) => evaluate(item, event));
    case 'or':
      return p.items.some((item) => evaluate(item, event));
    case 'not':
      return !evaluate(p.item, event);
    case 'const':
      return p.value;
    case 'field': {
      if (!(p.field in event)) return false;
      return passes(compileValueTest(p.test), event[p.field]);
    }
    case 'null':
      return !(p.field in event) || event[p.field] === null;
    case 'exists':
      return p.field in event;
    case 'keyword': {
      const matcher = compileValueTest(p.test);
      return Object.values(event).flatMap(leaves).some((v) => passes(matcher, v));
    }
    case 'fieldref': {
      if (!(p.field in event) || !(p.other in event)) return false;
      const fold = (v: Value): string => (p.cased ? valueText(v) : valueText(v).toLowerCase());
      const [a, b] = [fold(event[p.field]), fold(event[p.other])];
      switch (p.match) {
        case 'equals':
          return a === b;
        case 'contains':
          return a.includes(b);
        case 'startswith':
          return a.startsWith(b);
        case 'endswith':
          return a.endsWith(b);
      }
    }
  }
}

function passes(matcher: ReturnType<typeof compileValueTest>, value: Value): boolean {
  const text = valueText(value);
  return matcher(value, text, text.toLowerCase());
}

function leaves(value: Value): Value[] {
  return Array.isArray(value) ? value.flatMap(leaves) : [value];
}

/** An ItemContext that records problems, with optional placeholder values. */
export function recordingContext(placeholders: Record<string, string[]> = {}): ItemContext & {
  problems: Omit<RuleProblem, 'file'>[];
} {
  const problems: Omit<RuleProblem, 'file'>[] = [];
  return {
    placeholders: new Map(Object.entries(placeholders)),
    problem: (reason, kind) => problems.push({ reason, kind }),
    problems,
  };
}

/**
 * Whether the detection item `key: ruleValue` matches an event; `event` is a whole event or the
 * value of field `F`. Throws when loading the item reported a problem, so a table row cannot
 * pass by accident on a FALSE produced by an error.
 */
export function itemMatches(
  key: string,
  ruleValue: unknown,
  event: TestEvent | Value,
  placeholders: Record<string, string[]> = {},
): boolean {
  const ctx = recordingContext(placeholders);
  const predicate = fieldItem(key, ruleValue, ctx);
  if (ctx.problems.length > 0) throw new Error(`${key}: ${ctx.problems.map((p) => p.reason).join('; ')}`);
  const whole = typeof event === 'object' && event !== null && !Array.isArray(event);
  return evaluate(predicate, whole ? event : { F: event });
}
