// A record's FortiSIEM eventType from its Channel, Provider and EventID, and the other way round
// (which channels and event ids can carry a given name, for the rule index). The table is data
// (`fortisiem-event-types.yml`, schema described there), validated when loaded.
import { readFileSync } from 'node:fs';
import { yaml } from '../rules/yaml.js';
import { asList, asMap, asScalarText as asText, LogsourceMapError, onlyKeys, type Fail } from './logsource-map.js';

/** Appends `-<suffix>` chosen by a data field of the record. */
export interface SuffixRule {
  field: string;
  /** Lower-cased field value → suffix; null: the value itself is the suffix. */
  values: ReadonlyMap<string, string> | null;
  otherwise: string | null;
}

interface EventEntry {
  /** Canonical name first, then variant spellings (template filled in, no suffix yet). */
  names: string[];
  suffix: SuffixRule | null;
}

interface Family {
  name: string;
  channels: readonly string[];
  template: string;
  unnamed: string;
  events: ReadonlyMap<number, { name?: string; variants: string[]; eventType?: string; suffix: SuffixRule | null }>;
}

export interface EventTypeTable {
  families: readonly Family[];
  /** Lower-cased channel → family. */
  byChannel: ReadonlyMap<string, Family>;
  fallback: string;
}

/** What records of one Channel/Provider/EventID are called: names before the suffix, and the suffix rule. */
export type EventTypeNames = EventEntry;

const BUNDLED = new URL('./fortisiem-event-types.yml', import.meta.url);
let bundled: EventTypeTable | undefined;

/** The bundled table, read and checked once. */
export function eventTypeTable(): EventTypeTable {
  return (bundled ??= parseEventTypeTable(readFileSync(BUNDLED, 'utf8'), 'fortisiem-event-types.yml'));
}

const providerText = (provider: string) => provider.trim().replace(/\s+/g, '-');

function fill(template: string, eventId: string, provider: string, name: string): string {
  return template.replace(/\{(EventID|Provider|ProviderShort|Name)\}/g, (_, key: string) => {
    switch (key) {
      case 'EventID':
        return eventId;
      case 'Provider':
        return providerText(provider);
      case 'ProviderShort':
        return providerText(provider).replace(/^Microsoft-Windows-/i, '');
      default:
        return name;
    }
  });
}

/** The names (canonical first) and suffix rule of records with this Channel, Provider and EventID. */
export function eventTypeNames(table: EventTypeTable, channel: string, provider: string, eventId: string): EventTypeNames {
  const family = table.byChannel.get(channel.toLowerCase());
  // A record without a provider still gets a name that ends in its event id.
  const prov = provider || channel.replace(/\/.*$/, '');
  if (!family) return { names: [fill(table.fallback, eventId, prov, '')], suffix: null };
  const id = Number(eventId);
  const event = /^\d+$/.test(eventId) ? family.events.get(id) : undefined;
  if (!event) return { names: [fill(family.unnamed, eventId, prov, '')], suffix: null };
  if (event.eventType) return { names: [event.eventType], suffix: event.suffix };
  const names = event.name === undefined ? [''] : [event.name, ...event.variants];
  const template = event.name === undefined ? family.unnamed : family.template;
  return { names: names.map((n) => fill(template, eventId, prov, n)), suffix: event.suffix };
}

/** The suffix a record's field value selects (undefined: none). */
export function suffixFor(rule: SuffixRule, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return rule.otherwise ?? undefined;
  if (rule.values === null) return providerText(value);
  return rule.values.get(value.toLowerCase()) ?? rule.otherwise ?? undefined;
}

/**
 * Which records can carry the eventType `name`: their channels (null: any channel) and event ids.
 * Null when no record can. Sound for indexing: every record whose eventType is `name` (any
 * spelling) has one of these channels and event ids; it may over-approximate.
 */
export function recordsNamed(table: EventTypeTable, name: string): { channels: string[] | null; eventIds: number[] } | null {
  const lower = name.toLowerCase();
  let channels: Set<string> | null = new Set();
  const eventIds = new Set<number>();
  const add = (chs: readonly string[] | null, id: number) => {
    eventIds.add(id);
    if (chs === null) channels = null;
    else if (channels) for (const c of chs) channels.add(c);
  };
  // Every way of reading an event id out of the name: each run of digits between dashes.
  const ids = [...lower.matchAll(/(?<=-)\d+(?=-|$)/g)].map((m) => ({ id: Number(m[0]), at: m.index!, end: m.index! + m[0].length }));
  const templates = (f: Family): string[] => [f.template, f.unnamed];
  for (const family of table.families) {
    for (const [id, event] of family.events) {
      if (event.eventType && matchesWithSuffix(lower, event.eventType.toLowerCase(), event.suffix)) add(family.channels, id);
    }
    for (const { id, at, end } of ids) {
      const event = family.events.get(id);
      if (event?.eventType) continue; // named by its whole eventType above
      if (templates(family).some((t) => templateMatches(t, lower, at, end, !!event?.suffix))) add(family.channels, id);
    }
  }
  for (const { id, at, end } of ids) if (templateMatches(table.fallback, lower, at, end, false)) add(null, id);
  if (eventIds.size === 0) return null;
  return { channels: channels === null ? null : [...(channels as Set<string>)], eventIds: [...eventIds].sort((a, b) => a - b) };
}

function matchesWithSuffix(lower: string, base: string, suffix: SuffixRule | null): boolean {
  return lower === base || (suffix !== null && lower.startsWith(base + '-'));
}

