// One 64 KiB chunk: its header, checksums, names and templates (read on demand and cached), and
// the walk over its records. Every offset read from the chunk is checked against its bounds.
import { guid, u32 } from './bytes.js';
import {
  CHUNK_HEADER_SIZE,
  CHUNK_SIZE,
  ChunkFlags,
  computeHeaderChecksum,
  computeRecordsChecksum,
  hasChunkMagic,
  parseChunkHeader,
  type ChunkHeader,
} from './chunk-header.js';
import { EvtxFormatError } from './errors.js';
import type { Template } from './nodes.js';
import { EvtxRecord, RECORD_HEADER_SIZE, RECORD_MAGIC } from './record.js';
import { readName, type ChunkContext } from './tokens.js';
import { cachedTemplate } from './template-cache.js';

export interface ChunkProblem {
  /** Offset inside the chunk. */
  offset: number;
  reason: string;
  recordId?: number;
  /** True when something was lost (a record, or the rest of the chunk). */
  lost: boolean;
}

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

const SELF_REFERENCE = new EvtxFormatError('template definition refers to itself', 0);

export class Chunk implements ChunkContext {
  readonly header: ChunkHeader;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template | EvtxFormatError>();

  /** `bytes` is exactly one chunk. Throws only when the chunk magic is wrong. */
  constructor(
    readonly bytes: Uint8Array,
    /** Chunk number within its file. */
    readonly index: number,
  ) {
    if (bytes.length !== CHUNK_SIZE) throw new EvtxFormatError(`chunk is ${bytes.length} bytes, not ${CHUNK_SIZE}`, 0);
    if (!hasChunkMagic(bytes)) throw new EvtxFormatError('bad chunk magic', 0);
    this.header = parseChunkHeader(bytes);
  }

  /** Checksum findings. A mismatch is reported; the chunk is still read as far as it goes. */
  checksumProblems(): ChunkProblem[] {
    const h = this.header;
    if (h.flags & ChunkFlags.NoCrc32) return [];
    const out: ChunkProblem[] = [];
    const headerSum = computeHeaderChecksum(this.bytes);
    if (headerSum !== h.headerChecksum) {
      out.push({ offset: 124, reason: `chunk header checksum mismatch (stored 0x${h.headerChecksum.toString(16)}, computed 0x${headerSum.toString(16)})`, lost: false });
    }
    if (h.freeSpaceOffset >= CHUNK_HEADER_SIZE && h.freeSpaceOffset <= CHUNK_SIZE) {
      const recordsSum = computeRecordsChecksum(this.bytes, h.freeSpaceOffset);
      if (recordsSum !== h.recordsChecksum) {
        out.push({ offset: 52, reason: `chunk records checksum mismatch (stored 0x${h.recordsChecksum.toString(16)}, computed 0x${recordsSum.toString(16)})`, lost: false });
      }
    } else {
      out.push({ offset: 48, reason: `free space offset 0x${h.freeSpaceOffset.toString(16)} outside the chunk`, lost: false });
    }
    return out;
  }

  name(offset: number): string {
    let s = this.names.get(offset);
    if (s === undefined) {
      s = readName(this.bytes, offset, this.bytes.length);
      this.names.set(offset, s);
    }
    return s;
  }

  template(offset: number): Template | null {
    let t = this.templates.get(offset);
    if (t === undefined) {
      // Mark first: a template that (wrongly) instantiates itself must not recurse forever.
      this.templates.set(offset, SELF_REFERENCE);
      try {
        t = cachedTemplate(this, offset, (o) => guid(this.bytes, o));
      } catch (e) {
        if (!(e instanceof EvtxFormatError)) throw e;
        t = new EvtxFormatError(`template at 0x${offset.toString(16)}: ${e.reason}`, e.offset);
      }
      this.templates.set(offset, t);
    }
    if (t === SELF_REFERENCE) throw new EvtxFormatError('template definition refers to itself', offset);
    if (t instanceof EvtxFormatError) throw t;
    return t;
  }

  /**
   * Records in order. Damage inside the record area is reported through `problem`: a torn record
   * is skipped on its own; unreadable bytes end the walk of this chunk. (Searching on for the next
   * record header finds stale records from the chunk's earlier life, whose template offsets no
   * longer point at their templates: they would render as plausible but false events.)
   */
  *records(problem: (p: ChunkProblem) => void): Generator<EvtxRecord> {
    const b = this.bytes;
    const h = this.header;
    const limit = h.freeSpaceOffset >= CHUNK_HEADER_SIZE && h.freeSpaceOffset <= CHUNK_SIZE ? h.freeSpaceOffset : CHUNK_SIZE;
    const lastId = Number(h.lastRecordId);
    let pos = CHUNK_HEADER_SIZE;
    while (pos + RECORD_HEADER_SIZE <= limit) {
      const size = u32(b, pos + 4);
      if (u32(b, pos) !== RECORD_MAGIC || size < RECORD_HEADER_SIZE + 4 || pos + size > CHUNK_SIZE) {
        // Zeroes up to the free-space offset: a stale header, nothing more was written.
        if (isZero(b, pos, limit)) return;
        const what = u32(b, pos) !== RECORD_MAGIC ? 'record magic missing' : `record size ${size} is impossible`;
        problem({ offset: pos, reason: `${what}; rest of chunk (${limit - pos} bytes) skipped`, lost: true });
        return;
      }
      const record = new EvtxRecord(this, pos, size);
      if (u32(b, pos + size - 4) !== size) {
        // A torn write: the header was written, the body was not (or only in part).
        problem({ offset: pos, reason: 'record size copy does not match its header (torn write); record skipped', recordId: record.id, lost: true });
      } else yield record;
      pos += size;
      if (record.id === lastId) return;
    }
  }
}
