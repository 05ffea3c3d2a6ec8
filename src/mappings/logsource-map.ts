// Sigma logsource → which EVTX records a rule applies to. The table is data
// (`logsources.yml`, schema described there), validated when loaded; users add or override
// entries by name with `--mapping FILE`. `scopeFor` answers for one rule's logsource.
import { readFileSync } from 'node:fs';
import { yaml } from '../rules/yaml.js';
import type { Logsource } from '../rules/ast.js';

/** How a rule value is rewritten when its field is renamed (see `convertTest`). */
export type Conversion =
  | { kind: 'number' }
  | { kind: 'device-path' }
  /** Whole-value lookup; keys are lower-cased. */
  | { kind: 'values'; name: string; table: ReadonlyMap<string, string> }
  /** Leading text replaced; `from` is matched case-insensitively. */
  | { kind: 'prefixes'; name: string; table: ReadonlyArray<{ from: string; to: string }> };

export interface FieldRename {
  /** The EVTX field; `A\B` is the joined field (see logsources.yml). */
  field: string;
  convert: Conversion | null;
}

export interface FieldCondition {
  field: string;
  /** The field must equal one of these (case-insensitively). */
  values: readonly string[];
}

/** One kind of record a logsource may come from: its channels and event ids, and field renames. */
export interface Alternative {
  channels: readonly string[];
  /** null: any event id. */
  eventIds: readonly number[] | null;
  conditions: readonly FieldCondition[];
  /** Sigma field → EVTX field of these records. */
  renames: ReadonlyMap<string, FieldRename>;
  /** Sigma fields these records do not have. */
  lacks: readonly string[];
}

/** A named logsource: its alternatives, or why no EVTX record can carry it. */
export type LogsourceEntry = { alternatives: readonly Alternative[] } | { unavailable: string };

export interface LogsourceMap {
  /** Keys are lower-cased. */
  services: ReadonlyMap<string, LogsourceEntry>;
  categories: ReadonlyMap<string, LogsourceEntry>;
}

export type Scope =
  /** `alternatives: null`: every record. */
  | { applies: true; alternatives: readonly Alternative[] | null }
  | { applies: false; reason: string };

/** A mapping file that does not follow the schema, naming the file and the bad entry. */
export class LogsourceMapError extends Error {
  constructor(
    readonly file: string,
    readonly entry: string,
    problem: string,
  ) {
    super(`${file}: ${entry ? `${entry}: ` : ''}${problem}`);
    this.name = 'LogsourceMapError';
  }
}

export interface MappingSource {
  /** Shown in errors. */
  file: string;
  text: string;
}

const BUNDLED = new URL('./logsources.yml', import.meta.url);
const BUILTIN_CONVERSIONS: ReadonlyMap<string, Conversion> = new Map<string, Conversion>([
  ['number', { kind: 'number' }],
  ['device-path', { kind: 'device-path' }],
]);
/** EVTX is a Windows format: every other product is some other log. */
const EVTX_PRODUCT = 'windows';

let bundledText: string | undefined;

/** The bundled mapping, then each user file in order (later entries override earlier ones). */
export function loadLogsourceMap(userFiles: readonly string[] = []): LogsourceMap {
  return parseLogsourceMap(logsourceSources(userFiles));
}

/** The mapping texts a map is parsed from: the bundled table, then each user file in order. */
export function logsourceSources(userFiles: readonly string[] = []): MappingSource[] {
  bundledText ??= readFileSync(BUNDLED, 'utf8');
  return [{ file: 'logsources.yml', text: bundledText }, ...userFiles.map(readMappingFile)];
}

/** A user mapping file's text (a LogsourceMapError when it cannot be read). */
export function readMappingFile(file: string): MappingSource {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (e) {
    throw new LogsourceMapError(file, '', `cannot read: ${(e as Error).message}`);
  }
}

/** Parses and merges mapping texts (pure). Entries and conversions add or override by name. */
export function parseLogsourceMap(sources: readonly MappingSource[]): LogsourceMap {
  const conversions = new Map<string, Conversion>();
  const services = new Map<string, RawEntry>();
  const categories = new Map<string, RawEntry>();
  for (const source of sources) {
    const raw = readFile(source);
    for (const [k, v] of raw.conversions) conversions.set(k, v);
    for (const [k, v] of raw.services) services.set(k, v);
    for (const [k, v] of raw.categories) categories.set(k, v);
  }
  // Conversions resolve after merging, so a user file may use or redefine a bundled one.
  const resolve = (entries: Map<string, RawEntry>) =>
    new Map([...entries].map(([name, e]) => [name, resolveEntry(e, conversions)] as const));
  return { services: resolve(services), categories: resolve(categories) };
}

