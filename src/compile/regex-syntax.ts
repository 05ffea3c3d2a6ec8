// JavaScript regex syntax without the `u` flag (with the web-compatibility rules of ECMA-262
// Annex B), read into just enough of a tree for what sigscan asks of rule regexes: rewriting them
// for V8's linear engine (safe-regex.ts), the text every match must contain (for the prefilter),
// and whether a pattern is only literal pieces joined by `.*`.


export type ClassItem = { cp: number } | { lo: number; hi: number } | { escape: string };

export type RegexNode =
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; options: RegexNode[] }
  | { t: 'group'; open: string; look: boolean; body: RegexNode }
  | { t: 'repeat'; body: RegexNode; min: number; max: number; braces: boolean; src: string }
  /** `written`: as itself, as a backslash before punctuation, or as a code (`\x41`, `\t`, octal…). */
  | { t: 'char'; cp: number; written: 'self' | 'escaped' | 'code' }
  | { t: 'class'; negated: boolean; items: ClassItem[] }
  /** `.`, `^`, `$`, `\b`, `\B`, `\d`… : printed as written, unaffected by case. */
  | { t: 'atom'; src: string }
  | { t: 'backref'; src: string };

export interface Parsed {
  root: RegexNode;
  backrefs: boolean;
  foreignEscapes: string[];
}

const BRACES = /\{(\d+)(?:(,)(\d*))?\}/y;
const HEX2 = /[0-9A-Fa-f]{2}/y;
const HEX4 = /[0-9A-Fa-f]{4}/y;
const SIMPLE_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** The tree of a pattern, or null when JavaScript does not accept it with these flags. */
export function parseIfValid(pattern: string, flags: string): RegexNode | null {
  try {
    new RegExp(pattern, flags);
  } catch {
    return null;
  }
  return parsePattern(pattern).root;
}

