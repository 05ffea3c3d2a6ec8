// Prepared rule sets kept between scans. With the rule cache a scan still scoped, indexed and
// analysed every rule at each start (a third of a second for SigmaHQ's 2,400 Windows rules); and a
// JSON file of the result is no faster to parse. So the file is a small header (what the index
// and the prefilter need, the counts and problems a scan reports) and a blob of each rule's JSON
// and scoped detection, parsed only when the scan first evaluates or reports that rule, and of
// the prefilter's automata, read back when a field is first scanned.
// The key covers everything the result depends on: the rule files' key (paths, sizes, times,
// placeholder values, version), the logsource mapping texts and the selection. Any trouble
// means preparing afresh: the cache can make a start faster, never different.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssemblyPlan, RuleSetPlan } from '../compile/rule-set.js';
import type { Literal } from '../compile/literal-prefilter.js';
import type { MappingSource } from '../mappings/logsource-map.js';
import type { Predicate, Rule, RuleProblem } from '../rules/ast.js';
import { crc32 } from '../evtx/crc32.js';
import { cacheDir, writeCacheFile } from '../rules/rule-cache.js';
import type { RuleSelection } from '../rules/select-rules.js';

/** Bump when the header, the plan or what it is computed from changes meaning. */
const FORMAT = 'sigscan-prepared-6';

/** What a scan reports about its rules besides running them. */
export interface RuleCounts {
  problems: RuleProblem[];
  loaded: number;
  disabled: number;
  selected: number;
}

interface Header extends RuleCounts {
  format: string;
  /** Bytes of rule and scoped-detection JSON at the blob's start, and their CRC-32 (checked on reading). */
  rulesLength: number;
  rulesSum: number;
  /** Distinct prefilter literals: field, text. */
  literals: Array<[string, string]>;
  /** Per runnable rule: rule JSON and scoped JSON (blob offset, byte length), pattern, index keys, literal clauses. */
  runnable: Array<[number, number, number, number, 0 | 1, string[] | null, string[] | null, number[][] | null]>;
  notRunnable: Array<[number, number, string, string]>;
  /** Prefilter automata: field, needles key, blob offset, byte length, CRC-32 of the bytes. */
  automata: Array<[string, string, number, number, number]>;
}

export function preparedKey(rulesKey: string | null, mapping: readonly MappingSource[], selection: RuleSelection): string | null {
  if (!rulesKey) return null;
  const h = createHash('sha256').update(FORMAT).update('\0').update(rulesKey);
  for (const m of mapping) h.update(`\0m${m.file}\0${m.text}`);
  h.update(`\0s${JSON.stringify(selection)}`);
  return h.digest('hex').slice(0, 32);
}

const pathOf = (key: string) => join(cacheDir(), `prepared-${key}.bin`);

