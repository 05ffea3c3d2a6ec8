// How subpattern incidents combine into a rule's incidents: the trigger operators and the global
// constraint. An incident of a subpattern (window.ts) has a first event, the event at which its
// aggregate held (it "fired") and its later events. A combination of incidents (a match) has as
// first event the earliest first event of its incidents and fires when its last incident fired.
// W is the rule's window; "within the window" means from the earliest first event to the latest
// firing is at most W (inclusive), so the events that made every part hold fit in one window.
//
// - `S`: each incident of subpattern S.
// - `L OR R`: every match of either side.
// - `L AND R`: a match of each side, in any order, within the window.
// - `L FOLLOWED_BY R`: an R match whose first event comes after the L match fired (strictly later
//   in time order; an event does not follow itself), within the window.
// - `L AND NOT R`: an L match with no R match that would pass `L AND R` with it.
// - `L NOT FOLLOWED_BY R`: an L match with no R match that would pass `L FOLLOWED_BY R`.
//   Logs are read offline, so this is judged on the input as read: an L match whose window runs
//   past the last event still counts when no R came (there is no later event to wait for).
// - The global constraint (`A.user = B.user`) decides which matches combine: its comparisons are
//   checked on the combination's incidents, an attribute of an incident being its first non-empty
//   value among the incident's events. A comparison naming a subpattern that the combination does
//   not hold is open (three-valued: AND of false and open is false, OR of true and open is true);
//   a combination is rejected only when the constraint is false. `=` and `!=` compare numbers as
//   numbers, other text ignoring case unless the rule is case-sensitive; `<`, `<=`, `>`, `>=` need
//   numbers on both sides.
//
// For AND and FOLLOWED_BY, matches are taken in the order they fired. A match first joins an open
// combination it fits (it would pair with that combination's match of the other side, and the
// whole stays within the window): its events then count in that incident, as later events of a
// group join a subpattern incident. Otherwise it pairs with the earliest waiting match of the
// other side it fits, and the matches still waiting that fit the new combination join it. A match
// belongs to at most one combination; one that fits none waits until it is out of the window.
import { parseNumberText } from '../compile/value-test.js';
import type { ConstraintOperand, GlobalConstraint, Trigger } from '../rules/ast.js';
import { compareNumbers } from './aggregate-eval.js';
import { byTime, isBefore, type SubIncident, type WindowHit } from './window.js';

export interface Match {
  /** The earliest first event of the incidents that formed it. */
  first: WindowHit;
  /** When it was complete: the latest firing of the incidents that formed it. */
  fired: WindowHit;
  /** The incident that formed it, per subpattern name (what constraints and incident attributes read). */
  bound: ReadonlyMap<string, SubIncident>;
  /** Every incident whose events belong to it: those that formed it and those that joined. */
  parts: SubIncident[];
}

export interface TriggerContext {
  windowMs: number;
  /** A subpattern's incidents, in the order they fired. */
  incidentsOf(subpattern: string): SubIncident[];
  constraint: GlobalConstraint | null;
  /** Position of an attribute in the hits' values. */
  attributeIndex(name: string): number;
  caseSensitive: boolean;
}

/** The rule's incidents: the matches of its trigger, in the order they fired (every list here is). */
export function triggerMatches(t: Trigger, ctx: TriggerContext): Match[] {
  if (t.kind === 'subpattern') {
    return ctx.incidentsOf(t.name).map((i) => ({ first: i.events[0], fired: i.fired, bound: new Map([[t.name, i]]), parts: [i] }));
  }
  const left = triggerMatches(t.left, ctx);
  const right = triggerMatches(t.right, ctx);
  switch (t.op) {
    case 'OR':
      return [...left, ...right].sort((a, b) => byTime(a.fired, b.fired));
    case 'AND':
      return combine(left, right, (l, r) => pairs(l, r, ctx), ctx.windowMs);
    case 'FOLLOWED_BY':
      return combine(left, right, (l, r) => isBefore(l.fired, r.first) && pairs(l, r, ctx), ctx.windowMs);
    case 'AND NOT':
      return left.filter((l) => !near(right, l, ctx.windowMs).some((r) => pairs(l, r, ctx)));
    case 'NOT FOLLOWED_BY':
      return left.filter((l) => !near(right, l, ctx.windowMs).some((r) => isBefore(l.fired, r.first) && pairs(l, r, ctx)));
  }
}

/** The matches (in firing order) that fired close enough to `m` to share a window with it. */
function near(matches: Match[], m: Match, windowMs: number): Match[] {
  const from = firstFiredAt(matches, m.fired.time - windowMs);
  return matches.slice(from, firstFiredAt(matches, m.first.time + windowMs + 1, from));
}

