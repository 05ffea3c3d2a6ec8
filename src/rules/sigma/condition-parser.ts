// Stage 2 of the Sigma condition pipeline: tokens → condition expression, by precedence climbing.
// Precedence, loosest first (SRS "Condition"): `|` < `or` < `and` < `not` < `x of …` < `( )`.
// Identifiers are not looked up here; the resolver does that, so this stage needs only the text.
import type { Comparison, ConditionToken } from './condition-tokens.js';

export type ConditionExpr =
  | { kind: 'id'; name: string; column: number }
  | {
      kind: 'of';
      /** `1 of` and `any of` are `one`. */
      quantifier: 'one' | 'all';
      target: { kind: 'them' } | { kind: 'pattern'; pattern: string };
      column: number;
    }
  | { kind: 'and' | 'or'; left: ConditionExpr; right: ConditionExpr }
  | { kind: 'not'; item: ConditionExpr };

export const AGGREGATION_FUNCTIONS = ['count', 'min', 'max', 'avg', 'sum'] as const;
export type AggregationFunction = (typeof AGGREGATION_FUNCTIONS)[number];

/**
 * The deprecated part after `|`. Parsed so a caller can say exactly what it does not support;
 * nothing here is evaluated. `column` is where the function name starts.
 */
export type Aggregation =
  | {
      func: AggregationFunction;
      /** `count()` has none (count events); with one it counts distinct values. */
      field?: string;
      groupBy?: string;
      op: Comparison;
      value: number;
      column: number;
    }
  /** `near a and not b`: other searches in the temporal context of the primary one. */
  | { func: 'near'; condition: ConditionExpr; column: number };

export interface ParsedCondition {
  expression: ConditionExpr;
  aggregation?: Aggregation;
}

export class ConditionError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    /** 1-based column in the condition text. */
    readonly column: number,
    /** 1-based position in a list-valued condition, when the condition is a list. */
    readonly item?: number,
  ) {
    super(`${reason} at column ${column}${item !== undefined ? ` of condition ${item}` : ''}`);
    this.name = 'ConditionError';
  }
}

