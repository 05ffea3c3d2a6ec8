// Loaded rules → runnable rules: each detection scoped by its logsource (Channel/EventID, 4688
// renames), compiled to a matcher, indexed by Channel and EventID. Rules that cannot run here
// (another product, unknown logsource, unresolved placeholders) are listed with the reason.
// FortiSIEM rules with a pattern also get a matcher per subpattern and the attributes their
// correlation reads (src/correlate/pattern-detections.ts), so a hit can carry both.
import type { Aggregate, FortisiemPattern, GlobalConstraint, Predicate, Rule } from '../rules/ast.js';
import { scopeDetection } from '../mappings/apply-logsource.js';
import { scopeFor, type LogsourceMap } from '../mappings/logsource-map.js';
import { compilePredicate, type Matcher } from './compile-predicate.js';
import { RuleIndex, pinnedValues } from './rule-index.js';
import { LiteralPrefilter, literalTable, requiredLiterals, type Literal, type LiteralTable } from './literal-prefilter.js';

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

/**
 * What scoping and analysis make of a rule list, as plain data: per runnable rule its position in
 * the list, the scoped detection, the Channel/EventID values it is indexed under and its
 * prefilter literals.
 */
export interface RuleSetPlan {
  runnable: Array<{ rule: number; scoped: Predicate; channels: string[] | null; eventIds: string[] | null; literals: Literal[][] | null }>;
  notRunnable: Array<{ rule: number; reason: string; kind: NotRunnable['kind'] }>;
}

export function planRuleSet(rules: Rule[], map: LogsourceMap): RuleSetPlan {
  const plan: RuleSetPlan = { runnable: [], notRunnable: [] };
  rules.forEach((rule, i) => {
    if (rule.unsupported.length) {
      const kind = rule.unsupported.every((p) => p.kind === 'needs-input') ? 'needs-input' : 'unsupported';
      plan.notRunnable.push({ rule: i, reason: rule.unsupported.map((p) => p.reason).join('; '), kind });
      return;
    }
    let scoped: Predicate | null = rule.detection;
    if (rule.format === 'sigma') {
      const scope = scopeFor(rule.logsource, map);
      if (!scope.applies) {
        plan.notRunnable.push({ rule: i, reason: scope.reason, kind: 'not-applicable' });
        return;
      }
      scoped = scopeDetection(rule.detection, scope);
      if (!scoped) {
        plan.notRunnable.push({ rule: i, reason: 'the rule uses fields that no event of its logsource has', kind: 'not-applicable' });
        return;
      }
    }
    plan.runnable.push({ rule: i, scoped, channels: pinnedValues(scoped, 'Channel'), eventIds: pinnedValues(scoped, 'EventID'), literals: requiredLiterals(scoped) });
  });
  return plan;
}

/**
 * A plan's rules as the assembly takes them: rules and scoped detections through functions, so
 * that a stored plan (src/engine/prepared-cache.ts) reads each only when a scan first needs it.
 */
export interface AssemblyPlan {
  runnable: Array<{ rule: () => Rule; scoped: () => Predicate; hasPattern: boolean; channels: string[] | null; eventIds: string[] | null }>;
  /** The runnable rules' prefilter literals, in their order. */
  literals: LiteralTable;
  notRunnable: Array<{ rule: () => Rule; reason: string; kind: NotRunnable['kind'] }>;
}

/** A plan's rules made runnable: lazy matchers, the index, the prefilter. */
export function assembleRuleSet(plan: AssemblyPlan, opts: { prefilter?: boolean } = {}): RuleSet {
  const index = new RuleIndex<CompiledRule>();
  const compiled: CompiledRule[] = [];
  for (const r of plan.runnable) {
    const entry = compiledRule(compiled.length, r.rule, r.scoped, r.hasPattern);
    compiled.push(entry);
    index.addPinned(entry, r.channels, r.eventIds);
  }
  const prefilter = opts.prefilter === false ? null : new LiteralPrefilter(compiled, plan.literals);
  const notRunnable = plan.notRunnable.map(({ rule, reason, kind }): NotRunnable => {
    let r: Rule | undefined;
    return { get rule() { return (r ??= rule()); }, reason, kind };
  });
  return { compiled, index, prefilter, notRunnable };
}

/** A compiled rule whose rule, scoped detection, matcher and pattern are made when first used. */
function compiledRule(index: number, rule: () => Rule, scoped: () => Predicate, hasPattern: boolean): CompiledRule {
  let r: Rule | undefined;
  let s: Predicate | undefined;
  let pattern: CompiledPattern | undefined;
  const entry: CompiledRule = {
    index,
    get rule() {
      return (r ??= rule());
    },
    get scoped() {
      return (s ??= scoped());
    },
    match: lazyMatcher(() => entry.scoped),
    get pattern() {
      return hasPattern ? (pattern ??= compilePattern(entry.rule.pattern!, entry.match)) : undefined;
    },
  };
  return entry;
}

/** The assembly plan of rules in memory. */
export function inMemory(rules: Rule[], plan: RuleSetPlan): AssemblyPlan {
  return {
    runnable: plan.runnable.map((r) => ({ channels: r.channels, eventIds: r.eventIds, rule: () => rules[r.rule], scoped: () => r.scoped, hasPattern: !!rules[r.rule].pattern })),
    literals: literalTable(plan.runnable.map((r) => r.literals)),
    notRunnable: plan.notRunnable.map((n) => ({ ...n, rule: () => rules[n.rule] })),
  };
}

export function buildRuleSet(rules: Rule[], map: LogsourceMap, opts: { prefilter?: boolean } = {}): RuleSet {
  return assembleRuleSet(inMemory(rules, planRuleSet(rules, map)), opts);
}

/**
 * A matcher compiled when first called: most rules of a large set never get past the index and
 * the prefilter on a given log, and compiling them all would only slow the start.
 */
function lazyMatcher(p: () => Predicate): Matcher {
  let compiled: Matcher | null = null;
  return (doc) => (compiled ??= compilePredicate(p()))(doc);
}

/** Per-subpattern matchers (a single subpattern is the rule's own matcher) and the attributes read. */
function compilePattern(p: FortisiemPattern, ruleMatch: Matcher): CompiledPattern {
  const subpatterns = p.subpatterns.length === 1 ? [ruleMatch] : p.subpatterns.map((s) => lazyMatcher(() => s.filter));
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