/** Index of the first match that fired at `time` or later (binary search). */
function firstFiredAt(matches: Match[], time: number, lo = 0): number {
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (matches[mid].fired.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const earliest = (a: WindowHit, b: WindowHit): WindowHit => (isBefore(b, a) ? b : a);
const latest = (a: WindowHit, b: WindowHit): WindowHit => (isBefore(a, b) ? b : a);

/** Within the window together, and the global constraint does not reject them. */
function pairs(l: Match, r: Match, ctx: TriggerContext): boolean {
  if (latest(l.fired, r.fired).time - earliest(l.first, r.first).time > ctx.windowMs) return false;
  return ctx.constraint === null || constraintValue(ctx.constraint, new Map([...l.bound, ...r.bound]), ctx) !== false;
}

interface Combination extends Match {
  left: Match;
  right: Match;
}

/** AND / FOLLOWED_BY: matches in firing order join an open combination or pair with a waiting one. */
function combine(left: Match[], right: Match[], fits: (l: Match, r: Match) => boolean, windowMs: number): Match[] {
  const items = [...left.map((m) => ({ m, isLeft: true })), ...right.map((m) => ({ m, isLeft: false }))].sort((a, b) => byTime(a.m.fired, b.m.fired));
  const out: Combination[] = [];
  const open: Combination[] = [];
  const waiting: [Match[], Match[]] = [[], []]; // left, right
  for (const { m, isLeft } of items) {
    // What started more than a window before this match cannot take it, nor any later one.
    const stale = (x: Match) => m.fired.time - x.first.time > windowMs;
    for (const list of [open, waiting[0], waiting[1]]) {
      let n = 0;
      while (n < list.length && stale(list[n])) n++;
      list.splice(0, n);
    }
    const joined = open.find((c) => joins(c, m, isLeft));
    if (joined) {
      joined.parts.push(...m.parts);
      continue;
    }
    const others = waiting[isLeft ? 1 : 0];
    const k = others.findIndex((o) => (isLeft ? fits(m, o) : fits(o, m)));
    if (k < 0) {
      waiting[isLeft ? 0 : 1].push(m);
      continue;
    }
    const [o] = others.splice(k, 1);
    const [l, r] = isLeft ? [m, o] : [o, m];
    const c: Combination = { first: earliest(l.first, r.first), fired: m.fired, bound: new Map([...l.bound, ...r.bound]), parts: [...l.parts, ...r.parts], left: l, right: r };
    // Matches already waiting that fit the new combination join it, as later ones will.
    waiting.forEach((list, side) => {
      for (let i = 0; i < list.length; i++) if (joins(c, list[i], side === 0)) c.parts.push(...list.splice(i--, 1)[0].parts);
    });
    out.push(c);
    open.push(c);
  }
  return out;

  /** Whether match `m` (of the left side or not) fits combination `c`: it pairs with c's match of the other side, and all stays within the window. */
  function joins(c: Combination, m: Match, isLeft: boolean): boolean {
    return (isLeft ? fits(m, c.right) : fits(c.left, m)) && latest(c.fired, m.fired).time - earliest(c.first, m.first).time <= windowMs;
  }
}

// ---- the global constraint, three-valued: undefined when it names a subpattern not bound

function constraintValue(g: GlobalConstraint, bound: ReadonlyMap<string, SubIncident>, ctx: TriggerContext): boolean | undefined {
  if (g.kind !== 'compare') {
    const stop = g.kind === 'or'; // OR stops at true, AND at false
    let open = false;
    for (const item of g.items) {
      const v = constraintValue(item, bound, ctx);
      if (v === stop) return stop;
      if (v === undefined) open = true;
    }
    return open ? undefined : !stop;
  }
  const operand = (o: ConstraintOperand): string | null | undefined => {
    if (o.kind === 'literal') return o.value;
    const incident = bound.get(o.subpattern);
    return incident ? incidentValue(incident, ctx.attributeIndex(o.attribute)) : undefined;
  };
  const [a, b] = [operand(g.left), operand(g.right)];
  if (a === undefined || b === undefined) return undefined;
  if (a === null || b === null) return false;
  const [x, y] = [parseNumberText(a.trim()), parseNumberText(b.trim())];
  if (x !== undefined && y !== undefined) return compareNumbers(Number(x), g.op, Number(y));
  if (g.op !== 'eq' && g.op !== 'ne') return false;
  const same = ctx.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
  return same === (g.op === 'eq');
}

/** An incident's value of an attribute: the first non-empty one among its events (null: none). */
export function incidentValue(incident: SubIncident, attribute: number): string | null {
  for (const e of incident.events) {
    const v = e.attributes[attribute];
    if (v !== null) return v;
  }
  return null;
}
