// Reading an EVTX file chunk by chunk: never the whole file in memory, never an exception out of
// the loop. Damage (file, chunk, offset, reason) goes to `damage`; everything readable is returned.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { Chunk } from './chunk.js';
import { CHUNK_SIZE, hasChunkMagic } from './chunk-header.js';
import { EvtxFormatError, type Damage } from './errors.js';
import { FILE_HEADER_SIZE, FileFlags, hasFileMagic, parseFileHeader, type FileHeader } from './file-header.js';
import type { EvtxRecord } from './record.js';

export interface FileSummary {
  file: string;
  header: FileHeader | null;
  chunks: number;
  records: number;
  /** Records or chunks that were skipped. */
  lost: number;
  /** False when nothing at all could be read (not an EVTX file, unreadable). */
  readable: boolean;
}

export interface RecordHandlers {
  /**
   * Called for each record; an exception thrown here for this record is reported as damage.
   * The record's bytes are valid until the call returns, unless `keepRecords` is set.
   */
  record(r: EvtxRecord): void;
  damage(d: Damage): void;
  /** Records are read after their call returns: every read then gets bytes of its own. */
  keepRecords?: boolean;
}

/** Chunks read per system call. */
const CHUNKS_PER_READ = 16;

/** The read buffer, while no reader holds it (see readEvtxFile). */
let readBuffer: Buffer | null = Buffer.allocUnsafe(CHUNKS_PER_READ * CHUNK_SIZE);

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i += 8) if (b[i] | b[i + 1] | b[i + 2] | b[i + 3] | b[i + 4] | b[i + 5] | b[i + 6] | b[i + 7]) return false;
  return true;
}

function describe(e: unknown): string {
  if (e instanceof EvtxFormatError) return e.reason;
  if (e instanceof Error) return `unexpected ${e.name}: ${e.message}`;
  return String(e);
}

/**
 * Runs every record of one chunk through `handlers.record`. Used by the file loop and by workers
 * that are handed chunks. Returns [records read, things lost].
 */
export function readChunk(file: string, bytes: Uint8Array, index: number, fileOffset: number, handlers: RecordHandlers): [number, number] {
  let records = 0;
  let lost = 0;
  const report = (offset: number, reason: string, severity: Damage['severity'], recordId?: number) => {
    if (severity === 'skipped') lost++;
    handlers.damage({ file, chunk: index, offset: fileOffset + offset, reason, severity, ...(recordId !== undefined ? { recordId } : {}) });
  };
  let chunk: Chunk;
  try {
    chunk = new Chunk(bytes, index);
  } catch (e) {
    report(0, `${describe(e)}; chunk skipped`, 'skipped');
    return [0, lost];
  }
  for (const p of chunk.checksumProblems()) report(p.offset, p.reason, 'warning');
  try {
    for (const r of chunk.records((p) => report(p.offset, p.reason, p.lost ? 'skipped' : 'warning', p.recordId))) {
      try {
        handlers.record(r);
        records++;
      } catch (e) {
        report(r.offset, `${describe(e)}; record skipped`, 'skipped', r.id);
      }
    }
  } catch (e) {
    report(0, `${describe(e)}; rest of chunk skipped`, 'skipped');
  }
  return [records, lost];
}

/** Chunks `first` … `first + count - 1` of a file (workers each take a range). */
export interface ChunkRange {
  first: number;
  count: number;
}

/** Chunks a file holds, by its size (0 when it cannot be read). */
export function chunkCountOf(file: string): number {
  try {
    return Math.max(0, Math.floor((statSync(file).size - FILE_HEADER_SIZE) / CHUNK_SIZE));
  } catch {
    return 0;
  }
}

/**
 * Reads a file, or only a range of its chunks. File-level findings (header, trailing partial
 * chunk) are reported by the range that holds the first, respectively the last, chunk.
 */
