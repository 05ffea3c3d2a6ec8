// The shared literal prefilter. For each rule, groups of (field, text) pairs such that the event
// must contain (lower-cased) one pair of every group for the rule to match; one Aho-Corasick pass
// per field then tells, for all rules at once, which are worth evaluating. It never changes a
// result: a rule without such groups is always evaluated.
import type { GlobPart, Predicate } from '../rules/ast.js';
import type { EventDocument, RawValueVisitor, Value } from './event-document.js';
import { sizedUtf16End } from '../evtx/bytes.js';
import { decodeValue, valueText } from '../evtx/values.js';
import { ValueType } from '../evtx/value-types.js';
import { AhoCorasick } from './aho-corasick.js';
import { RawValueMemo } from './raw-value-memo.js';
import { regexRequiredText } from './regex-required-text.js';

export interface Literal {
  /** A field name, or KEYWORDS for any leaf value of the event. */
  field: string;
  text: string;
}

/** The pseudo-field of keyword searches: every leaf value of the event. */
export const KEYWORDS = '\u0000keywords';

/** Shortest literal worth using (single characters matter: emoji, homoglyphs); longer ones filter better. */
const MIN_LITERAL = 1;

/**
 * Longest literal kept. Any piece of a required literal is required too; a dozen characters
 * filter as well as the whole (hashes, long paths) and keep the automata small.
 */
const MAX_LITERAL = 12;

const ASCII = /^[\x00-\x7f]*$/;

/** Most clauses an OR may require before it is reduced to one (see requiredLiterals). */
const MAX_OR_CLAUSES = 16;

/**
 * Every character the lower-cased text of a non-string value can hold (numbers, reals, booleans,
 * hex, GUIDs, SIDs, times). A keyword literal with any other character can only be found in
 * string values, so the prefilter need not decode the others.
 */
const NON_STRING_TEXT = /^[0-9a-fx{}:.\-+tzsrulniy]*$/;

function longestLiteral(parts: GlobPart[]): string {
  let best = '';
  for (const p of parts) if (typeof p === 'string' && p.length > best.length) best = p;
  return best;
}

/**
 * What must be present for `p` to hold, as clauses that must all hold, each satisfied by any one
 * of its literals (a conjunction of disjunctions); null when `p` gives no such guarantee. AND
 * keeps every item's clauses; OR needs a clause from every branch and joins them into one.
 */
export function requiredLiterals(p: Predicate): Literal[][] | null {
  switch (p.kind) {
    case 'keyword':
    case 'field': {
      const t = p.test;
      const field = p.kind === 'field' ? p.field : KEYWORDS;
      let text = '';
      if (t.kind === 'equals' || t.kind === 'contains' || t.kind === 'startswith' || t.kind === 'endswith') {
        // A cased test implies the lower-cased one only when lower-casing cannot change the
        // needle's characters into something else: true for ASCII.
        if (t.cased && !ASCII.test(t.value)) return null;
        text = t.value.toLowerCase();
        // Ends of paths and names tell more than their starts.
        if (text.length > MAX_LITERAL) text = text.slice(-MAX_LITERAL);
      } else if (t.kind === 'glob') {
        const literal = longestLiteral(t.parts);
        if (t.cased && !ASCII.test(literal)) return null;
        text = literal.toLowerCase().slice(-MAX_LITERAL);
      } else if (t.kind === 'regex') {
        text = (regexRequiredText(t.pattern, t.flags) ?? '').slice(0, MAX_LITERAL);
      } else return null;
      // A cut must not split a surrogate pair (the halves are not what the text holds).
      if (text.length && text.charCodeAt(0) >= 0xdc00 && text.charCodeAt(0) <= 0xdfff) text = text.slice(1);
      if (text.length && text.charCodeAt(text.length - 1) >= 0xd800 && text.charCodeAt(text.length - 1) <= 0xdbff) text = text.slice(0, -1);
      // Channel and EventID are the index's job; their values are in every record it hands over.
      if (field === 'Channel' || field === 'EventID') return null;
      return text.length >= MIN_LITERAL ? [[{ field, text }]] : null;
    }
    case 'and': {
      const clauses: Literal[][] = [];
      for (const item of p.items) {
        const r = requiredLiterals(item);
        if (r) clauses.push(...r);
      }
      return clauses.length ? clauses : null;
    }
    case 'or': {
      const branches: Literal[][][] = [];
      for (const item of p.items) {
        const r = requiredLiterals(item);
        if (!r) return null;
        branches.push(r);
      }
      // (A1 and A2) or B = (A1 or B) and (A2 or B): every clause of the OR takes one clause of
      // each branch. Kept while that stays small; else one clause, the best of each branch.
      let product: Literal[][] = [[]];
      for (const clauses of branches) {
        if (product.length * clauses.length > MAX_OR_CLAUSES) {
          product = [];
          break;
        }
        // One clause (a value list's items): added to every clause in place, not copied anew.
        if (clauses.length === 1) for (const chosen of product) for (const l of clauses[0]) chosen.push(l);
        else product = product.flatMap((chosen) => clauses.map((c) => [...chosen, ...c]));
      }
      if (product.length) return product;
      return [branches.flatMap(best)];
    }
    default:
      return null;
  }
}

