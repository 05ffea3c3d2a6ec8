// The terminal report: detections grouped by rule, then by group-by values, with the first few
// events of each. Every piece of log text passes through the terminal sanitiser first.
import type { ChalkInstance } from 'chalk';
import type { Detection } from '../correlate/group-hits.js';
import type { Level } from '../rules/ast.js';
import { fieldsUsed } from '../rules/fields-used.js';
import { basename } from 'node:path';
import { sanitizeForTerminal } from './terminal-safe.js';

const SHOWN_EVENTS = 5;
const CELL = 160;

function cut(s: string, n = CELL): string {
  const clean = sanitizeForTerminal(s.replace(/\s+/g, ' '));
  return clean.length > n ? clean.slice(0, n - 1) + '…' : clean;
}

function levelColor(c: ChalkInstance, level: Level): (s: string) => string {
  switch (level) {
    case 'critical':
      return c.bgRed.white.bold;
    case 'high':
      return c.red.bold;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    default:
      return c.gray;
  }
}

const SYSTEM_FIELDS = new Set(['EventID', 'Channel', 'Provider_Name', 'Computer']);

export function renderTable(detections: Detection[], c: ChalkInstance): string {
  if (detections.length === 0) return 'No detections.\n';
  const out: string[] = [];
  let lastRule: Detection['rule'] | null = null;
  for (const d of detections) {
    if (d.rule !== lastRule) {
      lastRule = d.rule;
      const total = detections.filter((x) => x.rule === d.rule).reduce((n, x) => n + x.count, 0);
      out.push('');
      out.push(`${levelColor(c, d.rule.level)(d.rule.level.toUpperCase())}  ${c.bold(cut(d.rule.title))}  ${c.gray(`(${total} event${total === 1 ? '' : 's'})`)}`);
      out.push(c.gray(`  ${cut(d.rule.id)}  ${cut(d.rule.path)}${d.rule.tags.length ? '  ' + cut(d.rule.tags.join(' ')) : ''}`));
    }
    const group = Object.entries(d.group);
    const indent = group.length ? '    ' : '  ';
    if (group.length) out.push(`  ${c.cyan(group.map(([k, v]) => `${cut(k, 40)}=${cut(v, 80)}`).join('  '))}  ${c.gray(`${d.count} event${d.count === 1 ? '' : 's'}, ${d.first} … ${d.last}`)}`);
    const ruleFields = [...fieldsUsed(d.rule.detection)].filter((f) => !SYSTEM_FIELDS.has(f));
    const events = [...d.events].sort((a, b) => a.time - b.time).slice(0, SHOWN_EVENTS);
    for (const e of events) {
      // The fields the rule looks at first, then the rest of the event's data.
      const names = [...ruleFields.filter((f) => f in e.fields), ...Object.keys(e.fields).filter((f) => !ruleFields.includes(f))];
      const fields = names
        .map((k) => [k, e.fields[k]] as const)
        .filter(([, v]) => v !== null && v !== '' && v !== '-')
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ¦ ');
      out.push(`${indent}${e.timestamp.replace('T', ' ').slice(0, 19)}  ${cut(e.computer, 40)}  ${cut(e.channel, 48)} ${e.eventId}  #${e.recordId}  ${c.gray(cut(basename(e.file), 60))}`);
      if (fields) out.push(`${indent}  ${c.gray(cut(fields, 240))}`);
    }
    if (d.count > SHOWN_EVENTS) out.push(c.gray(`${indent}… ${d.count - SHOWN_EVENTS} more (use --format jsonl for all)`));
  }
  return out.join('\n') + '\n';
}
