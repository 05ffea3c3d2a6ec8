// Loaded rules → runnable rules: each detection scoped by its logsource (Channel/EventID, 4688
// renames), compiled to a matcher, indexed by Channel and EventID. Rules that cannot run here
// (another product, unknown logsource, unresolved placeholders) are listed with the reason.
import type { Predicate, Rule } from '../rules/ast.js';
import { scopeDetection } from '../mappings/apply-logsource.js';
import { scopeFor, type LogsourceMap } from '../mappings/logsource-map.js';
import { compilePredicate, type Matcher } from './compile-predicate.js';
import { RuleIndex } from './rule-index.js';
import { LiteralPrefilter } from './literal-prefilter.js';

export interface CompiledRule {
  /** Position in the rule set: how hits name their rule across threads. */
  index: number;
  rule: Rule;
  /** The detection after logsource scoping: what actually runs. */
  scoped: Predicate;
  match: Matcher;
}

export interface NotRunnable {
  rule: Rule;
  reason: string;
  /**
   * `not-applicable`: valid, but for other logs (e.g. product linux). `needs-input`: waits for
   * placeholder values. `unsupported`: uses something sigscan cannot run.
   */
  kind: 'not-applicable' | 'needs-input' | 'unsupported';
}

export interface RuleSet {
  compiled: CompiledRule[];
  index: RuleIndex<CompiledRule>;
  /** Null when turned off (to compare results with and without it). */
  prefilter: LiteralPrefilter<CompiledRule> | null;
  notRunnable: NotRunnable[];
}

export function buildRuleSet(rules: Rule[], map: LogsourceMap, opts: { prefilter?: boolean } = {}): RuleSet {
  const index = new RuleIndex<CompiledRule>();
  const compiled: CompiledRule[] = [];
  const notRunnable: NotRunnable[] = [];
  for (const rule of rules) {
    if (rule.unsupported.length) {
      const kind = rule.unsupported.every((p) => p.kind === 'needs-input') ? 'needs-input' : 'unsupported';
      notRunnable.push({ rule, reason: rule.unsupported.map((p) => p.reason).join('; '), kind });
      continue;
    }
    let scoped: Predicate | null = rule.detection;
    if (rule.format === 'sigma') {
      const scope = scopeFor(rule.logsource, map);
      if (!scope.applies) {
        notRunnable.push({ rule, reason: scope.reason, kind: 'not-applicable' });
        continue;
      }
      scoped = scopeDetection(rule.detection, scope);
      if (!scoped) {
        notRunnable.push({ rule, reason: 'the rule uses fields that no event of its logsource has', kind: 'not-applicable' });
        continue;
      }
    }
    const entry: CompiledRule = { index: compiled.length, rule, scoped, match: compilePredicate(scoped) };
    compiled.push(entry);
    index.add(entry, scoped);
  }
  const prefilter = opts.prefilter === false ? null : new LiteralPrefilter(compiled.map((c) => ({ entry: c, predicate: c.scoped })));
  return { compiled, index, prefilter, notRunnable };
}
