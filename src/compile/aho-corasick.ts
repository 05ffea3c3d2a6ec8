// Aho-Corasick: every needle found in a text in one pass over it, whatever the number of needles.
// The trie is turned into a dense automaton over a compact alphabet (the ASCII characters that
// occur in needles), so each such text character costs one read; characters in no needle lead
// back to the root, and other non-ASCII characters (emoji, homoglyphs) take the sparse trie path,
// which keeps the table small however many distinct characters the needles hold.
// Built in flat arrays (sibling lists, then the table row by row in breadth-first order): the
// automata of a full rule set hold some 150,000 states, and an object per state made building
// them cost more than loading the rules.

export class AhoCorasick {
  private fail!: Int32Array;
  /** Needle ids ending at state s: endIds[endStart[s]] … endIds[endStart[s + 1] - 1]. */
  private endStart!: Int32Array;
  private endIds!: Int32Array;
  /** Nearest state down the failure chain that ends a needle (-1: none). */
  private outLink!: Int32Array;
  /** ASCII code → alphabet index + 1 (0: not in any needle). */
  private readonly symbols = new Int32Array(128);
  /** Non-ASCII characters that occur in needles. */
  private readonly wide = new Set<number>();
  /** Trie edges on non-ASCII characters: state → character → state. */
  private readonly wideNext = new Map<number, Map<number, number>>();
  /**
   * Dense transitions: state * width + symbol. 16-bit while the states fit (all of SigmaHQ's do,
   * the largest, CommandLine's, has 31,000): half the bytes to keep and to read at each start
   * (SigmaHQ's automata: 28 -> 14 MB). Scanning was measured no faster or slower for it.
   */
  private readonly delta!: Uint16Array | Int32Array;
  private readonly width!: number;
  /** Per state: a needle ends here or down its failure chain. */
  private readonly reports!: Uint8Array;

  /** `ids[i]` is reported when `needles[i]` is found. Empty needles are ignored. */
  constructor(needles: readonly string[], ids: readonly number[]) {
    // The alphabet first: it sets the table's width.
    let width = 1;
    for (const n of needles) {
      for (let k = 0; k < n.length; k++) {
        const c = n.charCodeAt(k);
        if (c >= 128) this.wide.add(c);
        else if (this.symbols[c] === 0) this.symbols[c] = width++;
      }
    }
    this.width = width;

    // The trie, as sibling lists: first child, next sibling, edge character.
    const firstChild: number[] = [-1];
    const nextSibling: number[] = [-1];
    const label: number[] = [0];
    const endsAt = new Map<number, number[]>();
    needles.forEach((n, i) => {
      if (!n) return;
      let s = 0;
      for (let k = 0; k < n.length; k++) {
        const c = n.charCodeAt(k);
        let t = firstChild[s];
        while (t !== -1 && label[t] !== c) t = nextSibling[t];
        if (t === -1) {
          t = label.length;
          label.push(c);
          firstChild.push(-1);
          nextSibling.push(firstChild[s]);
          firstChild[s] = t;
        }
        s = t;
      }
      const e = endsAt.get(s);
      if (e) e.push(ids[i]);
      else endsAt.set(s, [ids[i]]);
    });

    const n = label.length;
    const w = width;
    const delta = (this.delta = n <= 0x10000 ? new Uint16Array(n * w) : new Int32Array(n * w));
    const fail = (this.fail = new Int32Array(n));
    const outLink = (this.outLink = new Int32Array(n).fill(-1));
    const reports = (this.reports = new Uint8Array(n));
    // Breadth first: a state's failure target (shallower) has its row complete before the state.
    const order: number[] = [0];
    for (let q = 0; q < order.length; q++) {
      const s = order[q];
      const f = fail[s];
      // A state moves as its failure state does, except on its own edges.
      if (s !== 0) delta.copyWithin(s * w, f * w, f * w + w);
      for (let t = firstChild[s]; t !== -1; t = nextSibling[t]) this.addEdge(s, label[t], t);
      for (let t = firstChild[s]; t !== -1; t = nextSibling[t]) {
        const c = label[t];
        let g = 0;
        if (s !== 0) {
          if (c < 128) g = delta[f * w + this.symbols[c]];
          else {
            let ff = f;
            let found = this.wideNext.get(ff)?.get(c);
            while (found === undefined && ff !== 0) {
              ff = fail[ff];
              found = this.wideNext.get(ff)?.get(c);
            }
            g = found ?? 0;
          }
        }
        fail[t] = g;
        outLink[t] = endsAt.has(g) ? g : outLink[g];
        reports[t] = endsAt.has(t) || outLink[t] !== -1 ? 1 : 0;
        order.push(t);
      }
    }
    // Needle ends as flat arrays (stored as they are: no map to rebuild when read back).
    const endStart = (this.endStart = new Int32Array(n + 1));
    for (const [st, e] of endsAt) endStart[st + 1] = e.length;
    for (let k = 0; k < n; k++) endStart[k + 1] += endStart[k];
    const endIds = (this.endIds = new Int32Array(endStart[n]));
    for (const [st, e] of endsAt) endIds.set(e, endStart[st]);
  }

  /** A trie edge: in the dense table for ASCII characters, in the sparse map otherwise. */
  private addEdge(s: number, c: number, t: number): void {
    if (c < 128) {
      this.delta[s * this.width + this.symbols[c]] = t;
      return;
    }
    let m = this.wideNext.get(s);
    if (!m) this.wideNext.set(s, (m = new Map()));
    m.set(c, t);
  }

