// Aho-Corasick: every needle found in a text in one pass over it, whatever the number of needles.

export class AhoCorasick {
  private readonly next: Array<Map<number, number>> = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  /** Needle ids ending at each state. */
  private readonly ends: number[][] = [[]];
  /** Nearest state down the failure chain that ends a needle (-1: none). */
  private outLink: Int32Array = new Int32Array(1);

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

  /** Sets `marks[id] = stamp` for every needle id found in `text`. */
  mark(text: string, marks: Int32Array, stamp: number): void {
    const next = this.next;
    const fail = this.fail;
    const ends = this.ends;
    const outLink = this.outLink;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = next[s].get(c);
      while (t === undefined && s !== 0) {
        s = fail[s];
        t = next[s].get(c);
      }
      s = t ?? 0;
      for (let o = ends[s].length ? s : outLink[s]; o !== -1; o = outLink[o]) {
        const e = ends[o];
        for (let k = 0; k < e.length; k++) marks[e[k]] = stamp;
      }
    }
  }
}
