// An EVTX record seen as an EventDocument: fields by name (EventData names, System elements,
// `Element_Attribute`, UserData leaves, unnamed `Data`), dotted `Event.…` paths through the
// record's JSON, and every leaf value for keywords. Values are decoded once per record and field.
import type { EventDocument, RawValueVisitor } from '../compile/event-document.js';
import type { EvtxRecord } from '../evtx/index.js';
import { valueText, type Value } from '../evtx/values.js';
import type { Json } from '../evtx/render-json.js';
import { attributeValues, isAttributeField } from './fortisiem-attributes.js';

interface FieldCache {
  /** The document these values are of (see `fieldCaches`). */
  doc: number;
  values: readonly Value[];
  texts?: readonly string[];
  lowers?: readonly string[];
}

/**
 * Decoded fields, one entry per field name for the whole thread, each holding the values of the
 * document that read it last: a scan reads one record at a time, so this costs no map and no
 * entries per record. A document whose entry was taken over by a newer one reads it again.
 */
const fieldCaches = new Map<string, FieldCache>();
let documents = 0;

const NONE: readonly Value[] = [];

/** Leaf values of a JSON tree (the record as the Rust crate prints it), for dotted paths. */
function jsonValues(v: Json | undefined): Value[] {
  if (v === undefined) return [];
  if (v instanceof Map) {
    const text = v.get('#text');
    return text === undefined ? [] : jsonValues(text);
  }
  if (Array.isArray(v)) return v.flatMap((x) => jsonValues(x));
  return [v as Value];
}

function allStrings(values: readonly Value[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

/** Names resolved from other fields when the record has no field of that name. */
function isDerived(field: string): boolean {
  return isAttributeField(field) || field.startsWith('Event.') || field.includes('\\');
}

export class EvtxDocument implements EventDocument {
  private readonly id = ++documents;
  private leaves: string[] | null = null;
  private lowerLeaves: string[] | null = null;

  constructor(readonly record: EvtxRecord) {}

  private entry(field: string): FieldCache {
    const e = fieldCaches.get(field);
    if (e && e.doc === this.id) return e;
    const values = this.lookup(field);
    if (!e) {
      const fresh: FieldCache = { doc: this.id, values, texts: undefined, lowers: undefined };
      fieldCaches.set(field, fresh);
      return fresh;
    }
    e.doc = this.id;
    e.values = values;
    e.texts = undefined;
    e.lowers = undefined;
    return e;
  }

  private lookup(field: string): readonly Value[] {
    const direct = this.record.fields.all(field);
    if (direct.length || !isDerived(field)) return direct;
    if (isAttributeField(field)) return attributeValues(this, field); // FortiSIEM `fsm:` attributes
    if (field.startsWith('Event.')) return this.path(field);
    return this.joined(field);
  }

  /**
   * `SubjectDomainName\SubjectUserName`: the first value of each named field joined with `\`
   * (the logsource mapping renames Sysmon's `User` to this on 4688). Absent if any part is.
   */
  private joined(field: string): readonly Value[] {
    const parts: string[] = [];
    for (const name of field.split('\\')) {
      const v = this.record.fields.all(name);
      if (v.length === 0 || v[0] === null) return NONE;
      parts.push(valueText(v[0]));
    }
    return [parts.join('\\')];
  }

  /** `Event.System.Provider.#attributes.Name`, `Event.EventData.Image`: walk the record's JSON. */
  private path(field: string): readonly Value[] {
    let v: Json | undefined = this.record.json();
    for (const key of field.split('.')) {
      if (!(v instanceof Map)) return NONE;
      v = v.get(key);
    }
    return jsonValues(v);
  }

  values(field: string): readonly Value[] {
    return this.entry(field).values;
  }

  texts(field: string): readonly string[] {
    const e = this.entry(field);
    return (e.texts ??= allStrings(e.values) ? (e.values as readonly string[]) : e.values.map(valueText));
  }

  lowerTexts(field: string): readonly string[] {
    const e = this.entry(field);
    return (e.lowers ??= this.texts(field).map((t) => t.toLowerCase()));
  }

  leafTexts(): readonly string[] {
    if (!this.leaves) {
      const out: string[] = [];
      this.record.fields.forEach((_, v) => {
        if (Array.isArray(v)) for (const x of v) out.push(valueText(x));
        else if (v !== null) out.push(valueText(v));
      });
      this.leaves = out;
    }
    return this.leaves;
  }

  visitValues(field: string, visitor: RawValueVisitor): void {
    // A record's own field, read where it lies; other names (attributes, paths…) by values().
    if (this.record.fields.visitValues(field, visitor) > 0 || !isDerived(field)) return;
    for (const v of this.values(field)) if (v !== null) visitor.decoded(v);
  }

  visitLeaves(stringsOnly: boolean, visitor: RawValueVisitor): void {
    this.record.fields.visitLeaves(stringsOnly, visitor);
  }

  leafLowerTexts(): readonly string[] {
    return (this.lowerLeaves ??= this.leafTexts().map((t) => t.toLowerCase()));
  }
}
