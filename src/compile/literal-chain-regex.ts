// Regexes that are only literal pieces joined by `.*`, such as SigmaHQ's obfuscation checks
// `\+.*\+.*\+ … \+` (fourteen plus signs) or `` `.*`.*`.*` ``: a backtracking engine tries every
// way to place the pieces and takes about a millisecond per command line that has many, but not
// enough, of them. Searching each piece after the end of the previous one (the earliest place is
// always the best) answers the same in one pass.
//
// Exact for what it accepts: no anchors, no other syntax; pieces without letters (so the `i` flag
// cannot matter); `.` stops at line ends unless the `s` flag is set, so without it the pieces must
// fall on one line.

/** Characters that are regex syntax when not escaped. */
const SYNTAX = new Set([...'\\^$.|?*+()[]{}']);
/** What a backslash may make literal here. */
const IDENTITY = /[\\^$.|?*+()[\]{}/\-"' :%&=!<>,#@~`;_]/;
const LETTER = /\p{L}/u;
const LINE_END = /[\n\r\u2028\u2029]/;

/** A matcher equivalent to `new RegExp(pattern, flags).test`, or null when the pattern is not a literal chain. */
export function literalChainMatcher(pattern: string, flags: string): ((text: string) => boolean) | null {
  if (/[^ims]/.test(flags)) return null;
  const pieces = pattern.split('.*');
  if (pieces.length < 2) return null;
  const literals: string[] = [];
  for (const piece of pieces) {
    const text = literalText(piece);
    if (text === null || text === '' || LETTER.test(text)) return null;
    literals.push(text);
  }
  const dotAll = flags.includes('s');
  return (text) => {
    if (dotAll || !LINE_END.test(text)) return chainIn(text, 0, text.length, literals);
    return text.split(LINE_END).some((line) => chainIn(line, 0, line.length, literals));
  };
}

/** The literal text of a piece, or null when it holds syntax (a `.*` split inside an escape is not literal either). */
function literalText(piece: string): string | null {
  let out = '';
  for (let i = 0; i < piece.length; i++) {
    const ch = piece[i];
    if (ch === '\\') {
      const next = piece[i + 1];
      if (next === undefined || !IDENTITY.test(next)) return null;
      out += next;
      i++;
    } else if (SYNTAX.has(ch)) return null;
    else out += ch;
  }
  return out;
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
