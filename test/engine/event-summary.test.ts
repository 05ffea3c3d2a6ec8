// What a detection shows of an event: its data fields exactly as the record names them. Field
// names are log text, anyone's to choose: `__proto__` is a field like any other.
import { describe, expect, it } from 'vitest';
import { readEvtxFile } from '../../src/evtx/index.js';
import { EvtxDocument } from '../../src/engine/evtx-document.js';
import { summarize, type EventSummary } from '../../src/engine/event-summary.js';
import { evtxFile } from '../helpers/events-file.js';

function summaries(file: string): EventSummary[] {
  const out: EventSummary[] = [];
  readEvtxFile(file, { damage: () => expect.fail('no damage'), record: (r) => out.push(summarize(file, new EvtxDocument(r))) });
  return out;
}

describe('summarize', () => {
  it('keeps a field named __proto__ as a field, not as the object’s prototype', () => {
    const data = JSON.parse('{"__proto__": "evil", "constructor": "c", "Image": "C:\\\\x.exe"}') as Record<string, string>;
    const [s] = summaries(evtxFile([{ channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', eventId: 1, data }]));
    expect(Object.keys(s.fields)).toEqual(['__proto__', 'constructor', 'Image']);
    expect(Object.getOwnPropertyDescriptor(s.fields, '__proto__')?.value).toBe('evil');
    expect(JSON.parse(JSON.stringify(s.fields))).toEqual(data);
  });
});
