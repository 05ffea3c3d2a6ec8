// Prepared rule sets kept between scans. With the rule cache a scan still scoped, indexed and
// analysed every rule at each start (a third of a second for SigmaHQ's 2,400 Windows rules); and a
// JSON file of the result is no faster to parse. So the file is a small header (what the index
// and the prefilter need, the counts and problems a scan reports) and a blob of each rule's JSON
// and scoped detection and of the prefilter's automata (14 MB of the 28 for SigmaHQ's rules).
// Only the header is read at the start; a rule is read from the file when the scan first
// evaluates or reports it, an automaton when its field is first scanned.
// The key covers everything the result depends on: the rule files' key (paths, sizes, times,
// placeholder values, version), the logsource mapping texts and the selection. Any trouble
// means preparing afresh: the cache can make a start faster, never different.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { AssemblyPlan, RuleSetPlan } from '../compile/rule-set.js';
import type { LiteralTable } from '../compile/literal-prefilter.js';
import type { MappingSource } from '../mappings/logsource-map.js';
import type { Predicate, Rule, RuleProblem } from '../rules/ast.js';
import { crc32 } from '../evtx/crc32.js';
import { cacheDir, touch, writeCacheFile } from '../rules/rule-cache.js';
import type { RuleSelection } from '../rules/select-rules.js';

/** Bump when the header, the plan or what it is computed from changes meaning. */
const FORMAT = 'sigscan-prepared-11';

/** What a scan reports about its rules besides running them. */
export interface RuleCounts {
  problems: RuleProblem[];
  loaded: number;
  disabled: number;
  selected: number;
}

/** Where a piece is in the blob: offset, byte length, CRC-32 of the bytes (checked on reading). */
type Piece = [number, number, number];

interface Header extends RuleCounts {
  format: string;
  /** Distinct prefilter literals: per field, its texts (ids count up through them, see LiteralTable). */
  literals: Array<[string, string[]]>;
  /** Per runnable rule: rule JSON, scoped JSON, pattern, index keys, literal clauses (ids). */
  runnable: Array<[...Piece, ...Piece, 0 | 1, string[] | null, string[] | null, number[][] | null]>;
  notRunnable: Array<[...Piece, string, string]>;
  /** Prefilter automata: field, needles key, bytes. */
  automata: Array<[string, string, ...Piece]>;
}

/**
 * The file starts with the header's CRC-32 and byte length (8 hex digits each), then the header
 * JSON and a newline; the blob follows.
 */
const PREAMBLE = 16;

/** Files held open for reading pieces, closed when nothing reads from them any more. */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

export function preparedKey(rulesKey: string | null, mapping: readonly MappingSource[], selection: RuleSelection): string | null {
  if (!rulesKey) return null;
  const h = createHash('sha256').update(FORMAT).update('\0').update(rulesKey);
  for (const m of mapping) h.update(`\0m${m.file}\0${m.text}`);
  h.update(`\0s${JSON.stringify(selection)}`);
  return h.digest('hex').slice(0, 32);
}

const pathOf = (key: string) => join(cacheDir(), `prepared-${key}.bin`);

/** A stored rule set: what the scan reports, the plan to assemble, the stored automata. */
export interface StoredRules {
  counts: RuleCounts;
  plan: AssemblyPlan;
  /** A field's automaton, given back only for the same needles and with its bytes intact. */
  automaton: (field: string, needles: string) => Uint8Array | undefined;
}

/**
 * The stored rule set for `key`, or null when there is none (or its header cannot be read). A
 * rule found damaged when it is first read is taken from `fresh()`, a fresh preparation of
 * the same inputs, instead.
 */
