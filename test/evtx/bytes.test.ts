// Little-endian reads, hex/GUID text, UTF-16 and Windows-1252 text over hand-made bytes.
import { describe, expect, it } from 'vitest';
import {
  ansi,
  guid,
  hasMagic,
  hex32,
  hex64,
  hexBytes,
  i32,
  i64,
  sizedUtf16End,
  trimEnd,
  u16,
  u32,
  u64,
  utf16,
  utf16NulLength,
} from '../../src/evtx/bytes.js';
import { crc32, crc32Table } from '../../src/evtx/crc32.js';
import { hex, le64, utf16le } from './binxml-builder.js';

const b = (s: string) => Buffer.from(hex(s));

describe('integers', () => {
  it('u16 / u32 / i32 are little-endian at the offset', () => {
    const x = b('AA 3412 78563412 FFFFFFFF 00000080');
    expect(u16(x, 1)).toBe(0x1234);
    expect(u32(x, 3)).toBe(0x12345678);
    expect(u32(x, 7)).toBe(0xffffffff);
    expect(i32(x, 7)).toBe(-1);
    expect(u32(x, 11)).toBe(0x80000000);
    expect(i32(x, 11)).toBe(-0x80000000);
  });

  it('u64: a number while exact (safe integers), a bigint beyond 2^53', () => {
    expect(u64(Buffer.from(le64(2n ** 53n - 1n)), 0)).toBe(2 ** 53 - 1);
    expect(u64(Buffer.from(le64(2n ** 53n + 1n)), 0)).toBe(2n ** 53n + 1n);
    expect(u64(b('FFFFFFFFFFFFFFFF'), 0)).toBe(2n ** 64n - 1n);
  });

  it('i64: a number while exact, a bigint beyond ±2^53', () => {
    expect(i64(Buffer.from(le64(-1n)), 0)).toBe(-1);
    expect(i64(Buffer.from(le64(-(2n ** 53n) + 1n)), 0)).toBe(-(2 ** 53) + 1);
    expect(i64(Buffer.from(le64(-(2n ** 53n) - 1n)), 0)).toBe(-(2n ** 53n) - 1n);
    expect(i64(Buffer.from(le64(2n ** 53n + 1n)), 0)).toBe(2n ** 53n + 1n);
  });
});

