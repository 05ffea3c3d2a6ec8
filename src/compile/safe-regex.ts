// Regexes from rules must not be able to hang a scan (design.md). V8 has a linear-time regex
// engine; with --enable-experimental-regexp-engine-on-excessive-backtracks a regex that
// backtracks too much (50,000 backtracks by default) switches to it by itself. That engine only
// takes a subset of patterns: on Node 20 no `i` flag, no back-references or lookarounds, no
// counted repeat above 16. So a rule regex is first rewritten into that subset where the meaning
// allows it (case folded by hand into classes, counted repeats written out, groups made
// non-capturing: we only ever ask "does it match?"), and a pattern still outside the subset is
// refused if it repeats a group that itself repeats or alternates (the shape of catastrophic
// backtracking). Everything here runs when the module loads, before any rule regex exists.
import { setFlagsFromString } from 'node:v8';
import { parsePattern, type ClassItem, type Parsed, type RegexNode as Node } from './regex-syntax.js';

/** True when V8 took the flags: a pattern in the linear subset then cannot backtrack for long. */
export const LINEAR_FALLBACK: boolean = enableLinearFallback();

function enableLinearFallback(): boolean {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    // Makes the `l` flag known; it is used only to ask V8 whether a pattern is in the subset.
    setFlagsFromString('--enable-experimental-regexp-engine');
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
}

/** Why a rule regex (JavaScript syntax, flags from "ims") cannot run; undefined when it can. */
export function regexProblem(pattern: string, flags: string): string | undefined {
  const plan = planRegex(pattern, flags);
  return 'problem' in plan ? plan.problem : undefined;
}

/** The RegExp to run for a rule regex, or undefined when regexProblem reports one. */
export function compileRuleRegex(pattern: string, flags: string): RegExp | undefined {
  const plan = planRegex(pattern, flags);
  return 'regex' in plan ? plan.regex : undefined;
}

type Plan = { regex: RegExp } | { problem: string };

function planRegex(pattern: string, flags: string): Plan {
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return { problem: `not a valid JavaScript regular expression (${(e as Error).message})` };
  }
  const parsed = parsePattern(pattern);
  if (parsed.foreignEscapes.length > 0) {
    // JavaScript reads `\A`, `\Z`, `\h`… as plain letters; running them would silently miss.
    return { problem: `escape ${parsed.foreignEscapes.join(' ')} has no meaning in JavaScript` };
  }
  const source = rewrite(parsed, pattern, flags);
  if (LINEAR_FALLBACK && inLinearSubset(source)) return { regex: new RegExp(source.pattern, source.flags) };
  if (hasNestedRepeat(parsed.root)) {
    return { problem: 'a repeated group that repeats or alternates inside could backtrack without end' };
  }
  return { regex: new RegExp(source.pattern, source.flags) };
}

function inLinearSubset(source: Source): boolean {
  try {
    new RegExp(source.pattern, source.flags + 'l');
    return true;
  } catch {
    return false;
  }
}

interface Source {
  pattern: string;
  flags: string;
}

// Written-out repeats may not grow a pattern beyond this; such a pattern stays as it was.
const MAX_UNROLLED = 20_000;

class TooLarge extends Error {}

function rewrite(parsed: Parsed, pattern: string, flags: string): Source {
  // Back-references need their groups and the engine's own case folding: leave those alone.
  if (parsed.backrefs) return { pattern, flags };
  const fold = flags.includes('i');
  const outFlags = flags.replace('i', '');
  try {
    return { pattern: print(parsed.root, { fold, unroll: true }), flags: outFlags };
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    return { pattern: print(parsed.root, { fold, unroll: false }), flags: outFlags };
  }
}

interface PrintMode {
  /** Case-fold by hand, replacing the `i` flag. */
  fold: boolean;
  /** Write out `{n,m}` repeats. */
  unroll: boolean;
}

function print(node: Node, mode: PrintMode): string {
  switch (node.t) {
    case 'seq':
      return node.items.map((n) => print(n, mode)).join('');
    case 'alt':
      return node.options.map((n) => print(n, mode)).join('|');
    case 'group':
      return (node.look ? node.open : '(?:') + print(node.body, mode) + ')';
    case 'repeat': {
      const body = print(node.body, mode);
      return node.braces && mode.unroll ? unroll(body, node.min, node.max) : body + node.src;
    }
    case 'char':
      return mode.fold ? foldedChar(node.cp) : patternChar(node.cp);
    case 'class':
      return printClass(node.negated, mode.fold ? foldClass(node.items) : node.items);
    case 'atom':
      return node.src;
    case 'backref':
      return '(?:' + node.src + ')';
  }
}

