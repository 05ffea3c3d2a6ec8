// A case's expectations against the detections its logs produced: for each difference one
// failure that says exactly what was expected and what came out (rule, event count, detection
// count, group, rule missing or not runnable, a rule that must stay quiet but fired).
import type { Detection } from '../correlate/group-hits.js';
import type { Rule } from '../rules/ast.js';
import { namesRule, type RuleCatalogue } from './rule-lookup.js';
import type { CaseFailure, RuleExpectation, TestCase } from './test-case.js';

export interface CheckResult {
  failures: CaseFailure[];
  notes: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const eventsOf = (ds: Detection[]) => ds.reduce((n, d) => n + d.count, 0);
const groupText = (g: Record<string, string>) => JSON.stringify(g);
const sameGroup = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
};

/** The groups a rule produced, for failure messages (the first few). */
function groupsSeen(ds: Detection[]): string {
  if (ds.length === 0) return 'none';
  const shown = ds.slice(0, 5).map((d) => `${groupText(d.group)} ${plural(d.count, 'event')}`);
  return shown.join(', ') + (ds.length > shown.length ? `, … (${ds.length - shown.length} more)` : '');
}

/** Failure when a named rule cannot be checked (not found, not loaded, cannot run). */
function unusable(key: string, catalogue: RuleCatalogue): CaseFailure | undefined {
  const found = catalogue.find(key);
  switch (found.kind) {
    case 'runs':
      return undefined;
    case 'cannot-run':
      return { kind: 'rule-not-runnable', rule: key, message: `rule ${catalogue.describe(key)} cannot run: ${found.reason}` };
    case 'disabled':
      return { kind: 'rule-not-runnable', rule: key, message: `rule ${catalogue.describe(key)} is disabled: it runs only with --include-disabled` };
    case 'not-loaded':
      return { kind: 'rule-not-runnable', rule: key, message: `rule "${key}" did not load: ${found.where}: ${found.reason}` };
    case 'not-found':
      return {
        kind: 'rule-not-found',
        rule: key,
        message: `rule "${key}" not found (no id or title among the ${catalogue.prepared.loaded.rules.length} rules from ${catalogue.label})`,
      };
  }
}

function checkExpectation(e: RuleExpectation, detections: Detection[], catalogue: RuleCatalogue, out: CheckResult): void {
  const bad = unusable(e.rule, catalogue);
  if (bad) {
    out.failures.push(bad);
    return;
  }
  const name = `rule ${catalogue.describe(e.rule)}`;
  const mine = detections.filter((d) => namesRule(e.rule, d.rule));
  const events = eventsOf(mine);
  if (e.events !== undefined && events !== e.events) {
    out.failures.push({ kind: 'events', rule: e.rule, expected: e.events, actual: events, message: `${name}: expected ${plural(e.events, 'matching event')}, got ${events}` });
  }
  if (e.minEvents !== undefined) {
    const from = e.minEventsFrom ? ` (${e.minEventsFrom})` : '';
    if (events < e.minEvents) {
      out.failures.push({ kind: 'events', rule: e.rule, expected: `>= ${e.minEvents}`, actual: events, message: `${name}: expected at least ${plural(e.minEvents, 'matching event')}${from}, got ${events}` });
    } else if (e.minEventsFrom && events > e.minEvents) {
      out.notes.push(`${name}: ${plural(events, 'matching event')}, ${e.minEventsFrom} says ${e.minEvents} (consider updating it)`);
    }
  }
  if (e.detections !== undefined && mine.length !== e.detections) {
    out.failures.push({
      kind: 'detections',
      rule: e.rule,
      expected: e.detections,
      actual: mine.length,
      message: `${name}: expected ${plural(e.detections, 'detection')}, got ${mine.length} (groups: ${groupsSeen(mine)})`,
    });
  }
  for (const g of e.groups) {
    const d = mine.find((x) => sameGroup(g.group, x.group));
    if (!d) {
      out.failures.push({ kind: 'group-missing', rule: e.rule, expected: groupText(g.group), message: `${name}: no detection with group ${groupText(g.group)} (groups: ${groupsSeen(mine)})` });
    } else if (g.events !== undefined && d.count !== g.events) {
      out.failures.push({
        kind: 'group-events',
        rule: e.rule,
        expected: g.events,
        actual: d.count,
        message: `${name}, group ${groupText(g.group)}: expected ${plural(g.events, 'event')}, got ${d.count}`,
      });
    }
  }
}

export function checkCase(c: TestCase, detections: Detection[], catalogue: RuleCatalogue): CheckResult {
  const out: CheckResult = { failures: [], notes: [] };
  for (const e of c.expect) checkExpectation(e, detections, catalogue, out);
  for (const key of c.mustNotFire) {
    const bad = unusable(key, catalogue);
    if (bad) {
      out.failures.push(bad);
      continue;
    }
    const fired = detections.filter((d) => namesRule(key, d.rule));
    if (fired.length) {
      out.failures.push({
        kind: 'must-not-fire',
        rule: key,
        expected: 0,
        actual: eventsOf(fired),
        message: `rule ${catalogue.describe(key)} must not fire, fired on ${plural(eventsOf(fired), 'event')} (groups: ${groupsSeen(fired)})`,
      });
    }
  }
  if (c.onlyExpectedFire) {
    const others = new Map<Rule, Detection[]>();
    for (const d of detections) {
      if (c.expect.some((e) => namesRule(e.rule, d.rule))) continue;
      others.set(d.rule, [...(others.get(d.rule) ?? []), d]);
    }
    for (const [rule, ds] of others) {
      out.failures.push({
        kind: 'unexpected-rule',
        rule: rule.id,
        expected: 0,
        actual: eventsOf(ds),
        message: `rule ${rule.id} (${rule.title}) fired on ${plural(eventsOf(ds), 'event')} but is not expected (mustNotFire: all-others)`,
      });
    }
  }
  return out;
}