export function readPrepared(key: string, fresh: () => AssemblyPlan): StoredRules | null {
  let fd: number;
  try {
    fd = openSync(pathOf(key), 'r');
  } catch {
    return null;
  }
  const read = (at: number, length: number): Uint8Array | null => {
    const b = new Uint8Array(length);
    try {
      return readSync(fd, b, 0, length, at) === length ? b : null;
    } catch {
      return null;
    }
  };
  // Every reader of the file holds `read`: the file is closed once none is left (also when the
  // header turns out malformed below and nothing keeps it).
  openFiles.register(read, fd, read);
  const h = readHeader(read);
  if (!h) {
    openFiles.unregister(read);
    closeSync(fd);
    return null;
  }
  const base = PREAMBLE + h.headerLength + 1;
  touch(pathOf(key));
  const piece = (at: number, length: number, sum: number): Uint8Array | null => {
    const b = read(base + at, length);
    return b && crc32(b, 0, length) === sum ? b : null;
  };
  const json = <T>(at: number, length: number, sum: number, instead: () => T) => (): T => {
    const b = piece(at, length, sum);
    if (b) {
      try {
        return JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8')) as T;
      } catch {
        // damaged after all: taken from a fresh preparation
      }
    }
    return instead();
  };
  const { header } = h;
  const automata = new Map(header.automata.map(([field, needles, at, length, sum]) => [field, { needles, at, length, sum }]));
  let again: AssemblyPlan | undefined;
  const freshPlan = () => {
    again ??= fresh();
    if (again.runnable.length !== header.runnable.length || again.notRunnable.length !== header.notRunnable.length) throw new Error('the prepared rules do not match the rule files any more; run the scan again');
    return again;
  };
  const stored: StoredRules = {
    automaton: (field, needles) => {
      const a = automata.get(field);
      return (a && a.needles === needles && piece(a.at, a.length, a.sum)) || undefined;
    },
    counts: { problems: header.problems, loaded: header.loaded, disabled: header.disabled, selected: header.selected },
    plan: {
      runnable: header.runnable.map(([ra, rl, rs, sa, sl, ss, pattern, channels, eventIds], i) => ({
        rule: json<Rule>(ra, rl, rs, () => freshPlan().runnable[i].rule()),
        scoped: json<Predicate>(sa, sl, ss, () => freshPlan().runnable[i].scoped()),
        hasPattern: pattern === 1,
        channels,
        eventIds,
      })),
      notRunnable: header.notRunnable.map(([ra, rl, rs, reason, kind], i) => ({ rule: json<Rule>(ra, rl, rs, () => freshPlan().notRunnable[i].rule()), reason, kind: kind as AssemblyPlan['notRunnable'][number]['kind'] })),
      literals: { fields: header.literals.map(([field, texts]) => ({ field, texts })), clauses: header.runnable.map((r) => r[9]) },
    },
  };
  return stored;
}

/** The header, checked whole: null when it is not this format's or not intact. */
function readHeader(read: (at: number, length: number) => Uint8Array | null): { header: Header; headerLength: number } | null {
  const pre = read(0, PREAMBLE);
  if (!pre) return null;
  const text = Buffer.from(pre).toString('latin1');
  if (!/^[0-9a-f]{16}$/.test(text)) return null;
  const headerLength = parseInt(text.slice(8), 16);
  const bytes = read(PREAMBLE, headerLength + 1);
  if (!bytes || bytes[headerLength] !== 10 || crc32(bytes, 0, headerLength) !== parseInt(text.slice(0, 8), 16)) return null;
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, headerLength).toString('utf8')) as Header;
  } catch {
    return null;
  }
  if (header.format !== FORMAT || !Array.isArray(header.runnable) || !Array.isArray(header.notRunnable) || !Array.isArray(header.automata) || !Array.isArray(header.literals)) return null;
  return { header, headerLength };
}

/** Stores a freshly made plan of `rules` (with its literal table) under `key`; failures only cost speed next time. */
export function writePrepared(key: string, counts: RuleCounts, rules: Rule[], plan: RuleSetPlan, table: LiteralTable, automata: Array<{ field: string; needles: string; bytes: Uint8Array }>): void {
  try {
    const parts: Uint8Array[] = [];
    let size = 0;
    const put = (b: Uint8Array): Piece => {
      parts.push(b);
      size += b.length;
      return [size - b.length, b.length, crc32(b, 0, b.length)];
    };
    const putJson = (v: unknown): Piece => put(Buffer.from(JSON.stringify(v, finiteOnly), 'utf8'));
    const header: Header = {
      format: FORMAT,
      ...counts,
      literals: table.fields.map((f) => [f.field, f.texts]),
      runnable: plan.runnable.map((r, i) => [...putJson(rules[r.rule]), ...putJson(r.scoped), rules[r.rule].pattern ? 1 : 0, r.channels, r.eventIds, table.clauses[i]]),
      notRunnable: plan.notRunnable.map((n) => [...putJson(rules[n.rule]), n.reason, n.kind]),
      automata: automata.map((a) => [a.field, a.needles, ...put(a.bytes)]),
    };
    const headBytes = Buffer.from(JSON.stringify(header, finiteOnly), 'utf8');
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const preamble = Buffer.from(hex(crc32(headBytes, 0, headBytes.length)) + hex(headBytes.length), 'latin1');
    writeCacheFile(pathOf(key), Buffer.concat([preamble, headBytes, Buffer.from('\n'), ...parts]));
  } catch {
    // A read-only home, a full disk, or a value JSON cannot hold: the next start prepares again.
  }
}

/** JSON would turn these into null: such a plan is not stored. */
function finiteOnly(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('not storable');
  if (typeof v === 'bigint') throw new Error('not storable');
  return v;
}