/**
 * What identifies a field's needles and their ids (a stored automaton is used only for the same):
 * the id range (a field's ids are consecutive, see LiteralTable), the first and last texts and
 * the texts' total length. A stored automaton comes with the literal table it was built from,
 * under the same checksums; this only guards against pairing it with another table. (A hash of
 * all the texts cost 15-25 ms at each start.)
 */
function needlesKey(f: { texts: string[]; ids: number[] }): string {
  let length = 0;
  for (const t of f.texts) length += t.length;
  return `${f.ids[0]}+${f.ids.length}:${length}:${f.texts[0]}\u0000${f.texts[f.texts.length - 1]}`;
}

/** The clause that filters best: fewest and longest literals. */
function best(clauses: Literal[][]): Literal[] {
  let top = clauses[0];
  for (const c of clauses) if (score(c) > score(top)) top = c;
  return top;
}

function score(ls: Literal[]): number {
  let shortest = Infinity;
  for (const l of ls) if (l.text.length < shortest) shortest = l.text.length;
  return shortest / ls.length;
}

/**
 * Field values repeat: Channel, Provider, Computer, Image, Hashes, User… On the attack samples
 * (277 distinct logs) 87% of the characters the prefilter scans are in a text it has scanned
 * before. So what each automaton finds in a text is remembered: up to this many texts in the
 * recent generation and as many in the older one (texts longer than MEMO_MAX_TEXT are always
 * scanned).
 */
const MEMO_ENTRIES = 32768;
const MEMO_MAX_TEXT = 2048;
/**
 * Raw values are remembered up to this size (PowerShell script blocks repeat too): their bytes
 * are kept in an arena of bounded size, 16 MiB per generation.
 */
const RAW_MEMO_MAX_BYTES = 32768;
const NONE: readonly number[] = [];

/** Rules with more literal groups than this are simply always evaluated. */
const MAX_CLAUSES = 30;

/**
 * Prefilter literals by id: each distinct (field, text) once, grouped by field (ids count up
 * through the groups in order), and per entry its clauses as ids.
 */
export interface LiteralTable {
  fields: Array<{ field: string; texts: string[] }>;
  clauses: Array<number[][] | null>;
}

/** The table of entries' required literals (`requiredLiterals`; null: none). */
export function literalTable(perEntry: Array<Literal[][] | null>): LiteralTable {
  // Each field's texts, each text once, in order of first appearance; then ids by group.
  const groups = new Map<string, Map<string, number>>();
  for (const lits of perEntry) {
    for (const clause of lits ?? []) {
      for (const l of clause) {
        let g = groups.get(l.field);
        if (!g) groups.set(l.field, (g = new Map()));
        if (!g.has(l.text)) g.set(l.text, -1);
      }
    }
  }
  let next = 0;
  const fields: LiteralTable['fields'] = [];
  for (const [field, g] of groups) {
    for (const text of g.keys()) g.set(text, next++);
    fields.push({ field, texts: [...g.keys()] });
  }
  const clauses = perEntry.map((lits) => lits && lits.map((clause) => clause.map((l) => groups.get(l.field)!.get(l.text)!)));
  return { fields, clauses };
}

interface Plan {
  /** Fields to scan for this candidate list, and their automata. */
  fields: string[];
  automata: AhoCorasick[];
  /** Per field: the raw memo's tag for its automaton and text form (see scanRaw). */
  tags: number[];
  /** Keyword literals here can only be in string values (see NON_STRING_TEXT). */
  keywordStringsOnly: boolean;
  /** Candidates evaluated whatever the literals (no literal groups), by entry position. */
  always: number[];
  /** Per entry position: 1 when the entry is one of this list's candidates. */
  member: Uint8Array;
}

