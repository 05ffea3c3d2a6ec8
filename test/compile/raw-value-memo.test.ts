// The prefilter's memo keyed by raw value bytes (src/compile/raw-value-memo.ts): a value is found
// again only with the same tag and exactly the same bytes, wherever they lie; generations turn.
import { describe, expect, it } from 'vitest';
import { RawValueMemo } from '../../src/compile/raw-value-memo.js';

const bytes = (s: string, pad = 0) => {
  const b = new Uint8Array(pad + 2 * s.length);
  for (let i = 0; i < s.length; i++) {
    b[pad + 2 * i] = s.charCodeAt(i) & 0xff;
    b[pad + 2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return b;
};

describe('RawValueMemo', () => {
  it('finds a value by its bytes at any offset, and only under its own tag', () => {
    const memo = new RawValueMemo();
    const a = bytes('C:\\Windows\\System32\\cmd.exe');
    expect(memo.get(1, a, 0, a.length)).toBeUndefined();
    memo.remember(1, a, 0, a.length, [7]);
    const moved = bytes('C:\\Windows\\System32\\cmd.exe', 3); // odd offset: no alignment assumed
    expect(memo.get(1, moved, 3, a.length)).toEqual([7]);
    expect(memo.get(2, moved, 3, a.length)).toBeUndefined();
    // A prefix is another value.
    expect(memo.get(1, a, 0, a.length - 2)).toBeUndefined();
  });

  it('long values alike at both ends and in the middle are still told apart by every byte', () => {
    const memo = new RawValueMemo();
    const head = 'x'.repeat(100);
    const texts = ['a', 'b', 'c', 'd'].map((k) => `${head}${k}${head}${'y'.repeat(37)}${head}`);
    texts.forEach((t, i) => {
      const b = bytes(t);
      expect(memo.get(5, b, 0, b.length)).toBeUndefined();
      memo.remember(5, b, 0, b.length, [i]);
    });
    texts.forEach((t, i) => {
      const b = bytes(t);
      expect(memo.get(5, b, 0, b.length)).toEqual([i]);
    });
    // Same bytes but the one that differs: not found.
    const other = bytes(`${head}e${head}${'y'.repeat(37)}${head}`);
    expect(memo.get(5, other, 0, other.length)).toBeUndefined();
  });

  it('values used since the last turn of generations survive it; one-off values do not', () => {
    const memo = new RawValueMemo(8, 1 << 12);
    const keep = bytes('kept');
    memo.get(0, keep, 0, keep.length);
    memo.remember(0, keep, 0, keep.length, [1]);
    for (let i = 0; i < 40; i++) {
      const b = bytes(`one-off ${i}`);
      memo.get(0, b, 0, b.length);
      memo.remember(0, b, 0, b.length, [i]);
      expect(memo.get(0, keep, 0, keep.length)).toEqual([1]);
    }
    const first = bytes('one-off 0');
    expect(memo.get(0, first, 0, first.length)).toBeUndefined();
  });

  it('a full arena turns generations too', () => {
    const memo = new RawValueMemo(1000, 64);
    for (let i = 0; i < 10; i++) {
      const b = bytes(`value number ${i}`);
      memo.get(0, b, 0, b.length);
      memo.remember(0, b, 0, b.length, [i]);
    }
    const last = bytes('value number 9');
    expect(memo.get(0, last, 0, last.length)).toEqual([9]);
  });
});
