// The Sigma modifier registry (sigma-semantics §2): one small function per modifier and one table
// from name to modifier. A detection item's values run through its modifiers left to right.
// Each YAML value becomes a group of alternatives, because windash, base64offset and expand turn
// one value into several; a group is always OR'ed, even when `all` links the groups by AND.
import { Buffer } from 'node:buffer';
import type { ValueTest } from '../ast.js';
import { parseNetwork } from '../../compile/value-test.js';
import {
  isAny,
  isPlaceholder,
  literalText,
  normalize,
  parseSigmaString,
  withLeadingAny,
  withTrailingAny,
  type SigmaPart,
} from './sigma-string.js';

/** What the rule loader hands a detection item: placeholder values and a place for problems. */
export interface ItemContext {
  placeholders: Map<string, string[]>;
  problem(reason: string, kind: 'invalid' | 'unsupported' | 'needs-input'): void;
}

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';
export type TimePart = Extract<ValueTest, { kind: 'timepart' }>['part'];
export type FieldrefMatch = 'equals' | 'contains' | 'startswith' | 'endswith';

/** A value on its way through the modifiers. */
export type SigmaValue =
  /** Literal text, wildcards, placeholders. `raw` is the YAML text while no modifier changed it. */
  | { kind: 'string'; parts: SigmaPart[]; raw?: string; cased?: boolean }
  /** Encoded text (wide, utf16…) waiting for base64. */
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'cidr'; network: string }
  | { kind: 'compare'; op: CompareOp; value: number }
  | { kind: 'timepart'; part: TimePart; value: number }
  | { kind: 'fieldref'; field: string; match: FieldrefMatch }
  | { kind: 'exists'; present: boolean };

export type StringValue = Extract<SigmaValue, { kind: 'string' }>;

/** A detection item's values and the flags its modifiers set. */
export interface Chain {
  /** One group per YAML value; the alternatives of a group are OR'ed. */
  groups: SigmaValue[][];
  /** `all`: groups are AND'ed instead of OR'ed. */
  all: boolean;
  /** `cased`: string tests are case-sensitive. */
  cased: boolean;
  /** `neq`: the whole item is negated. */
  negate: boolean;
}

export interface Modifier {
  /** One line: what the modifier does. */
  doc: string;
  apply(chain: Chain, ctx: ItemContext): Chain;
}

/** A modifier that maps each value to its alternatives (none after reporting a problem). */
function eachValue(doc: string, map: (value: SigmaValue, ctx: ItemContext) => SigmaValue[]): Modifier {
  return { doc, apply: (chain, ctx) => ({ ...chain, groups: chain.groups.map((g) => g.flatMap((v) => map(v, ctx))) }) };
}

/** A modifier that only sets a flag of the item. */
function flag(doc: string, set: Partial<Omit<Chain, 'groups'>>): Modifier {
  return { doc, apply: (chain) => ({ ...chain, ...set }) };
}

function refuse(modifier: string, value: SigmaValue, ctx: ItemContext): SigmaValue[] {
  ctx.problem(`modifier ${modifier} does not apply to a ${value.kind} value`, 'invalid');
  return [];
}

/** Numbers and booleans read as their text where a string is needed. */
function asString(value: SigmaValue): StringValue | undefined {
  switch (value.kind) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return { kind: 'string', parts: [String(value.value)], raw: String(value.value) };
    default:
      return undefined;
  }
}

function placement(name: FieldrefMatch, doc: string, place: (parts: SigmaPart[]) => SigmaPart[]): Modifier {
  return eachValue(doc, (value, ctx) => {
    if (value.kind === 'fieldref') return [{ ...value, match: name }];
    const s = asString(value);
    if (!s) return refuse(name, value, ctx);
    return [{ kind: 'string', parts: place(s.parts), cased: s.cased }];
  });
}

const contains = placement('contains', 'contains: `*` around the value, unless already there', (p) =>
  withTrailingAny(withLeadingAny(p)),
);
const startswith = placement('startswith', 'startswith: `*` after the value, unless already there', (p) =>
  withTrailingAny(p),
);
const endswith = placement('endswith', 'endswith: `*` before the value, unless already there', (p) =>
  withLeadingAny(p),
);

