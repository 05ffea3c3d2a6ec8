// Whole files written to a temp dir: file header (MS-EVEN6 2.2.1) + chunks. Damage is reported with
// file, chunk number and absolute offset, readable chunks are still read, no exception escapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkCountOf, readEvtxFile, readChunk, type FileSummary } from '../../src/evtx/evtx-file.js';
import type { Damage } from '../../src/evtx/errors.js';
import type { EvtxRecord } from '../../src/evtx/record.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, fileHeader, rechecksum } from './binxml-builder.js';
import { chunkOf, processCreateEvent } from './sample-events.js';

const dir = mkdtempSync(join(tmpdir(), 'sigscan-evtx-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(...parts: Buffer[]): string {
  const path = join(dir, `f${n++}.evtx`);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function read(path: string, onRecord: (r: EvtxRecord) => void = () => {}) {
  const records: Array<{ id: number; image: unknown }> = [];
  const damage: Damage[] = [];
  let summary: FileSummary | undefined;
  expect(() => {
    summary = readEvtxFile(path, {
      record(r) {
        onRecord(r);
        records.push({ id: r.id, image: r.fields.get('Image') });
      },
      damage: (d) => damage.push(d),
    });
  }).not.toThrow();
  return { summary: summary!, records, damage };
}

const events = (first: number, count: number) =>
  chunkOf(Array.from({ length: count }, (_, i) => processCreateEvent(first + i, `C:\\${first + i}.exe`)), first);

describe('readEvtxFile', () => {
  it('reads every record of every chunk and the file header', () => {
    const path = file(fileHeader(2, 4), events(1, 2), events(3, 1));
    const { summary, records, damage } = read(path);
    expect(damage).toEqual([]);
    expect(records).toEqual([
      { id: 1, image: 'C:\\1.exe' },
      { id: 2, image: 'C:\\2.exe' },
      { id: 3, image: 'C:\\3.exe' },
    ]);
    expect(summary).toMatchObject({ file: path, chunks: 2, records: 3, lost: 0, readable: true });
    expect(summary.header).toMatchObject({
      headerSize: 128,
      minorVersion: 1,
      majorVersion: 3,
      headerBlockSize: 4096,
      chunkCount: 2,
      nextRecordId: 4,
      flags: 0,
    });
    expect(summary.header!.checksum).toBe(summary.header!.computedChecksum);
  });

  it('skips an all-zero (pre-allocated) chunk silently', () => {
    const path = file(fileHeader(3, 4), events(1, 2), Buffer.alloc(CHUNK_SIZE), events(3, 1));
    const { summary, records, damage } = read(path);
    expect(damage).toEqual([]);
    expect(records.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(summary).toMatchObject({ chunks: 2, records: 3, lost: 0, readable: true });
  });

  it('reports a chunk with a bad magic (file, chunk number, absolute offset) and reads the next one', () => {
    const bad = events(3, 1);
    bad.write('XXXXXXXX', 0, 'latin1');
    const path = file(fileHeader(3, 5), events(1, 2), bad, events(4, 1));
    const { summary, records, damage } = read(path);
    expect(damage).toEqual([
      { file: path, chunk: 1, offset: FILE_HEADER_SIZE + CHUNK_SIZE, reason: expect.stringMatching(/bad chunk magic/), severity: 'skipped' },
    ]);
    expect(records.map((r) => r.id)).toEqual([1, 2, 4]);
    expect(summary).toMatchObject({ chunks: 3, records: 3, lost: 1, readable: true });
  });

  it('reports record damage at its absolute offset with the record id', () => {
    const chunk = events(3, 2);
    // Tear the first record of the second chunk: its size copy no longer matches.
    const size = chunk.readUInt32LE(512 + 4);
    chunk.writeUInt32LE(size + 1, 512 + size - 4);
    rechecksum(chunk); // so that the torn record is the only finding
    const path = file(fileHeader(2, 5), events(1, 2), chunk);
    const { summary, records, damage } = read(path);
    expect(damage).toEqual([
      { file: path, chunk: 1, offset: FILE_HEADER_SIZE + CHUNK_SIZE + 512, recordId: 3, reason: expect.stringMatching(/torn/), severity: 'skipped' },
    ]);
    expect(records.map((r) => r.id)).toEqual([1, 2, 4]);
    expect(summary).toMatchObject({ records: 3, lost: 1 });
  });

  it('a checksum mismatch is a warning; the records are still read', () => {
    const chunk = events(1, 1);
    chunk[560] ^= 0x01; // inside the GUID of the template definition written in the first record
    const path = file(fileHeader(1, 2), chunk);
    const { records, damage, summary } = read(path);
    expect(damage).toEqual([
      { file: path, chunk: 0, offset: FILE_HEADER_SIZE + 52, reason: expect.stringMatching(/records checksum mismatch/), severity: 'warning' },
    ]);
    expect(records.map((r) => r.id)).toEqual([1]);
    expect(summary.lost).toBe(0);
  });

  it('a file header checksum mismatch is a warning unless the file is dirty', () => {
    const header = fileHeader(1, 2);
    header.writeUInt32LE((header.readUInt32LE(124) ^ 1) >>> 0, 124);
    const path = file(header, events(1, 1));
    const { records, damage } = read(path);
    expect(damage).toEqual([{ file: path, chunk: -1, offset: 124, reason: expect.stringMatching(/file header checksum/), severity: 'warning' }]);
    expect(records.map((r) => r.id)).toEqual([1]);

    const dirty = fileHeader(1, 2, 0x1);
    dirty.writeUInt32LE(0, 124);
    expect(read(file(dirty, events(1, 1))).damage).toEqual([]);
  });

  it('a broken file header signature: warned, chunks read anyway', () => {
    const header = fileHeader(1, 2);
    header.write('NotEvtx!', 0, 'latin1');
    const path = file(header, events(1, 2));
    const { records, damage, summary } = read(path);
    expect(damage).toEqual([{ file: path, chunk: -1, offset: 0, reason: expect.stringMatching(/bad file header signature/), severity: 'warning' }]);
    expect(records.map((r) => r.id)).toEqual([1, 2]);
    expect(summary.readable).toBe(true);
  });

  it('a trailing partial chunk is a warning', () => {
    const path = file(fileHeader(1, 2), events(1, 1), Buffer.alloc(100, 0x55));
    const { records, damage } = read(path);
    expect(records.map((r) => r.id)).toEqual([1]);
    expect(damage).toEqual([
      { file: path, chunk: 1, offset: FILE_HEADER_SIZE + CHUNK_SIZE, reason: expect.stringMatching(/partial chunk of 100 bytes/), severity: 'warning' },
    ]);
  });

  it('a file that is not EVTX: readable false, one damage report', () => {
    const path = file(Buffer.alloc(10000, 'not an event log\n'));
    const { summary, records, damage } = read(path);
    expect(records).toEqual([]);
    expect(summary).toMatchObject({ readable: false, header: null, chunks: 0, records: 0, lost: 1 });
    expect(damage).toEqual([{ file: path, chunk: -1, offset: 0, reason: expect.stringMatching(/not an EVTX file/), severity: 'skipped' }]);
  });

  it('a file shorter than a header: readable false', () => {
    const path = file(Buffer.from('ElfFile\0short'));
    const { summary, damage } = read(path);
    expect(summary.readable).toBe(false);
    expect(damage).toEqual([{ file: path, chunk: -1, offset: 0, reason: expect.stringMatching(/only 13 bytes/), severity: 'skipped' }]);
  });

  it('a missing file: readable false, reported, no exception', () => {
    const path = join(dir, 'missing.evtx');
    const { summary, damage } = read(path);
    expect(summary.readable).toBe(false);
    expect(damage).toEqual([{ file: path, chunk: -1, offset: 0, reason: expect.stringMatching(/cannot open: ENOENT/), severity: 'skipped' }]);
  });

  it('an exception from the record handler is reported for that record; the others are read', () => {
    const chunk = events(1, 3);
    const second = 512 + chunk.readUInt32LE(512 + 4);
    const path = file(fileHeader(1, 4), chunk);
    const { records, damage, summary } = read(path, (r) => {
      if (r.id === 2) throw new Error('handler failed');
    });
    expect(records.map((r) => r.id)).toEqual([1, 3]);
    expect(damage).toEqual([
      { file: path, chunk: 0, offset: FILE_HEADER_SIZE + second, recordId: 2, reason: expect.stringMatching(/handler failed.*record skipped/), severity: 'skipped' },
    ]);
    expect(summary).toMatchObject({ records: 2, lost: 1 });
  });

  it('a record whose BinXML is broken is reported when rendered, with its id; the next record is read', () => {
    const chunk = events(1, 3);
    const second = 512 + chunk.readUInt32LE(512 + 4);
    expect(chunk[second + 24 + 4]).toBe(0x0c);
    chunk[second + 24 + 4] = 0x1c; // the template instance token becomes an unknown token
    rechecksum(chunk);
    const path = file(fileHeader(1, 4), chunk);
    const { records, damage } = read(path, (r) => void r.json());
    expect(records.map((r) => r.id)).toEqual([1, 3]);
    expect(damage).toEqual([{
      file: path,
      chunk: 0,
      offset: FILE_HEADER_SIZE + second,
      recordId: 2,
      reason: expect.stringMatching(/unknown BinXML token 0x1c/),
      severity: 'skipped',
    }]);
  });
});

describe('readChunk', () => {
  it('reports chunk-relative problems at absolute offsets', () => {
    const chunk = events(1, 2);
    chunk.write('ElfChnX\0', 0, 'latin1');
    const damage: Damage[] = [];
    expect(readChunk('x.evtx', chunk, 7, 0x123000, { record: () => {}, damage: (d) => damage.push(d) })).toEqual([0, 1]);
    expect(damage).toEqual([{ file: 'x.evtx', chunk: 7, offset: 0x123000, reason: expect.stringMatching(/bad chunk magic/), severity: 'skipped' }]);
  });
});

describe('chunk ranges (what each worker reads)', () => {
  it('ranges together read every record once; file-level findings come from the first and last range', () => {
    // Bad header checksum (not dirty) and a trailing partial chunk: each reported exactly once.
    const header = fileHeader(3, 7);
    header.writeUInt32LE(0xdeadbeef, 124);
    const path = file(header, events(1, 2), events(3, 2), events(5, 2), Buffer.alloc(10, 1));
    expect(chunkCountOf(path)).toBe(3);
    const ids: number[] = [];
    const damage: Damage[] = [];
    for (const range of [{ first: 0, count: 1 }, { first: 1, count: 1 }, { first: 2, count: 5 }]) {
      const s = readEvtxFile(path, { record: (r) => ids.push(r.id), damage: (d) => damage.push(d) }, range);
      expect(s.readable).toBe(true);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(damage.map((d) => d.reason)).toEqual([expect.stringMatching(/file header checksum/), expect.stringMatching(/partial chunk/)]);
  });

  it('an unreadable file is reported by the first range only', () => {
    const path = join(dir, 'missing.evtx');
    const damage: Damage[] = [];
    readEvtxFile(path, { record: () => {}, damage: (d) => damage.push(d) }, { first: 1, count: 1 });
    expect(damage).toEqual([]);
    readEvtxFile(path, { record: () => {}, damage: (d) => damage.push(d) }, { first: 0, count: 1 });
    expect(damage).toHaveLength(1);
    expect(chunkCountOf(path)).toBe(0);
  });
});
