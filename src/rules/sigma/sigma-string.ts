// A Sigma string value: literal text and wildcards, read with Sigma's backslash escaping
// (sigma-semantics §1), and turned into the simplest ValueTest that means the same thing.
import type { GlobPart, ValueTest, Wildcard } from '../ast.js';

/** A `%name%` placeholder, kept in a value until the `expand` modifier replaces it (§7). */
export interface Placeholder {
  placeholder: string;
}

/** A part of a Sigma string: literal text, a wildcard, or (only under `expand`) a placeholder. */
export type SigmaPart = GlobPart | Placeholder;

export const ANY: Wildcard = { wildcard: '*' };
export const ONE: Wildcard = { wildcard: '?' };

// Placeholder names as SigmaHQ writes them (`%dc_ip_addresses%`, `%DC-MACHINE-NAME%`).
const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/y;

export function isWildcard(part: SigmaPart): part is Wildcard {
  return typeof part === 'object' && 'wildcard' in part;
}

export function isPlaceholder(part: SigmaPart): part is Placeholder {
  return typeof part === 'object' && 'placeholder' in part;
}

function isGlobPart(part: SigmaPart): part is GlobPart {
  return !isPlaceholder(part);
}

/**
 * Reads a Sigma string (already YAML-parsed), left to right: `\*` `\?` `\\` give the character
 * literally, `\` before anything else is kept along with that character, a trailing `\` is kept,
 * and unescaped `*` / `?` are wildcards.
 */
export function parseSigmaString(text: string): GlobPart[] {
  return scan(text, false).filter(isGlobPart);
}

/**
 * Reads a Sigma string under `expand`: as parseSigmaString, and `%name%` is a placeholder
 * while `\%` is a literal `%` (the only way to write `%name%` literally there).
 */
export function parseExpandable(text: string): SigmaPart[] {
  return scan(text, true);
}

function scan(text: string, placeholders: boolean): SigmaPart[] {
  const parts: SigmaPart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\' || (placeholders && next === '%')) {
        literal += next;
        i += 2;
      } else {
        // Not an escape: the backslash stays, and the next character is read on its own.
        literal += c;
        i += 1;
      }
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? ANY : ONE);
      i += 1;
    } else if (c === '%' && placeholders) {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(text);
      if (m) {
        flush();
        parts.push({ placeholder: m[1] });
        i += m[0].length;
      } else {
        literal += c;
        i += 1;
      }
    } else {
      literal += c;
      i += 1;
    }
  }
  flush();
  return normalize(parts);
}

/** Joins neighbouring literal text and folds runs of `*` into one (same meaning, simpler tests). */
export function normalize<P extends SigmaPart>(parts: readonly P[]): P[] {
  const out: P[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const last = out[out.length - 1];
    if (typeof part === 'string' && typeof last === 'string') {
      out[out.length - 1] = (last + part) as P;
    } else if (isAny(part) && last !== undefined && isAny(last)) {
      continue;
    } else {
      out.push(part);
    }
  }
  return out;
}

/** The `*` wildcard. */
export function isAny(part: SigmaPart): boolean {
  return isWildcard(part) && part.wildcard === '*';
}

/** `*` in front unless already there (`contains`, `endswith`). */
export function withLeadingAny<P extends SigmaPart>(parts: readonly P[]): (P | Wildcard)[] {
  return parts.length > 0 && isAny(parts[0]) ? [...parts] : [ANY, ...parts];
}

/** `*` at the end unless already there (`contains`, `startswith`). */
export function withTrailingAny<P extends SigmaPart>(parts: readonly P[]): (P | Wildcard)[] {
  return parts.length > 0 && isAny(parts[parts.length - 1]) ? [...parts] : [...parts, ANY];
}

/** The text of a value without wildcards or placeholders; undefined when it has any. */
export function literalText(parts: readonly SigmaPart[]): string | undefined {
  let text = '';
  for (const part of parts) {
    if (typeof part !== 'string') return undefined;
    text += part;
  }
  return text;
}

/**
 * The simplest test for a glob: no wildcards → equals; `*lit*` → contains; `lit*` → startswith;
 * `*lit` → endswith; `*` alone → contains '' (any value, empty too); anything else → glob.
 */
export function toValueTest(parts: readonly GlobPart[], cased: boolean): ValueTest {
  const glob = normalize(parts);
  const whole = literalText(glob);
  if (whole !== undefined) return { kind: 'equals', value: whole, cased };
  const [first, second, third] = glob;
  if (glob.length === 1 && isAny(first)) return { kind: 'contains', value: '', cased };
  if (glob.length === 2 && typeof first === 'string' && isAny(second)) {
    return { kind: 'startswith', value: first, cased };
  }
  if (glob.length === 2 && isAny(first) && typeof second === 'string') {
    return { kind: 'endswith', value: second, cased };
  }
  if (glob.length === 3 && isAny(first) && typeof second === 'string' && isAny(third)) {
    return { kind: 'contains', value: second, cased };
  }
  return { kind: 'glob', parts: glob, cased };
}