// ---- Encodings

/** The bytes an encoding modifier works on: literal text only, no wildcards or placeholders. */
function bytesOf(modifier: string, value: SigmaValue, ctx: ItemContext): Uint8Array | undefined {
  if (value.kind === 'bytes') return value.bytes;
  const text = literalOf(modifier, value, ctx);
  return text === undefined ? undefined : new TextEncoder().encode(text);
}

function literalOf(modifier: string, value: SigmaValue, ctx: ItemContext): string | undefined {
  const s = asString(value);
  if (!s) {
    refuse(modifier, value, ctx);
    return undefined;
  }
  const text = literalText(s.parts);
  if (text === undefined) {
    ctx.problem(`modifier ${modifier} needs literal text, without wildcards or placeholders`, 'invalid');
  }
  return text;
}

const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Encoded text keeps its case: matching it case-insensitively would only add false positives. */
const encoded = (text: string): SigmaValue => ({ kind: 'string', parts: text === '' ? [] : [text], cased: true });

const base64 = eachValue('base64: the value is base64-encoded (UTF-8, padded)', (value, ctx) => {
  const bytes = bytesOf('base64', value, ctx);
  return bytes ? [encoded(base64Of(bytes))] : [];
});

// Where the encoded value sits in a longer base64 text depends on its byte offset modulo 3; for
// each offset keep the characters that do not depend on the bytes around it.
const OFFSET_START = [0, 2, 3];
const OFFSET_END_TRIM = [0, 3, 2];

/** The three base64 forms of `bytes` at byte offsets 0, 1 and 2 of a longer text. */
export function base64Offsets(bytes: Uint8Array): string[] {
  return [0, 1, 2].map((offset) => {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    const text = base64Of(shifted);
    const trim = OFFSET_END_TRIM[(bytes.length + offset) % 3];
    return text.slice(OFFSET_START[offset], text.length - trim);
  });
}

const base64offset = eachValue(
  'base64offset: the value as it appears inside base64 at each of the 3 offsets (OR)',
  (value, ctx) => {
    const bytes = bytesOf('base64offset', value, ctx);
    return bytes ? base64Offsets(bytes).map(encoded) : [];
  },
);

function utf16(name: string, littleEndian: boolean, bom: boolean): Modifier {
  const doc = `${name}: the text as UTF-16${littleEndian ? 'LE' : 'BE'}${bom ? ' after a byte order mark' : ''}, for base64`;
  return eachValue(doc, (value, ctx) => {
    const text = literalOf(name, value, ctx);
    if (text === undefined) return [];
    const start = bom ? 2 : 0;
    const bytes = new Uint8Array(start + 2 * text.length);
    if (bom) bytes.set(littleEndian ? [0xff, 0xfe] : [0xfe, 0xff]);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      const [first, second] = littleEndian ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff];
      bytes[start + 2 * i] = first;
      bytes[start + 2 * i + 1] = second;
    }
    return [{ kind: 'bytes', bytes }];
  });
}

// ---- windash

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const WORD = /[A-Za-z0-9_]/;
// 5 hits already make 3,125 alternatives; SigmaHQ has at most 2.
const MAX_WINDASH_HITS = 5;

/**
 * Every `-` or `/` that starts a word (regex `\B[-/]\b`) in each of its five forms. A wildcard
 * or placeholder next to a dash counts as a non-word character, so `contains|windash` and
 * `windash|contains` agree.
 */
export function windashVariants(parts: readonly SigmaPart[]): SigmaPart[][] {
  let variants: SigmaPart[][] = [[]];
  for (const part of parts) {
    if (typeof part !== 'string') {
      variants = variants.map((v) => [...v, part]);
      continue;
    }
    let texts = [''];
    const hits = dashHits(part);
    for (let i = 0; i < part.length; i++) {
      const c = part[i];
      texts = hits.includes(i) ? texts.flatMap((t) => DASHES.map((d) => t + d)) : texts.map((t) => t + c);
    }
    variants = variants.flatMap((v) => texts.map((t) => [...v, t]));
  }
  return variants.map(normalize);
}

