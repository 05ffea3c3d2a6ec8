// FILETIME and SYSTEMTIME conversions. Expected strings come from Python's datetime
// (datetime(1601, 1, 1) + timedelta(microseconds=ticks // 10)) or from Date.UTC.
import { describe, expect, it } from 'vitest';
import { filetimeIso, filetimeMillis, filetimeParts, systemtimeIso } from '../../src/evtx/time.js';
import { le16, le64 } from './binxml-builder.js';

const ft = (ticks: bigint) => Buffer.from([0x55, ...le64(ticks)]); // value at offset 1
const EPOCH_DIFF = 11644473600n;
const ticksOf = (msSinceUnixEpoch: number, extraTicks = 0n) => (BigInt(msSinceUnixEpoch) / 1000n + EPOCH_DIFF) * 10_000_000n + (BigInt(msSinceUnixEpoch) % 1000n) * 10_000n + extraTicks;

describe('FILETIME', () => {
  it('splits into whole seconds since 1601 and 100 ns ticks', () => {
    expect(filetimeParts(ft(0n), 1)).toEqual({ seconds: 0, ticks: 0 });
    expect(filetimeParts(ft(132775477251234567n), 1)).toEqual({ seconds: 13277547725, ticks: 1234567 });
    expect(filetimeParts(ft(2n ** 62n + 5n), 1)).toEqual({ seconds: 461168601842, ticks: 7387909 });
  });

  it('ISO text with microseconds, truncated', () => {
    expect(filetimeIso(ft(132775477251234567n), 1)).toBe('2021-10-01T07:42:05.123456Z');
    expect(filetimeIso(ft(133350582253761271n), 1)).toBe('2023-07-28T22:50:25.376127Z');
    expect(filetimeIso(ft(0n), 1)).toBe('1601-01-01T00:00:00.000000Z');
  });

  it('neighbouring values in the same second and across seconds (the per-second cache)', () => {
    const base = ticksOf(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(filetimeIso(ft(base + 1230n), 1)).toBe('2024-02-29T23:59:59.000123Z');
    expect(filetimeIso(ft(base + 9_999_990n), 1)).toBe('2024-02-29T23:59:59.999999Z');
    expect(filetimeIso(ft(base + 10_000_000n), 1)).toBe('2024-03-01T00:00:00.000000Z');
    expect(filetimeIso(ft(base + 40n), 1)).toBe('2024-02-29T23:59:59.000004Z');
    expect(filetimeIso(ft(base + 10_000_000n + 5_000_000n), 1)).toBe('2024-03-01T00:00:00.500000Z');
  });

  it('milliseconds since 1970 (truncated)', () => {
    const ms = Date.UTC(2021, 9, 1, 7, 42, 5, 123);
    expect(filetimeMillis(ft(ticksOf(ms, 9999n)), 1)).toBe(ms);
    expect(filetimeMillis(ft(EPOCH_DIFF * 10_000_000n), 1)).toBe(0);
    expect(filetimeMillis(ft(0n), 1)).toBe(-11644473600000);
  });
});

describe('SYSTEMTIME', () => {
  const st = (...f: number[]) => Buffer.from([0xaa, 0xbb, ...f.flatMap(le16)]); // value at offset 2
  it('ISO text from the fields', () => {
    expect(systemtimeIso(st(2019, 3, 5, 8, 23, 22, 5, 123), 2)).toBe('2019-03-08T23:22:05.123000Z');
    expect(systemtimeIso(st(1999, 12, 5, 31, 23, 59, 59, 999), 2)).toBe('1999-12-31T23:59:59.999000Z');
  });
  it('all zero is 1601-01-01', () => {
    expect(systemtimeIso(st(0, 0, 0, 0, 0, 0, 0, 0), 2)).toBe('1601-01-01T00:00:00.000000Z');
  });
  it('a zero date with a non-zero weekday only is still the zero date', () => {
    expect(systemtimeIso(st(0, 0, 3, 0, 0, 0, 0, 0), 2)).toBe('1601-01-01T00:00:00.000000Z');
  });
});
