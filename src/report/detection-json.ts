// The JSON shape of a detection (design.md §2, a contract other tools rely on).
import type { Detection } from '../correlate/group-hits.js';

export function detectionJson(d: Detection): Record<string, unknown> {
  const r = d.rule;
  const rule: Record<string, unknown> = { id: r.id, title: r.title, level: r.level };
  if (r.severity !== undefined) rule.severity = r.severity;
  if (r.status !== undefined) rule.status = r.status;
  rule.format = r.format;
  rule.path = r.path;
  rule.tags = r.tags;
  return {
    rule,
    group: d.group,
    count: d.count,
    first: d.first,
    last: d.last,
    events: d.events.map((e) => ({
      file: e.file,
      recordId: e.recordId,
      timestamp: e.timestamp,
      channel: e.channel,
      eventId: e.eventId,
      computer: e.computer,
      fields: e.fields,
    })),
  };
}
