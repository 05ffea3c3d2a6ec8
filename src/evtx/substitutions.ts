// The substitution values of one template instance: where each value lies in the chunk and its
// type. One flat array per instance (cheap to allocate); values are decoded only when read.

let renderCounter = 0;

/** A fresh stamp for one rendering of a record (see `take`). */
export function nextRenderStamp(): number {
  return ++renderCounter;
}

export class SubstitutionValues {
  /** Per value: offset in the chunk * 256 + type, then size in bytes (two small integers). */
  private readonly d: number[];
  /** Per value: stamp of the render that took it; made by the first render (scans never take). */
  private taken: number[] | null = null;
  readonly count: number;

  constructor(count: number) {
    this.count = count;
    this.d = new Array<number>(2 * count);
  }

  set(i: number, type: number, offset: number, size: number): void {
    this.d[2 * i] = offset * 256 + type;
    this.d[2 * i + 1] = size;
  }

  /** Type of value i, or -1 past the end (the template names a value the instance lacks). */
  type(i: number): number {
    return i < this.count ? this.d[2 * i] & 0xff : -1;
  }

  offset(i: number): number {
    return this.d[2 * i] >> 8; // offsets stay below 2^23: a chunk is 64 KiB
  }

  size(i: number): number {
    return this.d[2 * i + 1];
  }

  /**
   * Takes value i for the render `stamp`. A value is used once per render, as the Rust crate does:
   * a template that names the same substitution twice gets null the second time.
   */
  take(i: number, stamp: number): boolean {
    if (i >= this.count) return false;
    const taken = (this.taken ??= new Array<number>(this.count).fill(0));
    if (taken[i] === stamp) return false;
    taken[i] = stamp;
    return true;
  }
}
