// Stage 1 of the Sigma condition pipeline (tokens → parser → resolver): split a condition string
// into tokens, each with its 1-based column. The tokeniser never fails: a character it does not
// know becomes an `unknown` token, so the parser alone decides what is an error and reports it.
//
// Two modes. Before a `|` is the search expression: words are identifiers or identifier patterns
// (`*` allowed, so `selection_*` stays one token). After the `|` is the legacy aggregation
// (`count(User) by Computer > 5`, `near a and not b`): words may also hold dots and decimals
// (field names, numbers), and comparison operators appear.

/** Operators of the search expression. Sigma writes them lower-case; upper-case is accepted too. */
export const CONDITION_KEYWORDS = ['and', 'or', 'not', 'of', 'them', '1', 'any', 'all'] as const;
export type ConditionKeyword = (typeof CONDITION_KEYWORDS)[number];

export const COMPARISONS = ['>', '>=', '<', '<=', '=', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type ConditionToken =
  /** An identifier, an identifier pattern (with `*`), or — after `|` — a field, number or function. */
  | { kind: 'word'; text: string; column: number }
  | { kind: 'keyword'; keyword: ConditionKeyword; text: string; column: number }
  | { kind: '('; column: number }
  | { kind: ')'; column: number }
  | { kind: '|'; column: number }
  | { kind: 'compare'; op: Comparison; column: number }
  | { kind: 'unknown'; text: string; column: number }
  /** Always the last token; its column is one past the last character. */
  | { kind: 'end'; column: number };

const SEARCH_WORD = /[A-Za-z0-9_*-]/;
const AGGREGATION_WORD = /[A-Za-z0-9_.*-]/;
// Longest operators first so `>=` is not read as `>` then `=`; `==` is a common spelling of `=`.
const OPERATORS: ReadonlyArray<readonly [string, Comparison]> = [
  ['>=', '>='],
  ['<=', '<='],
  ['!=', '!='],
  ['==', '='],
  ['>', '>'],
  ['<', '<'],
  ['=', '='],
];

function keywordOf(word: string): ConditionKeyword | undefined {
  const lower = word.toLowerCase();
  return (CONDITION_KEYWORDS as readonly string[]).includes(lower) ? (lower as ConditionKeyword) : undefined;
}

export function tokeniseCondition(condition: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let afterPipe = false;
  let i = 0;
  while (i < condition.length) {
    const ch = condition[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, column });
      i++;
      continue;
    }
    if (ch === '|') {
      tokens.push({ kind: '|', column });
      afterPipe = true;
      i++;
      continue;
    }
    const wordChar = afterPipe ? AGGREGATION_WORD : SEARCH_WORD;
    if (wordChar.test(ch)) {
      let end = i + 1;
      while (end < condition.length && wordChar.test(condition[end]!)) end++;
      const text = condition.slice(i, end);
      const keyword = keywordOf(text);
      // `1`, `any`, `all`, `them` only mean something before the pipe; after it they are plain words
      // (a count threshold of 1, say). `and`/`or`/`not` still combine ids inside `near`.
      if (keyword && (!afterPipe || keyword === 'and' || keyword === 'or' || keyword === 'not')) {
        tokens.push({ kind: 'keyword', keyword, text, column });
      } else {
        tokens.push({ kind: 'word', text, column });
      }
      i = end;
      continue;
    }
    const operator = afterPipe ? OPERATORS.find(([spelling]) => condition.startsWith(spelling, i)) : undefined;
    if (operator) {
      tokens.push({ kind: 'compare', op: operator[1], column });
      i += operator[0].length;
      continue;
    }
    const unknown = String.fromCodePoint(condition.codePointAt(i)!);
    tokens.push({ kind: 'unknown', text: unknown, column });
    i += unknown.length;
  }
  tokens.push({ kind: 'end', column: condition.length + 1 });
  return tokens;
}