/**
 * Whether `template`, with its {EventID} at [at, end) of `lower`, can produce `lower`: literal
 * parts must match, {Provider}/{ProviderShort}/{Name} take any non-empty text, and a `-suffix`
 * may follow when the event has a suffix rule.
 */
function templateMatches(template: string, lower: string, at: number, end: number, suffixed: boolean): boolean {
  const [before, after] = template.toLowerCase().split('{eventid}');
  if (after === undefined) return false;
  const part = (t: string) =>
    t
      .split(/(\{provider\}|\{providershort\}|\{name\})/)
      .map((piece, i) => (i % 2 === 1 ? '.+' : piece.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')))
      .join('');
  return new RegExp(`^${part(before)}$`).test(lower.slice(0, at)) && new RegExp(`^${part(after)}${suffixed ? '(?:-.+)?' : ''}$`).test(lower.slice(end));
}

// ---- reading the table ---------------------------------------------------------------------

export function parseEventTypeTable(text: string, file: string): EventTypeTable {
  const fail = (path: string, problem: string): never => {
    throw new LogsourceMapError(file, path, problem);
  };
  const top = asMap(yaml().parse(text), '(top level)', fail);
  onlyKeys(top, ['families', 'fallback'], '(top level)', fail);
  const fallback = asTemplate(top.fallback, 'fallback', fail);
  if (!Array.isArray(top.families)) fail('families', 'must be a list');
  const families: Family[] = [];
  const byChannel = new Map<string, Family>();
  (top.families as unknown[]).forEach((raw, i) => {
    const path = `families[${i}]`;
    const m = asMap(raw, path, fail);
    onlyKeys(m, ['name', 'channels', 'eventType', 'unnamed', 'events'], path, fail);
    const name = asText(m.name, `${path}.name`, fail);
    if (!Array.isArray(m.channels) || m.channels.length === 0) fail(`${path}.channels`, 'must be a non-empty list');
    const channels = (m.channels as unknown[]).map((c, j) => asText(c, `${path}.channels[${j}]`, fail));
    const template = asTemplate(m.eventType, `${path}.eventType`, fail);
    const unnamed = m.unnamed === undefined ? template : asTemplate(m.unnamed, `${path}.unnamed`, fail);
    if (unnamed.includes('{Name}')) fail(`${path}.unnamed`, 'cannot use {Name}');
    const events = new Map<number, { name?: string; variants: string[]; eventType?: string; suffix: SuffixRule | null }>();
    for (const [key, v] of Object.entries(m.events === undefined ? {} : asMap(m.events, `${path}.events`, fail))) {
      const at = `${path}.events.${key}`;
      if (!/^\d+$/.test(key) || Number(key) > 65535) fail(at, 'is not an event id (0–65535)');
      const e = asMap(v, at, fail);
      onlyKeys(e, ['name', 'variants', 'eventType', 'suffix'], at, fail);
      if (e.eventType !== undefined && (e.name !== undefined || e.variants !== undefined)) fail(at, 'has both eventType and name');
      const variants = e.variants === undefined ? [] : asList(e.variants, `${at}.variants`, fail).map((x, j) => asText(x, `${at}.variants[${j}]`, fail));
      if (variants.length && e.name === undefined) fail(`${at}.variants`, 'needs a name');
      events.set(Number(key), {
        ...(e.name !== undefined ? { name: asText(e.name, `${at}.name`, fail) } : {}),
        variants,
        ...(e.eventType !== undefined ? { eventType: asText(e.eventType, `${at}.eventType`, fail) } : {}),
        suffix: e.suffix === undefined ? null : readSuffix(e.suffix, `${at}.suffix`, fail),
      });
    }
    if (template.includes('{Name}') && [...events.values()].some((e) => e.name === undefined && e.eventType === undefined && m.unnamed === undefined)) {
      fail(`${path}.unnamed`, 'needed: an event without a name has no {Name}');
    }
    const family: Family = { name, channels, template, unnamed, events };
    for (const c of channels) {
      if (byChannel.has(c.toLowerCase())) fail(`${path}.channels`, `channel ${c} is in two families`);
      byChannel.set(c.toLowerCase(), family);
    }
    families.push(family);
  });
  if (fallback.includes('{Name}')) fail('fallback', 'cannot use {Name}');
  return { families, byChannel, fallback };
}

function readSuffix(v: unknown, path: string, fail: Fail): SuffixRule {
  const m = asMap(v, path, fail);
  onlyKeys(m, ['field', 'values', 'otherwise'], path, fail);
  const values =
    m.values === undefined
      ? null
      : new Map(Object.entries(asMap(m.values, `${path}.values`, fail)).map(([k, s]) => [k.toLowerCase(), asText(s, `${path}.values.${k}`, fail)] as const));
  return { field: asText(m.field, `${path}.field`, fail), values, otherwise: m.otherwise === undefined ? null : asText(m.otherwise, `${path}.otherwise`, fail) };
}

function asTemplate(v: unknown, path: string, fail: Fail): string {
  const t = asText(v, path, fail);
  if (!t.includes('{EventID}')) fail(path, 'must contain {EventID}');
  for (const m of t.matchAll(/\{([^}]*)\}/g)) if (!['EventID', 'Provider', 'ProviderShort', 'Name'].includes(m[1])) fail(path, `unknown placeholder {${m[1]}}`);
  return t;
}
