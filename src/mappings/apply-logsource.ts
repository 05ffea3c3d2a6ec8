// Logsource scoping as a pure AST → AST rewrite: for each alternative of a rule's scope, rename
// the detection's fields to that record type's names, convert values where the two spell them
// differently, and AND it with the alternative's Channel / EventID / extra conditions. The
// alternatives are OR'ed; one whose records lack a field the rule uses is left out.
import { fieldsUsed } from '../rules/fields-used.js';
import type { GlobPart, Predicate, ValueTest } from '../rules/ast.js';
import type { Alternative, Conversion, FieldRename, Scope } from './logsource-map.js';

/**
 * The detection limited to the records `scope` allows. null when nothing can match: the scope
 * does not apply, or every alternative lacks a field the rule uses.
 *
 * Fields under NOT count as used too: an absent field makes `not filter` hold on every record
 * and `F: null` hold everywhere, so the filter would silently stop filtering — the rule is not
 * run on records that cannot carry its fields at all.
 */
export function scopeDetection(detection: Predicate, scope: Scope): Predicate | null {
  if (!scope.applies) return null;
  if (scope.alternatives === null) return detection;
  const used = fieldsUsed(detection);
  const branches: Predicate[] = [];
  for (const alt of scope.alternatives) {
    if (alt.lacks.some((f) => used.has(f))) continue;
    branches.push({ kind: 'and', items: [...recordGuard(alt), renameFields(detection, alt.renames)] });
  }
  if (branches.length === 0) return null;
  return branches.length === 1 ? branches[0]! : { kind: 'or', items: branches };
}


/** What a record must be for the alternative: Channel, EventID, extra conditions (EVTX names). */
function recordGuard(alt: Alternative): Predicate[] {
  const guard = [anyOf('Channel', alt.channels)];
  if (alt.eventIds !== null) guard.push(anyOf('EventID', alt.eventIds.map(String)));
  for (const c of alt.conditions) guard.push(anyOf(c.field, c.values));
  return guard;
}

function anyOf(field: string, values: readonly string[]): Predicate {
  const tests: Predicate[] = values.map((value) => ({ kind: 'field', field, test: { kind: 'equals', value, cased: false } }));
  return tests.length === 1 ? tests[0]! : { kind: 'or', items: tests };
}

function renameFields(p: Predicate, renames: ReadonlyMap<string, FieldRename>): Predicate {
  if (renames.size === 0) return p;
  const name = (field: string) => renames.get(field)?.field ?? field;
  switch (p.kind) {
    case 'and':
    case 'or':
      return { kind: p.kind, items: p.items.map((item) => renameFields(item, renames)) };
    case 'not':
      return { kind: 'not', item: renameFields(p.item, renames) };
    case 'field': {
      const r = renames.get(p.field);
      if (!r) return p;
      return { kind: 'field', field: r.field, test: r.convert ? convertTest(p.test, r.convert) : p.test };
    }
    case 'null':
    case 'exists':
      return { kind: p.kind, field: name(p.field) };
    case 'fieldref':
      // Both sides are event values already spelled the record's way: rename, do not convert.
      return { ...p, field: name(p.field), other: name(p.other) };
    case 'const':
    case 'keyword':
      return p;
  }
}

/** A rule's value test rewritten for a field whose records spell values differently. */
export function convertTest(test: ValueTest, conversion: Conversion): ValueTest {
  switch (conversion.kind) {
    case 'number':
      // 4688 writes process ids in hex: compare numerically so `6699` finds `0x1a2b`.
      if (test.kind === 'equals' && /^(?:\d+|0x[0-9a-f]+)$/i.test(test.value.trim())) {
        return { kind: 'compare', op: 'eq', value: Number(test.value.trim()) };
      }
      return test;
    case 'values': {
      const lookup = (text: string) => conversion.table.get(text.toLowerCase()) ?? text;
      return mapText(test, lookup, (parts) => parts.map((part) => (typeof part === 'string' ? lookup(part) : part)));
    }
    case 'prefixes': {
      const swap = (text: string) => {
        const lower = text.toLowerCase();
        const hit = conversion.table.find((p) => lower.startsWith(p.from.toLowerCase()));
        return hit ? hit.to + text.slice(hit.from.length) : text;
      };
      return mapText(test, swap, (parts) => (typeof parts[0] === 'string' ? [swap(parts[0]), ...parts.slice(1)] : parts));
    }
    case 'device-path':
      return toDevicePath(test);
  }
}

/** Applies `text` to the value of a plain string test, `glob` to a glob's parts; others unchanged. */
function mapText(test: ValueTest, text: (v: string) => string, glob: (parts: GlobPart[]) => GlobPart[]): ValueTest {
  switch (test.kind) {
    case 'equals':
    case 'contains':
    case 'startswith':
    case 'endswith':
      return { ...test, value: text(test.value) };
    case 'glob':
      return { ...test, parts: glob(test.parts) };
    default:
      return test;
  }
}

const STAR: GlobPart = { wildcard: '*' };
const VOLUME = '\\device\\harddiskvolume';

/**
 * 5156 names programs by device path (`\device\harddiskvolume2\windows\x.exe`). A rule path that
 * starts with a drive (`C:\…`, or SigmaHQ's any-drive `:\…` / `?:\…`) becomes a glob with any
 * volume number in its place; which volume a letter was is not in the record.
 */
function toDevicePath(test: ValueTest): ValueTest {
  const glob = asGlob(test);
  if (!glob) return test;
  const { parts, cased } = glob;
  let start = 0;
  while (isWildcard(parts[start], '*')) start++;
  let at = start;
  let drive = /^[A-Za-z]?:\\/;
  if (isWildcard(parts[at], '?')) {
    at++;
    drive = /^:\\/;
  }
  const text = parts[at];
  if (typeof text !== 'string') return test;
  const m = drive.exec(text);
  if (!m) return test;
  const rest = text.slice(m[0].length - 1);
  return { kind: 'glob', parts: [...parts.slice(0, start), VOLUME, STAR, rest, ...parts.slice(at + 1)], cased };
}

/** A string test as the anchored glob it means; null for regex, numbers, networks, times. */
function asGlob(test: ValueTest): { parts: GlobPart[]; cased: boolean } | null {
  switch (test.kind) {
    case 'equals':
      return { parts: [test.value], cased: test.cased };
    case 'startswith':
      return { parts: [test.value, STAR], cased: test.cased };
    case 'endswith':
      return { parts: [STAR, test.value], cased: test.cased };
    case 'contains':
      return { parts: [STAR, test.value, STAR], cased: test.cased };
    case 'glob':
      return { parts: test.parts, cased: test.cased };
    default:
      return null;
  }
}

function isWildcard(part: GlobPart | undefined, w: '*' | '?'): boolean {
  return typeof part === 'object' && part.wildcard === w;
}

export { fieldsUsed };