/** Which records a rule with this logsource applies to. */
export function scopeFor(logsource: Logsource | undefined, map: LogsourceMap): Scope {
  const product = logsource?.product?.toLowerCase();
  if (product && product !== EVTX_PRODUCT) {
    return { applies: false, reason: `product ${logsource?.product} does not apply to EVTX` };
  }
  const parts: Array<{ what: 'service' | 'category'; name: string; table: LogsourceMap['services'] }> = [];
  if (logsource?.service) parts.push({ what: 'service', name: logsource.service, table: map.services });
  if (logsource?.category) parts.push({ what: 'category', name: logsource.category, table: map.categories });

  let alternatives: readonly Alternative[] | null = null;
  for (const { what, name, table } of parts) {
    const entry = table.get(name.toLowerCase());
    if (!entry) return { applies: false, reason: `unknown ${what} ${name}` };
    if ('unavailable' in entry) return { applies: false, reason: `${what} ${name} has no EVTX source: ${entry.unavailable}` };
    alternatives = alternatives === null ? entry.alternatives : narrow(alternatives, entry.alternatives);
    if (alternatives.length === 0) {
      return { applies: false, reason: `service ${logsource?.service} and category ${logsource?.category} share no channel or event id` };
    }
  }
  return { applies: true, alternatives };
}

/** Service and category together: every pairing of their alternatives that some record can meet. */
function narrow(a: readonly Alternative[], b: readonly Alternative[]): Alternative[] {
  const out: Alternative[] = [];
  for (const x of a) {
    for (const y of b) {
      const lower = new Set(x.channels.map((c) => c.toLowerCase()));
      const channels = y.channels.filter((c) => lower.has(c.toLowerCase()));
      const eventIds = x.eventIds === null ? y.eventIds : y.eventIds === null ? x.eventIds : y.eventIds.filter((id) => x.eventIds?.includes(id));
      if (channels.length === 0 || eventIds?.length === 0) continue;
      out.push({
        channels,
        eventIds,
        conditions: [...x.conditions, ...y.conditions],
        // The more specific side (the category, given second) wins a clash.
        renames: new Map([...x.renames, ...y.renames]),
        lacks: [...new Set([...x.lacks, ...y.lacks])],
      });
    }
  }
  return out;
}

// --- reading one file -------------------------------------------------------------------------

interface RawRename {
  field: string;
  convert: string | null;
}
interface RawAlternative {
  channels: string[];
  eventIds: number[] | null;
  conditions: FieldCondition[];
  renames: Map<string, RawRename>;
  lacks: string[];
}
/** An entry before its conversion names are resolved; `file`/`path` for late errors. */
type RawEntry = { file: string; path: string } & ({ alternatives: RawAlternative[] } | { unavailable: string });
interface RawFile {
  conversions: Map<string, Conversion>;
  services: Map<string, RawEntry>;
  categories: Map<string, RawEntry>;
}

/** Reports a schema problem at `path`; shared by the mapping loaders. */
export type Fail = (path: string, problem: string) => never;

/** A mapping file's top-level map, and how to report a problem in it (shared by the mapping loaders). */
export function mappingTop({ file, text }: MappingSource): { top: Record<string, unknown>; fail: Fail } {
  const fail: Fail = (path, problem) => {
    throw new LogsourceMapError(file, path, problem);
  };
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    return fail('', `not valid YAML: ${(e as Error).message}`);
  }
  return { top: asMap(doc ?? {}, '(top level)', fail), fail };
}

function readFile(source: MappingSource): RawFile {
  const { file } = source;
  const { top, fail } = mappingTop(source);
  // `fortisiem:` holds FortiSIEM attribute entries, read by fortisiem-attributes.ts.
  onlyKeys(top, ['conversions', 'services', 'categories', 'fortisiem'], '(top level)', fail);
  const section = <T>(key: string, read: (v: unknown, path: string) => T): Map<string, T> => {
    const out = new Map<string, T>();
    if (top[key] === undefined || top[key] === null) return out;
    for (const [name, v] of Object.entries(asMap(top[key], key, fail))) {
      const path = `${key}.${name}`;
      const lower = name.toLowerCase();
      if (out.has(lower)) fail(path, 'defined twice (names are case-insensitive)');
      out.set(lower, read(v, path));
    }
    return out;
  };
  return {
    conversions: section('conversions', (v, path) => readConversion(v, path, fail)),
    services: section('services', (v, path) => readEntry(v, path, file, fail)),
    categories: section('categories', (v, path) => readEntry(v, path, file, fail)),
  };
}

function readConversion(v: unknown, path: string, fail: Fail): Conversion {
  const name = path.slice('conversions.'.length).toLowerCase();
  if (BUILTIN_CONVERSIONS.has(name)) fail(path, `'${name}' is built in and cannot be redefined`);
  const m = asMap(v, path, fail);
  onlyKeys(m, ['values', 'prefixes'], path, fail);
  if ((m.values === undefined) === (m.prefixes === undefined)) fail(path, 'needs exactly one of `values` or `prefixes`');
  const key = m.values !== undefined ? 'values' : 'prefixes';
  const pairs = Object.entries(asMap(m[key], `${path}.${key}`, fail)).map(
    ([from, to]) => ({ from, to: asScalarText(to, `${path}.${from}`, fail) }),
  );
  if (pairs.length === 0) fail(path, 'is empty');
  if (key === 'values') return { kind: 'values', name, table: new Map(pairs.map((p) => [p.from.toLowerCase(), p.to])) };
  // Longest first, so `HKLM\SOFTWARE\` would win over `HKLM\`.
  return { kind: 'prefixes', name, table: pairs.sort((a, b) => b.from.length - a.from.length) };
}

