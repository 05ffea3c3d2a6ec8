// The 4 KiB file header (MS-EVEN6 2.2.1 / libevtx "file header"). Dirty and full flags are normal
// on live or copied logs and are reported as facts, never as errors.
import { hasMagic, u16, u32, u64 } from './bytes.js';
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 0x1000;
const MAGIC = 'ElfFile\0';

export const FileFlags = { Dirty: 0x1, Full: 0x2 } as const;

export interface FileHeader {
  firstChunkNumber: number | bigint;
  lastChunkNumber: number | bigint;
  nextRecordId: number | bigint;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  chunkCount: number;
  flags: number;
  checksum: number;
  /** CRC32 of the first 120 bytes, to compare with `checksum`. */
  computedChecksum: number;
}

export function hasFileMagic(b: Uint8Array): boolean {
  return hasMagic(b, 0, MAGIC);
}

export function parseFileHeader(b: Uint8Array): FileHeader {
  return {
    firstChunkNumber: u64(b, 8),
    lastChunkNumber: u64(b, 16),
    nextRecordId: u64(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    headerBlockSize: u16(b, 40),
    chunkCount: u16(b, 42),
    flags: u32(b, 120),
    checksum: u32(b, 124),
    computedChecksum: crc32(b, 0, 120),
  };
}
