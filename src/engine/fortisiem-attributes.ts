// FortiSIEM attributes of a record, for predicates over `fsm:` fields. What a record of a given
// Channel, Provider and EventID is called, and where each of its attributes comes from, is worked
// out once per such kind of record and cached; a record then costs a map lookup (plus one field
// read for eventTypes with a data-dependent suffix, e.g. Sysmon 12 `-DeleteValue`). The event
// document caches each `fsm:` field per record like any other field.
import type { EventDocument, Value } from '../compile/event-document.js';
import { attributesFor, loadAttributeTable, type AttributeSource, type AttributeTable } from '../mappings/fortisiem-attributes.js';
import { eventTypeNames, eventTypeTable, suffixFor, type EventTypeTable, type SuffixRule } from '../mappings/fortisiem-event-type.js';
import { ATTRIBUTE_PREFIX } from '../rules/ast.js';

/** One eventType: its spellings (canonical first) and where its attributes come from. */
interface EventType {
  names: readonly string[];
  sources: ReadonlyMap<string, AttributeSource>;
}

/** Records of one Channel/Provider/EventID: their eventType, or how the suffix chooses it. */
interface RecordKind {
  base: readonly string[];
  suffix: SuffixRule | null;
  plain: EventType;
  suffixed: Map<string, EventType>;
}

const NONE: readonly Value[] = [];

export class AttributeResolver {
  private readonly kinds = new Map<string, RecordKind>();
  private lastDoc: EventDocument | null = null;
  private lastType: EventType | null = null;

  constructor(
    private readonly attributes: AttributeTable,
    private readonly eventTypes: EventTypeTable = eventTypeTable(),
  ) {}

  /** Every value of FortiSIEM attribute `name` in the record (empty when absent). */
  values(doc: EventDocument, name: string): readonly Value[] {
    const type = this.eventTypeOf(doc);
    if (name === 'eventType') return type.names;
    const source = type.sources.get(name);
    if (!source) return doc.values(name); // no mapping: the EVTX field of that name
    switch (source.kind) {
      case 'field':
        return doc.values(source.field);
      case 'account':
        return mapTexts(doc, source.field, (t) => accountPart(t, source.part));
      case 'hash':
        return mapTexts(doc, source.field, (t) => hashPart(t, source.hash));
    }
  }

  /** The record's eventType (cached for the last record asked about). */
  eventTypeOf(doc: EventDocument): EventType {
    if (doc === this.lastDoc) return this.lastType!;
    const channel = doc.texts('Channel')[0] ?? '';
    const provider = doc.texts('Provider_Name')[0] ?? '';
    const eventId = doc.texts('EventID')[0] ?? '';
    const key = channel + '\u0000' + provider + '\u0000' + eventId;
    let kind = this.kinds.get(key);
    if (!kind) {
      const { names, suffix } = eventTypeNames(this.eventTypes, channel, provider, eventId);
      kind = { base: names, suffix, plain: this.eventType(names), suffixed: new Map() };
      this.kinds.set(key, kind);
    }
    let type = kind.plain;
    if (kind.suffix) {
      const s = suffixFor(kind.suffix, doc.texts(kind.suffix.field)[0]);
      if (s !== undefined) {
        const found = kind.suffixed.get(s);
        if (found) type = found;
        else kind.suffixed.set(s, (type = this.eventType(kind.base.map((n) => `${n}-${s}`))));
      }
    }
    this.lastDoc = doc;
    this.lastType = type;
    return type;
  }

  private eventType(names: readonly string[]): EventType {
    return { names, sources: attributesFor(this.attributes, names) };
  }
}

function mapTexts(doc: EventDocument, field: string, part: (text: string) => string | undefined): readonly Value[] {
  const values = doc.values(field);
  if (values.length === 0) return NONE;
  const texts = doc.texts(field);
  const out: Value[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    const p = part(texts[i]);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** `DOMAIN\user` → `user` / `DOMAIN`; without a backslash the whole text is the user, no domain. */
export function accountPart(text: string, part: 'user' | 'domain'): string | undefined {
  const slash = text.indexOf('\\');
  if (slash < 0) return part === 'user' ? text : undefined;
  return part === 'user' ? text.slice(slash + 1) : text.slice(0, slash);
}

/** `SHA1=…,MD5=…,IMPHASH=…` → the value of one of them. */
export function hashPart(text: string, hash: string): string | undefined {
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0 && item.slice(0, eq).trim().toUpperCase() === hash) return item.slice(eq + 1).trim();
  }
  return undefined;
}

// ---- the resolver scans use (one per thread; prepareRules installs the user's mapping)

let active: AttributeResolver | null = null;

/** Makes `table` the attribute mapping for `fsm:` fields from now on. */
/** Installs a table; null: the bundled one, loaded when an attribute is first read. */
export function useAttributeTable(table: AttributeTable | null): void {
  active = table ? new AttributeResolver(table) : null;
}

export const isAttributeField = (field: string): boolean => field.startsWith(ATTRIBUTE_PREFIX);

/** The values of an `fsm:` field in a record (the bundled mapping unless another was installed). */
export function attributeValues(doc: EventDocument, field: string): readonly Value[] {
  active ??= new AttributeResolver(loadAttributeTable());
  return active.values(doc, field.slice(ATTRIBUTE_PREFIX.length));
}