/** The stored plan for `key`, or null when there is none (or it cannot be read). */
export function readPrepared(key: string): { counts: RuleCounts; plan: AssemblyPlan; automaton: (field: string, needles: string) => Uint8Array | undefined } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(pathOf(key));
  } catch {
    return null;
  }
  // The first line: the header's CRC-32 (8 hex digits), then the header.
  const nl = bytes.indexOf(10);
  if (nl < 8 || bytes.toString('latin1', 0, 8) !== crc32(bytes, 8, nl).toString(16).padStart(8, '0')) return null;
  let h: Header;
  try {
    h = JSON.parse(bytes.toString('utf8', 8, nl)) as Header;
  } catch {
    return null;
  }
  if (h.format !== FORMAT || !Array.isArray(h.runnable) || !Array.isArray(h.notRunnable)) return null;
  const base = nl + 1;
  // The rules are checked whole (a damaged one would fail the scan that reads it); automata one
  // by one, when first used.
  if (base + h.rulesLength > bytes.length || crc32(bytes, base, base + h.rulesLength) !== h.rulesSum) return null;
  const json = <T>(at: number, length: number) => () => JSON.parse(bytes.toString('utf8', base + at, base + at + length)) as T;
  const literal = h.literals.map(([field, text]): Literal => ({ field, text }));
  const automata = new Map((h.automata ?? []).map(([field, needles, at, length, sum]) => [field, { needles, at, length, sum }]));
  return {
    // An automaton is given back only for the same needles and with its bytes intact.
    automaton: (field, needles) => {
      const a = automata.get(field);
      if (!a || a.needles !== needles || base + a.at + a.length > bytes.length) return undefined;
      return crc32(bytes, base + a.at, base + a.at + a.length) === a.sum ? bytes.subarray(base + a.at, base + a.at + a.length) : undefined;
    },
    counts: { problems: h.problems, loaded: h.loaded, disabled: h.disabled, selected: h.selected },
    plan: {
      runnable: h.runnable.map(([ruleAt, ruleLength, scopedAt, scopedLength, pattern, channels, eventIds, clauses]) => ({
        rule: json<Rule>(ruleAt, ruleLength),
        scoped: json<Predicate>(scopedAt, scopedLength),
        hasPattern: pattern === 1,
        channels,
        eventIds,
        literals: clauses && clauses.map((c) => c.map((id) => literal[id])),
      })),
      notRunnable: h.notRunnable.map(([ruleAt, ruleLength, reason, kind]) => ({ rule: json<Rule>(ruleAt, ruleLength), reason, kind: kind as AssemblyPlan['notRunnable'][number]['kind'] })),
    },
  };
}

/** Stores a freshly made plan of `rules` under `key`; failures only cost speed next time. */
export function writePrepared(key: string, counts: RuleCounts, rules: Rule[], plan: RuleSetPlan, automata: Array<{ field: string; needles: string; bytes: Uint8Array }>): void {
  try {
    const parts: Buffer[] = [];
    let size = 0;
    const put = (v: unknown): [number, number] => {
      const b = Buffer.from(JSON.stringify(v, finiteOnly), 'utf8');
      parts.push(b);
      size += b.length;
      return [size - b.length, b.length];
    };
    const ids = new Map<string, number>();
    const literals: Header['literals'] = [];
    const idOf = (l: Literal) => {
      const k = l.field + '\0' + l.text;
      let id = ids.get(k);
      if (id === undefined) {
        ids.set(k, (id = literals.length));
        literals.push([l.field, l.text]);
      }
      return id;
    };
    const header: Header = {
      format: FORMAT,
      ...counts,
      literals,
      runnable: plan.runnable.map((r) => [...put(rules[r.rule]), ...put(r.scoped), rules[r.rule].pattern ? 1 : 0, r.channels, r.eventIds, r.literals && r.literals.map((c) => c.map(idOf))]),
      notRunnable: plan.notRunnable.map((n) => [...put(rules[n.rule]), n.reason, n.kind]),
      rulesLength: size,
      rulesSum: crc32(Buffer.concat(parts), 0, size),
      automata: automata.map((a) => {
        // Each automaton 4-byte aligned in the file (the header is padded to match): read in place.
        const pad = (4 - (size % 4)) % 4;
        parts.push(Buffer.alloc(pad), Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength));
        size += pad + a.bytes.byteLength;
        return [a.field, a.needles, size - a.bytes.byteLength, a.bytes.byteLength, crc32(a.bytes, 0, a.bytes.byteLength)];
      }),
    };
    let head = JSON.stringify(header, finiteOnly);
    head += ' '.repeat((4 - ((Buffer.byteLength(head) + 9) % 4)) % 4);
    const headBytes = Buffer.from(head, 'utf8');
    const line = Buffer.concat([Buffer.from(crc32(headBytes, 0, headBytes.length).toString(16).padStart(8, '0'), 'latin1'), headBytes, Buffer.from('\n')]);
    writeCacheFile(pathOf(key), Buffer.concat([line, ...parts]));
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