/** The tree of a pattern that `new RegExp(pattern)` accepts (check that first). */
export function parsePattern(source: string): Parsed {
  const { groups, named } = countGroups(source);
  let i = 0;
  let backrefs = false;
  const foreignEscapes: string[] = [];

  const sticky = (re: RegExp, at: number): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(source);
    return m ? m[0] : undefined;
  };

  function alternation(): RegexNode {
    const options = [sequence()];
    while (source[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  function sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')') items.push(repeat(atom()));
    return { t: 'seq', items };
  }

  function repeat(body: RegexNode): RegexNode {
    const start = i;
    let min: number;
    let max: number;
    let braces = false;
    const c = source[i];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      BRACES.lastIndex = i;
      const m = BRACES.exec(source);
      if (!m) return body;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      braces = true;
      i += m[0].length - 1;
    } else return body;
    i++;
    if (source[i] === '?') i++; // lazy: the same set of matches, so the same test() answer
    return { t: 'repeat', body, min, max, braces, src: source.slice(start, i) };
  }

  function atom(): RegexNode {
    const c = source[i];
    if (c === '(') return group();
    if (c === '[') return charClass();
    if (c === '\\') return escape();
    i++;
    if (c === '.' || c === '^' || c === '$') return { t: 'atom', src: c };
    return { t: 'char', cp: c.charCodeAt(0), written: 'self' };
  }

  function group(): RegexNode {
    const start = i;
    i++;
    let look = false;
    if (source.startsWith('?:', i)) i += 2;
    else if (source.startsWith('?=', i) || source.startsWith('?!', i)) [look, i] = [true, i + 2];
    else if (source.startsWith('?<=', i) || source.startsWith('?<!', i)) [look, i] = [true, i + 3];
    else if (source.startsWith('?<', i)) i = source.indexOf('>', i) + 1;
    const open = source.slice(start, i);
    const body = alternation();
    i++; // ')'
    return { t: 'group', open, look, body };
  }

  function charClass(): RegexNode {
    i++;
    const negated = source[i] === '^';
    if (negated) i++;
    const items: ClassItem[] = [];
    while (i < source.length && source[i] !== ']') {
      const from = classAtom();
      if (source[i] === '-' && i + 1 < source.length && source[i + 1] !== ']') {
        i++;
        const to = classAtom();
        // Annex B: `\d-z` is not a range but three members.
        if ('cp' in from && 'cp' in to) items.push({ lo: from.cp, hi: to.cp });
        else items.push(from, { cp: 0x2d }, to);
      } else {
        items.push(from);
      }
    }
    i++; // ']'
    return { t: 'class', negated, items };
  }

  function classAtom(): ClassItem {
    if (source[i] !== '\\') return { cp: source.charCodeAt(i++) };
    i++;
    const c = source[i];
    if ('dDwWsS'.includes(c)) {
      i++;
      return { escape: '\\' + c };
    }
    if (c === 'b') return (i++, { cp: 8 });
    if (c === '-') return (i++, { cp: 0x2d });
    if (c === 'c') {
      const letter = source[i + 1] ?? '';
      if (/[A-Za-z0-9_]/.test(letter)) return (i += 2, { cp: letter.charCodeAt(0) % 32 });
      return { cp: 0x5c }; // `\c` then something else: a backslash, and `c` is read next
    }
    if (c >= '0' && c <= '7') return { cp: octal() };
    return { cp: characterEscape() };
  }

  function escape(): RegexNode {
    const start = i;
    i++;
    const c = source[i];
    if ('dDwWsSbB'.includes(c)) {
      i++;
      return { t: 'atom', src: '\\' + c };
    }
    if (c >= '1' && c <= '9') {
      const digits = /\d+/y;
      digits.lastIndex = i;
      const n = Number(digits.exec(source)![0]);
      if (n <= groups) {
        i = digits.lastIndex;
        backrefs = true;
        return { t: 'backref', src: source.slice(start, i) };
      }
      if (c === '8' || c === '9') return (i++, { t: 'char', cp: c.charCodeAt(0), written: 'code' });
      return { t: 'char', cp: octal(), written: 'code' };
    }
    if (c === '0') return { t: 'char', cp: octal(), written: 'code' };
    if (c === 'k' && named) {
      i = source.indexOf('>', i) + 1;
      backrefs = true;
      return { t: 'backref', src: source.slice(start, i) };
    }
    if (c === 'c') {
      const letter = source[i + 1] ?? '';
      if (/[A-Za-z]/.test(letter)) return (i += 2, { t: 'char', cp: letter.charCodeAt(0) % 32, written: 'code' });
      return { t: 'char', cp: 0x5c, written: 'code' };
    }
    return { t: 'char', cp: characterEscape(), written: /[A-Za-z0-9]/.test(c) ? 'code' : 'escaped' };
  }

  /** `\x41`, `\u0041`, `\t`…, or an identity escape; `i` is just past the backslash. */
  function characterEscape(): number {
    const c = source[i];
    if (c === 'x' || c === 'u') {
      const hex = sticky(c === 'x' ? HEX2 : HEX4, i + 1);
      if (hex !== undefined) {
        i += 1 + hex.length;
        return parseInt(hex, 16);
      }
    }
    i++;
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    // A letter escape JavaScript does not know (`\A`, `\Z`, `\h`, `\x{41}`…) reads as the letter.
    if (/[A-Za-z]/.test(c)) foreignEscapes.push('\\' + c);
    return c.charCodeAt(0);
  }

  /** A legacy octal escape: up to three octal digits, value at most 0o377. */
  function octal(): number {
    let value = 0;
    for (let n = 0; n < 3; n++) {
      const d = source.charCodeAt(i) - 0x30;
      if (!(d >= 0 && d <= 7) || value * 8 + d > 0o377) break;
      value = value * 8 + d;
      i++;
    }
    return value;
  }

  const root = alternation();
  return { root, backrefs, foreignEscapes };
}

/** Capturing groups (numbered and named), needed to tell `\2` the back-reference from `\2` octal. */
function countGroups(source: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') [inClass, i] = [false, i + 1]; // `[]` / `[^]`
    } else if (c === '(') {
      if (source[i + 1] !== '?') groups++;
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        groups++;
        named = true;
      }
    }
  }
  return { groups, named };
}

// ---- Rewriting into the linear engine's subset.