export function readEvtxFile(file: string, handlers: RecordHandlers, range?: ChunkRange): FileSummary {
  const summary: FileSummary = { file, header: null, chunks: 0, records: 0, lost: 0, readable: false };
  const reportsHeader = !range || range.first === 0;
  const fail = (offset: number, reason: string) => {
    if (!reportsHeader) return;
    summary.lost++;
    handlers.damage({ file, chunk: -1, offset, reason, severity: 'skipped' });
  };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    fail(0, `cannot open: ${(e as NodeJS.ErrnoException).code ?? describe(e)}`);
    return summary;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.allocUnsafe(FILE_HEADER_SIZE);
    const got = readSync(fd, head, 0, FILE_HEADER_SIZE, 0);
    if (got < FILE_HEADER_SIZE) {
      fail(0, `not an EVTX file: only ${got} bytes`);
      return summary;
    }
    if (hasFileMagic(head)) {
      const h = parseFileHeader(head);
      summary.header = h;
      if (reportsHeader && h.checksum !== h.computedChecksum && !(h.flags & FileFlags.Dirty)) {
        handlers.damage({ file, chunk: -1, offset: 124, reason: 'file header checksum mismatch', severity: 'warning' });
      }
    } else {
      // A broken header does not make the chunks unreadable: look for the first one.
      const probe = Buffer.allocUnsafe(8);
      if (readSync(fd, probe, 0, 8, FILE_HEADER_SIZE) < 8 || !hasChunkMagic(probe)) {
        fail(0, 'not an EVTX file (no file or chunk signature)');
        return summary;
      }
      if (reportsHeader) handlers.damage({ file, chunk: -1, offset: 0, reason: 'bad file header signature; reading chunks anyway', severity: 'warning' });
    }
    summary.readable = true;
    // The chunk count comes from the file size: the header's count misses chunks of dirty files.
    const chunkCount = Math.floor((size - FILE_HEADER_SIZE) / CHUNK_SIZE);
    const tail = (size - FILE_HEADER_SIZE) % CHUNK_SIZE;
    const start = range ? range.first : 0;
    const stop = range ? Math.min(chunkCount, range.first + range.count) : chunkCount;
    // One buffer for all reads of all files (a fresh megabyte per read costs page faults and
    // garbage), unless records outlive their call or a record handler reads a file itself.
    const buffer = handlers.keepRecords ? null : readBuffer;
    if (buffer) readBuffer = null;
    try {
      for (let first = start; first < stop; first += CHUNKS_PER_READ) {
        const n = Math.min(CHUNKS_PER_READ, stop - first);
        const block = buffer ? buffer.subarray(0, n * CHUNK_SIZE) : Buffer.allocUnsafe(n * CHUNK_SIZE);
        const offset = FILE_HEADER_SIZE + first * CHUNK_SIZE;
        const read = readSync(fd, block, 0, block.length, offset);
        for (let i = 0; i < n; i++) {
          const index = first + i;
          if ((i + 1) * CHUNK_SIZE > read) {
            fail(offset + i * CHUNK_SIZE, `chunk ${index} could not be read`);
            continue;
          }
          const bytes = block.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
          if (!hasChunkMagic(bytes) && isZero(bytes)) continue; // unused, pre-allocated chunk
          summary.chunks++;
          const [records, lost] = readChunk(file, bytes, index, offset + i * CHUNK_SIZE, handlers);
          summary.records += records;
          summary.lost += lost;
        }
      }
    } finally {
      if (buffer) readBuffer = buffer;
    }
    if (tail > 0 && stop === chunkCount) {
      handlers.damage({ file, chunk: chunkCount, offset: FILE_HEADER_SIZE + chunkCount * CHUNK_SIZE, reason: `file ends with a partial chunk of ${tail} bytes; ignored`, severity: 'warning' });
    }
  } catch (e) {
    fail(0, `read failed: ${(e as NodeJS.ErrnoException).code ?? describe(e)}`);
  } finally {
    closeSync(fd);
  }
  return summary;
}