export class LiteralPrefilter<T> {
  private stored: ((field: string, needles: string) => Uint8Array | undefined) | null = null;
  /** Each field's literals; its automaton is built when a record first needs it. */
  private readonly byField = new Map<string, { texts: string[]; ids: number[]; ac?: AhoCorasick; tag: number }>();
  /** Entries in the order given; candidate lists must keep that order. */
  private readonly entries: T[] = [];
  private readonly positionOf = new Map<T, number>();
  private readonly fieldsOf: Array<string[] | null> = [];
  /**
   * Literal id → (entry position, clause number) pairs, as one flat array: those of literal i
   * from pairStart[i] to pairStart[i + 1]. Entries with more than MAX_CLAUSES clauses have none.
   */
  private readonly pairStart: Int32Array;
  private readonly pairs: Int32Array;
  /** Per entry position: the clause bits that must all be set (0: always evaluated). */
  private readonly full: Int32Array;
  /** Per entry position: clause bits met so far, valid when `seen` holds the current stamp. */
  private readonly bits: Int32Array;
  private readonly seen: Int32Array;
  private readonly plans = new WeakMap<T[], Plan>();
  /** Keyword literal ids whose text could also be the text of a number, time, GUID… */
  private readonly keywordAnyType = new Set<number>();
  private marks: Int32Array;
  /** Texts already scanned, per automaton: what was found in each (see idsIn). */
  private recent = new Map<AhoCorasick, Map<string, readonly number[]>>();
  private older = new Map<AhoCorasick, Map<string, readonly number[]>>();
  private recentSize = 0;
  private memoMarks: Int32Array;
  private memoStamp = 0;
  private stamp = 0;
  /** Values seen before, by their raw bytes: what each automaton found in them. */
  private readonly rawMemo = new RawValueMemo(MEMO_ENTRIES, 16 << 20, RAW_MEMO_MAX_BYTES);
  /** The field being scanned: its automaton, the memo tag of its automaton and text form. */
  private ac: AhoCorasick | null = null;
  private tag = 0;
  private leafMode = false;
  /** Receives the scanned field's values from the document. */
  private readonly visitor: RawValueVisitor = {
    raw: (bytes, type, offset, size) => this.scanRaw(bytes, type, offset, size),
    decoded: (v) => this.scanDecoded(v),
  };
  /** Scratch, reused for every record: literal ids found, candidates that passed. */
  private readonly found: number[] = [];
  private readonly passing: number[] = [];

  /** Entries with the literals their predicates require, by id (`literalTable`). */
  constructor(entries: T[], table: LiteralTable) {
    const { clauses: clausesOf } = table;
    if (clausesOf.length !== entries.length) throw new Error('a literal table must have one clause list per entry');
    // Each field's literals; the raw memo's tag: the field's number, and whether its values are read as leaves.
    let literalCount = 0;
    for (const f of table.fields) literalCount += f.texts.length;
    const fieldNo = new Int32Array(literalCount);
    const fieldNames: string[] = [];
    let id = 0;
    for (const { field, texts } of table.fields) {
      if (this.byField.has(field)) throw new Error('a literal table must list each field once');
      const no = fieldNames.push(field) - 1;
      const ids = texts.map((_, k) => id + k);
      this.byField.set(field, { texts, ids, tag: (no << 9) | (field === KEYWORDS ? 256 : 0) });
      for (let k = 0; k < texts.length; k++, id++) {
        fieldNo[id] = no;
        if (field === KEYWORDS && NON_STRING_TEXT.test(texts[k])) this.keywordAnyType.add(id);
      }
    }
    const n = entries.length;
    this.full = new Int32Array(n);
    this.bits = new Int32Array(n);
    this.seen = new Int32Array(n);
    // Pairs by literal: count, then place; a literal twice in one clause counts once.
    const inClause = new Int32Array(literalCount);
    let clauseStamp = 0;
    const distinct: number[] = [];
    const distinctIds = (clause: number[]): number[] => {
      clauseStamp++;
      distinct.length = 0;
      for (const id of clause) if (inClause[id] !== clauseStamp) (inClause[id] = clauseStamp), distinct.push(id);
      return distinct;
    };
    const usable = (clauses: number[][] | null) => clauses !== null && clauses.length > 0 && clauses.length <= MAX_CLAUSES;
    const count = new Int32Array(literalCount + 1);
    for (const clauses of clausesOf) {
      if (!usable(clauses)) continue;
      for (const clause of clauses!) for (const id of distinctIds(clause)) count[id + 1]++;
    }
    for (let i = 1; i <= literalCount; i++) count[i] += count[i - 1];
    this.pairStart = count.slice();
    this.pairs = new Int32Array(2 * count[literalCount]);
    const next = count;
    const fieldSeen = new Int32Array(fieldNames.length);
    entries.forEach((entry, e) => {
      this.positionOf.set(entry, e);
      this.entries.push(entry);
      const clauses = clausesOf[e];
      if (!usable(clauses)) {
        this.fieldsOf.push(null);
        return;
      }
      const fields: string[] = [];
      this.full[e] = (1 << clauses!.length) - 1;
      clauses!.forEach((clause, k) => {
        for (const id of distinctIds(clause)) {
          const at = 2 * next[id]++;
          this.pairs[at] = e;
          this.pairs[at + 1] = k;
          if (fieldSeen[fieldNo[id]] !== e + 1) {
            fieldSeen[fieldNo[id]] = e + 1;
            fields.push(fieldNames[fieldNo[id]]);
          }
        }
      });
      this.fieldsOf.push(fields);
    });
    this.marks = new Int32Array(literalCount);
    this.memoMarks = new Int32Array(literalCount);
  }