describe('hex text', () => {
  it('hex32 / hex64: 0x, lowercase, no padding; hex64 pads the low word', () => {
    expect(hex32(b('00000000'), 0)).toBe('0x0');
    expect(hex32(b('0A000000'), 0)).toBe('0xa');
    expect(hex64(b('01000000 01000000'), 0)).toBe('0x100000001');
    expect(hex64(b('00000000 00000080'), 0)).toBe('0x8000000000000000');
    expect(hex64(b('EFCDAB89 00000000'), 0)).toBe('0x89abcdef');
  });

  it('hexBytes: uppercase, two digits per byte', () => {
    expect(hexBytes(b('00 01 7F 80 FF'), 1, 3)).toBe('017F80');
    expect(hexBytes(b('00'), 0, 0)).toBe('');
  });

  it('guid: Data1-3 little-endian, Data4 as stored', () => {
    expect(guid(b('FF 5F387057 2AC2 E043 BF4C 06F5698FFBD9'), 1)).toBe('5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  });
});

describe('UTF-16 text', () => {
  for (const [kind, wrap] of [
    ['Buffer', (x: number[]) => Buffer.from(x)],
    ['plain Uint8Array', (x: number[]) => new Uint8Array(x)],
  ] as const) {
    it(`utf16 reads count code units, cut at NUL (${kind})`, () => {
      const bytes = wrap([0xee, ...utf16le('héllo'), 0, 0, ...utf16le('x')]);
      expect(utf16(bytes, 1, 5)).toBe('héllo');
      expect(utf16(bytes, 1, 3)).toBe('hél');
      expect(utf16(bytes, 1, 7)).toBe('héllo');
      expect(utf16(bytes, 1, 0)).toBe('');
      // A count past the bytes stops at the end instead of throwing.
      expect(utf16(bytes, 13, 50)).toBe('x');
    });
  }

  it('utf16NulLength counts up to the NUL or the end', () => {
    const bytes = Buffer.from([...utf16le('abc'), 0, 0, ...utf16le('de')]);
    expect(utf16NulLength(bytes, 0, bytes.length)).toBe(3);
    expect(utf16NulLength(bytes, 8, bytes.length)).toBe(2);
    expect(utf16NulLength(bytes, 0, 4)).toBe(2);
    expect(utf16NulLength(bytes, 0, 5)).toBe(2); // a lone odd byte is not a code unit
    expect(utf16NulLength(bytes, 6, bytes.length)).toBe(0);
  });

  it('sizedUtf16End ends where trimEnd(utf16(...)) ends: at the NUL, the size or the bytes, less trailing white space', () => {
    const texts = ['abc', 'a b  ', 'x\u3000\u00a0', '  ', '', 'é\u2029', 'a\u200b', 'tab\t\r\n'];
    for (const t of texts) {
      for (const tail of [[], [0, 0], [0, 0, 0x41, 0], [0x20, 0]]) {
        const bytes = Buffer.from([0x99, ...utf16le(t), ...tail]);
        for (const size of [bytes.length - 1, 2 * t.length, Math.max(0, 2 * t.length - 1), 1000]) {
          const end = sizedUtf16End(bytes, 1, size);
          expect(bytes.subarray(1, end).toString('utf16le'), `${JSON.stringify(t)} ${tail} ${size}`).toBe(trimEnd(utf16(bytes, 1, size >>> 1)));
        }
      }
    }
  });

  it('trimEnd removes Rust White_Space only', () => {
    expect(trimEnd('a \t\n\u000b\u000c\r\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000')).toBe('a');
    expect(trimEnd('a\ufeff')).toBe('a\ufeff');
    expect(trimEnd('a\u200b')).toBe('a\u200b');
    expect(trimEnd('a\u180e')).toBe('a\u180e'); // Mongolian vowel separator: no longer White_Space
    expect(trimEnd('  ')).toBe('');
    expect(trimEnd(' a')).toBe(' a');
  });
});

describe('Windows-1252', () => {
  it('maps every 0x80-0x9F byte, including the five unassigned ones to C1 controls', () => {
    const all = Array.from({ length: 32 }, (_, i) => 0x80 + i);
    expect(ansi(Buffer.from(all), 0, 32)).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
  });
  it('0x00-0x7F and 0xA0-0xFF are Latin-1, NUL dropped', () => {
    expect(ansi(Buffer.from([0x41, 0x00, 0xa0, 0xe9, 0xff]), 0, 5)).toBe('A\u00a0éÿ');
  });
});

describe('signatures and CRC-32', () => {
  it('hasMagic compares ASCII signatures within bounds', () => {
    const x = Buffer.from('..ElfChnk\0');
    expect(hasMagic(x, 2, 'ElfChnk\0')).toBe(true);
    expect(hasMagic(x, 0, 'ElfChnk\0')).toBe(false);
    expect(hasMagic(x, 3, 'ElfChnk\0')).toBe(false);
    expect(hasMagic(Buffer.from('ElfChn'), 0, 'ElfChnk\0')).toBe(false);
  });

  it('crc32 is the IEEE CRC (check value of "123456789" is 0xCBF43926), native and table alike', () => {
    const x = Buffer.from('xx123456789yy');
    expect(crc32(x, 2, 11)).toBe(0xcbf43926);
    expect(crc32Table(x, 2, 11)).toBe(0xcbf43926);
    // Seeded continuation equals one pass.
    expect(crc32(x, 6, 11, crc32(x, 2, 6))).toBe(0xcbf43926);
    expect(crc32Table(x, 6, 11, crc32Table(x, 2, 6))).toBe(0xcbf43926);
    expect(crc32Table(x, 0, 0)).toBe(0);
  });
});
