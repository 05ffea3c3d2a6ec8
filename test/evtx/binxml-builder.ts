// Test helper: writes BinXML, records and whole chunks/files byte by byte, the way Windows lays
// them out, so tests can feed the parser bytes they built themselves and assert exact results.
// The writing itself is sigscan's own EVTX writer (src/fixture: names and templates defined in
// place at first use and linked into the chunk's tables, dependency ids, 8-byte aligned records,
// checksums); this file adds what only tests need: names placed anywhere in the chunk, chunk
// headers with any field values (odd ones on purpose), and a parse context over the bytes.
// The low-level writes (put, u8, u16, u32, patch32, fragmentHeader) build invalid bytes on purpose.
import { computeHeaderChecksum } from '../../src/evtx/chunk-header.js';
import { parseFragment, readName, type ChunkContext } from '../../src/evtx/tokens.js';
import type { Template } from '../../src/evtx/nodes.js';
import { type SubstitutionValue, type TemplateDefinition, type XmlNode } from '../../src/fixture/binxml-writer.js';
import { ChunkWriter as EvtxChunkWriter, sealChunk, writeChunkHeader } from '../../src/fixture/chunk-writer.js';

export { CHUNK_HEADER_SIZE, CHUNK_SIZE } from '../../src/evtx/chunk-header.js';
export { FILE_HEADER_SIZE } from '../../src/evtx/file-header.js';
export { el, inst, opt, str, sub } from '../../src/fixture/binxml-writer.js';
export { fileHeader } from '../../src/fixture/evtx-writer.js';

// ---------------------------------------------------------------- description of BinXML content

export type Bx = XmlNode;
export type TemplateSpec = TemplateDefinition;
export type SubValue = SubstitutionValue;

// Token kinds Windows does not write in event records, for parser tests.
export const lit = (type: number, bytes: number[]): Bx => ({ t: 'lit', type, bytes });
export const cdata = (s: string): Bx => ({ t: 'cdata', s });
export const charref = (code: number): Bx => ({ t: 'charref', code });
export const entity = (name: string): Bx => ({ t: 'entity', name });
export const pi = (target: string, data: string | null = null): Bx => ({ t: 'pi', target, data });

// ---------------------------------------------------------------- little-endian byte helpers

export const le16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
export const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
export function le64(v: bigint | number): number[] {
  const x = BigInt.asUintN(64, BigInt(v));
  return [...le32(Number(x & 0xffffffffn)), ...le32(Number(x >> 32n))];
}
export function utf16le(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(...le16(s.charCodeAt(i)));
  return out;
}
export const hex = (s: string): number[] => s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16));

// Value helpers for template instances (size = byte length).
export const vNull = (): SubValue => ({ type: 0x00, bytes: [] });
export const vStr = (s: string): SubValue => ({ type: 0x01, bytes: utf16le(s) });
export const vU8 = (n: number): SubValue => ({ type: 0x04, bytes: [n] });
export const vU16 = (n: number): SubValue => ({ type: 0x06, bytes: le16(n) });
export const vU32 = (n: number): SubValue => ({ type: 0x08, bytes: le32(n) });
export const vU64 = (n: bigint | number): SubValue => ({ type: 0x0a, bytes: le64(n) });
export const vHex64 = (n: bigint | number): SubValue => ({ type: 0x15, bytes: le64(n) });
export const vFileTime = (ticks: bigint): SubValue => ({ type: 0x11, bytes: le64(ticks) });
export const vRaw = (type: number, bytes: number[]): SubValue => ({ type, bytes });
export const vBinXml = (fragment: Bx[]): SubValue => ({ type: 0x21, fragment });

// ---------------------------------------------------------------- the writer

export class ChunkWriter extends EvtxChunkWriter {
  /** Writes a name structure at `offset` (e.g. in an otherwise unused area) without moving `pos`. */
  nameAt(offset: number, s: string): number {
    const saved = this.pos;
    this.pos = offset;
    this.nameStruct(s);
    this.pos = saved;
    return offset;
  }

  /** Fills in the chunk header with the given record ids (free space: the current position) and checksums. */
  finishChunk(opts: { firstId: number; lastId: number; lastRecordOffset?: number; flags?: number }): Buffer {
    writeChunkHeader(this.bytes, { firstId: opts.firstId, lastId: opts.lastId, lastRecordOffset: opts.lastRecordOffset ?? 0, freeSpaceOffset: this.pos, flags: opts.flags ?? 0 });
    return this.bytes;
  }

  /** A context for parseFragment on this writer's bytes: names and templates read on demand. */
  ctx(): ChunkContext {
    return contextFor(this.bytes);
  }
}

/** Recomputes both chunk checksums after a test edited the bytes. */
export const rechecksum = sealChunk;

/** CRC32 of header bytes 0-120 and 128-512, stored at 124. */
export function setHeaderChecksum(b: Buffer): void {
  b.writeUInt32LE(computeHeaderChecksum(b), 124);
}

export function contextFor(bytes: Uint8Array): ChunkContext {
  const ctx: ChunkContext = {
    bytes,
    name: (o) => readName(bytes, o, bytes.length),
    template(o): Template {
      const size = bytes[o + 20] | (bytes[o + 21] << 8) | (bytes[o + 22] << 16) | (bytes[o + 23] << 24);
      return { offset: o, guid: 'test', nodes: parseFragment(ctx, o + 24, o + 24 + size, false) };
    },
  };
  return ctx;
}