  private automaton(field: string): AhoCorasick {
    const f = this.byField.get(field)!;
    if (!f.ac) {
      const kept = this.stored?.(field, needlesKey(f));
      try {
        if (kept) f.ac = AhoCorasick.fromBytes(kept);
      } catch {
        // Not what was stored: built afresh below.
      }
      f.ac ??= new AhoCorasick(f.texts, f.ids);
    }
    return f.ac;
  }

  /** Every field's automaton as bytes, with what identifies its needles (see useStoredAutomata). */
  automataBytes(): Array<{ field: string; needles: string; bytes: Uint8Array }> {
    return [...this.byField.keys()].map((field) => ({ field, needles: needlesKey(this.byField.get(field)!), bytes: this.automaton(field).toBytes() }));
  }

  /** Automata kept from an earlier run: used for a field when its needles are the same. */
  useStoredAutomata(stored: (field: string, needles: string) => Uint8Array | undefined): void {
    this.stored = stored;
  }

  private plan(candidates: T[]): Plan {
    let plan = this.plans.get(candidates);
    if (!plan) {
      const fields = new Set<string>();
      const always: number[] = [];
      const member = new Uint8Array(this.entries.length);
      let keywordStringsOnly = true;
      let last = -1;
      for (const c of candidates) {
        const e = this.positionOf.get(c);
        if (e === undefined || e <= last) throw new Error('prefilter candidates must be entries, in the order they were given');
        last = e;
        member[e] = 1;
        const own = this.fieldsOf[e];
        if (!own) {
          always.push(e);
          continue;
        }
        for (const f of own) fields.add(f);
      }
      for (const f of fields) {
        if (f !== KEYWORDS) continue;
        for (const id of this.byField.get(f)!.ids) if (this.keywordAnyType.has(id) && this.anyMember(id, member)) keywordStringsOnly = false;
      }
      plan = { fields: [...fields], automata: [...fields].map((f) => this.automaton(f)), tags: [...fields].map((f) => this.byField.get(f)!.tag), keywordStringsOnly, always, member };
      this.plans.set(candidates, plan);
    }
    return plan;
  }

  /** Whether a member of the list needs literal `id`. */
  private anyMember(id: number, member: Uint8Array): boolean {
    for (let p = 2 * this.pairStart[id]; p < 2 * this.pairStart[id + 1]; p += 2) if (member[this.pairs[p]]) return true;
    return false;
  }

  /**
   * What `ac` finds in the lower case of `text`, remembered by the text itself (see
   * MEMO_ENTRIES): a template's constant text is one string whose hash is kept, and repeats are
   * not lower-cased again.
   */
  private idsIn(ac: AhoCorasick, text: string): readonly number[] {
    let recent = this.recent.get(ac);
    if (!recent) this.recent.set(ac, (recent = new Map()));
    let ids = recent.get(text);
    if (ids !== undefined) return ids;
    ids = this.older.get(ac)?.get(text);
    if (ids === undefined) {
      const out: number[] = [];
      ac.mark(text.toLowerCase(), this.memoMarks, ++this.memoStamp, out);
      ids = out.length ? out : NONE;
    }
    recent.set(text, ids);
    if (++this.recentSize >= MEMO_ENTRIES) {
      // Two generations: texts used since the last turn survive it, one-off texts do not.
      this.older = this.recent;
      this.recent = new Map();
      this.recentSize = 0;
    }
    return ids;
  }

