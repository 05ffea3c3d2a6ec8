// Hits → detections: one detection per rule and group-by tuple, with an exact count, the first
// and last time, and the first N events. Memory grows with groups, not with events.
import { fieldLabel, type Rule } from '../rules/ast.js';
import type { EventSummary } from '../engine/event-summary.js';

export interface Detection {
  rule: Rule;
  group: Record<string, string>;
  count: number;
  first: string;
  last: string;
  firstTime: number;
  lastTime: number;
  events: EventSummary[];
}

export class DetectionGrouper {
  private readonly byKey = new Map<string, Detection>();

  constructor(private readonly maxEvents: number) {}

  /** `groupValues` are the hit's values of the rule's group-by fields, in order. */
  add(rule: Rule, groupFields: string[], groupValues: string[], event: EventSummary): void {
    const key = rule.path + '\u0000' + rule.line + '\u0000' + groupValues.join('\u0000');
    let d = this.byKey.get(key);
    if (!d) {
      const group: Record<string, string> = Object.create(null); // `__proto__` stays a key
      groupFields.forEach((f, i) => (group[fieldLabel(f)] = groupValues[i]));
      d = { rule, group, count: 0, first: event.timestamp, last: event.timestamp, firstTime: event.time, lastTime: event.time, events: [] };
      this.byKey.set(key, d);
    }
    d.count++;
    if (event.time < d.firstTime) [d.firstTime, d.first] = [event.time, event.timestamp];
    if (event.time > d.lastTime) [d.lastTime, d.last] = [event.time, event.timestamp];
    if (d.events.length < this.maxEvents) d.events.push(event);
  }

  /** Detections ordered by level (highest first), then title, then first time. */
  detections(): Detection[] {
    return [...this.byKey.values()].sort(detectionOrder);
  }
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

/** Report order: level (highest first), then title, then first time. */
export const detectionOrder = (a: Detection, b: Detection): number =>
  RANK[a.rule.level] - RANK[b.rule.level] || a.rule.title.localeCompare(b.rule.title) || a.firstTime - b.firstTime;
