// Aho-Corasick: every needle found in a text in one pass over it, whatever the number of needles.
// The trie is turned into a dense automaton over a compact alphabet (the ASCII characters that
// occur in needles), so each such text character costs one read; characters in no needle lead
// back to the root, and other non-ASCII characters (emoji, homoglyphs) take the sparse trie path,
// which keeps the table small however many distinct characters the needles hold.

export class AhoCorasick {
  /** The trie; dropped after building when no needle has a non-ASCII character. */
  private next: Array<Map<number, number>> = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  /** Needle ids ending at each state (only states where some needle ends keep an entry after building). */
  private ends: number[][] = [[]];
  private endsAt = new Map<number, number[]>();
  /** Nearest state down the failure chain that ends a needle (-1: none). */
  private outLink: Int32Array = new Int32Array(1);
  /** ASCII code → alphabet index + 1 (0: not in any needle). */
  private symbols: Int32Array = new Int32Array(128);
  /** Non-ASCII characters that occur in needles. */
  private readonly wide = new Set<number>();
  /** Dense transitions: state * width + symbol. */
  private delta: Int32Array = new Int32Array(0);
  private width = 1;
  /** Per state: a needle ends here or down its failure chain. */
  private reports: Uint8Array = new Uint8Array(0);

  /** `ids[i]` is reported when `needles[i]` is found. Empty needles are ignored. */
  constructor(needles: readonly string[], ids: readonly number[]) {
    needles.forEach((n, i) => {
      if (!n) return;
      let s = 0;
      for (let k = 0; k < n.length; k++) {
        const c = n.charCodeAt(k);
        let t = this.next[s].get(c);
        if (t === undefined) {
          t = this.next.length;
          this.next.push(new Map());
          this.ends.push([]);
          this.next[s].set(c, t);
        }
        s = t;
      }
      this.ends[s].push(ids[i]);
    });
    this.link();
    this.densify();
    // Keep only what matching reads: needle ends where they exist, the trie if wide characters need it.
    this.ends.forEach((e, state) => e.length && this.endsAt.set(state, e));
    this.ends = [];
    if (this.wide.size === 0) this.next = [];
  }

  private densify(): void {
    const alphabet = new Map<number, number>();
    for (const m of this.next) {
      for (const c of m.keys()) {
        if (c >= 128) this.wide.add(c);
        else if (!alphabet.has(c)) alphabet.set(c, alphabet.size + 1);
      }
    }
    this.symbols = new Int32Array(128);
    for (const [c, i] of alphabet) this.symbols[c] = i;
    const n = this.next.length;
    const w = (this.width = alphabet.size + 1);
    const delta = (this.delta = new Int32Array(n * w));
    this.reports = new Uint8Array(n);
    // Breadth first, so a state's failure target is complete before the state itself.
    const order = [0];
    for (let q = 0; q < order.length; q++) for (const t of this.next[order[q]].values()) order.push(t);
    for (const s of order) {
      this.reports[s] = this.ends[s].length || this.outLink[s] !== -1 ? 1 : 0;
      // A state moves as its failure state does, except on its own edges.
      if (s !== 0) delta.copyWithin(s * w, this.fail[s] * w, this.fail[s] * w + w);
      for (const [c, t] of this.next[s]) if (c < 128) delta[s * w + alphabet.get(c)!] = t;
    }
  }

  private link(): void {
    const n = this.next.length;
    this.fail = new Int32Array(n);
    this.outLink = new Int32Array(n).fill(-1);
    const queue: number[] = [];
    for (const t of this.next[0].values()) queue.push(t);
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      for (const [c, t] of this.next[s]) {
        let f = this.fail[s];
        while (f !== 0 && !this.next[f].has(c)) f = this.fail[f];
        const g = this.next[f].get(c);
        this.fail[t] = g !== undefined && g !== t ? g : 0;
        const ft = this.fail[t];
        this.outLink[t] = this.ends[ft].length ? ft : this.outLink[ft];
        queue.push(t);
      }
    }
  }

  /** Sets `marks[id] = stamp` for every needle id found in `text`; new ids are added to `found`. */
  mark(text: string, marks: Int32Array, stamp: number, found: number[]): void {
    const { delta, width, symbols, reports, wide, next, fail } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const sym = symbols[c];
        s = sym === 0 ? 0 : delta[s * width + sym];
      } else if (!wide.has(c)) {
        s = 0;
      } else {
        let t = next[s].get(c);
        while (t === undefined && s !== 0) {
          s = fail[s];
          t = next[s].get(c);
        }
        s = t ?? 0;
      }
      if (reports[s] === 1) this.report(s, marks, stamp, found);
    }
  }

  private report(s: number, marks: Int32Array, stamp: number, found: number[]): void {
    for (let o = this.endsAt.has(s) ? s : this.outLink[s]; o !== -1; o = this.outLink[o]) {
      const e = this.endsAt.get(o)!;
      for (let k = 0; k < e.length; k++) {
        if (marks[e[k]] !== stamp) {
          marks[e[k]] = stamp;
          found.push(e[k]);
        }
      }
    }
  }
}
