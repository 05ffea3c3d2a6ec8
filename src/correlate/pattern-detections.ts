// Hits of FortiSIEM pattern rules → detections, one per incident. Hits are kept (never records)
// until the scan ends, then per rule put in time order (ties: file order, then record order, which
// is the order hits arrive in on any number of threads), so events of several files interleave as
// they happened. Each subpattern's hits go through its sliding windows (window.ts); the trigger
// combines the incidents (incidents.ts).
//
// A detection is one incident: `count` its distinct events, `first`/`last` their times, `events`
// the first N in time order. Its `group` holds the incident attributes (`incident:` / `ArgList`,
// `attribute = Subpattern.source`), each the first non-empty value among that subpattern's
// incident's events ('' when the incident has no such subpattern, e.g. the other side of an OR).
// A rule without incident attributes shows its group-by attributes instead: by plain name for a
// single subpattern, as `Subpattern.attribute` when there are several.
import type { CompiledRule } from '../compile/rule-set.js';
import type { PatternFacts } from '../engine/scan.js';
import type { EventSummary } from '../engine/event-summary.js';
import type { FortisiemPattern } from '../rules/ast.js';
import type { Detection } from './group-hits.js';
import { incidentValue, triggerMatches, type Match } from './incidents.js';
import { byTime, subpatternIncidents, type SubIncident, type WindowHit } from './window.js';

export class PatternCorrelator {
  private readonly hitsOf = new Map<CompiledRule, WindowHit[]>();
  private seq = 0;

  constructor(private readonly maxEvents: number) {}

  /** Hits must arrive in file order, then record order. */
  add(rule: CompiledRule, event: EventSummary, facts: PatternFacts): void {
    let hits = this.hitsOf.get(rule);
    if (!hits) this.hitsOf.set(rule, (hits = []));
    hits.push({ seq: this.seq++, time: event.time, subpatterns: facts.subpatterns, attributes: facts.attributes, event });
  }

  /** Every pattern rule's incidents as detections (rules in the order their first hit came). */
  detections(): Detection[] {
    const out: Detection[] = [];
    for (const [c, hits] of this.hitsOf) {
      for (const m of ruleMatches(c, hits.sort(byTime))) out.push(this.detection(c, m));
    }
    return out;
  }

  private detection(c: CompiledRule, m: Match): Detection {
    const seen = new Set<number>();
    const events: WindowHit[] = [];
    for (const part of m.parts) for (const e of part.events) if (!seen.has(e.seq) && seen.add(e.seq)) events.push(e);
    events.sort(byTime);
    const [first, last] = [events[0], events[events.length - 1]];
    return {
      rule: c.rule,
      group: groupOf(c.rule.pattern!, c.pattern!.attributes, m),
      count: events.length,
      first: first.event.timestamp,
      last: last.event.timestamp,
      firstTime: first.time,
      lastTime: last.time,
      events: events.slice(0, this.maxEvents).map((e) => e.event),
    };
  }
}

/** A rule's hits (in time order) → its incidents. */
function ruleMatches(c: CompiledRule, hits: WindowHit[]): Match[] {
  const p = c.rule.pattern!;
  const attributes = c.pattern!.attributes;
  const attributeIndex = (name: string) => attributes.indexOf(name);
  const windowMs = p.window * 1000;
  const incidents = new Map<string, SubIncident[]>();
  p.subpatterns.forEach((s, index) => {
    const own = hits.filter((h) => h.subpatterns.includes(index));
    incidents.set(s.name, subpatternIncidents(own, { index, groupBy: s.groupBy.map(attributeIndex), aggregate: s.aggregate, attributeIndex, windowMs }));
  });
  return triggerMatches(p.trigger, {
    windowMs,
    incidentsOf: (name) => incidents.get(name) ?? [],
    constraint: p.globalConstraint,
    attributeIndex,
    caseSensitive: p.caseSensitive,
  });
}

function groupOf(p: FortisiemPattern, attributes: string[], m: Match): Record<string, string> {
  const group: Record<string, string> = Object.create(null); // `__proto__` stays a key
  if (p.incident.length) {
    for (const i of p.incident) {
      const incident = m.bound.get(i.subpattern);
      group[i.attribute] = (incident && incidentValue(incident, attributes.indexOf(i.source))) ?? '';
    }
    return group;
  }
  const single = p.subpatterns.length === 1;
  for (const s of p.subpatterns) {
    const incident = m.bound.get(s.name);
    if (incident) s.groupBy.forEach((a, k) => (group[single ? a : `${s.name}.${a}`] = incident.group[k]));
  }
  return group;
}
