// The shared literal prefilter. For each rule, groups of (field, text) pairs such that the event
// must contain (lower-cased) one pair of every group for the rule to match; one Aho-Corasick pass
// per field then tells, for all rules at once, which are worth evaluating. It never changes a
// result: a rule without such groups is always evaluated.
import type { GlobPart, Predicate } from '../rules/ast.js';
import type { EventDocument } from './event-document.js';
import { AhoCorasick } from './aho-corasick.js';

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
        if (text.length > MAX_LITERAL) text = t.kind === 'startswith' ? text.slice(0, MAX_LITERAL) : text.slice(-MAX_LITERAL);
      } else if (t.kind === 'glob') {
        const literal = longestLiteral(t.parts);
        if (t.cased && !ASCII.test(literal)) return null;
        text = literal.toLowerCase().slice(-MAX_LITERAL);
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
      const joined: Literal[] = [];
      for (const item of p.items) {
        const r = requiredLiterals(item);
        if (!r) return null;
        joined.push(...best(r));
      }
      return [joined];
    }
    default:
      return null;
  }
}

/** The clause that filters best: fewest and longest literals. */
function best(clauses: Literal[][]): Literal[] {
  let top = clauses[0];
  for (const c of clauses) if (score(c) > score(top)) top = c;
  return top;
}

function score(ls: Literal[]): number {
  return Math.min(...ls.map((l) => l.text.length)) / ls.length;
}

interface Plan<T> {
  /** Fields to scan for this candidate list. */
  fields: string[];
  /** Per candidate: clauses of literal ids (each needs one found), or null (always evaluated). */
  needs: Array<number[][] | null>;
  candidates: T[];
}

function allClausesMet(clauses: number[][], marks: Int32Array, stamp: number): boolean {
  for (let c = 0; c < clauses.length; c++) {
    const clause = clauses[c];
    let met = false;
    for (let k = 0; k < clause.length; k++) {
      if (marks[clause[k]] === stamp) {
        met = true;
        break;
      }
    }
    if (!met) return false;
  }
  return true;
}

export class LiteralPrefilter<T> {
  private readonly byField = new Map<string, AhoCorasick>();
  private readonly literalsOf = new Map<T, number[][] | null>();
  private readonly fieldsOf = new Map<T, string[]>();
  private readonly plans = new WeakMap<T[], Plan<T>>();
  private marks: Int32Array;
  private stamp = 0;

  constructor(entries: Array<{ entry: T; predicate: Predicate }>) {
    const ids = new Map<string, number>(); // field \0 text → id
    const perField = new Map<string, { texts: string[]; ids: number[] }>();
    for (const { entry, predicate } of entries) {
      const lits = requiredLiterals(predicate);
      if (!lits) {
        this.literalsOf.set(entry, null);
        continue;
      }
      const mine: number[][] = lits.map((clause) =>
        clause.map((l) => {
          const key = l.field + '\u0000' + l.text;
          let id = ids.get(key);
          if (id === undefined) {
            id = ids.size;
            ids.set(key, id);
            let f = perField.get(l.field);
            if (!f) perField.set(l.field, (f = { texts: [], ids: [] }));
            f.texts.push(l.text);
            f.ids.push(id);
          }
          return id;
        }),
      );
      this.literalsOf.set(entry, mine);
      this.fieldsOf.set(entry, [...new Set(lits.flat().map((l) => l.field))]);
    }
    for (const [field, f] of perField) this.byField.set(field, new AhoCorasick(f.texts, f.ids));
    this.marks = new Int32Array(ids.size);
  }

  private plan(candidates: T[]): Plan<T> {
    let plan = this.plans.get(candidates);
    if (!plan) {
      const fields = new Set<string>();
      for (const c of candidates) for (const f of this.fieldsOf.get(c) ?? []) fields.add(f);
      plan = { fields: [...fields], needs: candidates.map((c) => this.literalsOf.get(c) ?? null), candidates };
      this.plans.set(candidates, plan);
    }
    return plan;
  }

  /** Calls `evaluate` for each candidate that may match `doc`, in order. */
  forEach(candidates: T[], doc: EventDocument, evaluate: (entry: T) => void): void {
    const plan = this.plan(candidates);
    const stamp = ++this.stamp;
    const marks = this.marks;
    for (const f of plan.fields) {
      const ac = this.byField.get(f)!;
      for (const text of f === KEYWORDS ? doc.leafLowerTexts() : doc.lowerTexts(f)) ac.mark(text, marks, stamp);
    }
    const needs = plan.needs;
    for (let i = 0; i < candidates.length; i++) {
      const need = needs[i];
      if (need !== null && !allClausesMet(need, marks, stamp)) continue;
      evaluate(candidates[i]);
    }
  }
}
