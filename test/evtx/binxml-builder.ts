// Test helper: writes BinXML, records and whole chunks/files byte by byte, the way Windows lays
// them out (MS-EVEN6 2.2.12, libevtx "Windows XML Event Log (EVTX)" format notes), so tests can
// feed the parser bytes they built themselves and assert exact results.
//
// Layout rules followed here:
// - A name is referenced by a u32 chunk offset. The first use of a name in a chunk writes the name
//   structure (u32 next, u16 hash, u16 length, UTF-16LE chars, u16 NUL) right after the reference,
//   so the offset equals the position after the u32; later uses point back at that structure.
// - A template definition is written in place after the first instance that uses it (offset ==
//   position after the u32), as u32 next, 16-byte GUID, u32 data size, then its BinXML; later
//   instances in the same chunk only carry its offset.
// - Element tokens carry a u16 dependency id except inside a BinXML substitution value.
import { crc32 } from 'node:zlib';
import { parseFragment, readName, type ChunkContext } from '../../src/evtx/tokens.js';
import type { Template } from '../../src/evtx/nodes.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
export const FILE_HEADER_SIZE = 0x1000;

// ---------------------------------------------------------------- description of BinXML content

export type Bx =
  | { t: 'el'; name: string; attrs: Array<[string, Bx[]]>; children: Bx[] }
  | { t: 'str'; s: string }
  | { t: 'lit'; type: number; bytes: number[] }
  | { t: 'sub'; index: number; type: number; optional: boolean }
  | { t: 'cdata'; s: string }
  | { t: 'charref'; code: number }
  | { t: 'entity'; name: string }
  | { t: 'pi'; target: string; data: string | null }
  | { t: 'inst'; template: TemplateSpec; values: SubValue[] };

export interface TemplateSpec {
  /** 16 raw GUID bytes. */
  guid: number[];
  nodes: Bx[];
}

export type SubValue = { type: number; bytes: ArrayLike<number> } | { type: 0x21; fragment: Bx[] };

type AttrValue = string | Bx | Bx[];

/** An element; attributes given as a plain string are literal String values. */
export function el(name: string, attrs: Record<string, AttrValue> = {}, children: Bx[] = []): Bx {
  const list: Array<[string, Bx[]]> = Object.entries(attrs).map(([k, v]) => [
    k,
    typeof v === 'string' ? [str(v)] : Array.isArray(v) ? v : [v],
  ]);
  return { t: 'el', name, attrs: list, children };
}
export const str = (s: string): Bx => ({ t: 'str', s });
export const lit = (type: number, bytes: number[]): Bx => ({ t: 'lit', type, bytes });
export const sub = (index: number, type: number): Bx => ({ t: 'sub', index, type, optional: false });
export const opt = (index: number, type: number): Bx => ({ t: 'sub', index, type, optional: true });
export const cdata = (s: string): Bx => ({ t: 'cdata', s });
export const charref = (code: number): Bx => ({ t: 'charref', code });
export const entity = (name: string): Bx => ({ t: 'entity', name });
export const pi = (target: string, data: string | null = null): Bx => ({ t: 'pi', target, data });
export const inst = (template: TemplateSpec, values: SubValue[]): Bx => ({ t: 'inst', template, values });

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

export class ChunkWriter {
  readonly bytes: Buffer = Buffer.alloc(CHUNK_SIZE);
  pos: number;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<TemplateSpec, number>();

  constructor(start = CHUNK_HEADER_SIZE) {
    this.pos = start;
  }

  put(...bs: Array<number | ArrayLike<number>>): this {
    for (const b of bs) {
      if (typeof b === 'number') this.bytes[this.pos++] = b;
      else for (let i = 0; i < b.length; i++) this.bytes[this.pos++] = b[i];
    }
    return this;
  }
  u8(v: number): this {
    return this.put(v);
  }
  u16(v: number): this {
    return this.put(le16(v));
  }
  u32(v: number): this {
    return this.put(le32(v));
  }
  patch32(at: number, v: number): void {
    this.bytes.writeUInt32LE(v >>> 0, at);
  }
  /** u16 length in code units, then the UTF-16LE characters (no NUL). */
  prefixed(s: string): this {
    return this.u16(s.length).put(utf16le(s));
  }

  /** Writes a name structure at the current position and returns its offset. */
  nameStruct(s: string): number {
    const at = this.pos;
    // The hash is not checked by readers; next-offset 0 ends the bucket chain.
    this.u32(0).u16(0).prefixed(s).u16(0);
    this.names.set(s, at);
    return at;
  }

  /** Writes a name structure at `offset` (e.g. in an otherwise unused area) without moving `pos`. */
  nameAt(offset: number, s: string): number {
    const saved = this.pos;
    this.pos = offset;
    this.nameStruct(s);
    this.pos = saved;
    return offset;
  }

  /** A u32 name reference; the structure goes in place the first time a name is used. */
  nameRef(s: string): this {
    const known = this.names.get(s);
    if (known !== undefined) return this.u32(known);
    this.u32(this.pos + 4);
    this.nameStruct(s);
    return this;
  }

  fragmentHeader(): this {
    return this.put(0x0f, 0x01, 0x01, 0x00);
  }

  /** Fragment header, nodes, end-of-stream token. */
  fragment(nodes: Bx[], inSubstitution = false): this {
    this.fragmentHeader();
    for (const n of nodes) this.node(n, inSubstitution);
    return this.u8(0x00);
  }

