// Rules indexed by Channel and EventID, so a record is checked only against rules that can match
// it. The keys come from the scoped predicate itself (logsource scoping adds them as equality
// tests; explicit `EventID: 4624` selections count too), so the index never changes a result.
import type { Predicate } from '../rules/ast.js';

const ANY = '\u0000any';

/**
 * Values a field must take for `p` to hold (lower-cased), or null when `p` does not pin it.
 * AND pins what any of its items pins; OR pins only when every branch does.
 */
export function requiredValues(p: Predicate, field: string): Set<string> | null {
  switch (p.kind) {
    case 'field':
      if (p.field !== field) return null;
      if (p.test.kind === 'equals') return new Set([p.test.value.toLowerCase()]);
      if (p.test.kind === 'compare' && p.test.op === 'eq') return new Set([String(p.test.value)]);
      return null;
    case 'and': {
      let best: Set<string> | null = null;
      for (const item of p.items) {
        const s = requiredValues(item, field);
        if (s && (!best || s.size < best.size)) best = s;
      }
      return best;
    }
    case 'or': {
      const all = new Set<string>();
      for (const item of p.items) {
        const s = requiredValues(item, field);
        if (!s) return null;
        for (const v of s) all.add(v);
      }
      return all;
    }
    case 'const':
      return p.value ? null : new Set();
    default:
      return null;
  }
}

/** requiredValues as a list (null: any value), what addPinned takes. */
export function pinnedValues(p: Predicate, field: string): string[] | null {
  const values = requiredValues(p, field);
  return values ? [...values] : null;
}

export class RuleIndex<T> {
  private readonly byKey = new Map<string, Map<string, Array<[number, T]>>>();
  /** Candidate lists worked out so far: channel → event id → entries. */
  private readonly merged = new Map<string, Map<string, T[]>>();
  private count = 0;

  /** Adds an entry under the channels and event ids its predicate pins. */
  add(entry: T, scoped: Predicate): void {
    this.addPinned(entry, pinnedValues(scoped, 'Channel'), pinnedValues(scoped, 'EventID'));
  }

  /** Adds an entry under these (lower-cased) channels and event ids; null: any. */
  addPinned(entry: T, channelValues: readonly string[] | null, eventIdValues: readonly string[] | null): void {
    const order = this.count++;
    const channels = channelValues ?? [ANY];
    const eventIds = eventIdValues ?? [ANY];
    for (const c of channels) {
      let inner = this.byKey.get(c);
      if (!inner) this.byKey.set(c, (inner = new Map()));
      for (const e of eventIds) {
        const list = inner.get(e);
        if (list) list.push([order, entry]);
        else inner.set(e, [[order, entry]]);
      }
    }
    this.merged.clear();
  }

  /** Entries that may match a record of this channel and event id, in the order they were added. */
  candidates(channel: string, eventId: string): T[] {
    let byEvent = this.merged.get(channel);
    if (!byEvent) this.merged.set(channel, (byEvent = new Map()));
    let list = byEvent.get(eventId);
    if (!list) {
      const c = channel.toLowerCase();
      const found: Array<[number, T]> = [];
      for (const ch of [c, ANY]) {
        const inner = this.byKey.get(ch);
        if (!inner) continue;
        for (const e of [eventId, ANY]) found.push(...(inner.get(e) ?? []));
      }
      // An entry may sit under several keys that all apply; keep it once.
      found.sort((a, b) => a[0] - b[0]);
      list = [];
      let last = -1;
      for (const [order, entry] of found) {
        if (order !== last) list.push(entry);
        last = order;
      }
      byEvent.set(eventId, list);
    }
    return list;
  }

  get size(): number {
    return this.count;
  }
}
