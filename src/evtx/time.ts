// FILETIME and SYSTEMTIME to ISO 8601 text, microsecond precision, as the Rust crate prints them.
import { u16, u32 } from './bytes.js';

const EPOCH_DIFF_SECONDS = 11644473600; // 1601-01-01 to 1970-01-01

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function isoSeconds(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const y = d.getUTCFullYear();
  return (
    (y >= 0 && y <= 9999 ? pad(y, 4) : String(y)) + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) +
    'T' + pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2)
  );
}

/** Splits a FILETIME (100 ns ticks since 1601) into whole seconds and the 100 ns remainder, exactly. */
export function filetimeParts(b: Uint8Array, o: number): { seconds: number; ticks: number } {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  // 2^32 = 429 * 10^7 + 4967296: keeps every intermediate below 2^53 for any real date.
  if (hi < 0x40000000) {
    const rest = hi * 4967296 + lo;
    return { seconds: hi * 429 + Math.floor(rest / 1e7), ticks: rest % 1e7 };
  }
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  return { seconds: Number(v / 10000000n), ticks: Number(v % 10000000n) };
}

// Neighbouring records share their second: remember the last one formatted.
let lastSeconds = NaN;
let lastPrefix = '';

/** FILETIME as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (fraction truncated to microseconds). */
export function filetimeIso(b: Uint8Array, o: number): string {
  const { seconds, ticks } = filetimeParts(b, o);
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastPrefix = isoSeconds(seconds - EPOCH_DIFF_SECONDS) + '.';
  }
  const micros = Math.floor(ticks / 10);
  return lastPrefix + (micros >= 100000 ? String(micros) : pad(micros, 6)) + 'Z';
}

/** FILETIME as milliseconds since the Unix epoch (for time filters and sorting). */
export function filetimeMillis(b: Uint8Array, o: number): number {
  const { seconds, ticks } = filetimeParts(b, o);
  return (seconds - EPOCH_DIFF_SECONDS) * 1000 + Math.floor(ticks / 10000);
}

/** SYSTEMTIME (16 bytes) as ISO 8601; all zeroes is 1601-01-01 by convention. */
export function systemtimeIso(b: Uint8Array, o: number): string {
  const year = u16(b, o);
  const month = u16(b, o + 2);
  const day = u16(b, o + 6);
  const hour = u16(b, o + 8);
  const minute = u16(b, o + 10);
  const second = u16(b, o + 12);
  const ms = u16(b, o + 14);
  if (year === 0 && month === 0 && day === 0 && hour === 0 && minute === 0 && second === 0 && ms === 0) {
    return '1601-01-01T00:00:00.000000Z';
  }
  return (
    pad(year, 4) + '-' + pad(month, 2) + '-' + pad(day, 2) + 'T' + pad(hour, 2) + ':' + pad(minute, 2) + ':' +
    pad(second, 2) + '.' + pad(ms * 1000, 6) + 'Z'
  );
}