  /** Marks the ids found in the field being scanned (`ids` from a memo or a scan). */
  private add(ids: readonly number[]): void {
    const marks = this.marks;
    const stamp = this.stamp;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (marks[id] !== stamp) {
        marks[id] = stamp;
        this.found.push(id);
      }
    }
  }

  /** Texts of a value as the field being scanned reads them (leaves: array items apart). */
  private textsOf(v: Value): string[] {
    if (this.leafMode && Array.isArray(v)) return v.map(valueText);
    return [valueText(v)];
  }

  /** A value given as bytes: its ids from the raw memo, or decoded and scanned (then remembered). */
  private scanRaw(bytes: Uint8Array, type: number, offset: number, size: number): void {
    const memo = this.rawMemo;
    if (size > memo.maxBytes) return this.scanDecoded(decodeValue(bytes, type, offset, size, bytes.length));
    const tag = this.tag | type;
    let ids = memo.get(tag, bytes, offset, size);
    if (ids === undefined) {
      const out: number[] = [];
      // Most strings are ASCII: scanned where they lie, neither decoded nor lower-cased.
      if (type !== ValueType.String || !this.ac!.markAsciiUtf16(bytes, offset, sizedUtf16End(bytes, offset, size), this.memoMarks, ++this.memoStamp, out)) {
        out.length = 0;
        for (const text of this.textsOf(decodeValue(bytes, type, offset, size, bytes.length))) this.ac!.mark(text.toLowerCase(), this.memoMarks, ++this.memoStamp, out);
      }
      ids = out.length ? out : NONE;
      memo.remember(tag, bytes, offset, size, ids);
    }
    this.add(ids);
  }

  private scanDecoded(v: Value): void {
    const ac = this.ac!;
    for (const text of this.textsOf(v)) {
      if (text.length > MEMO_MAX_TEXT) ac.mark(text.toLowerCase(), this.marks, this.stamp, this.found);
      else this.add(this.idsIn(ac, text));
    }
  }

  /** A prefilter over entries and their predicates. */
  static of<E>(entries: Array<{ entry: E; predicate: Predicate }>): LiteralPrefilter<E> {
    return new LiteralPrefilter(
      entries.map((e) => e.entry),
      literalTable(entries.map((e) => requiredLiterals(e.predicate))),
    );
  }

  /** Calls `evaluate` for each candidate that may match `doc`, in order. */
  forEach(candidates: T[], doc: EventDocument, evaluate: (entry: T) => void): void {
    const plan = this.plan(candidates);
    const stamp = ++this.stamp;
    const found = this.found;
    found.length = 0;
    for (let k = 0; k < plan.fields.length; k++) {
      const f = plan.fields[k];
      this.ac = plan.automata[k];
      this.tag = plan.tags[k];
      this.leafMode = f === KEYWORDS;
      if (this.leafMode) doc.visitLeaves(plan.keywordStringsOnly, this.visitor);
      else doc.visitValues(f, this.visitor);
    }
    // Work follows the literals found: each sets its clause bit in the candidates that need it.
    const { pairStart, pairs, full, bits, seen } = this;
    const { member, always } = plan;
    const passing = this.passing;
    passing.length = 0;
    for (let f = 0; f < found.length; f++) {
      const id = found[f];
      for (let p = 2 * pairStart[id], end = 2 * pairStart[id + 1]; p < end; p += 2) {
        const e = pairs[p];
        if (member[e] === 0) continue;
        if (seen[e] !== stamp) {
          seen[e] = stamp;
          bits[e] = 0;
        }
        const before = bits[e];
        const after = before | (1 << pairs[p + 1]);
        if (after !== before) {
          bits[e] = after;
          if (after === full[e]) passing.push(e);
        }
      }
    }
    // Evaluate in candidate (= entry) order: the always-evaluated ones merged with those that passed.
    // A handful at most: sorted in place, without the work array Array#sort takes.
    for (let i = 1; i < passing.length; i++) {
      const x = passing[i];
      let j = i - 1;
      for (; j >= 0 && passing[j] > x; j--) passing[j + 1] = passing[j];
      passing[j + 1] = x;
    }
    const entries = this.entries;
    let a = 0;
    let q = 0;
    while (a < always.length || q < passing.length) {
      if (q >= passing.length || (a < always.length && always[a] < passing[q])) evaluate(entries[always[a++]]);
      else evaluate(entries[passing[q++]]);
    }
  }

}