/** Positions of dashes that start a word; the text's ends count as non-word characters. */
function dashHits(text: string): number[] {
  const hits: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '-' || c === '/') && !WORD.test(text[i - 1] ?? '') && WORD.test(text[i + 1] ?? '')) hits.push(i);
  }
  return hits;
}

const windash = eachValue('windash: each dash or slash starting a word, in all its forms - / – — ― (OR)', (value, ctx) => {
  const s = asString(value);
  if (!s) return refuse('windash', value, ctx);
  const hits = s.parts.reduce((n, p) => n + (typeof p === 'string' ? dashHits(p).length : 0), 0);
  if (hits > MAX_WINDASH_HITS) {
    ctx.problem(`windash on a value with ${hits} dashes gives too many alternatives`, 'unsupported');
    return [];
  }
  return windashVariants(s.parts).map((parts) => ({ kind: 'string', parts, cased: s.cased }));
});

// ---- expand

// Products of several placeholders' values are capped like windash.
const MAX_EXPANSIONS = 10_000;

const expand = eachValue('expand: each %placeholder% is replaced by each of its values (OR)', (value, ctx) => {
  if (value.kind !== 'string') return refuse('expand', value, ctx);
  let variants: SigmaPart[][] = [[]];
  for (const part of value.parts) {
    if (!isPlaceholder(part)) {
      variants = variants.map((v) => [...v, part]);
      continue;
    }
    const values = ctx.placeholders.get(part.placeholder);
    if (values === undefined) {
      ctx.problem(`unresolved placeholder %${part.placeholder}% (give its values with --placeholders DIR)`, 'needs-input');
      return [];
    }
    // Placeholder values are Sigma strings too: `*` in a value is a wildcard, `\*` a star.
    variants = variants.flatMap((v) => values.map((text) => [...v, ...parseSigmaString(text)]));
    if (variants.length > MAX_EXPANSIONS) {
      ctx.problem(`placeholders of one value expand to more than ${MAX_EXPANSIONS} alternatives`, 'unsupported');
      return [];
    }
  }
  return variants.map((parts) => ({ kind: 'string', parts: normalize(parts), cased: value.cased }));
});

// ---- Regular expressions

const re = eachValue('re: the value is a regular expression, searched anywhere in the field', (value, ctx) => {
  const s = asString(value);
  if (!s) return refuse('re', value, ctx);
  if (s.raw === undefined) {
    ctx.problem('modifier re must come before modifiers that change the value', 'invalid');
    return [];
  }
  return [{ kind: 'regex', ...leadingInlineFlags(s.raw) }];
});

/** A leading `(?i)`, `(?ms)`… becomes flags: JavaScript (Node 20) has no inline flag groups. */
export function leadingInlineFlags(pattern: string): { pattern: string; flags: string } {
  let flags = '';
  let rest = pattern;
  for (let m = /^\(\?([ims]+)\)/.exec(rest); m; m = /^\(\?([ims]+)\)/.exec(rest)) {
    flags = addFlags(flags, m[1]);
    rest = rest.slice(m[0].length);
  }
  return { pattern: rest, flags };
}

function addFlags(flags: string, more: string): string {
  return [...'ims'].filter((f) => flags.includes(f) || more.includes(f)).join('');
}

function regexFlag(name: 'i' | 'm' | 's', doc: string): Modifier {
  return eachValue(doc, (value, ctx) => {
    if (value.kind !== 'regex') {
      ctx.problem(`modifier ${name} must follow re`, 'invalid');
      return [];
    }
    return [{ ...value, flags: addFlags(value.flags, name) }];
  });
}

// ---- Typed values

const cidr = eachValue('cidr: the field is an IP address inside this IPv4/IPv6 network', (value, ctx) => {
  const text = literalOf('cidr', value, ctx);
  if (text === undefined) return [];
  const network = text.trim();
  if (!parseNetwork(network)) {
    ctx.problem(`invalid CIDR network ${JSON.stringify(text)}`, 'invalid');
    return [];
  }
  return [{ kind: 'cidr', network }];
});

