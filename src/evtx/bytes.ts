// Little-endian reads and UTF-16 text over a chunk's bytes.
// Every caller bounds-checks first (see `need`), so these never read past the buffer.

/** True when the bytes at `o` spell `magic` (an ASCII signature such as 'ElfChnk\0'). */
export function hasMagic(b: Uint8Array, o: number, magic: string): boolean {
  if (o + magic.length > b.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[o + i] !== magic.charCodeAt(i)) return false;
  return true;
}

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

export function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** Unsigned 64-bit: a number when it is exact, else a bigint. */
export function u64(b: Uint8Array, o: number): number | bigint {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Signed 64-bit: a number when it is exact, else a bigint. */
export function i64(b: Uint8Array, o: number): number | bigint {
  const lo = u32(b, o);
  const hi = i32(b, o + 4);
  if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function hex32(b: Uint8Array, o: number): string {
  return '0x' + u32(b, o).toString(16);
}

export function hex64(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi === 0) return '0x' + lo.toString(16);
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Uppercase hex without separators, as the Rust crate prints binary values. */
export function hexBytes(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[b[o + i]];
  return s;
}

export function guid(b: Uint8Array, o: number): string {
  return (
    HEX[b[o + 3]] + HEX[b[o + 2]] + HEX[b[o + 1]] + HEX[b[o]] + '-' +
    HEX[b[o + 5]] + HEX[b[o + 4]] + '-' +
    HEX[b[o + 7]] + HEX[b[o + 6]] + '-' +
    HEX[b[o + 8]] + HEX[b[o + 9]] + '-' +
    HEX[b[o + 10]] + HEX[b[o + 11]] + HEX[b[o + 12]] + HEX[b[o + 13]] + HEX[b[o + 14]] + HEX[b[o + 15]]
  );
}

const decoder = new TextDecoder('utf-16le');
const ucs2Slice = (Buffer.prototype as unknown as { ucs2Slice?: (start: number, end: number) => string }).ucs2Slice;

/** `count` UTF-16 code units from `o`, cut at the first NUL (Windows strings may carry padding). */
export function utf16(b: Uint8Array, o: number, count: number): string {
  count = Math.min(count, (b.length - o) >> 1); // never past the bytes, whatever the caller asks
  if (count <= 0) return '';
  // Node's own UCS-2 decoding is several times faster than TextDecoder at every length;
  // `ucs2Slice` is what `toString('utf16le')` calls, without its argument handling.
  const s = ucs2Slice && Buffer.isBuffer(b) ? ucs2Slice.call(b, o, o + 2 * count) : decoder.decode(b.subarray(o, o + 2 * count));
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** Length in code units of a NUL-terminated UTF-16 string starting at `o`, at most up to `end`. */
export function utf16NulLength(b: Uint8Array, o: number, end: number): number {
  let n = 0;
  while (o + 2 * n + 1 < end && (b[o + 2 * n] | b[o + 2 * n + 1]) !== 0) n++;
  return n;
}

// Unicode White_Space, the set Rust's `str::trim_end` removes (JS `trimEnd` also strips U+FEFF).
function isRustWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Trailing whitespace removed, as the Rust crate does for sized strings. */
export function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isRustWhitespace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * Where the text of a sized UTF-16 string value of `size` bytes at `o` ends, as a byte offset:
 * what `trimEnd(utf16(b, o, size >>> 1))` keeps, without making the string (for readers that
 * scan the bytes themselves).
 */
export function sizedUtf16End(b: Uint8Array, o: number, size: number): number {
  const limit = o + 2 * Math.min(size >>> 1, (b.length - o) >> 1);
  let end = o;
  while (end < limit && (b[end] | b[end + 1]) !== 0) end += 2;
  while (end > o && isRustWhitespace(b[end - 2] | (b[end - 1] << 8))) end -= 2;
  return end;
}

/** Windows-1252 bytes to text (the Rust crate's default ANSI code page); NUL bytes are dropped. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function ansi(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[o + i];
    if (c === 0) continue;
    s += String.fromCharCode(c >= 0x80 && c < 0xa0 ? CP1252_HIGH[c - 0x80] : c);
  }
  return s;
}