  node(n: Bx, inSub: boolean): this {
    switch (n.t) {
      case 'el':
        return this.element(n, inSub);
      case 'str':
        return this.put(0x05, 0x01).prefixed(n.s);
      case 'lit':
        return this.put(0x05, n.type, n.bytes);
      case 'sub':
        return this.u8(n.optional ? 0x0e : 0x0d).u16(n.index).u8(n.type);
      case 'cdata':
        return this.u8(0x07).prefixed(n.s);
      case 'charref':
        return this.u8(0x08).u16(n.code);
      case 'entity':
        return this.u8(0x09).nameRef(n.name);
      case 'pi':
        this.u8(0x0a).nameRef(n.target);
        if (n.data !== null) this.u8(0x0b).prefixed(n.data);
        return this;
      case 'inst':
        return this.instance(n.template, n.values);
    }
  }

  private element(e: Extract<Bx, { t: 'el' }>, inSub: boolean): this {
    const hasAttrs = e.attrs.length > 0;
    this.u8(hasAttrs ? 0x41 : 0x01);
    if (!inSub) this.u16(0xffff); // dependency id: none
    const sizeAt = this.pos;
    this.u32(0);
    this.nameRef(e.name);
    if (hasAttrs) {
      const listAt = this.pos;
      this.u32(0);
      e.attrs.forEach(([name, parts], i) => {
        this.u8(i < e.attrs.length - 1 ? 0x46 : 0x06).nameRef(name);
        for (const p of parts) this.node(p, inSub);
      });
      this.patch32(listAt, this.pos - (listAt + 4));
    }
    if (e.children.length) {
      this.u8(0x02);
      for (const c of e.children) this.node(c, inSub);
      this.u8(0x04);
    } else this.u8(0x03);
    this.patch32(sizeAt, this.pos - (sizeAt + 4));
    return this;
  }

  /** Template instance token; writes the definition in place on first use in this chunk. */
  instance(template: TemplateSpec, values: SubValue[]): this {
    const g = template.guid;
    this.put(0x0c, 0x01).put(g.slice(0, 4)); // unknown byte, template id
    const known = this.templates.get(template);
    if (known !== undefined) this.u32(known);
    else {
      const defAt = this.pos + 4;
      this.u32(defAt);
      this.templates.set(template, defAt);
      this.u32(0).put(g);
      const sizeAt = this.pos;
      this.u32(0);
      this.fragment(template.nodes);
      this.patch32(sizeAt, this.pos - (sizeAt + 4));
    }
    this.u32(values.length);
    const descAt = this.pos;
    for (const v of values) this.u16(0).u8(v.type).u8(0);
    values.forEach((v, i) => {
      const start = this.pos;
      if ('fragment' in v) this.fragment(v.fragment, true);
      else this.put(v.bytes);
      this.bytes.writeUInt16LE(this.pos - start, descAt + 4 * i);
    });
    return this;
  }

  /** An event record: magic, size, id, FILETIME, BinXML fragment, size copy. Returns its offset. */
  record(id: number, filetime: bigint, nodes: Bx[]): number {
    const at = this.pos;
    this.put(0x2a, 0x2a, 0x00, 0x00).u32(0).put(le64(id)).put(le64(filetime));
    this.fragment(nodes);
    const size = this.pos + 4 - at;
    this.u32(size);
    this.patch32(at + 4, size);
    return at;
  }

  /** Fills in the chunk header (magic, record ids, free space, checksums) and returns the bytes. */
  finishChunk(opts: { firstId: number; lastId: number; lastRecordOffset?: number; flags?: number }): Buffer {
    const b = this.bytes;
    b.write('ElfChnk\0', 0, 'latin1');
    b.set(le64(opts.firstId), 8); // first record number
    b.set(le64(opts.lastId), 16); // last record number
    b.set(le64(opts.firstId), 24); // first record id
    b.set(le64(opts.lastId), 32); // last record id
    b.writeUInt32LE(128, 40); // header size
    b.writeUInt32LE(opts.lastRecordOffset ?? 0, 44);
    b.writeUInt32LE(this.pos, 48); // free space offset
    b.writeUInt32LE(opts.flags ?? 0, 120);
    rechecksum(b);
    return b;
  }

  /** A context for parseFragment on this writer's bytes: names and templates read on demand. */
  ctx(): ChunkContext {
    return contextFor(this.bytes);
  }
}

/** Recomputes both chunk checksums after a test edited the bytes. */
export function rechecksum(b: Buffer): void {
  // Records checksum first: it lies inside the range the header checksum covers.
  b.writeUInt32LE(crc32(b.subarray(CHUNK_HEADER_SIZE, b.readUInt32LE(48))), 52);
  setHeaderChecksum(b);
}

/** CRC32 of header bytes 0-120 and 128-512, stored at 124. */
export function setHeaderChecksum(b: Buffer): void {
  b.writeUInt32LE(crc32(b.subarray(128, CHUNK_HEADER_SIZE), crc32(b.subarray(0, 120))), 124);
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

/** A 4096-byte EVTX file header (MS-EVEN6 2.2.1) for `chunkCount` chunks. */
export function fileHeader(chunkCount: number, nextRecordId: number, flags = 0): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  b.write('ElfFile\0', 0, 'latin1');
  b.set(le64(0), 8); // first chunk number
  b.set(le64(Math.max(chunkCount - 1, 0)), 16); // last chunk number
  b.set(le64(nextRecordId), 24);
  b.writeUInt32LE(128, 32); // header size
  b.writeUInt16LE(1, 36); // minor version
  b.writeUInt16LE(3, 38); // major version
  b.writeUInt16LE(FILE_HEADER_SIZE, 40); // header block size
  b.writeUInt16LE(chunkCount, 42);
  b.writeUInt32LE(flags, 120);
  b.writeUInt32LE(crc32(b.subarray(0, 120)), 124);
  return b;
}
