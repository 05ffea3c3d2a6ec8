// What a detection shows of one matching event: where it is (file, record id), when, which
// channel/event id/computer, and its EventData or UserData fields.
import type { EvtxRecord } from '../evtx/index.js';
import type { EvtxDocument } from './evtx-document.js';

export interface EventSummary {
  file: string;
  recordId: number;
  timestamp: string;
  /** Milliseconds since 1970, for ordering and windows. */
  time: number;
  channel: string;
  eventId: number | string;
  computer: string;
  fields: Record<string, unknown>;
}

/** EventData/UserData as flat name → value (a name that occurs several times → an array). */
function dataFields(record: EvtxRecord): Record<string, unknown> {
  // No prototype: a field named `__proto__` (log text is anyone's) is a field like any other.
  const out: Record<string, unknown> = Object.create(null);
  // Names seen more than once hold arrays (built when the second value comes).
  let repeated: Set<string> | null = null;
  for (const [k, v] of record.fields.dataEntries()) {
    const plain = typeof v === 'bigint' ? Number(v) : v;
    if (!Object.hasOwn(out, k)) out[k] = plain;
    else if (repeated?.has(k)) (out[k] as unknown[]).push(plain);
    else {
      (repeated ??= new Set()).add(k);
      out[k] = [out[k], plain];
    }
  }
  return out;
}

function first(doc: EvtxDocument, field: string): string {
  return doc.texts(field)[0] ?? '';
}

/** When the event happened: its TimeCreated, or the record's written time if that is missing. */
export function eventTime(doc: EvtxDocument): number {
  const created = first(doc, 'TimeCreated_SystemTime');
  const ms = created ? Date.parse(created) : NaN;
  return Number.isNaN(ms) ? doc.record.timeMillis : ms;
}

/**
 * What a detection shows of the event. Without `withFields`, its data fields are left empty: for
 * hits that cannot be among those a detection shows (they count, and their times count).
 */
export function summarize(file: string, doc: EvtxDocument, withFields = true): EventSummary {
  const r = doc.record;
  const created = first(doc, 'TimeCreated_SystemTime');
  const eventIdText = first(doc, 'EventID');
  const eventId = /^\d+$/.test(eventIdText) ? Number(eventIdText) : eventIdText;
  return {
    file,
    recordId: r.id,
    timestamp: created || r.timestamp,
    time: eventTime(doc),
    channel: first(doc, 'Channel'),
    eventId,
    computer: first(doc, 'Computer'),
    fields: withFields ? dataFields(r) : {},
  };
}
