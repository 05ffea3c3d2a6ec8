// One 64 KiB chunk built by hand (MS-EVEN6 2.2.3 chunk header, 2.2.4 event record; libevtx
// "chunk header" / "event record"): header fields, checksums, the record walk and its damage reports.
import { describe, expect, it } from 'vitest';
import { Chunk, type ChunkProblem } from '../../src/evtx/chunk.js';
import { EvtxFormatError } from '../../src/evtx/errors.js';
import { ChunkWriter, le32, setHeaderChecksum, CHUNK_SIZE } from './binxml-builder.js';
import { TICKS_2021, chunkOf, processCreateEvent } from './sample-events.js';

function walk(bytes: Buffer) {
  const chunk = new Chunk(bytes, 3);
  const problems: ChunkProblem[] = [];
  const records = [...chunk.records((p) => problems.push(p))];
  return { chunk, problems, ids: records.map((r) => r.id), records };
}

/** A clean chunk of three records, and where each record lies. */
function threeRecords() {
  const bytes = chunkOf([processCreateEvent(1, 'C:\\one.exe'), processCreateEvent(2, 'C:\\two.exe'), processCreateEvent(3, 'C:\\three.exe')]);
  const { records } = walk(bytes);
  return { bytes, at: records.map((r) => r.offset), size: records.map((r) => r.size) };
}

