// Every BinXML value type (MS-EVEN6 2.2.12 "Value Type"), scalar and array form, decoded from
// bytes built here, with the text conventions of the Rust `evtx` crate's JSON output.
import { describe, expect, it } from 'vitest';
import { decodeValue, valueText, type Value } from '../../src/evtx/values.js';
import { ValueType as T } from '../../src/evtx/value-types.js';
import { EvtxFormatError } from '../../src/evtx/errors.js';
import { hex, le16, le32, le64, utf16le } from './binxml-builder.js';

const ARRAY = 0x80;

/**
 * Decodes `bytes` as `type`, placed at offset 5 of a buffer padded with 0xAA on both sides, so a
 * decoder that ignores the offset or reads past the value's size gives a wrong answer.
 */
function dec(type: number, bytes: number[], size = bytes.length): Value {
  const buf = Buffer.alloc(5 + bytes.length + 7, 0xaa);
  buf.set(bytes, 5);
  return decodeValue(buf, type, 5, size, 5 + bytes.length);
}

function formatError(f: () => unknown): EvtxFormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EvtxFormatError);
    return e as EvtxFormatError;
  }
  throw new Error('expected an EvtxFormatError');
}

// Sysmon's provider GUID {5770385F-C22A-43E0-BF4C-06F5698FFBD9} as stored: Data1..Data3 little-endian.
const SYSMON_GUID = hex('5F387057 2AC2 E043 BF4C 06F5698FFBD9');
// S-1-5-18 (LocalSystem): revision 1, 1 sub-authority, authority 5 (big-endian 48 bits), 18.
const SID_SYSTEM = hex('01 01 000000000005 12000000');
// S-1-5-21-3623811015-3361044348-30300820-1013
const SID_USER = [...hex('01 05 000000000005'), ...le32(21), ...le32(3623811015), ...le32(3361044348), ...le32(30300820), ...le32(1013)];

describe('Null', () => {
  it('is null whatever its size', () => {
    expect(dec(T.Null, [])).toBeNull();
    expect(dec(T.Null, [1, 2, 3, 4])).toBeNull();
  });
});

describe('String (UTF-16LE, size in bytes)', () => {
  it('decodes the given number of bytes', () => {
    expect(dec(T.String, utf16le('cmd.exe'))).toBe('cmd.exe');
  });
  it('decodes non-ASCII text and surrogate pairs', () => {
    expect(dec(T.String, utf16le('Grüße ✓ 😀'))).toBe('Grüße ✓ 😀');
  });
  it('is empty for size 0', () => {
    expect(dec(T.String, [])).toBe('');
  });
  it('stops at the first NUL (padding after it is ignored)', () => {
    expect(dec(T.String, [...utf16le('abc'), 0, 0, ...utf16le('junk')])).toBe('abc');
  });
  it('ignores a trailing odd byte', () => {
    expect(dec(T.String, [...utf16le('ab'), 0x41])).toBe('ab');
  });
  it('trims trailing Unicode White_Space (space, tab, CR/LF, NBSP, U+2003, U+3000)', () => {
    expect(dec(T.String, utf16le('value \t\r\n\u00a0\u2003\u3000'))).toBe('value');
  });
  it('keeps leading and inner whitespace', () => {
    expect(dec(T.String, utf16le('  a  b'))).toBe('  a  b');
  });
  it('does not trim U+FEFF (not White_Space, unlike JS trimEnd)', () => {
    expect(dec(T.String, utf16le('x\ufeff'))).toBe('x\ufeff');
    expect(dec(T.String, utf16le('x\ufeff '))).toBe('x\ufeff');
  });
  it('does not trim U+200B (zero width space is not White_Space)', () => {
    expect(dec(T.String, utf16le('x\u200b'))).toBe('x\u200b');
  });
});

describe('AnsiString (Windows-1252)', () => {
  it('decodes ASCII', () => {
    expect(dec(T.AnsiString, [...Buffer.from('C:\\Temp', 'latin1')])).toBe('C:\\Temp');
  });
  it('maps 0x80-0x9F through the Windows-1252 table', () => {
    expect(dec(T.AnsiString, [0x80, 0x85, 0x99, 0x9f])).toBe('€…™Ÿ');
  });
  it('maps 0xA0-0xFF to the same Latin-1 code points', () => {
    expect(dec(T.AnsiString, [0x47, 0x72, 0xfc, 0xdf, 0x65])).toBe('Grüße');
  });
  it('drops NUL bytes wherever they are', () => {
    expect(dec(T.AnsiString, [0x61, 0x00, 0x62, 0x00, 0x00])).toBe('ab');
  });
});

