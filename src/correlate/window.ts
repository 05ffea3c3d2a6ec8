// One subpattern's sliding windows: its hits, in time order, → its incidents, per group-by tuple.
//
// For each tuple of the subpattern's group-by values, events are taken in time order (ties: file
// order, then record order). The window keeps the events of the last `window` seconds: an event
// stays while the newest is at most `window` seconds later (inclusive: 0 s and exactly `window` s
// apart share a window). After each event enters, the aggregate is checked; when it first holds,
// an incident starts with the events then in the window. Its window ends `window` seconds after
// its first event (inclusive); the group's later events up to that end join it, whether or not
// the aggregate still holds. The first event after the end starts afresh, with an empty window.
// So `COUNT(*) >= 1` gives one incident per group per window, and an event belongs to at most one
// incident of its subpattern and group.
import type { EventSummary } from '../engine/event-summary.js';
import type { Aggregate } from '../rules/ast.js';
import { AggregateWindow, type AttributeValues } from './aggregate-eval.js';

/** A pattern rule's hit as correlation sees it. */
export interface WindowHit {
  /** Arrival order: file order, then record order; breaks ties between equal times. */
  seq: number;
  /** Milliseconds since 1970 (the event's TimeCreated). */
  time: number;
  /** The subpatterns whose filter the event satisfies (indexes). */
  subpatterns: number[];
  attributes: AttributeValues;
  event: EventSummary;
}

/** Incidents of one subpattern and group-by tuple. */
export interface SubIncident {
  /** The subpattern's index in the rule. */
  subpattern: number;
  /** The group-by values (as texts, '' for absent). */
  group: string[];
  /** In time order: those that made the aggregate hold, then those that joined. */
  events: WindowHit[];
  /** The event at which the aggregate first held. */
  fired: WindowHit;
  /** Where its window ends (ms): its first event's time plus the window. */
  end: number;
}

/** Time order, ties broken by arrival. */
export const byTime = (a: WindowHit, b: WindowHit): number => a.time - b.time || a.seq - b.seq;

/** Whether `a` comes strictly before `b` in time order. */
export const isBefore = (a: WindowHit, b: WindowHit): boolean => byTime(a, b) < 0;

export interface SubpatternWindowSpec {
  index: number;
  /** Positions of its group-by attributes in the hits' values. */
  groupBy: number[];
  aggregate: Aggregate | null;
  attributeIndex(name: string): number;
  windowMs: number;
}

/** One group's window: the events in it, and the incident it is adding to, if any. */
class GroupWindow {
  private pending: WindowHit[] = [];
  private head = 0;
  private incident: SubIncident | null = null;
  private readonly aggregate: AggregateWindow;

  constructor(
    private readonly spec: SubpatternWindowSpec,
    private readonly group: string[],
  ) {
    this.aggregate = new AggregateWindow(spec.aggregate, spec.attributeIndex);
  }

  /** Takes the group's next event (in time order); returns the incident it starts, if it does. */
  add(hit: WindowHit): SubIncident | null {
    if (this.incident && hit.time <= this.incident.end) {
      this.incident.events.push(hit);
      return null;
    }
    this.incident = null;
    this.pending.push(hit);
    this.aggregate.enter(hit.attributes);
    while (hit.time - this.pending[this.head].time > this.spec.windowMs) this.aggregate.leaveOldest(this.pending[this.head++].attributes);
    if (!this.aggregate.holds()) {
      if (this.head > 64 && this.head * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.head);
        this.head = 0;
      }
      return null;
    }
    const events = this.pending.slice(this.head);
    this.incident = { subpattern: this.spec.index, group: this.group, events, fired: hit, end: events[0].time + this.spec.windowMs };
    this.pending = [];
    this.head = 0;
    this.aggregate.clear();
    return this.incident;
  }
}

/** A subpattern's hits (in time order, all satisfying its filter) → its incidents, in the order they fired. */
export function subpatternIncidents(hits: readonly WindowHit[], spec: SubpatternWindowSpec): SubIncident[] {
  const groups = new Map<string, GroupWindow>();
  const out: SubIncident[] = [];
  for (const hit of hits) {
    const values = spec.groupBy.map((i) => hit.attributes[i] ?? '');
    const key = values.join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = new GroupWindow(spec, values)));
    const started = g.add(hit);
    if (started) out.push(started);
  }
  return out;
}
