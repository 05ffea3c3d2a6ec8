// The substitution values of one template instance: where each value lies in the chunk and its
// type, read from the descriptors in the chunk when asked; values are decoded only when read.

let renderCounter = 0;

/** A fresh stamp for one rendering of a record (see `take`). */
export function nextRenderStamp(): number {
  return ++renderCounter;
}

export class SubstitutionValues {
  /** Per value: stamp of the render that took it; made by the first render (scans never take). */
  private taken: number[] | null = null;
  /** The last offset worked out, by index: values are mostly read in order. */
  private lastIndex = 0;
  private lastOffset: number;

  /**
   * `count` descriptors (size u16, type u8, one byte unused) at `descriptors` in `b`, the values
   * back to back from `first`. Nothing is copied: type, size and offset are read when asked.
   */
  constructor(
    private readonly b: Uint8Array,
    private readonly descriptors: number,
    readonly count: number,
    private readonly first: number,
  ) {
    this.lastOffset = first;
  }

  /** Type of value i, or -1 past the end (the template names a value the instance lacks). */
  type(i: number): number {
    return i < this.count ? this.b[this.descriptors + 4 * i + 2] : -1;
  }

  size(i: number): number {
    const p = this.descriptors + 4 * i;
    return this.b[p] | (this.b[p + 1] << 8);
  }

  offset(i: number): number {
    let k = 0;
    let o = this.first;
    if (i >= this.lastIndex) {
      k = this.lastIndex;
      o = this.lastOffset;
    }
    for (; k < i; k++) o += this.size(k);
    this.lastIndex = i;
    this.lastOffset = o;
    return o;
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