describe('integers', () => {
  it('Int8 / UInt8', () => {
    expect(dec(T.Int8, [0xff])).toBe(-1);
    expect(dec(T.Int8, [0x80])).toBe(-128);
    expect(dec(T.Int8, [0x7f])).toBe(127);
    expect(dec(T.UInt8, [0xff])).toBe(255);
  });
  it('Int16 / UInt16 are little-endian', () => {
    expect(dec(T.Int16, [0x34, 0x12])).toBe(0x1234);
    expect(dec(T.Int16, [0xfe, 0xff])).toBe(-2);
    expect(dec(T.Int16, [0x00, 0x80])).toBe(-32768);
    expect(dec(T.UInt16, [0xfe, 0xff])).toBe(65534);
  });
  it('Int32 / UInt32', () => {
    expect(dec(T.Int32, [0x78, 0x56, 0x34, 0x12])).toBe(0x12345678);
    expect(dec(T.Int32, [0xff, 0xff, 0xff, 0xff])).toBe(-1);
    expect(dec(T.Int32, [0x00, 0x00, 0x00, 0x80])).toBe(-2147483648);
    expect(dec(T.UInt32, [0xff, 0xff, 0xff, 0xff])).toBe(4294967295);
    expect(dec(T.UInt32, le32(4242))).toBe(4242);
  });
  it('UInt64: a number while exact, a bigint above 2^53', () => {
    expect(dec(T.UInt64, le64(0))).toBe(0);
    expect(dec(T.UInt64, le64(0x1_0000_0001))).toBe(4294967297);
    expect(dec(T.UInt64, le64(2n ** 53n - 1n))).toBe(Number.MAX_SAFE_INTEGER);
    expect(dec(T.UInt64, le64(2n ** 53n + 1n))).toBe(9007199254740993n);
    expect(dec(T.UInt64, hex('FFFFFFFFFFFFFFFF'))).toBe(18446744073709551615n);
  });
  it('Int64: signed, a number while exact, a bigint beyond', () => {
    expect(dec(T.Int64, hex('FFFFFFFFFFFFFFFF'))).toBe(-1);
    expect(dec(T.Int64, le64(-4294967296n))).toBe(-4294967296);
    expect(dec(T.Int64, le64(-(2n ** 53n) + 1n))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(dec(T.Int64, le64(2n ** 53n - 1n))).toBe(Number.MAX_SAFE_INTEGER);
    expect(dec(T.Int64, le64(2n ** 63n - 1n))).toBe(9223372036854775807n);
    expect(dec(T.Int64, hex('0000000000000080'))).toBe(-9223372036854775808n);
  });
  it('reads only its own width from a larger size', () => {
    expect(dec(T.UInt16, [0x01, 0x00, 0xff, 0xff])).toBe(1);
  });
  it('rejects a size smaller than the type', () => {
    expect(formatError(() => dec(T.UInt32, [1, 2, 3])).reason).toMatch(/needs 4/);
    expect(() => dec(T.Int64, [1, 2, 3, 4])).toThrow(EvtxFormatError);
  });
});

describe('reals', () => {
  const f32 = (x: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return [...b];
  };
  const f64 = (x: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return [...b];
  };
  it('Real32 is the shortest decimal that reads back as the same float32', () => {
    expect(f32(0.1)).toEqual(hex('CDCCCC3D'));
    expect(dec(T.Real32, hex('CDCCCC3D'))).toBe(0.1);
    expect(dec(T.Real32, f32(3.14))).toBe(3.14);
    expect(dec(T.Real32, f32(-2.5))).toBe(-2.5);
    expect(dec(T.Real32, f32(16777216))).toBe(16777216);
    expect(dec(T.Real32, f32(1e-10))).toBe(1e-10);
  });
  it('Real32 keeps zero and non-finite values', () => {
    expect(dec(T.Real32, f32(0))).toBe(0);
    expect(dec(T.Real32, f32(Infinity))).toBe(Infinity);
    expect(dec(T.Real32, f32(NaN))).toBeNaN();
  });
  it('Real64 is the double as stored', () => {
    expect(dec(T.Real64, f64(0.1))).toBe(0.1);
    expect(dec(T.Real64, f64(-1234.5678e100))).toBe(-1234.5678e100);
    expect(dec(T.Real64, hex('000000000000F03F'))).toBe(1);
  });
});

describe('Bool (4 bytes)', () => {
  it('0 is false, 1 is true, any other non-zero value is true', () => {
    expect(dec(T.Bool, le32(0))).toBe(false);
    expect(dec(T.Bool, le32(1))).toBe(true);
    expect(dec(T.Bool, le32(2))).toBe(true);
    expect(dec(T.Bool, hex('00000001'))).toBe(true);
    expect(dec(T.Bool, hex('FFFFFFFF'))).toBe(true);
  });
});

describe('Binary', () => {
  it('is uppercase hex without separators', () => {
    expect(dec(T.Binary, [0x00, 0x0a, 0xbc, 0xff, 0x10])).toBe('000ABCFF10');
  });
  it('is empty for size 0', () => {
    expect(dec(T.Binary, [])).toBe('');
  });
});

describe('Guid', () => {
  it('prints uppercase with the first three groups little-endian', () => {
    expect(dec(T.Guid, SYSMON_GUID)).toBe('5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  });
  it('places every byte', () => {
    expect(dec(T.Guid, hex('00112233 4455 6677 8899 AABBCCDDEEFF'))).toBe('33221100-5544-7766-8899-AABBCCDDEEFF');
  });
});

describe('SizeT', () => {
  it('size 4 prints like HexInt32, size 8 like HexInt64', () => {
    expect(dec(T.SizeT, le32(0x1f))).toBe('0x1f');
    expect(dec(T.SizeT, le64(0x1234_5678_9abcn))).toBe('0x123456789abc');
  });
  it('other sizes are format errors', () => {
    expect(() => dec(T.SizeT, [1, 2])).toThrow(EvtxFormatError);
    expect(() => dec(T.SizeT, [])).toThrow(EvtxFormatError);
    expect(() => dec(T.SizeT, [1, 2, 3, 4, 5, 6])).toThrow(EvtxFormatError);
  });
});

describe('FileTime (100 ns ticks since 1601-01-01 UTC)', () => {
  it('0 is the epoch', () => {
    expect(dec(T.FileTime, le64(0))).toBe('1601-01-01T00:00:00.000000Z');
  });
  it('prints a modern time, fraction truncated to microseconds', () => {
    // 132775477251234567 ticks = 2021-10-01 07:42:05.1234567 (Python: datetime(1601,1,1) + timedelta(microseconds=t//10)).
    expect(dec(T.FileTime, hex('075B71D497B6D701'))).toBe('2021-10-01T07:42:05.123456Z');
  });
  it('agrees with Date for a second boundary', () => {
    const unix = Date.UTC(2019, 2, 8, 23, 22, 5) / 1000;
    const ticks = (BigInt(unix) + 11644473600n) * 10_000_000n;
    expect(dec(T.FileTime, le64(ticks))).toBe('2019-03-08T23:22:05.000000Z');
    expect(dec(T.FileTime, le64(ticks + 9_999_999n))).toBe('2019-03-08T23:22:05.999999Z');
    expect(dec(T.FileTime, le64(ticks + 10n))).toBe('2019-03-08T23:22:05.000001Z');
    expect(dec(T.FileTime, le64(ticks + 9n))).toBe('2019-03-08T23:22:05.000000Z');
  });
  it('prints the last representable microsecond of year 9999', () => {
    // (253402300799 s + 11644473600 s) * 10^7 + 9999999 ticks.
    expect(dec(T.FileTime, le64(2650467743999999999n))).toBe('9999-12-31T23:59:59.999999Z');
  });
});

describe('SystemTime (eight u16: year, month, weekday, day, hour, minute, second, ms)', () => {
  const st = (...f: number[]) => f.flatMap(le16);
  it('prints ISO 8601 with milliseconds as microseconds', () => {
    expect(dec(T.SystemTime, st(2019, 3, 5, 8, 23, 22, 5, 123))).toBe('2019-03-08T23:22:05.123000Z');
    expect(dec(T.SystemTime, st(2024, 12, 2, 31, 0, 0, 0, 7))).toBe('2024-12-31T00:00:00.007000Z');
  });
  it('all zeroes is 1601-01-01', () => {
    expect(dec(T.SystemTime, st(0, 0, 0, 0, 0, 0, 0, 0))).toBe('1601-01-01T00:00:00.000000Z');
  });
  it('the day of week does not take part', () => {
    expect(dec(T.SystemTime, st(2019, 3, 0, 8, 23, 22, 5, 123))).toBe('2019-03-08T23:22:05.123000Z');
  });
});

describe('Sid', () => {
  it('S-1-5-18', () => {
    expect(dec(T.Sid, SID_SYSTEM)).toBe('S-1-5-18');
  });
  it('a domain user SID with five sub-authorities', () => {
    expect(dec(T.Sid, SID_USER)).toBe('S-1-5-21-3623811015-3361044348-30300820-1013');
  });
  it('no sub-authorities: S-1-0', () => {
    expect(dec(T.Sid, hex('01 00 000000000000'))).toBe('S-1-0');
  });
  it('the authority is 48-bit big-endian', () => {
    expect(dec(T.Sid, hex('01 01 000001000000 00000000'))).toBe('S-1-16777216-0');
  });
  it('a SID whose sub-authorities run past its size is an error', () => {
    expect(() => dec(T.Sid, hex('01 02 000000000005 12000000'))).toThrow(EvtxFormatError);
    expect(() => dec(T.Sid, hex('01 01 0000'))).toThrow(EvtxFormatError);
  });
});

describe('HexInt32 / HexInt64', () => {
  it('0x and lowercase hex, no padding', () => {
    expect(dec(T.HexInt32, le32(0x1f))).toBe('0x1f');
    expect(dec(T.HexInt32, le32(0))).toBe('0x0');
    expect(dec(T.HexInt32, hex('EFBEADDE'))).toBe('0xdeadbeef');
    expect(dec(T.HexInt64, hex('0000000000000080'))).toBe('0x8000000000000000');
    expect(dec(T.HexInt64, le64(0x2000_0000_0000n))).toBe('0x200000000000');
    expect(dec(T.HexInt64, le64(0x1_0000_0001n))).toBe('0x100000001');
    expect(dec(T.HexInt64, le64(0xabn))).toBe('0xab');
    expect(dec(T.HexInt64, hex('FFFFFFFFFFFFFFFF'))).toBe('0xffffffffffffffff');
  });
});

describe('EvtHandle', () => {
  it('a 4- or 8-byte handle is its number', () => {
    expect(dec(T.EvtHandle, le32(0x1234))).toBe(0x1234);
    expect(dec(T.EvtHandle, le64(0x1_0000_0000n))).toBe(4294967296);
  });
});

describe('array forms (type | 0x80)', () => {
  it('String[]: NUL-terminated strings back to back, not trimmed', () => {
    const bytes = [...utf16le('one '), 0, 0, 0, 0, ...utf16le('three'), 0, 0];
    expect(dec(T.String | ARRAY, bytes)).toEqual(['one ', '', 'three']);
  });
  it('String[]: a last string without terminator still counts', () => {
    expect(dec(T.String | ARRAY, [...utf16le('a'), 0, 0, ...utf16le('bc')])).toEqual(['a', 'bc']);
  });
  it('String[] of size 0 is empty', () => {
    expect(dec(T.String | ARRAY, [])).toEqual([]);
  });
  it('AnsiString[]: NUL-separated', () => {
    expect(dec(T.AnsiString | ARRAY, [0x61, 0x00, 0x80, 0x62, 0x00])).toEqual(['a', '€b']);
  });
  it('Int8[] / UInt8[]', () => {
    expect(dec(T.Int8 | ARRAY, [0xff, 0x01, 0x80])).toEqual([-1, 1, -128]);
    expect(dec(T.UInt8 | ARRAY, [0xff, 0x01])).toEqual([255, 1]);
  });
  it('Int16[] / UInt16[]', () => {
    expect(dec(T.Int16 | ARRAY, [...le16(0xffff), ...le16(300)])).toEqual([-1, 300]);
    expect(dec(T.UInt16 | ARRAY, [...le16(0xffff), ...le16(300)])).toEqual([65535, 300]);
  });
  it('Int32[] / UInt32[]', () => {
    expect(dec(T.Int32 | ARRAY, [...le32(-5), ...le32(7)])).toEqual([-5, 7]);
    expect(dec(T.UInt32 | ARRAY, [...le32(-5), ...le32(7)])).toEqual([4294967291, 7]);
  });
  it('Int64[] / UInt64[]', () => {
    expect(dec(T.Int64 | ARRAY, [...le64(-1n), ...le64(2n ** 62n)])).toEqual([-1, 4611686018427387904n]);
    expect(dec(T.UInt64 | ARRAY, [...le64(-1n), ...le64(12)])).toEqual([18446744073709551615n, 12]);
  });
  it('Real32[] / Real64[]', () => {
    expect(dec(T.Real32 | ARRAY, [...hex('CDCCCC3D'), ...hex('0000C03F')])).toEqual([0.1, 1.5]);
    expect(dec(T.Real64 | ARRAY, [...hex('000000000000F03F'), ...hex('00000000000000C0')])).toEqual([1, -2]);
  });
  it('Bool[]', () => {
    expect(dec(T.Bool | ARRAY, [...le32(0), ...le32(1), ...le32(7)])).toEqual([false, true, true]);
  });
  it('Guid[]', () => {
    expect(dec(T.Guid | ARRAY, [...SYSMON_GUID, ...new Array(16).fill(0)])).toEqual([
      '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      '00000000-0000-0000-0000-000000000000',
    ]);
  });
  it('FileTime[]', () => {
    expect(dec(T.FileTime | ARRAY, [...le64(0), ...hex('075B71D497B6D701')])).toEqual([
      '1601-01-01T00:00:00.000000Z',
      '2021-10-01T07:42:05.123456Z',
    ]);
  });
  it('SystemTime[]', () => {
    const a = [2019, 3, 5, 8, 23, 22, 5, 123].flatMap(le16);
    const b = [2000, 1, 6, 1, 0, 0, 0, 0].flatMap(le16);
    expect(dec(T.SystemTime | ARRAY, [...a, ...b])).toEqual(['2019-03-08T23:22:05.123000Z', '2000-01-01T00:00:00.000000Z']);
  });
  it('Sid[]: variable-size SIDs back to back', () => {
    expect(dec(T.Sid | ARRAY, [...SID_SYSTEM, ...SID_USER])).toEqual(['S-1-5-18', 'S-1-5-21-3623811015-3361044348-30300820-1013']);
  });
  it('HexInt32[] / HexInt64[]', () => {
    expect(dec(T.HexInt32 | ARRAY, [...le32(0x1f), ...le32(0)])).toEqual(['0x1f', '0x0']);
    expect(dec(T.HexInt64 | ARRAY, [...hex('0000000000000080'), ...le64(0x10)])).toEqual(['0x8000000000000000', '0x10']);
  });
  it('Binary[] / SizeT[] (element width not recorded) keep the bytes whole', () => {
    expect(dec(T.Binary | ARRAY, [0xde, 0xad])).toEqual(['DEAD']);
    expect(dec(T.SizeT | ARRAY, le32(1))).toEqual(['01000000']);
  });
  it('an empty fixed-width array is []', () => {
    expect(dec(T.UInt32 | ARRAY, [])).toEqual([]);
  });
  it('arrays of types without an array form are errors', () => {
    expect(() => dec(T.Null | ARRAY, [1])).toThrow(EvtxFormatError);
    expect(() => dec(T.EvtHandle | ARRAY, le32(1))).toThrow(EvtxFormatError);
  });
});

describe('bounds and unknown types', () => {
  it('a value whose size runs past end is an error, at its offset', () => {
    const buf = Buffer.alloc(64);
    const e = formatError(() => decodeValue(buf, T.String, 10, 8, 16));
    expect(e.offset).toBe(10);
    expect(() => decodeValue(buf, T.UInt32, 14, 4, 16)).toThrow(EvtxFormatError);
    expect(() => decodeValue(buf, T.Binary, 0, 17, 16)).toThrow(EvtxFormatError);
    expect(() => decodeValue(buf, T.UInt32 | ARRAY, 8, 12, 16)).toThrow(EvtxFormatError);
  });
  it('exactly reaching end is fine', () => {
    const buf = Buffer.from([0, 0, 1, 0, 0, 0]);
    expect(decodeValue(buf, T.UInt32, 2, 4, 6)).toBe(1);
  });
  it('unknown types are errors', () => {
    for (const t of [0x16, 0x1f, 0x22, 0x24, 0x7f]) expect(() => dec(t, [0, 0, 0, 0])).toThrow(EvtxFormatError);
  });
  it('errors carry a readable reason', () => {
    expect(formatError(() => dec(0x16, [0])).reason).toMatch(/unknown value type 0x16/);
  });
});

describe('valueText', () => {
  it('null is empty, strings as they are, numbers decimal', () => {
    expect(valueText(null)).toBe('');
    expect(valueText('x y')).toBe('x y');
    expect(valueText(0)).toBe('0');
    expect(valueText(-42)).toBe('-42');
    expect(valueText(0.1)).toBe('0.1');
    expect(valueText(18446744073709551615n)).toBe('18446744073709551615');
  });
  it('booleans as true/false', () => {
    expect(valueText(true)).toBe('true');
    expect(valueText(false)).toBe('false');
  });
  it('arrays comma-joined (nulls empty)', () => {
    expect(valueText(['a', 'b'])).toBe('a,b');
    expect(valueText([1, -2, 3n])).toBe('1,-2,3');
    expect(valueText(['a', null, 'c'])).toBe('a,,c');
    expect(valueText([])).toBe('');
  });
  it('round trip: decoded array text', () => {
    expect(valueText(dec(T.UInt16 | ARRAY, [...le16(1), ...le16(2), ...le16(3)]))).toBe('1,2,3');
  });
});
