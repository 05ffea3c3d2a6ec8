// Most REGEXP texts in FortiSIEM rules are plain text with an anchor or two (`\\cmdkey\.exe$`,
// `Win-Sysmon-13-Registry-Set.*`, `" -l"`, alternations of such). Written as the equivalent
// string tests (contains, startswith, endswith, equals), they mean the same and the literal
// prefilter can use them; anything else stays a regex.
//
// Equivalence: an unanchored search for literal text is `contains`; `^x` is `startswith`, `x$`
// `endswith` (no `m` flag: `$` is the end of the value), `^x$` `equals`; a `.*` at an unanchored
// end matches the empty text, so it drops (next to an anchor it would stop at a newline, so it
// stays a regex). Case-insensitive only for ASCII text, where the regex `i` flag and lower-casing
// agree.
import type { ValueTest } from '../ast.js';

/** Characters a backslash makes literal (identity escapes); a backslash before anything else is syntax. */
const ESCAPABLE = /[\\^$.|?*+()[\]{}/\-"' :%&=!<>,#@~`;_]/;
const SYNTAX = /[.*+?()[\]{}^$]/;
const ASCII = /^[\x00-\x7f]*$/;

/** The string tests a REGEXP text means (any one passing), or null when it is more than literal text. */
export function literalTests(pattern: string, cased: boolean): ValueTest[] | null {
  const out: ValueTest[] = [];
  for (const alt of splitAlternatives(pattern)) {
    const test = literalTest(alt, cased);
    if (!test) return null;
    out.push(test);
  }
  return out;
}

/** Splits on unescaped `|` (only literal text may follow, so every `|` is at the top level). */
function splitAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '|') {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

function literalTest(alt: string, cased: boolean): ValueTest | null {
  let body = alt;
  const anchoredStart = body.startsWith('^');
  if (anchoredStart) body = body.slice(1);
  else if (body.startsWith('.*')) body = body.slice(2);
  const anchoredEnd = body.endsWith('$') && !escapedAt(body, body.length - 1);
  if (anchoredEnd) body = body.slice(0, -1);
  else if (body.endsWith('.*') && !escapedAt(body, body.length - 2)) body = body.slice(0, -2);
  let text = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') {
      const next = body[i + 1];
      if (next === undefined || !ESCAPABLE.test(next)) return null;
      text += next;
      i++;
    } else if (SYNTAX.test(ch)) return null;
    else text += ch;
  }
  if (text === '' || (!cased && !ASCII.test(text))) return null;
  const kind = anchoredStart ? (anchoredEnd ? 'equals' : 'startswith') : anchoredEnd ? 'endswith' : 'contains';
  return { kind, value: text, cased };
}

/** True when the character at `i` is escaped by an odd run of backslashes before it. */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}