/** A number from a YAML number or decimal / `0x` hex text. */
function numberOf(modifier: string, value: SigmaValue, ctx: ItemContext): number | undefined {
  if (value.kind === 'number') return value.value;
  const text = value.kind === 'string' ? literalText(value.parts)?.trim() : undefined;
  if (text !== undefined) {
    if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text, 16);
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  }
  const given = value.kind === 'string' ? value.raw : value.kind;
  ctx.problem(`modifier ${modifier} needs a number, not ${JSON.stringify(given)}`, 'invalid');
  return undefined;
}

function compare(op: CompareOp, doc: string): Modifier {
  return eachValue(doc, (value, ctx) => {
    const n = numberOf(op, value, ctx);
    return n === undefined ? [] : [{ kind: 'compare', op, value: n }];
  });
}

function timepart(part: TimePart): Modifier {
  const doc = `${part}: the ${part} of the field's timestamp (UTC${part === 'week' ? ', ISO week' : ''}) equals the value`;
  return eachValue(doc, (value, ctx) => {
    const n = numberOf(part, value, ctx);
    if (n === undefined) return [];
    if (!Number.isInteger(n)) {
      ctx.problem(`modifier ${part} needs a whole number`, 'invalid');
      return [];
    }
    return [{ kind: 'timepart', part, value: n }];
  });
}

const exists = eachValue('exists: true, the field is present; false, it is absent', (value, ctx) => {
  if (value.kind === 'boolean') return [{ kind: 'exists', present: value.value }];
  ctx.problem('modifier exists needs true or false', 'invalid');
  return [];
});

const fieldref = eachValue('fieldref: the value names another field of the event to compare with', (value, ctx) => {
  const s = asString(value);
  if (!s) return refuse('fieldref', value, ctx);
  // `contains|fieldref` arrives as `*Name*`: the stars say how to compare.
  const parts = [...s.parts];
  const leading = parts.length > 0 && isAny(parts[0]);
  if (leading) parts.shift();
  const trailing = parts.length > 0 && isAny(parts[parts.length - 1]);
  if (trailing) parts.pop();
  const field = literalText(parts);
  if (field === undefined || field === '') {
    ctx.problem('modifier fieldref needs a field name', 'invalid');
    return [];
  }
  const match: FieldrefMatch =
    leading && trailing ? 'contains' : leading ? 'endswith' : trailing ? 'startswith' : 'equals';
  return [{ kind: 'fieldref', field, match }];
});

/** Every modifier by name. */
export const MODIFIERS: ReadonlyMap<string, Modifier> = new Map<string, Modifier>([
  ['contains', contains],
  ['startswith', startswith],
  ['endswith', endswith],
  ['all', flag('all: every value of the list must match (AND) instead of any (OR)', { all: true })],
  ['base64', base64],
  ['base64offset', base64offset],
  ['wide', utf16('wide', true, false)],
  ['utf16le', utf16('utf16le', true, false)],
  ['utf16be', utf16('utf16be', false, false)],
  ['utf16', utf16('utf16', true, true)],
  ['windash', windash],
  ['re', re],
  ['i', regexFlag('i', 'i: the regular expression ignores case')],
  ['m', regexFlag('m', 'm: ^ and $ of the regular expression match at line breaks')],
  ['s', regexFlag('s', 's: . in the regular expression matches line breaks too')],
  ['cased', flag('cased: string matching is case-sensitive', { cased: true })],
  ['cidr', cidr],
  ['exists', exists],
  ['expand', expand],
  ['fieldref', fieldref],
  ['gt', compare('gt', 'gt: the field is a number greater than the value')],
  ['gte', compare('gte', 'gte: the field is a number greater than or equal to the value')],
  ['lt', compare('lt', 'lt: the field is a number less than the value')],
  ['lte', compare('lte', 'lte: the field is a number less than or equal to the value')],
  ['neq', flag('neq: the item matches when the field does not match (absent field too)', { negate: true })],
  ['minute', timepart('minute')],
  ['hour', timepart('hour')],
  ['day', timepart('day')],
  ['week', timepart('week')],
  ['month', timepart('month')],
  ['year', timepart('year')],
]);
