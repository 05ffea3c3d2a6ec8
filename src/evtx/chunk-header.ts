// The 512-byte header at the start of every 64 KiB chunk (MS-EVEN6 2.2.3 / libevtx "chunk header").
import { hasMagic, u32, u64 } from './bytes.js';
import { crc32 } from './crc32.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
const MAGIC = 'ElfChnk\0';

export const ChunkFlags = { Dirty: 0x1, NoCrc32: 0x4 } as const;

export interface ChunkHeader {
  firstRecordNumber: number | bigint;
  lastRecordNumber: number | bigint;
  firstRecordId: number | bigint;
  lastRecordId: number | bigint;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  recordsChecksum: number;
  flags: number;
  headerChecksum: number;
  /** 64 buckets of the string table: offsets of name structures (chained by their next-offset). */
  stringOffsets: Uint32Array;
  /** 32 buckets of the template table: offsets of template definitions (chained likewise). */
  templateOffsets: Uint32Array;
}

export function hasChunkMagic(b: Uint8Array, o = 0): boolean {
  return hasMagic(b, o, MAGIC);
}

export function parseChunkHeader(b: Uint8Array): ChunkHeader {
  const stringOffsets = new Uint32Array(64);
  for (let i = 0; i < 64; i++) stringOffsets[i] = u32(b, 128 + 4 * i);
  const templateOffsets = new Uint32Array(32);
  for (let i = 0; i < 32; i++) templateOffsets[i] = u32(b, 384 + 4 * i);
  return {
    firstRecordNumber: u64(b, 8),
    lastRecordNumber: u64(b, 16),
    firstRecordId: u64(b, 24),
    lastRecordId: u64(b, 32),
    headerSize: u32(b, 40),
    lastRecordOffset: u32(b, 44),
    freeSpaceOffset: u32(b, 48),
    recordsChecksum: u32(b, 52),
    flags: u32(b, 120),
    headerChecksum: u32(b, 124),
    stringOffsets,
    templateOffsets,
  };
}

/** CRC32 of bytes 0–120 and 128–512 (the checksum field itself and the flags are excluded). */
export function computeHeaderChecksum(b: Uint8Array): number {
  return crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120));
}

/** CRC32 of the record area: from the end of the header to the free-space offset. */
export function computeRecordsChecksum(b: Uint8Array, freeSpaceOffset: number): number {
  return crc32(b, CHUNK_HEADER_SIZE, Math.min(freeSpaceOffset, b.length));
}
