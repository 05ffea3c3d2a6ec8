// Decoding one BinXML value from bytes into a plain JS value, and its text form.
// The conventions (hex case, GUID and SID text, timestamps, trimmed strings, arrays) are those of
// the Rust `evtx` crate's JSON output, so `sigscan dump` and the matcher see the same values.
import { ansi, guid, hex32, hex64, hexBytes, i32, i64, trimEnd, u16, u32, u64, utf16, utf16NulLength } from './bytes.js';
import { filetimeIso, systemtimeIso } from './time.js';
import { ARRAY_FLAG, FIXED_SIZE, ValueType as T, valueTypeName } from './value-types.js';
import { EvtxFormatError } from './errors.js';

/** A decoded value: what JSON output and rules see. Nested BinXML is never a Value (see tokens). */
export type Value = null | string | number | bigint | boolean | Value[];

const f32buf = new Float32Array(1);
const f32bytes = new Uint8Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const f64bytes = new Uint8Array(f64buf.buffer);

/** The shortest decimal that reads back as the same float32, as Rust prints an f32. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

function real32(b: Uint8Array, o: number): number {
  for (let i = 0; i < 4; i++) f32bytes[i] = b[o + i];
  return shortestFloat32(f32buf[0]);
}

function real64(b: Uint8Array, o: number): number {
  for (let i = 0; i < 8; i++) f64bytes[i] = b[o + i];
  return f64buf[0];
}

/** SID: revision, sub-authority count, 48-bit big-endian authority, 32-bit sub-authorities. */
export function sidAt(b: Uint8Array, o: number, end: number): { text: string; size: number } {
  if (o + 8 > end) throw new EvtxFormatError('SID truncated', o);
  const count = b[o + 1];
  const size = 8 + 4 * count;
  if (o + size > end) throw new EvtxFormatError('SID truncated', o);
  const high = (b[o + 2] << 8) | b[o + 3];
  const low = b[o + 4] * 0x1000000 + ((b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]);
  const authority = high * 0x100000000 + low;
  let text = 'S-' + b[o] + '-' + (high === 0 ? String(authority) : '0x' + authority.toString(16).toUpperCase().padStart(12, '0'));
  for (let i = 0; i < count; i++) text += '-' + u32(b, o + 8 + 4 * i);
  return { text, size };
}

function scalar(b: Uint8Array, type: number, o: number): Value {
  switch (type) {
    case T.Int8: return (b[o] << 24) >> 24;
    case T.UInt8: return b[o];
    case T.Int16: return (u16(b, o) << 16) >> 16;
    case T.UInt16: return u16(b, o);
    case T.Int32: return i32(b, o);
    case T.UInt32: return u32(b, o);
    case T.Int64: return i64(b, o);
    case T.UInt64: return u64(b, o);
    case T.Real32: return real32(b, o);
    case T.Real64: return real64(b, o);
    case T.Bool: return i32(b, o) !== 0; // any non-zero value is true, as Windows treats it
    case T.Guid: return guid(b, o);
    case T.FileTime: return filetimeIso(b, o);
    case T.SystemTime: return systemtimeIso(b, o);
    case T.HexInt32: return hex32(b, o);
    case T.HexInt64: return hex64(b, o);
    default: throw new EvtxFormatError(`value type ${valueTypeName(type)} has no fixed size`, o);
  }
}

/**
 * Decodes a value of `type` occupying `size` bytes at `o` (a substitution value).
 * `end` bounds every read. Nested BinXML (0x21) is not handled here: the caller parses it.
 */
export function decodeValue(b: Uint8Array, type: number, o: number, size: number, end: number): Value {
  if (o + size > end) throw new EvtxFormatError(`${valueTypeName(type)} value of ${size} bytes runs past its data`, o);
  if (type & ARRAY_FLAG) return decodeArray(b, type & ~ARRAY_FLAG, o, size);
  switch (type) {
    case T.Null: return null;
    case T.String: return trimEnd(utf16(b, o, size >>> 1));
    case T.AnsiString: return ansi(b, o, size);
    case T.Binary: return hexBytes(b, o, size);
    case T.SizeT:
      if (size === 4) return hex32(b, o);
      if (size === 8) return hex64(b, o);
      throw new EvtxFormatError(`size_t value of ${size} bytes`, o);
    case T.Sid: return sidAt(b, o, o + size).text;
    case T.EvtHandle:
      return size === 4 ? u32(b, o) : size === 8 ? u64(b, o) : hexBytes(b, o, size);
    default: {
      const need = FIXED_SIZE[type];
      if (need === undefined) throw new EvtxFormatError(`unknown value type 0x${type.toString(16)}`, o);
      if (size < need) throw new EvtxFormatError(`${valueTypeName(type)} value of ${size} bytes (needs ${need})`, o);
      return scalar(b, type, o);
    }
  }
}

function decodeArray(b: Uint8Array, base: number, o: number, size: number): Value[] {
  const end = o + size;
  const out: Value[] = [];
  switch (base) {
    case T.String: {
      // NUL-terminated strings back to back.
      let p = o;
      while (p + 1 < end) {
        const n = utf16NulLength(b, p, end);
        out.push(utf16(b, p, n));
        p += 2 * n + 2;
      }
      return out;
    }
    case T.AnsiString: {
      let p = o;
      while (p < end) {
        let q = p;
        while (q < end && b[q] !== 0) q++;
        out.push(ansi(b, p, q - p));
        p = q + 1;
      }
      return out;
    }
    case T.Sid: {
      let p = o;
      while (p < end) {
        const { text, size: n } = sidAt(b, p, end);
        out.push(text);
        p += n;
      }
      return out;
    }
    case T.SizeT:
    case T.Binary:
      // Element width is not recorded; keep the bytes whole rather than guess.
      return [hexBytes(b, o, size)];
    default: {
      const w = FIXED_SIZE[base];
      if (w === undefined) throw new EvtxFormatError(`unsupported array type ${valueTypeName(base | ARRAY_FLAG)}`, o);
      for (let p = o; p + w <= end; p += w) out.push(scalar(b, base, p));
      return out;
    }
  }
}

/** The text form of a value, as the Rust crate concatenates text (arrays comma-joined, null empty). */
export function valueText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(valueText).join(',');
  return String(v);
}