function describe(token: ConditionToken): string {
  switch (token.kind) {
    case 'word':
    case 'keyword':
    case 'unknown':
      return `'${token.text}'`;
    case 'compare':
      return `'${token.op}'`;
    case 'end':
      return 'end of condition';
    default:
      return `'${token.kind}'`;
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Parses the tokens of one condition string (ending with the `end` token). */
export function parseCondition(tokens: readonly ConditionToken[]): ParsedCondition {
  const unknown = tokens.find((t) => t.kind === 'unknown');
  if (unknown) throw new ConditionError(`unknown token ${describe(unknown)}`, unknown.column);

  let position = 0;
  // The tokeniser always ends with `end`, so peeking never runs past it; `at` guards a caller
  // that hands over a list without one.
  const peek = (offset = 0): ConditionToken =>
    tokens[Math.min(position + offset, tokens.length - 1)] ?? { kind: 'end', column: 1 };
  const next = (): ConditionToken => {
    const token = peek();
    if (token.kind !== 'end') position++;
    return token;
  };
  const isKeyword = (token: ConditionToken, keyword: string): boolean =>
    token.kind === 'keyword' && token.keyword === keyword;
  const isWord = (token: ConditionToken, word: string): boolean =>
    token.kind === 'word' && token.text.toLowerCase() === word;
  let depth = 0;

  function parseOr(): ConditionExpr {
    let left = parseAnd();
    while (isKeyword(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): ConditionExpr {
    let left = parseNot();
    while (isKeyword(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  }

  function parseNot(): ConditionExpr {
    if (isKeyword(peek(), 'not')) {
      next();
      return { kind: 'not', item: parseNot() };
    }
    return parseOperand();
  }

  function parseOperand(): ConditionExpr {
    const token = next();
    switch (token.kind) {
      case 'end':
        throw new ConditionError('unexpected end of condition', token.column);
      case '(':
        return parseGroup(token.column);
      case ')':
        if (depth === 0) throw new ConditionError('unbalanced parenthesis', token.column);
        throw new ConditionError(`expected identifier, found ')'`, token.column);
      case 'keyword':
        if (token.keyword === '1' || token.keyword === 'any' || token.keyword === 'all') {
          return parseSelector(token.keyword === 'all' ? 'all' : 'one', token.column);
        }
        throw new ConditionError(`expected identifier, found ${describe(token)}`, token.column);
      case 'word':
        if (isKeyword(peek(), 'of')) {
          throw new ConditionError(`expected '1', 'any' or 'all' before 'of', found ${describe(token)}`, token.column);
        }
        if (token.text.includes('*')) {
          throw new ConditionError(`pattern ${describe(token)} is only allowed after 'of'`, token.column);
        }
        return { kind: 'id', name: token.text, column: token.column };
      default:
        throw new ConditionError(`expected identifier, found ${describe(token)}`, token.column);
    }
  }

  function parseGroup(openColumn: number): ConditionExpr {
    depth++;
    const inner = parseOr();
    const close = next();
    if (close.kind === 'end') throw new ConditionError('unbalanced parenthesis', openColumn);
    if (close.kind !== ')') {
      throw new ConditionError(`expected ')', 'and' or 'or', found ${describe(close)}`, close.column);
    }
    depth--;
    return inner;
  }

  function parseSelector(quantifier: 'one' | 'all', column: number): ConditionExpr {
    const of = next();
    if (!isKeyword(of, 'of')) {
      throw new ConditionError(`expected 'of' after quantifier, found ${describe(of)}`, of.column);
    }
    const target = next();
    if (isKeyword(target, 'them')) return { kind: 'of', quantifier, target: { kind: 'them' }, column };
    if (target.kind === 'word') {
      return { kind: 'of', quantifier, target: { kind: 'pattern', pattern: target.text }, column };
    }
    throw new ConditionError(`expected identifier after 'of', found ${describe(target)}`, target.column);
  }

  function parseAggregation(): Aggregation {
    const head = next();
    if (head.kind === 'end') throw new ConditionError('unexpected end of condition', head.column);
    if (isWord(head, 'near')) {
      return { func: 'near', condition: parseOr(), column: head.column };
    }
    const func = head.kind === 'word' ? head.text.toLowerCase() : '';
    if (!(AGGREGATION_FUNCTIONS as readonly string[]).includes(func)) {
      throw new ConditionError(
        `unknown aggregation ${describe(head)}; expected count, min, max, avg, sum or near`,
        head.column,
      );
    }
    expect('(', `'${func}'`);
    let field: string | undefined;
    const fieldToken = peek();
    if (fieldToken.kind === 'word') {
      field = fieldToken.text;
      next();
    }
    expect(')', field === undefined ? `'${func}('` : `'${field}'`);
    if (field === undefined && func !== 'count') {
      throw new ConditionError(`'${func}' needs a field`, head.column);
    }
    let groupBy: string | undefined;
    if (isWord(peek(), 'by')) {
      next();
      const group = next();
      if (group.kind !== 'word') throw new ConditionError(`expected field after 'by', found ${describe(group)}`, group.column);
      groupBy = group.text;
    }
    const comparison = next();
    if (comparison.kind !== 'compare') {
      throw new ConditionError(`expected comparison (>, >=, <, <=, =, !=), found ${describe(comparison)}`, comparison.column);
    }
    const number = next();
    if (number.kind !== 'word' || !NUMBER.test(number.text)) {
      throw new ConditionError(`expected number after '${comparison.op}', found ${describe(number)}`, number.column);
    }
    return {
      func: func as AggregationFunction,
      ...(field !== undefined && { field }),
      ...(groupBy !== undefined && { groupBy }),
      op: comparison.op,
      value: Number(number.text),
      column: head.column,
    };
  }

  function expect(kind: '(' | ')', after: string): void {
    const token = next();
    if (token.kind !== kind) {
      throw new ConditionError(`expected '${kind}' after ${after}, found ${describe(token)}`, token.column);
    }
  }

  const expression = parseOr();
  let aggregation: Aggregation | undefined;
  if (peek().kind === '|') {
    next();
    aggregation = parseAggregation();
  }
  const rest = peek();
  if (rest.kind === ')') throw new ConditionError('unbalanced parenthesis', rest.column);
  if (rest.kind !== 'end') {
    const expected = aggregation ? 'end of condition' : "'and', 'or' or end of condition";
    throw new ConditionError(`expected ${expected}, found ${describe(rest)}`, rest.column);
  }
  return aggregation ? { expression, aggregation } : { expression };
}
