// Regexes that are only literal pieces joined by `.*`, such as SigmaHQ's obfuscation checks
// `\+.*\+.*\+ … \+` (fourteen plus signs) or `` `.*`.*`.*` ``: a backtracking engine tries every
// way to place the pieces and takes about a millisecond per command line that has many, but not
// enough, of them. Searching each piece after the end of the previous one (the earliest place is
// always the best) answers the same in one pass.
//
// Exact for what it accepts (read from the pattern's tree, regex-syntax.ts): no anchors, no other
// syntax; pieces of characters written as themselves or as escaped punctuation, without letters
// (so the `i` flag cannot matter); `.` stops at line ends unless the `s` flag is set, so without
// it the pieces must fall on one line.
import { parseIfValid } from './regex-syntax.js';

const LETTER = /\p{L}/u;
const LINE_END = /[\n\r\u2028\u2029]/;

/** A matcher equivalent to `new RegExp(pattern, flags).test`, or null when the pattern is not a literal chain. */
export function literalChainMatcher(pattern: string, flags: string): ((text: string) => boolean) | null {
  if (/[^ims]/.test(flags)) return null;
  const root = parseIfValid(pattern, flags);
  if (root?.t !== 'seq') return null;
  const literals: string[] = [''];
  for (const item of root.items) {
    if (item.t === 'repeat' && item.src === '*' && item.body.t === 'atom' && item.body.src === '.') literals.push('');
    else if (item.t === 'char' && item.written !== 'code') literals[literals.length - 1] += String.fromCharCode(item.cp);
    else return null;
  }
  if (literals.length < 2 || literals.some((l) => l === '' || LETTER.test(l))) return null;
  const dotAll = flags.includes('s');
  return (text) => {
    if (dotAll || !LINE_END.test(text)) return chainIn(text, 0, text.length, literals);
    return text.split(LINE_END).some((line) => chainIn(line, 0, line.length, literals));
  };
}

/** True when the literals occur in order, without overlapping, inside text[start, end). */
function chainIn(text: string, start: number, end: number, literals: string[]): boolean {
  let at = start;
  for (const l of literals) {
    const found = text.indexOf(l, at);
    if (found < 0 || found + l.length > end) return false;
    at = found + l.length;
  }
  return true;
}