function readEntry(v: unknown, path: string, file: string, fail: Fail): RawEntry {
  if (Array.isArray(v)) {
    if (v.length === 0) fail(path, 'needs at least one alternative');
    return { file, path, alternatives: v.map((a, i) => readAlternative(a, `${path}[${i}]`, fail)) };
  }
  const m = asMap(v, path, fail);
  if ('unavailable' in m) {
    onlyKeys(m, ['unavailable'], path, fail);
    return { file, path, unavailable: asText(m.unavailable, `${path}.unavailable`, fail) };
  }
  return { file, path, alternatives: [readAlternative(m, path, fail)] };
}

function readAlternative(v: unknown, path: string, fail: Fail): RawAlternative {
  const m = asMap(v, path, fail);
  onlyKeys(m, ['channels', 'event_ids', 'conditions', 'renames', 'lacks'], path, fail);
  if (m.channels === undefined) fail(path, 'needs `channels`');
  const eventIds =
    m.event_ids === undefined
      ? null
      : asList(m.event_ids, `${path}.event_ids`, fail).map((id, i) => {
          if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 65535) {
            fail(`${path}.event_ids[${i}]`, `'${String(id)}' is not an event id (0–65535)`);
          }
          return id;
        });
  const conditions = Object.entries(m.conditions === undefined ? {} : asMap(m.conditions, `${path}.conditions`, fail)).map(
    ([field, values]) => ({
      field,
      values: (Array.isArray(values) ? values : [values]).map((x, i) => asScalarText(x, `${path}.conditions.${field}[${i}]`, fail)),
    }),
  );
  const renames = new Map<string, RawRename>();
  for (const [from, to] of Object.entries(m.renames === undefined ? {} : asMap(m.renames, `${path}.renames`, fail))) {
    const at = `${path}.renames.${from}`;
    if (typeof to === 'string') {
      renames.set(from, { field: asText(to, at, fail), convert: null });
      continue;
    }
    const r = asMap(to, at, fail);
    onlyKeys(r, ['field', 'convert'], at, fail);
    renames.set(from, {
      field: asText(r.field, `${at}.field`, fail),
      convert: r.convert === undefined ? null : asText(r.convert, `${at}.convert`, fail),
    });
  }
  const texts = (key: string) =>
    m[key] === undefined ? [] : asList(m[key], `${path}.${key}`, fail).map((x, i) => asText(x, `${path}.${key}[${i}]`, fail));
  const channels = texts('channels');
  if (channels.length === 0) fail(`${path}.channels`, 'is empty');
  if (eventIds?.length === 0) fail(`${path}.event_ids`, 'is empty (leave it out for any event id)');
  return { channels, eventIds, conditions, renames, lacks: texts('lacks') };
}

function resolveEntry(e: RawEntry, conversions: ReadonlyMap<string, Conversion>): LogsourceEntry {
  if ('unavailable' in e) return { unavailable: e.unavailable };
  const alternatives = e.alternatives.map((a, i): Alternative => {
    const renames = new Map<string, FieldRename>();
    for (const [from, r] of a.renames) {
      let convert: Conversion | null = null;
      if (r.convert !== null) {
        const found = BUILTIN_CONVERSIONS.get(r.convert.toLowerCase()) ?? conversions.get(r.convert.toLowerCase());
        if (!found) {
          const at = e.alternatives.length > 1 ? `${e.path}[${i}]` : e.path;
          throw new LogsourceMapError(e.file, `${at}.renames.${from}.convert`, `unknown conversion '${r.convert}'`);
        }
        convert = found;
      }
      renames.set(from, { field: r.field, convert });
    }
    return { channels: a.channels, eventIds: a.eventIds, conditions: a.conditions, renames, lacks: a.lacks };
  });
  return { alternatives };
}

// --- shape checks -----------------------------------------------------------------------------

export function asMap(v: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(path, 'must be a mapping');
  return v as Record<string, unknown>;
}

export function asList(v: unknown, path: string, fail: Fail): unknown[] {
  if (!Array.isArray(v)) return fail(path, 'must be a list');
  return v;
}

export function asText(v: unknown, path: string, fail: Fail): string {
  if (typeof v !== 'string' || v === '') return fail(path, 'must be a non-empty string');
  return v;
}

/** Condition and table values: YAML may read `6` or `true` as non-strings; events hold text. */
export function asScalarText(v: unknown, path: string, fail: Fail): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return asText(v, path, fail);
}

export function onlyKeys(m: Record<string, unknown>, allowed: readonly string[], path: string, fail: Fail): void {
  for (const k of Object.keys(m)) {
    if (!allowed.includes(k)) fail(path, `unknown key '${k}' (expected ${allowed.join(', ')})`);
  }
}