  /**
   * The built automaton as bytes (kept with prepared rules: building the automata of a large
   * rule set costs a tenth of a second at each start). `fromBytes` gives it back.
   */
  toBytes(): Uint8Array {
    const n = this.fail.length;
    const wideEdges: number[] = [];
    for (const [s, m] of this.wideNext) for (const [c, t] of m) wideEdges.push(s, c, t);
    const deltaBytes = this.delta.BYTES_PER_ELEMENT;
    const head = [this.width, n, this.wide.size, wideEdges.length, this.endIds.length, deltaBytes];
    const ints = new Int32Array(head.length + 128 + 3 * n + 1 + this.wide.size + wideEdges.length + this.endIds.length);
    let at = 0;
    for (const part of [head, this.symbols, this.fail, this.outLink, this.endStart, [...this.wide], wideEdges, this.endIds]) {
      ints.set(part, at);
      at += part.length;
    }
    // The 32-bit part, then the transitions (at a multiple of 4), then the report flags.
    const table = new Uint8Array(this.delta.buffer, this.delta.byteOffset, this.delta.byteLength);
    const out = new Uint8Array(ints.byteLength + table.byteLength + n);
    out.set(new Uint8Array(ints.buffer), 0);
    out.set(table, ints.byteLength);
    out.set(this.reports, ints.byteLength + table.byteLength);
    return out;
  }

  /** Throws when the bytes cannot be an automaton (the caller then builds it afresh). */
  static fromBytes(b: Uint8Array): AhoCorasick {
    // Read in place when aligned (the prepared-rules cache reads each into a buffer of its own), else from a copy.
    let copy = b;
    if (b.byteOffset % 4 !== 0) {
      copy = new Uint8Array(b.byteLength);
      copy.set(b);
    }
    if (copy.byteLength < 24) throw new RangeError('automaton bytes too short');
    const [width, n, wideCount, wideEdgeCount, endCount, deltaBytes] = new Int32Array(copy.buffer, copy.byteOffset, 6);
    const total = 6 + 128 + 3 * n + 1 + wideCount + wideEdgeCount + endCount;
    if (width < 1 || n < 1 || wideCount < 0 || wideEdgeCount < 0 || endCount < 0 || deltaBytes !== (n <= 0x10000 ? 2 : 4)) throw new RangeError('automaton bytes do not fit');
    const tableBytes = n * width * deltaBytes;
    if (4 * total + tableBytes + n !== copy.byteLength) throw new RangeError('automaton bytes do not fit');
    const ints = new Int32Array(copy.buffer, copy.byteOffset, total);
    let at = 6;
    const take = (k: number) => ints.subarray(at, (at += k));
    const ac = Object.create(AhoCorasick.prototype) as AhoCorasick;
    const self = ac as unknown as Record<string, unknown>;
    self.symbols = take(128);
    self.width = width;
    const tableAt = copy.byteOffset + 4 * total;
    self.delta = deltaBytes === 2 ? new Uint16Array(copy.buffer, tableAt, n * width) : new Int32Array(copy.buffer, tableAt, n * width);
    self.fail = take(n);
    self.outLink = take(n);
    const endStart = take(n + 1);
    if (endStart[0] !== 0 || endStart[n] !== endCount) throw new RangeError('automaton bytes do not fit');
    self.endStart = endStart;
    self.wide = new Set(take(wideCount));
    const edges = take(wideEdgeCount);
    const wideNext = new Map<number, Map<number, number>>();
    for (let i = 0; i < edges.length; i += 3) {
      let m = wideNext.get(edges[i]);
      if (!m) wideNext.set(edges[i], (m = new Map()));
      m.set(edges[i + 1], edges[i + 2]);
    }
    self.wideNext = wideNext;
    self.endIds = take(endCount);
    self.reports = copy.subarray(4 * total + tableBytes, 4 * total + tableBytes + n);
    return ac;
  }

  /**
   * `mark` over the lower case of UTF-16LE text in bytes `from` … `end` of `b`, without making a
   * string, while it is ASCII (whose lower case only maps A-Z). Returns false at the first other
   * character, having marked some ids already: the caller then marks the decoded text's lower case.
   */
  markAsciiUtf16(b: Uint8Array, from: number, end: number, marks: Int32Array, stamp: number, found: number[]): boolean {
    const { delta, width, symbols, reports } = this;
    let s = 0;
    for (let i = from; i < end; i += 2) {
      if (b[i + 1] !== 0) return false;
      let c = b[i];
      if (c >= 128) return false;
      if (c >= 65 && c <= 90) c += 32;
      const sym = symbols[c];
      s = sym === 0 ? 0 : delta[s * width + sym];
      if (reports[s] === 1) this.report(s, marks, stamp, found);
    }
    return true;
  }

  /** Sets `marks[id] = stamp` for every needle id found in `text`; new ids are added to `found`. */
  mark(text: string, marks: Int32Array, stamp: number, found: number[]): void {
    const { delta, width, symbols, reports, wide, wideNext, fail } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const sym = symbols[c];
        s = sym === 0 ? 0 : delta[s * width + sym];
      } else if (!wide.has(c)) {
        s = 0;
      } else {
        let t = wideNext.get(s)?.get(c);
        while (t === undefined && s !== 0) {
          s = fail[s];
          t = wideNext.get(s)?.get(c);
        }
        s = t ?? 0;
      }
      if (reports[s] === 1) this.report(s, marks, stamp, found);
    }
  }

  private report(s: number, marks: Int32Array, stamp: number, found: number[]): void {
    const { endStart, endIds, outLink } = this;
    for (let o = endStart[s + 1] > endStart[s] ? s : outLink[s]; o !== -1; o = outLink[o]) {
      for (let k = endStart[o], end = endStart[o + 1]; k < end; k++) {
        const id = endIds[k];
        if (marks[id] !== stamp) {
          marks[id] = stamp;
          found.push(id);
        }
      }
    }
  }
}
