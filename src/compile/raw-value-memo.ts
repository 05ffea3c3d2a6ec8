// What the prefilter found in a value, remembered by the value's raw bytes. Field values repeat
// (Channel, Image, Hashes, User, command lines); keyed by their bytes in the chunk, a repeat costs
// a short hash and one comparison instead of decoding, lower-casing and hashing a string.
// Two generations, as a cache of recent texts should be: when the recent table fills up it becomes
// the older one, whose entries are copied forward when used again; one-off values fall out.

/** Results per entry: whatever the caller stores (the prefilter: literal ids found). */
type Result = readonly number[];

/** Bytes hashed at each end of a longer value, and in its middle (the comparison reads them all). */
const SAMPLE = 32;
/** Probes before a lookup gives up: a crowd of values alike where hashed stays bounded. */
const MAX_PROBES = 16;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Mixes bytes `from` … `to` of `view` into hash `h`. */
function mix(h: number, view: DataView, from: number, to: number): number {
  let i = from;
  for (; i + 4 <= to; i += 4) {
    h = Math.imul(rotl(h, 5) ^ view.getInt32(i, true), 0x9e3779b1);
  }
  for (; i < to; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  return h;
}

/** A 32-bit hash of (tag, bytes); for long values, of their length and three samples. */
function hashOf(tag: number, view: DataView, o: number, n: number): number {
  let h = Math.imul(tag ^ n, 0x9e3779b1);
  if (n <= 3 * SAMPLE) h = mix(h, view, o, o + n);
  else {
    const mid = o + ((n - SAMPLE) >> 1);
    h = mix(mix(mix(h, view, o, o + SAMPLE), view, mid, mid + SAMPLE), view, o + n - SAMPLE, o + n);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

class Table {
  private readonly mask: number;
  /** Slot → entry + 1 (0: empty). */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly tags: Int32Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly results: Result[] = [];
  /** Values' bytes; grows by doubling up to arenaBytes (most scans need far less). */
  private arena: Uint8Array;
  private arenaView: DataView;
  private used = 0;
  count = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly arenaBytes: number,
  ) {
    let cap = 1;
    while (cap < 2 * maxEntries) cap <<= 1;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap);
    this.hashes = new Int32Array(maxEntries);
    this.tags = new Int32Array(maxEntries);
    this.starts = new Int32Array(maxEntries);
    this.lengths = new Int32Array(maxEntries);
    this.arena = new Uint8Array(Math.min(arenaBytes, 64 << 10));
    this.arenaView = new DataView(this.arena.buffer);
  }

  find(h: number, tag: number, b: Uint8Array, view: DataView, o: number, n: number): Result | undefined {
    const { slots, mask, arena, arenaView } = this;
    for (let p = 0, s = h & mask; p < MAX_PROBES; p++, s = (s + 1) & mask) {
      const e = slots[s] - 1;
      if (e < 0) return undefined;
      if (this.hashes[e] !== h || this.tags[e] !== tag || this.lengths[e] !== n) continue;
      // Four bytes at a time (DataView reads need no alignment), then the rest.
      const start = this.starts[e];
      let i = 0;
      while (i + 4 <= n && arenaView.getInt32(start + i) === view.getInt32(o + i)) i += 4;
      if (i + 4 <= n) continue;
      while (i < n && arena[start + i] === b[o + i]) i++;
      if (i === n) return this.results[e];
    }
    return undefined;
  }

  /** False when the table is full (or this value's probe run is): the caller turns generations. */
  insert(h: number, tag: number, b: Uint8Array, o: number, n: number, result: Result): boolean {
    if (this.count >= this.maxEntries || this.used + n > this.arenaBytes) return false;
    if (this.used + n > this.arena.length) this.grow(this.used + n);
    const { slots, mask } = this;
    for (let p = 0, s = h & mask; p < MAX_PROBES; p++, s = (s + 1) & mask) {
      if (slots[s] !== 0) continue;
      const e = this.count++;
      slots[s] = e + 1;
      this.hashes[e] = h;
      this.tags[e] = tag;
      this.lengths[e] = n;
      this.starts[e] = this.used;
      this.arena.set(b.subarray(o, o + n), this.used);
      this.used += n;
      this.results[e] = result;
      return true;
    }
    return true; // a crowded run: this value is simply not remembered
  }

  private grow(needed: number): void {
    let size = this.arena.length;
    while (size < needed) size *= 2;
    const arena = new Uint8Array(Math.min(size, this.arenaBytes));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
    this.arenaView = new DataView(arena.buffer);
  }

  clear(): void {
    this.slots.fill(0);
    this.results.length = 0;
    this.count = 0;
    this.used = 0;
  }
}

export class RawValueMemo {
  private recent: Table;
  private older: Table;
  /** Hash of the last lookup, for the `remember` that follows a miss. */
  private lastHash = 0;
  /** A view of the bytes last looked up in (one chunk serves many lookups). */
  private bytes: Uint8Array | null = null;
  private view: DataView = new DataView(new ArrayBuffer(0));

  /** Up to `entries` values and `arenaBytes` of their bytes per generation. */
  constructor(
    entries = 32768,
    arenaBytes = 4 << 20,
    /** Values longer than this are never remembered. */
    readonly maxBytes = 4096,
  ) {
    this.recent = new Table(entries, arenaBytes);
    this.older = new Table(entries, arenaBytes);
  }

  /** The result stored for `tag` and bytes `b[o, o+n)`, or undefined. */
  get(tag: number, b: Uint8Array, o: number, n: number): Result | undefined {
    if (b !== this.bytes) {
      this.bytes = b;
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const h = (this.lastHash = hashOf(tag, this.view, o, n));
    const r = this.recent.find(h, tag, b, this.view, o, n);
    if (r !== undefined) return r;
    const old = this.older.find(h, tag, b, this.view, o, n);
    if (old !== undefined) this.store(h, tag, b, o, n, old);
    return old;
  }

  /** Stores the result for the value of the last `get` (which missed). */
  remember(tag: number, b: Uint8Array, o: number, n: number, result: Result): void {
    this.store(this.lastHash, tag, b, o, n, result);
  }

  private store(h: number, tag: number, b: Uint8Array, o: number, n: number, result: Result): void {
    if (this.recent.insert(h, tag, b, o, n, result)) return;
    const spare = this.older;
    spare.clear();
    this.older = this.recent;
    this.recent = spare;
    this.recent.insert(h, tag, b, o, n, result);
  }
}
