// A FortiSIEM rule as either format states it (YAML document or XML <Rule>) → a Rule in the
// shared AST. Both loaders only gather the rule's texts and where they are; everything that
// gives them meaning happens here, once, so the same rule in both formats loads the same.
//
// The rule's detection is the OR of its subpatterns' filters (what the rule index and prefilter
// see); the pattern (windows, aggregates, trigger, constraint, incident attributes) runs in
// src/correlate/pattern-detections.ts.
import { eventTypeTable } from '../../mappings/fortisiem-event-type.js';
import { attributeField, type FortisiemMetadata, type FortisiemPattern, type IncidentAttribute, type Predicate, type Rule, type RuleProblem, type Subpattern, type Trigger } from '../ast.js';
import { parseAggregate } from './aggregate.js';
import { parseGlobalConstraint, subpatternAttribute } from './global-constraint.js';
import { parseQuery } from './query-parser.js';
import { queryPredicate } from './query-predicate.js';
import { QueryError } from './query-tokens.js';
import { attackTags, levelOfSeverity } from './rule-metadata.js';
import { parseTrigger } from './trigger.js';

/** A text from a rule file and where its characters are (`index` 0-based within `text`). */
export interface Located {
  text: string;
  position(index: number): { line: number; column?: number };
}

export interface SubpatternSource {
  name: string;
  line: number;
  query: Located | null;
  groupBy: string[];
  aggregate: Located | null;
}

export interface RuleSource {
  file: string;
  /** Where the rule starts. */
  line: number;
  id?: string;
  name?: string;
  description?: string;
  disabled: boolean;
  severity?: number;
  window?: number;
  references: string[];
  metadata: FortisiemMetadata;
  subpatterns: SubpatternSource[];
  /** How subpatterns combine; null: the only subpattern. */
  trigger: Located | null;
  globalConstraint: Located | null;
  /** `attribute = Subpattern.attribute`, the right side as written. */
  incident: Array<{ attribute: string; source: Located }>;
  caseSensitive: boolean;
  /** Lines of single-valued fields, for problems. */
  lines: Partial<Record<'name' | 'severity' | 'window' | 'subpatterns', number>>;
}

export function buildRule(src: RuleSource): { rule: Rule | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const unsupported: RuleProblem[] = [];
  const ruleName = src.name ?? src.id;
  const report = (into: RuleProblem[], kind: RuleProblem['kind'], reason: string, at: { line: number; column?: number }) =>
    into.push({ file: src.file, line: at.line, ...(at.column !== undefined ? { column: at.column } : {}), ...(ruleName ? { rule: ruleName } : {}), reason, kind });
  const invalid = (reason: string, line = src.line) => report(problems, 'invalid', reason, { line });
  /** Runs a parser over a located text; its errors name what was read and the column. */
  const parse = <T>(what: string, located: Located, run: (text: string) => T): T | undefined => {
    try {
      return run(located.text);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      report(problems, 'invalid', `${what}, column ${e.column}: ${e.message}`, located.position(e.column - 1));
      return undefined;
    }
  };

  if (!src.name) invalid('missing name');
  if (src.severity === undefined) invalid('missing severity (1–10)', src.lines.severity);
  else if (!Number.isInteger(src.severity) || src.severity < 1 || src.severity > 10) invalid(`severity ${src.severity} is not a whole number from 1 to 10`, src.lines.severity);
  if (src.window === undefined) invalid('missing window (seconds)', src.lines.window);
  else if (!Number.isFinite(src.window) || src.window <= 0) invalid(`window ${src.window} is not a positive number of seconds`, src.lines.window);
  if (src.subpatterns.length === 0) invalid('needs at least one subpattern', src.lines.subpatterns);

  const names = src.subpatterns.map((s) => s.name);
  const subpatterns: Subpattern[] = [];
  for (const sp of src.subpatterns) {
    if (!sp.name) invalid('a subpattern has no name', sp.line);
    else if (names.indexOf(sp.name) !== names.lastIndexOf(sp.name)) invalid(`two subpatterns are named ${sp.name}`, sp.line);
    const what = `subpattern ${sp.name || '(unnamed)'}`;
    let filter: Predicate | undefined;
    if (!sp.query) invalid(`${what}: missing query`, sp.line);
    else {
      const query = sp.query;
      const ctx = {
        caseSensitive: src.caseSensitive,
        eventTypes: eventTypeTable(),
        unsupported: (reason: string, column: number) => report(unsupported, 'unsupported', `${what}: ${reason}`, query.position(column - 1)),
      };
      filter = parse(`${what}: query`, query, (text) => queryPredicate(parseQuery(text), ctx));
    }
    const aggregate = sp.aggregate ? parse(`${what}: aggregate`, sp.aggregate, parseAggregate) : null;
    if (filter !== undefined && aggregate !== undefined) subpatterns.push({ name: sp.name, filter, groupBy: sp.groupBy, aggregate });
  }

  let trigger: Trigger | undefined;
  if (src.trigger) trigger = parse('trigger', src.trigger, (text) => parseTrigger(text, names));
  else if (src.subpatterns.length > 1) invalid(`${src.subpatterns.length} subpatterns need a trigger saying how they combine`);
  else if (src.subpatterns.length === 1) trigger = { kind: 'subpattern', name: src.subpatterns[0].name };
  const globalConstraint = src.globalConstraint ? parse('global constraint', src.globalConstraint, (text) => parseGlobalConstraint(text, names)) : null;
  const incident: IncidentAttribute[] = [];
  for (const { attribute, source } of src.incident) {
    const ref = parse(`incident attribute ${attribute}`, source, (text) => subpatternAttribute(text.trim(), 1 + text.length - text.trimStart().length, names));
    if (ref) incident.push({ attribute, subpattern: ref.subpattern, source: ref.attribute });
  }

  if (problems.length || !trigger || globalConstraint === undefined || subpatterns.length !== src.subpatterns.length) {
    return { rule: null, problems: [...problems, ...unsupported] };
  }
  const pattern: FortisiemPattern = { window: src.window!, subpatterns, trigger, globalConstraint, incident, caseSensitive: src.caseSensitive };
  const single = subpatterns.length === 1 ? subpatterns[0] : null;
  const rule: Rule = {
    id: src.id ?? src.name!,
    title: src.name!,
    format: 'fortisiem',
    path: src.file,
    line: src.line,
    level: levelOfSeverity(src.severity!),
    severity: src.severity,
    status: src.disabled ? 'disabled' : 'enabled',
    ...(src.description !== undefined ? { description: src.description } : {}),
    tags: attackTags(src.metadata.tactics, src.metadata.techniques),
    references: src.references,
    falsepositives: [],
    detection: single ? single.filter : { kind: 'or', items: subpatterns.map((s) => s.filter) },
    groupBy: single ? single.groupBy.map(attributeField) : [],
    unsupported,
    ...(src.disabled ? { disabled: true } : {}),
    pattern,
    fortisiem: src.metadata,
  };
  return { rule, problems: unsupported };
}