describe('a clean chunk', () => {
  const { chunk, problems, ids, records } = walk(chunkOf([processCreateEvent(1), processCreateEvent(2)]));

  it('header fields', () => {
    expect(chunk.index).toBe(3);
    expect(chunk.header.firstRecordNumber).toBe(1);
    expect(chunk.header.lastRecordNumber).toBe(2);
    expect(chunk.header.firstRecordId).toBe(1);
    expect(chunk.header.lastRecordId).toBe(2);
    expect(chunk.header.headerSize).toBe(128);
    expect(chunk.header.lastRecordOffset).toBe(records[1].offset);
    expect(chunk.header.freeSpaceOffset).toBe(records[1].offset + records[1].size);
    expect(chunk.header.flags).toBe(0);
  });

  it('checksums match, nothing is reported', () => {
    expect(chunk.checksumProblems()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('records come out in order, back to back from offset 512', () => {
    expect(ids).toEqual([1, 2]);
    expect(records[0].offset).toBe(512);
    expect(records[1].offset).toBe(512 + records[0].size);
    expect(records.map((r) => r.timestamp)).toEqual(['2021-10-01T07:42:05.123456Z', '2021-10-01T07:42:06.123456Z']);
    expect(records[1].fields.get('EventRecordID')).toBe(2);
  });
});

describe('checksums', () => {
  it('a wrong records checksum is reported; the records still come out', () => {
    const { bytes, at } = threeRecords();
    // Change one character of the second record's Image value ('t' → 'T'); the header is untouched.
    const pos = bytes.indexOf(Buffer.from('two.exe', 'utf16le'), at[1]);
    expect(pos).toBeGreaterThan(at[1]);
    bytes[pos] = 'T'.charCodeAt(0);
    const { chunk, problems, records } = walk(bytes);
    expect(chunk.checksumProblems()).toEqual([{ offset: 52, reason: expect.stringMatching(/records checksum mismatch/), lost: false }]);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.fields.get('Image'))).toEqual(['C:\\one.exe', 'C:\\Two.exe', 'C:\\three.exe']);
  });

  it('a wrong header checksum is reported at 124', () => {
    const { bytes } = threeRecords();
    bytes[60] ^= 0xff; // an unused header byte covered by the checksum
    const { chunk, ids } = walk(bytes);
    expect(chunk.checksumProblems()).toEqual([{ offset: 124, reason: expect.stringMatching(/header checksum mismatch/), lost: false }]);
    expect(ids).toEqual([1, 2, 3]);
  });

  it('the header checksum covers bytes 128-512 but not the flags at 120', () => {
    const a = threeRecords().bytes;
    a[300] ^= 1; // string table area
    expect(new Chunk(a, 0).checksumProblems().map((p) => p.offset)).toEqual([124]);
    const b = threeRecords().bytes;
    b[120] = 0x01; // dirty flag
    expect(new Chunk(b, 0).checksumProblems()).toEqual([]);
  });

  it('with the no-CRC32 flag (0x4) checksums are not checked', () => {
    const { bytes } = threeRecords();
    bytes.writeUInt32LE(0x4, 120);
    bytes.writeUInt32LE(0x12345678, 52);
    bytes.writeUInt32LE(0x12345678, 124);
    expect(new Chunk(bytes, 0).checksumProblems()).toEqual([]);
  });

  it('a free space offset outside the chunk is reported (and the walk still finds the records)', () => {
    const { bytes } = threeRecords();
    bytes.writeUInt32LE(CHUNK_SIZE + 1, 48);
    setHeaderChecksum(bytes);
    const { chunk, ids } = walk(bytes);
    expect(chunk.checksumProblems()).toEqual([{ offset: 48, reason: expect.stringMatching(/free space offset/), lost: false }]);
    expect(ids).toEqual([1, 2, 3]);
  });
});

describe('damaged records', () => {
  it('a torn record (size copy mismatch) is reported as lost and skipped; the walk goes on', () => {
    const { bytes, at, size } = threeRecords();
    bytes.writeUInt32LE(size[1] + 8, at[1] + size[1] - 4);
    const { problems, ids } = walk(bytes);
    expect(problems).toEqual([{ offset: at[1], reason: expect.stringMatching(/size copy/), recordId: 2, lost: true }]);
    expect(ids).toEqual([1, 3]);
  });

  it('a bad record magic stops the walk with a report', () => {
    const { bytes, at } = threeRecords();
    bytes[at[1]] = 0x2b;
    const { problems, ids } = walk(bytes);
    expect(problems).toEqual([{ offset: at[1], reason: expect.stringMatching(/record magic missing/), lost: true }]);
    expect(ids).toEqual([1]);
  });

  it('an impossible record size stops the walk with a report', () => {
    for (const bad of [0, 27, CHUNK_SIZE]) {
      const { bytes, at } = threeRecords();
      bytes.writeUInt32LE(bad, at[1] + 4);
      const { problems, ids } = walk(bytes);
      expect(problems, `size ${bad}`).toEqual([{ offset: at[1], reason: expect.stringMatching(/record size \d+ is impossible/), lost: true }]);
      expect(ids).toEqual([1]);
    }
  });

  it('the walk stops at the last record id of the header', () => {
    const { bytes } = threeRecords();
    bytes.writeUInt32LE(2, 32);
    expect(walk(bytes).ids).toEqual([1, 2]);
  });

  it('zeroes up to the free space offset end the walk quietly', () => {
    const w = new ChunkWriter();
    w.record(1, TICKS_2021, processCreateEvent(1));
    w.record(2, TICKS_2021, processCreateEvent(2));
    const end = w.pos;
    const bytes = w.finishChunk({ firstId: 1, lastId: 9 });
    bytes.writeUInt32LE(end + 0x400, 48); // stale: more space claimed than written
    const { problems, ids } = walk(bytes);
    expect(problems).toEqual([]);
    expect(ids).toEqual([1, 2]);
  });

  it('a record whose BinXML is broken still comes out of the walk, but rendering it is an EvtxFormatError', () => {
    const { bytes, at } = threeRecords();
    const token = at[1] + 24 + 4; // after the record header and the fragment header: the template instance token
    expect(bytes[token]).toBe(0x0c);
    bytes[token] = 0x1c;
    const { records } = walk(bytes);
    expect(records.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(() => records[1].json()).toThrow(EvtxFormatError);
    expect(() => records[1].fields.get('Image')).toThrow(EvtxFormatError);
    expect(records[2].fields.get('Image')).toBe('C:\\three.exe');
  });

  it('an instance pointing at a template outside the chunk is an EvtxFormatError', () => {
    const w = new ChunkWriter();
    const at = w.pos;
    w.put(0x2a, 0x2a, 0, 0).u32(0).put(le32(1), le32(0)).put(le32(0), le32(0));
    w.fragmentHeader().put(0x0c, 0x01).u32(0).u32(0xfff0).u32(0).u8(0);
    w.u32(w.pos + 4 - at);
    w.patch32(at + 4, w.pos - at);
    const { records, problems } = walk(w.finishChunk({ firstId: 1, lastId: 1 }));
    expect(problems).toEqual([]);
    expect(() => records[0].nodes()).toThrow(EvtxFormatError);
  });

  it('a template that instantiates itself is an EvtxFormatError, not a stack overflow', () => {
    const w = new ChunkWriter();
    // Definition at 0x8000: next, GUID, size, then a body that instantiates 0x8000 again.
    const def = 0x8000;
    const body = [0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01, ...le32(0), ...le32(def), ...le32(0), 0x00];
    w.bytes.set([...le32(0), ...new Array(16).fill(0x99), ...le32(body.length), ...body], def);
    const at = w.pos;
    w.put(0x2a, 0x2a, 0, 0).u32(0).put(le32(1), le32(0)).put(le32(0), le32(0));
    w.fragmentHeader().put(0x0c, 0x01).u32(0).u32(def).u32(0).u8(0);
    w.u32(w.pos + 4 - at);
    w.patch32(at + 4, w.pos - at);
    const { records } = walk(w.finishChunk({ firstId: 1, lastId: 1 }));
    expect(() => records[0].nodes()).toThrow(EvtxFormatError);
  });
});

describe('new Chunk', () => {
  it('throws EvtxFormatError on a wrong magic', () => {
    const { bytes } = threeRecords();
    bytes.write('ElfChnK\0', 0, 'latin1');
    expect(() => new Chunk(bytes, 0)).toThrow(EvtxFormatError);
    expect(() => new Chunk(Buffer.alloc(CHUNK_SIZE), 0)).toThrow(EvtxFormatError);
  });

  it('throws EvtxFormatError when the bytes are not one chunk long', () => {
    const { bytes } = threeRecords();
    expect(() => new Chunk(bytes.subarray(0, CHUNK_SIZE - 1), 0)).toThrow(EvtxFormatError);
    expect(() => new Chunk(Buffer.concat([bytes, Buffer.alloc(1)]), 0)).toThrow(EvtxFormatError);
  });
});
