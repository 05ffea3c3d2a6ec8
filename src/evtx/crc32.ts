// CRC-32 (IEEE 802.3), the checksum EVTX uses for the file header, chunk headers and chunk records.
import * as zlib from 'node:zlib';

const TABLE = (() => {
  const t = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // Slicing-by-4 tables: four bytes per step.
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

// Node >= 20.15 has a native CRC-32; the table version serves older releases.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export function crc32(b: Uint8Array, start: number, end: number, seed = 0): number {
  if (native) return native(b.subarray(start, end), seed);
  return crc32Table(b, start, end, seed);
}

export function crc32Table(b: Uint8Array, start: number, end: number, seed = 0): number {
  let c = ~seed;
  let i = start;
  const t = TABLE;
  for (; i + 4 <= end; i += 4) {
    c ^= b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
