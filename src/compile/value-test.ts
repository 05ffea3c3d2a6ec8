// One ValueTest of the rule AST → a function over one field value. The caller computes the text
// form and its lower case once per value and record; case-insensitive tests compare against the
// lower case with a needle lower-cased here, once.
import type { GlobPart, ValueTest } from '../rules/ast.js';
import type { Value } from '../evtx/values.js';
import { literalChainMatcher } from './literal-chain-regex.js';
import { compileRuleRegex } from './safe-regex.js';

/** `text` is `valueText(value)`, `lower` is `text.toLowerCase()`. */
export type ValueMatcher = (value: Value, text: string, lower: string) => boolean;

const NEVER: ValueMatcher = () => false;

export function compileValueTest(test: ValueTest): ValueMatcher {
  switch (test.kind) {
    case 'equals':
      return stringTest(test.value, test.cased, (s, needle) => s === needle);
    case 'contains':
      return stringTest(test.value, test.cased, (s, needle) => s.includes(needle));
    case 'startswith':
      return stringTest(test.value, test.cased, (s, needle) => s.startsWith(needle));
    case 'endswith':
      return stringTest(test.value, test.cased, (s, needle) => s.endsWith(needle));
    case 'glob': {
      const re = globRegExp(test.parts, test.cased);
      return test.cased ? (_v, text) => re.test(text) : (_v, _t, lower) => re.test(lower);
    }
    case 'regex': {
      const chain = literalChainMatcher(test.pattern, test.flags);
      if (chain) return (_v, text) => chain(text);
      // A regex the loader should have reported; it never runs unprotected.
      const re = compileRuleRegex(test.pattern, test.flags);
      return re ? (_v, text) => re.test(text) : NEVER;
    }
    case 'compare':
      return compareTest(test.op, test.value);
    case 'cidr': {
      const network = parseNetwork(test.network);
      return network ? (_v, text) => inNetwork(network, text) : NEVER;
    }
    case 'timepart': {
      const { part, value } = test;
      return (_v, text) => {
        const ms = parseTimestamp(text);
        return ms !== undefined && timePart(ms, part) === value;
      };
    }
  }
}

function stringTest(value: string, cased: boolean, op: (s: string, needle: string) => boolean): ValueMatcher {
  if (cased) return (_v, text) => op(text, value);
  const needle = value.toLowerCase();
  return (_v, _t, lower) => op(lower, needle);
}

// ---- Globs

/**
 * An anchored RegExp for a glob. Literal parts are lower-cased one by one (lower-casing can change
 * a string's length, so the glob is built from lowered parts, never by lowering a pattern).
 */
export function globRegExp(parts: readonly GlobPart[], cased: boolean): RegExp {
  const body = parts
    .map((p) => {
      if (typeof p !== 'string') return p.wildcard === '*' ? '[\\s\\S]*' : '[\\s\\S]';
      return escapeRegExp(cased ? p : p.toLowerCase());
    })
    .join('');
  // No `i` or `u` flag: the pattern stays in the subset the linear fallback engine runs.
  return new RegExp('^(?:' + body + ')$');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

// ---- Numbers

type Op = Extract<ValueTest, { kind: 'compare' }>['op'];

function compareTest(op: Op, bound: number): ValueMatcher {
  return (value, text) => {
    const n = numberOf(value, text);
    if (n === undefined) return false;
    // `<` and `>` compare bigint with number exactly; equality is "neither smaller nor larger".
    switch (op) {
      case 'eq':
        return !(n < bound) && !(n > bound);
      case 'gt':
        return n > bound;
      case 'gte':
        return n >= bound;
      case 'lt':
        return n < bound;
      case 'lte':
        return n <= bound;
    }
  };
}

function numberOf(value: Value, text: string): number | bigint | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'string') return undefined;
  return parseNumberText(text);
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** Decimal or `0x` hex text as a number; integers too large for a double stay exact as bigint. */
export function parseNumberText(text: string): number | bigint | undefined {
  if (HEX.test(text)) return BigInt(text);
  if (DECIMAL_INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (DECIMAL.test(text)) return Number(text);
  return undefined;
}

// ---- IP networks

/** An IPv4 or IPv6 network: its address bits, prefix length and version. */
export interface Network {
  version: 4 | 6;
  bits: bigint;
  prefix: number;
}

interface Address {
  version: 4 | 6;
  bits: bigint;
}

/** `10.0.0.0/8`, `fe80::/10`, or a bare address (a network of one); undefined if not one. */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const width = address.version === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return undefined;
    prefix = Number(p);
  }
  return { ...address, prefix };
}

function inNetwork(network: Network, text: string): boolean {
  const address = parseAddress(text);
  if (!address) return false;
  let bits = address.bits;
  if (network.version === 4 && address.version === 6) {
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 address.
    if (bits >> 32n !== 0xffffn) return false;
    bits &= 0xffffffffn;
  } else if (network.version !== address.version) {
    return false;
  }
  const shift = BigInt((network.version === 4 ? 32 : 128) - network.prefix);
  return bits >> shift === network.bits >> shift;
}

function parseAddress(text: string): Address | undefined {
  if (text.includes(':')) {
    const bits = parseIPv6(text.replace(/%[^%]*$/, '')); // a zone (`fe80::1%12`) is not the address
    return bits === undefined ? undefined : { version: 6, bits };
  }
  const bits = parseIPv4(text);
  return bits === undefined ? undefined : { version: 4, bits };
}

function parseIPv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let bits = 0n;
  for (const octet of m.slice(1)) {
    const n = Number(octet);
    if (n > 255) return undefined;
    bits = (bits << 8n) | BigInt(n);
  }
  return bits;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k];
      if (k === pieces.length - 1 && piece.includes('.')) {
        // An embedded IPv4 address ends the text and fills the last two groups.
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let bits = 0n;
  for (const g of [...head, ...new Array<number>(missing).fill(0), ...tail]) bits = (bits << 16n) | BigInt(g);
  return bits;
}

// ---- Timestamps

type Part = Extract<ValueTest, { kind: 'timepart' }>['part'];

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * ISO 8601 (`2024-01-02T03:04:05.123456Z`, offsets too) or `YYYY-MM-DD HH:MM:SS(.fff)`, as
 * milliseconds since the epoch; no zone means UTC. Undefined for anything else.
 */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((s) => (s === undefined ? 0 : Number(s)));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = m[7];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offset * 60_000;
  }
  return ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A part of a UTC time; `week` is the ISO 8601 week number (weeks start Monday, week 1 holds a Thursday). */
export function timePart(ms: number, part: Part): number {
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // The Thursday of this week decides the week's year; count weeks from that year's start.
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
      const thursday = new Date(day + (3 - weekday) * 86_400_000);
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      return Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
    }
  }
}
