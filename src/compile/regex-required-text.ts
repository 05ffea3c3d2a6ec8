// The longest run of plain text every match of a regex must contain, for the literal prefilter:
// `\w+`(\w+|-)` must contain a backquote, `echo.*clip` must contain "echo". Read from the
// pattern's tree (regex-syntax.ts) and conservative: only characters written as themselves (or as
// escaped punctuation) at the top level count, anything else ends the current run, and a pattern
// with a top-level `|` gives nothing (each branch would need its own text).
//
// The text is compared lower-cased with lower-cased values, so only ASCII counts. Under the `i`
// flag, `k` and `s` also end a run: with Unicode case folding the Kelvin sign and the long s
// match them, and lower-casing a value does not turn those into `k` or `s`.
import { parseIfValid, type RegexNode } from './regex-syntax.js';

export function regexRequiredText(pattern: string, flags: string): string | null {
  const root = parseIfValid(pattern, flags);
  if (root?.t !== 'seq') return null;
  const foldCase = flags.includes('i');
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  /** The character a node stands for when it is plain text. */
  const plain = (n: RegexNode): string | null => {
    if (n.t !== 'char' || n.written === 'code' || n.cp >= 128) return null;
    const ch = String.fromCharCode(n.cp);
    return foldCase && /[ksKS]/.test(ch) ? null : ch;
  };
  for (const item of root.items) {
    if (item.t === 'repeat') {
      // `x+`, `x{2,}`: the character is there once at least, and what follows is not adjacent.
      const ch = item.min >= 1 ? plain(item.body) : null;
      if (ch !== null) run += ch;
      end();
      continue;
    }
    const ch = plain(item);
    if (ch === null) end();
    else run += ch;
  }
  end();
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  return best ? best.toLowerCase() : null;
}
