// What a detection shows of one matching event: where it is (file, record id), when, which
// channel/event id/computer, and its EventData or UserData fields.
import type { EvtxRecord } from '../evtx/index.js';
import { toPlain, type Json } from '../evtx/render-json.js';
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

/** EventData/UserData as flat key → value (nested UserData keys joined with dots). */
function dataFields(record: EvtxRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const event = record.json().get('Event');
  if (!(event instanceof Map)) return out;
  const put = (prefix: string, v: Json | undefined) => {
    if (v instanceof Map) {
      for (const [k, x] of v) {
        if (k === '#attributes') continue;
        put(k === '#text' ? prefix : prefix ? `${prefix}.${k}` : k, x);
      }
    } else if (v !== undefined && prefix) out[prefix] = toPlain(v);
  };
  put('', event.get('EventData'));
  const userData = event.get('UserData');
  // UserData holds one provider-specific element; its children are the fields.
  if (userData instanceof Map && userData.size === 1) put('', [...userData.values()][0]);
  else put('', userData);
  return out;
}

function first(doc: EvtxDocument, field: string): string {
  return doc.texts(field)[0] ?? '';
}

export function summarize(file: string, doc: EvtxDocument): EventSummary {
  const r = doc.record;
  const created = first(doc, 'TimeCreated_SystemTime');
  const parsed = created ? Date.parse(created) : NaN;
  const eventIdText = first(doc, 'EventID');
  const eventId = /^\d+$/.test(eventIdText) ? Number(eventIdText) : eventIdText;
  return {
    file,
    recordId: r.id,
    timestamp: created || r.timestamp,
    time: Number.isNaN(parsed) ? r.timeMillis : parsed,
    channel: first(doc, 'Channel'),
    eventId,
    computer: first(doc, 'Computer'),
    fields: dataFields(r),
  };
}
