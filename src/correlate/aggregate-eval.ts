// A subpattern's aggregate constraint (`COUNT(*) >= 5 AND AVG(bytes) > 100`) over the hits of one
// sliding window, kept up to date as hits enter (newest) and leave (oldest), so each step costs
// about the same however many hits the window holds.
//
// - COUNT(*): hits in the window. COUNT(DISTINCT a): distinct non-empty values of `a` (exact text,
//   as group-by tuples compare).
// - SUM, AVG, MIN, MAX over the values of `a` that are numbers (decimal or 0x hex); other values
//   are skipped. Over no number at all they are undefined, and a comparison with them fails.
// - Comparisons `=`, `!=`, `<`, `<=`, `>`, `>=` with the rule's number; AND / OR as written.
import { parseNumberText } from '../compile/value-test.js';
import type { Aggregate, AggregateFunction, Comparison } from '../rules/ast.js';

/** One hit's attribute values, in the order of the rule's attribute list. */
export type AttributeValues = ReadonlyArray<string | null>;

/** Running minimum or maximum of a FIFO window: a queue of candidates, monotonic in value. */
class ExtremeQueue {
  private items: Array<{ at: number; value: number }> = [];
  private head = 0;

  constructor(private readonly better: (a: number, b: number) => boolean) {}

  push(at: number, value: number): void {
    while (this.items.length > this.head && !this.better(this.items[this.items.length - 1].value, value)) this.items.pop();
    this.items.push({ at, value });
  }

  /** The window's oldest hit (number `at`) left. */
  leave(at: number): void {
    if (this.head < this.items.length && this.items[this.head].at === at) this.head++;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  get value(): number | undefined {
    return this.head < this.items.length ? this.items[this.head].value : undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** What the window knows of one attribute: distinct values, and sum / count / extremes of its numbers. */
class AttributeStats {
  readonly distinct = new Map<string, number>();
  sum = 0;
  numbers = 0;
  readonly min = new ExtremeQueue((a, b) => a < b);
  readonly max = new ExtremeQueue((a, b) => a > b);

  constructor(readonly index: number) {}

  enter(at: number, text: string | null): void {
    if (text === null) return;
    this.distinct.set(text, (this.distinct.get(text) ?? 0) + 1);
    const n = numberOf(text);
    if (n === undefined) return;
    this.sum += n;
    this.numbers++;
    this.min.push(at, n);
    this.max.push(at, n);
  }

  leave(at: number, text: string | null): void {
    if (text === null) return;
    const left = (this.distinct.get(text) ?? 1) - 1;
    if (left > 0) this.distinct.set(text, left);
    else this.distinct.delete(text);
    const n = numberOf(text);
    if (n === undefined) return;
    this.sum -= n;
    this.numbers--;
    this.min.leave(at);
    this.max.leave(at);
  }

  clear(): void {
    this.distinct.clear();
    this.sum = 0;
    this.numbers = 0;
    this.min.clear();
    this.max.clear();
  }
}

function numberOf(text: string): number | undefined {
  const n = parseNumberText(text.trim());
  return n === undefined ? undefined : Number(n);
}

export function compareNumbers(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** The hits of one window (FIFO) and whether the aggregate holds over them. */
export class AggregateWindow {
  private count = 0;
  /** Hits that entered / left so far: the oldest hit still in is number `left`. */
  private entered = 0;
  private left = 0;
  private readonly stats: AttributeStats[] = [];
  private readonly byName = new Map<string, AttributeStats>();

  /** `attributeIndex` gives an attribute's position in the hits' values. */
  constructor(
    private readonly aggregate: Aggregate | null,
    attributeIndex: (name: string) => number,
  ) {
    const collect = (a: Aggregate | null): void => {
      if (!a) return;
      if (a.kind !== 'compare') return a.items.forEach(collect);
      if (a.attribute === undefined || this.byName.has(a.attribute)) return;
      const s = new AttributeStats(attributeIndex(a.attribute));
      this.byName.set(a.attribute, s);
      this.stats.push(s);
    };
    collect(aggregate);
  }

  /** A hit enters as the newest. */
  enter(values: AttributeValues): void {
    const at = this.entered++;
    this.count++;
    for (const s of this.stats) s.enter(at, values[s.index]);
  }

  /** The oldest hit leaves (`values` must be its values). */
  leaveOldest(values: AttributeValues): void {
    const at = this.left++;
    this.count--;
    for (const s of this.stats) s.leave(at, values[s.index]);
  }

  clear(): void {
    this.count = 0;
    this.left = this.entered;
    for (const s of this.stats) s.clear();
  }

  /** Whether the aggregate holds over the hits now in the window (no aggregate: any hit). */
  holds(): boolean {
    return this.aggregate === null ? this.count > 0 : this.check(this.aggregate);
  }

  private check(a: Aggregate): boolean {
    if (a.kind !== 'compare') return a.kind === 'and' ? a.items.every((x) => this.check(x)) : a.items.some((x) => this.check(x));
    const v = this.valueOf(a.fn, a.attribute);
    return v !== undefined && compareNumbers(v, a.op, a.value);
  }

  /** The function's value over the window now (undefined: no number to take it over). */
  valueOf(fn: AggregateFunction, attribute?: string): number | undefined {
    if (fn === 'count') return this.count;
    const s = this.byName.get(attribute!);
    if (!s) throw new Error(`the aggregate does not read ${attribute}`);
    switch (fn) {
      case 'count-distinct':
        return s.distinct.size;
      case 'sum':
        return s.numbers ? s.sum : undefined;
      case 'avg':
        return s.numbers ? s.sum / s.numbers : undefined;
      case 'min':
        return s.min.value;
      case 'max':
        return s.max.value;
    }
  }
}
