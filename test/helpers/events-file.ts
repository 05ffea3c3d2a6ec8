// Test helper: an EVTX file built from short event descriptions (channel, provider, event id,
// computer, time, EventData), one template per shape of EventData, as Windows writes them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueType as T } from '../../src/evtx/value-types.js';
import { ChunkWriter, el, fileHeader, inst, le32, sub, vFileTime, vStr, vU16, vU64, type TemplateSpec } from '../evtx/binxml-builder.js';

export interface EventSpec {
  channel: string;
  provider: string;
  eventId: number;
  computer?: string;
  time?: string;
  data?: Record<string, string>;
}

/** FILETIME ticks for an ISO time. */
export const ticks = (iso: string) => (BigInt(Date.parse(iso)) + 11644473600000n) * 10000n;

function template(names: string[], n: number): TemplateSpec {
  return {
    guid: [...le32(0x5157000 + n), ...new Array<number>(12).fill(0x5a)],
    nodes: [
      el('Event', { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, [
        el('System', {}, [
          el('Provider', { Name: sub(0, T.String) }),
          el('EventID', {}, [sub(1, T.UInt16)]),
          el('TimeCreated', { SystemTime: sub(2, T.FileTime) }),
          el('EventRecordID', {}, [sub(3, T.UInt64)]),
          el('Channel', {}, [sub(4, T.String)]),
          el('Computer', {}, [sub(5, T.String)]),
        ]),
        el('EventData', {}, names.map((name, i) => el('Data', { Name: name }, [sub(6 + i, T.String)]))),
      ]),
    ],
  };
}

/** Writes the events (record ids 1, 2, …) to a new file in a temporary folder; returns its path. */
export function evtxFile(events: EventSpec[], name = 'events.evtx'): string {
  const w = new ChunkWriter();
  const templates = new Map<string, TemplateSpec>();
  let last = 0;
  events.forEach((e, i) => {
    const names = Object.keys(e.data ?? {});
    const key = names.join('\u0000');
    let t = templates.get(key);
    if (!t) templates.set(key, (t = template(names, templates.size)));
    const time = ticks(e.time ?? `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z`);
    last = w.record(i + 1, time, [
      inst(t, [vStr(e.provider), vU16(e.eventId), vFileTime(time), vU64(i + 1), vStr(e.channel), vStr(e.computer ?? 'WS01'), ...names.map((k) => vStr(e.data![k]))]),
    ]);
  });
  const chunk = w.finishChunk({ firstId: 1, lastId: events.length, lastRecordOffset: last });
  const file = join(mkdtempSync(join(tmpdir(), 'sigscan-fsm-')), name);
  writeFileSync(file, Buffer.concat([fileHeader(1, events.length + 1), chunk]));
  return file;
}
