// The longest run of plain text every match of a regex must contain, for the literal prefilter:
// `\w+`(\w+|-)` must contain a backquote, `echo.*clip` must contain "echo". Conservative by
// construction: anything it does not fully understand ends the current run, and a pattern with a
// top-level `|` gives nothing (each branch would need its own text).
//
// The text is compared lower-cased with lower-cased values, so only ASCII counts. Under the `i`
// flag, `k` and `s` also end a run: with Unicode case folding the Kelvin sign and the long s
// match them, and lower-casing a value does not turn those into `k` or `s`.

/** A backslash before one of these is an identity escape: the character itself. */
const IDENTITY = /[\\^$.|?*+()[\]{}/\-"' :%&=!<>,#@~`;_]/;

export function regexRequiredText(pattern: string, flags: string): string | null {
  const foldCase = flags.includes('i');
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  const literal = (ch: string) => {
    const c = ch.charCodeAt(0);
    if (c >= 128 || (foldCase && /[ksKS]/.test(ch))) end();
    else run += ch;
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    // What the next atom is; `atomLiteral` is its character when it is plain text.
    let atomLiteral: string | null = null;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return null;
      if (IDENTITY.test(next)) {
        atomLiteral = next;
        i += 2;
      } else {
        // Classes, assertions, back references, \x \u \c \p escapes: skip what they span.
        i += escapeLength(pattern, i);
        end();
      }
    } else if (ch === '(') {
      const close = groupEnd(pattern, i);
      if (close < 0) return null;
      i = close + 1;
      end();
    } else if (ch === '[') {
      const close = classEnd(pattern, i);
      if (close < 0) return null;
      i = close + 1;
      end();
    } else if (ch === '|') {
      return null;
    } else if (ch === ')' || ch === ']' || ch === '{' || ch === '}' || ch === '*' || ch === '+' || ch === '?') {
      // Unbalanced or stray syntax: do not guess.
      return null;
    } else if (ch === '.' || ch === '^' || ch === '$') {
      i++;
      end();
    } else {
      atomLiteral = ch;
      i++;
    }
    // A quantifier applies to the atom just read.
    const q = quantifier(pattern, i);
    if (q) {
      i += q.length;
      if (atomLiteral !== null && q.min >= 1) literal(atomLiteral);
      end();
    } else if (atomLiteral !== null) literal(atomLiteral);
  }
  end();
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  return best ? best.toLowerCase() : null;
}

function quantifier(p: string, i: number): { length: number; min: number } | null {
  const ch = p[i];
  let length = 0;
  let min = 1;
  if (ch === '*' || ch === '?') {
    length = 1;
    min = 0;
  } else if (ch === '+') length = 1;
  else if (ch === '{') {
    const m = /^\{(\d+)(,\d*)?\}/.exec(p.slice(i));
    if (!m) return null;
    length = m[0].length;
    min = Number(m[1]);
  } else return null;
  if (p[i + length] === '?') length++; // lazy
  return { length, min };
}

function escapeLength(p: string, i: number): number {
  const next = p[i + 1];
  if (next === 'x') return 4;
  if (next === 'c') return 3;
  if (next === 'u') {
    if (p[i + 2] === '{') {
      const close = p.indexOf('}', i + 3);
      return close < 0 ? p.length - i : close - i + 1;
    }
    return 6;
  }
  if ((next === 'p' || next === 'P') && p[i + 2] === '{') {
    const close = p.indexOf('}', i + 3);
    return close < 0 ? p.length - i : close - i + 1;
  }
  if (next === 'k' && p[i + 2] === '<') {
    const close = p.indexOf('>', i + 3);
    return close < 0 ? p.length - i : close - i + 1;
  }
  if (/[0-9]/.test(next)) {
    let j = i + 1;
    while (j < p.length && /[0-9]/.test(p[j])) j++;
    return j - i;
  }
  return 2;
}

/** Index of the `]` closing the class opened at `i`, or -1. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
  }
  return -1;
}

/** Index of the `)` closing the group opened at `i` (classes and escapes respected), or -1. */
function groupEnd(p: string, i: number): number {
  let depth = 0;
  for (let j = i; j < p.length; j++) {
    const ch = p[j];
    if (ch === '\\') j++;
    else if (ch === '[') {
      const close = classEnd(p, j);
      if (close < 0) return -1;
      j = close;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return j;
  }
  return -1;
}
