// An EVTX record as the matcher sees it: fields by name, dotted paths, text forms, leaf values.
import { describe, expect, it } from 'vitest';
import { Chunk } from '../../src/evtx/chunk.js';
import { EvtxDocument } from '../../src/engine/evtx-document.js';
import { chunkOf, nestedTemplateEvent, processCreateEvent, unnamedEvent } from '../evtx/sample-events.js';

function doc(event: Parameters<typeof chunkOf>[0][number]): EvtxDocument {
  const [record] = [...new Chunk(chunkOf([event]), 0).records(() => {})];
  return new EvtxDocument(record);
}

describe('EvtxDocument', () => {
  const d = doc(processCreateEvent(7, 'C:\\Windows\\System32\\CMD.exe'));

  it('reads EventData, System and Element_Attribute fields, typed and as text', () => {
    expect(d.values('Image')).toEqual(['C:\\Windows\\System32\\CMD.exe']);
    expect(d.values('EventID')).toEqual([1]);
    expect(d.texts('EventID')).toEqual(['1']);
    expect(d.lowerTexts('Image')).toEqual(['c:\\windows\\system32\\cmd.exe']);
    expect(d.values('Provider_Name')).toEqual(['Microsoft-Windows-Sysmon']);
    expect(d.values('NoSuchField')).toEqual([]);
  });

  it('a present field without a value is [null], text ""', () => {
    expect(d.values('ParentImage')).toEqual([null]);
    expect(d.texts('ParentImage')).toEqual(['']);
  });

  it('resolves dotted paths through the record JSON', () => {
    expect(d.values('Event.EventData.Image')).toEqual(['C:\\Windows\\System32\\CMD.exe']);
    expect(d.values('Event.System.Provider.#attributes.Name')).toEqual(['Microsoft-Windows-Sysmon']);
    expect(d.values('Event.System.EventID')).toEqual([1]);
    expect(d.values('Event.System.Nope')).toEqual([]);
  });

  it('leaf texts hold every non-null value, for keyword search', () => {
    const leaves = d.leafTexts();
    expect(leaves).toContain('C:\\Windows\\System32\\CMD.exe');
    expect(leaves).toContain('Microsoft-Windows-Sysmon/Operational');
    expect(leaves).toContain('1');
  });

  it('unnamed Data and nested UserData', () => {
    expect(doc(unnamedEvent()).values('Data')).toEqual(['Windows Update', 'running']);
    const nested = doc(nestedTemplateEvent());
    expect(nested.values('SubjectUserName')).toEqual(['alice']);
    expect(nested.leafTexts()).toContain('CORP');
  });
});

describe('joined field names', () => {
  it('A\\B is the first values of A and B joined with a backslash; absent if a part is', () => {
    const d = doc(processCreateEvent(7));
    expect(d.values('Computer\\Channel')).toEqual([]); // no Computer field in this sample
    expect(d.values('Provider_Name\\Channel')).toEqual(['Microsoft-Windows-Sysmon\\Microsoft-Windows-Sysmon/Operational']);
    expect(d.values('Provider_Name\\ParentImage')).toEqual([]); // ParentImage is null
  });
});
