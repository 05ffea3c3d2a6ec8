// Loaded rules → runnable rules: each detection scoped by its logsource (Channel/EventID, 4688
// renames), compiled to a matcher, indexed by Channel and EventID. Rules that cannot run here
// (another product, unknown logsource, unresolved placeholders) are listed with the reason.
// FortiSIEM rules with a pattern also get a matcher per subpattern and the attributes their
// correlation reads (src/correlate/pattern-detections.ts), so a hit can carry both.
import type { Aggregate, FortisiemPattern, GlobalConstraint, Predicate, Rule } from '../rules/ast.js';
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
  /** FortiSIEM rules with a pattern: what a hit must carry for windows and incidents. */
  pattern?: CompiledPattern;
}

export interface CompiledPattern {
  /** One matcher per subpattern, in the pattern's order (the rule's detection is their OR). */
  subpatterns: Matcher[];
  /** Plain attribute names whose values a hit carries, in this order (group-by, aggregates, constraint, incident). */
  attributes: string[];
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
    const match = lazyMatcher(scoped);
    const entry: CompiledRule = { index: compiled.length, rule, scoped, match };
    if (rule.pattern) entry.pattern = compilePattern(rule.pattern, match);
    compiled.push(entry);
    index.add(entry, scoped);
  }
  const prefilter = opts.prefilter === false ? null : new LiteralPrefilter(compiled.map((c) => ({ entry: c, predicate: c.scoped })));
  return { compiled, index, prefilter, notRunnable };
}

/**
 * A matcher compiled when first called: most rules of a large set never get past the index and
 * the prefilter on a given log, and compiling them all would only slow the start.
 */
function lazyMatcher(p: Predicate): Matcher {
  let compiled: Matcher | null = null;
  return (doc) => (compiled ??= compilePredicate(p))(doc);
}

/** Per-subpattern matchers (a single subpattern is the rule's own matcher) and the attributes read. */
function compilePattern(p: FortisiemPattern, ruleMatch: Matcher): CompiledPattern {
  const subpatterns = p.subpatterns.length === 1 ? [ruleMatch] : p.subpatterns.map((s) => lazyMatcher(s.filter));
  return { subpatterns, attributes: patternAttributes(p) };
}

/** Every attribute a pattern's correlation reads, each once, in a fixed order. */
function patternAttributes(p: FortisiemPattern): string[] {
  const out = new Set<string>();
  const fromAggregate = (a: Aggregate | null): void => {
    if (!a) return;
    if (a.kind === 'compare') {
      if (a.attribute !== undefined) out.add(a.attribute);
    } else a.items.forEach(fromAggregate);
  };
  const fromConstraint = (g: GlobalConstraint): void => {
    if (g.kind !== 'compare') return g.items.forEach(fromConstraint);
    for (const side of [g.left, g.right]) if (side.kind === 'attribute') out.add(side.attribute);
  };
  for (const s of p.subpatterns) s.groupBy.forEach((a) => out.add(a));
  for (const s of p.subpatterns) fromAggregate(s.aggregate);
  if (p.globalConstraint) fromConstraint(p.globalConstraint);
  for (const i of p.incident) out.add(i.source);
  return [...out];
}
