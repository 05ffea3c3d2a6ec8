// Stage 3 of the Sigma condition pipeline: condition text → tokens → expression → Predicate, with
// each search identifier replaced by its predicate and every `x of …` expanded over the
// identifiers it selects. Only light tidying (flattened and/or, no one-item and/or); real
// optimisation is a later, separate stage.
import type { Predicate } from '../ast.js';
import { tokeniseCondition } from './condition-tokens.js';
import { ConditionError, parseCondition, type Aggregation, type ConditionExpr } from './condition-parser.js';

export { ConditionError, type Aggregation };

export interface ResolvedCondition {
  predicate: Predicate;
  /** The legacy `| count() …` / `| near …` part, parsed but not applied: the caller decides. */
  aggregation?: Aggregation;
}

/**
 * Resolves a rule's `detection.condition` against its search identifiers (the other keys of
 * `detection`, in rule order). A list-valued condition is the OR of its elements.
 */
export function resolveCondition(
  condition: string | readonly string[],
  identifiers: ReadonlyMap<string, Predicate>,
): ResolvedCondition {
  if (typeof condition === 'string') return resolveOne(condition, identifiers);
  if (condition.length === 0) throw new ConditionError('empty condition list', 1);
  const resolved = condition.map((text, index) => {
    try {
      return resolveOne(text, identifiers);
    } catch (error) {
      if (error instanceof ConditionError && condition.length > 1) {
        throw new ConditionError(error.reason, error.column, index + 1);
      }
      throw error;
    }
  });
  if (resolved.length === 1) return resolved[0]!;
  // An aggregation belongs to a whole search; OR-ing it with other searches has no meaning.
  const withAggregation = resolved.findIndex((r) => r.aggregation !== undefined);
  if (withAggregation >= 0) {
    const aggregation = resolved[withAggregation]!.aggregation!;
    throw new ConditionError(
      "an aggregation ('|') cannot be combined with other conditions in a list",
      aggregation.column,
      withAggregation + 1,
    );
  }
  return { predicate: combine('or', resolved.map((r) => r.predicate)) };
}

function resolveOne(text: string, identifiers: ReadonlyMap<string, Predicate>): ResolvedCondition {
  const { expression, aggregation } = parseCondition(tokeniseCondition(text));
  const predicate = toPredicate(expression, identifiers);
  return aggregation ? { predicate, aggregation } : { predicate };
}

function toPredicate(expr: ConditionExpr, identifiers: ReadonlyMap<string, Predicate>): Predicate {
  switch (expr.kind) {
    case 'id': {
      const predicate = identifiers.get(expr.name);
      if (!predicate) throw new ConditionError(`unknown identifier '${expr.name}'`, expr.column);
      return predicate;
    }
    case 'of': {
      const selected = select(expr.target, identifiers);
      if (selected.length === 0) {
        const what = expr.target.kind === 'them' ? "'them'" : `pattern '${expr.target.pattern}'`;
        throw new ConditionError(`${what} matches no identifier`, expr.column);
      }
      return combine(expr.quantifier === 'all' ? 'and' : 'or', selected);
    }
    case 'and':
    case 'or':
      return combine(expr.kind, [toPredicate(expr.left, identifiers), toPredicate(expr.right, identifiers)]);
    case 'not':
      return { kind: 'not', item: toPredicate(expr.item, identifiers) };
  }
}

/**
 * `them` is every identifier not starting with `_`; a pattern is matched against whole names,
 * and leaves `_` identifiers out unless the pattern itself starts with `_` (SRS "Condition";
 * underscore identifiers are helpers meant to be referenced explicitly).
 */
function select(
  target: { kind: 'them' } | { kind: 'pattern'; pattern: string },
  identifiers: ReadonlyMap<string, Predicate>,
): Predicate[] {
  const matches =
    target.kind === 'them'
      ? (name: string) => !name.startsWith('_')
      : patternMatcher(target.pattern);
  return [...identifiers].filter(([name]) => matches(name)).map(([, predicate]) => predicate);
}

function patternMatcher(pattern: string): (name: string) => boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  const includeHidden = pattern.startsWith('_');
  return (name) => (includeHidden || !name.startsWith('_')) && regex.test(name);
}

/** and/or over items, with nested same-kind nodes flattened and a single item standing alone. */
function combine(kind: 'and' | 'or', items: readonly Predicate[]): Predicate {
  const flat = items.flatMap((item) => (item.kind === kind ? item.items : [item]));
  return flat.length === 1 ? flat[0]! : { kind, items: flat };
}