/** `x{2,4}` → `xx(?:x(?:x)?)?`; `x{2,}` → `xxx*`. Nested optionals keep backtracking small. */
function unroll(atom: string, min: number, max: number): string {
  const copies = max === Infinity ? min + 1 : max;
  if (atom.length * copies > MAX_UNROLLED) throw new TooLarge();
  let tail = '';
  if (max === Infinity) tail = atom + '*';
  else for (let k = min; k < max; k++) tail = '(?:' + atom + tail + ')?';
  return atom.repeat(min) + tail;
}

const PLAIN = /[A-Za-z0-9 _,:;'"%&=<>@#!~`-]/;

function patternChar(cp: number): string {
  const c = String.fromCharCode(cp);
  return PLAIN.test(c) ? c : '\\u' + cp.toString(16).padStart(4, '0');
}

function classChar(cp: number): string {
  const c = String.fromCharCode(cp);
  return /[A-Za-z0-9 _]/.test(c) ? c : '\\u' + cp.toString(16).padStart(4, '0');
}

function printClass(negated: boolean, items: readonly ClassItem[]): string {
  const body = items
    .map((it) => ('cp' in it ? classChar(it.cp) : 'lo' in it ? classChar(it.lo) + '-' + classChar(it.hi) : it.escape))
    .join('');
  return '[' + (negated ? '^' : '') + body + ']';
}

function foldedChar(cp: number): string {
  const variants = caseVariants(cp);
  return variants.length === 1 ? patternChar(cp) : printClass(false, variants.map((v) => ({ cp: v })));
}

/**
 * Adds every case variant of the class's members. `\w`, `\d`, `\s` and their negations are
 * already closed under case in non-unicode mode; a negated class is closed first, then negated,
 * which is how the `i` flag treats it.
 */
function foldClass(items: readonly ClassItem[]): ClassItem[] {
  const has = (cp: number): boolean =>
    items.some((it) => ('cp' in it ? it.cp === cp : 'lo' in it ? it.lo <= cp && cp <= it.hi : false));
  const extra = new Set<number>();
  const add = (cp: number): void => {
    for (const v of caseVariants(cp)) if (v !== cp && !has(v)) extra.add(v);
  };
  for (const it of items) {
    if ('cp' in it) add(it.cp);
    else if ('lo' in it) for (let cp = it.lo; cp <= it.hi; cp++) add(cp);
  }
  return [...items, ...[...extra].sort((a, b) => a - b).map((cp) => ({ cp }))];
}

// Case equivalence of the `i` flag without `u` (ECMA-262 Canonicalize): the upper case of a
// character when that is one character and does not map a non-ASCII character into ASCII.
function canonicalize(cp: number): number {
  const upper = String.fromCharCode(cp).toUpperCase();
  if (upper.length !== 1) return cp;
  const u = upper.charCodeAt(0);
  return cp >= 128 && u < 128 ? cp : u;
}

let caseClasses: Map<number, number[]> | undefined;

/** Every character the `i` flag treats as equal to `cp`, `cp` included. */
function caseVariants(cp: number): number[] {
  if (cp < 128) {
    if (cp >= 0x61 && cp <= 0x7a) return [cp, cp - 32];
    if (cp >= 0x41 && cp <= 0x5a) return [cp, cp + 32];
    return [cp];
  }
  if (!caseClasses) {
    caseClasses = new Map();
    for (let c = 0; c <= 0xffff; c++) {
      const canon = canonicalize(c);
      const members = caseClasses.get(canon);
      if (members) members.push(c);
      else caseClasses.set(canon, [c]);
    }
  }
  return caseClasses.get(canonicalize(cp)) ?? [cp];
}

// ---- The static check, for patterns the linear engine cannot take.

function hasNestedRepeat(node: Node): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.some(hasNestedRepeat);
    case 'alt':
      return node.options.some(hasNestedRepeat);
    case 'group':
      return hasNestedRepeat(node.body);
    case 'repeat':
      return (node.max > 1 && repeatsOrAlternates(node.body)) || hasNestedRepeat(node.body);
    default:
      return false;
  }
}

function repeatsOrAlternates(node: Node): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.some(repeatsOrAlternates);
    case 'alt':
      return true;
    case 'group':
      return repeatsOrAlternates(node.body);
    case 'repeat':
      return node.max > 1 || repeatsOrAlternates(node.body);
    default:
      return false;
  }
}
