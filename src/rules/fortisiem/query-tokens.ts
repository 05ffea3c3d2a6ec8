// Stage 1 of the FortiSIEM query pipeline (tokens → parse tree → predicate): split a query,
// aggregate, global constraint or trigger into tokens, each with its 1-based column. Shared by
// all four little languages; each parser decides which words are keywords.
//
// Strings are double-quoted. A backslash escapes the character after it as far as finding the
// closing quote goes; what the escapes mean depends on the operator (see `text` and `regex`).

/** A syntax error at a 1-based column of the text being read. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export type QueryToken =
  /** An unquoted word: attribute, keyword, number, IP address, `Group@NAME`, `Sub.attr`, `*`. */
  | { kind: 'word'; text: string; column: number }
  /**
   * A quoted string. `text`: `\\` → `\` and `\"` → `"`, any other backslash kept (what `=`, IN and
   * CONTAIN compare). `regex`: only `\"` → `"` (what REGEXP searches with: the text is the regex).
   */
  | { kind: 'string'; text: string; regex: string; column: number }
  | { kind: 'op'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; column: number }
  | { kind: '('; column: number }
  | { kind: ')'; column: number }
  | { kind: ','; column: number }
  /** Always last; its column is one past the text. */
  | { kind: 'end'; column: number };

// Longest first, so `<=` is not read as `<` then `=`.
const OPERATORS: ReadonlyArray<readonly [string, '=' | '!=' | '<' | '<=' | '>' | '>=']> = [
  ['!=', '!='],
  ['<>', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['==', '='],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
];

const WORD_END = /[\s()",=<>!]/;

export function tokenize(source: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch as '(' | ')' | ',', column } as QueryToken);
      i++;
      continue;
    }
    if (ch === '"') {
      const { text, regex, end } = readString(source, i);
      tokens.push({ kind: 'string', text, regex, column });
      i = end;
      continue;
    }
    const op = OPERATORS.find(([o]) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', op: op[1], column });
      i += op[0].length;
      continue;
    }
    if (ch === '!') throw new QueryError('"!" must be followed by "="', column);
    let end = i;
    while (end < source.length && !WORD_END.test(source[end])) end++;
    tokens.push({ kind: 'word', text: source.slice(i, end), column });
    i = end;
  }
  tokens.push({ kind: 'end', column: source.length + 1 });
  return tokens;
}

/** The string whose opening quote is at `start`: both readings, and the index after its closing quote. */
function readString(source: string, start: number): { text: string; regex: string; end: number } {
  let text = '';
  let regex = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"') return { text, regex, end: i + 1 };
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1];
      text += next === '\\' || next === '"' ? next : ch + next;
      regex += next === '"' ? next : ch + next;
      i += 2;
      continue;
    }
    text += ch;
    regex += ch;
    i++;
  }
  throw new QueryError('string has no closing quote', start + 1);
}

/** A cursor over tokens with the helpers every FortiSIEM parser needs. */
export class TokenCursor {
  private i = 0;

  constructor(private readonly tokens: readonly QueryToken[]) {}

  peek(ahead = 0): QueryToken {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  next(): QueryToken {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  /** True (and consumed) when the next token is the word `keyword` (any case). */
  accept(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.next();
    return true;
  }

  isKeyword(t: QueryToken, keyword: string): boolean {
    return t.kind === 'word' && t.text.toUpperCase() === keyword;
  }

  expect<K extends QueryToken['kind']>(kind: K, what: string): Extract<QueryToken, { kind: K }> {
    const t = this.peek();
    if (t.kind !== kind) throw new QueryError(`expected ${what}, found ${describe(t)}`, t.column);
    this.next();
    return t as Extract<QueryToken, { kind: K }>;
  }

  /** Fails unless every token was read. */
  end(): void {
    const t = this.peek();
    if (t.kind !== 'end') throw new QueryError(`unexpected ${describe(t)}`, t.column);
  }
}

/** `item (KEYWORD item)*`: the one item, or `join` of them all (how AND and OR chains read). */
export function chain<T>(c: TokenCursor, keyword: string, item: () => T, join: (items: T[]) => T): T {
  const items = [item()];
  while (c.accept(keyword)) items.push(item());
  return items.length === 1 ? items[0] : join(items);
}

/** `'(' inner ')'` when the next token opens a parenthesis; undefined (nothing read) otherwise. */
export function parenthesized<T>(c: TokenCursor, inner: () => T): T | undefined {
  if (c.peek().kind !== '(') return undefined;
  c.next();
  const out = inner();
  c.expect(')', '")"');
  return out;
}

/** A token as an error message names it. */
export function describe(t: QueryToken): string {
  switch (t.kind) {
    case 'word':
      return `"${t.text}"`;
    case 'string':
      return `string "${t.text}"`;
    case 'op':
      return `"${t.op}"`;
    case 'end':
      return 'the end';
    default:
      return `"${t.kind}"`;
  }
}
