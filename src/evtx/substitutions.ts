// The substitution values of one template instance: where each value lies in the chunk and its
// type. One flat array per instance (cheap to allocate); values are decoded only when read.

let renderCounter = 0;

/** A fresh stamp for one rendering of a record (see `take`). */
export function nextRenderStamp(): number {
  return ++renderCounter;
}

export class SubstitutionValues {
  /** Per value: type, offset in the chunk, size in bytes, stamp of the render that took it. */
  private readonly d: number[];
  readonly count: number;

  constructor(count: number) {
    this.count = count;
    this.d = new Array<number>(4 * count);
  }

  set(i: number, type: number, offset: number, size: number): void {
    const d = this.d;
    d[4 * i] = type;
    d[4 * i + 1] = offset;
    d[4 * i + 2] = size;
    d[4 * i + 3] = 0;
  }

  /** Type of value i, or -1 past the end (the template names a value the instance lacks). */
  type(i: number): number {
    return i < this.count ? this.d[4 * i] : -1;
  }

  offset(i: number): number {
    return this.d[4 * i + 1];
  }

  size(i: number): number {
    return this.d[4 * i + 2];
  }

  /**
   * Takes value i for the render `stamp`. A value is used once per render, as the Rust crate does:
   * a template that names the same substitution twice gets null the second time.
   */
  take(i: number, stamp: number): boolean {
    if (i >= this.count) return false;
    const k = 4 * i + 3;
    if (this.d[k] === stamp) return false;
    this.d[k] = stamp;
    return true;
  }
}
