// The shared predicate AST: what every rule format (Sigma, FortiSIEM YAML/XML) loads into, and
// what the compile stage turns into matchers. Small on purpose: field tests, boolean nodes,
// keyword search, and the rule's metadata. Matching semantics live in src/compile.

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** One wildcard in a glob: `*` any run (newlines too, empty too), `?` exactly one character. */
export interface Wildcard {
  wildcard: '*' | '?';
}
/** A glob: literal text and wildcards, matched against the whole value. */
export type GlobPart = string | Wildcard;

/**
 * How one value of a field is tested. String tests are case-insensitive unless `cased`
 * (Unicode lower-casing on both sides). A field with several values passes if any value passes.
 */
export type ValueTest =
  | { kind: 'equals'; value: string; cased: boolean }
  | { kind: 'contains'; value: string; cased: boolean }
  | { kind: 'startswith'; value: string; cased: boolean }
  | { kind: 'endswith'; value: string; cased: boolean }
  /** Anchored glob over the whole value. */
  | { kind: 'glob'; parts: GlobPart[]; cased: boolean }
  /** Unanchored regex search; `flags` is a subset of "ims" (JavaScript syntax, already translated). */
  | { kind: 'regex'; pattern: string; flags: string }
  /** Numeric comparison; a value that is not a number (decimal or 0x-hex text) fails. */
  | { kind: 'compare'; op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  /** IPv4/IPv6 network membership, e.g. "10.0.0.0/8"; a value that is not an address fails. */
  | { kind: 'cidr'; network: string }
  /** A part of the value read as a timestamp, compared for equality. */
  | { kind: 'timepart'; part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'; value: number };

export type Predicate =
  | { kind: 'and'; items: Predicate[] }
  | { kind: 'or'; items: Predicate[] }
  | { kind: 'not'; item: Predicate }
  | { kind: 'const'; value: boolean }
  /** True when some value of `field` passes `test`. Absent field: false. */
  | { kind: 'field'; field: string; test: ValueTest }
  /** True when the field is absent or its value is null. */
  | { kind: 'null'; field: string }
  /** True when the field is present (whatever its value). */
  | { kind: 'exists'; field: string }
  /** True when some leaf value of the event (System, EventData, UserData) passes `test`. */
  | { kind: 'keyword'; test: ValueTest }
  /** Compares two fields of the same event; either absent → false. */
  | { kind: 'fieldref'; field: string; other: string; match: 'equals' | 'contains' | 'startswith' | 'endswith'; cased: boolean };

export const TRUE: Predicate = { kind: 'const', value: true };
export const FALSE: Predicate = { kind: 'const', value: false };

export interface Logsource {
  product?: string;
  service?: string;
  category?: string;
  definition?: string;
}

/** Something a loader could not do: the rule is invalid, or a part of it is unsupported. */
export interface RuleProblem {
  file: string;
  line?: number;
  column?: number;
  /** Which rule (title or id) when known. */
  rule?: string;
  reason: string;
  /**
   * `invalid`: the rule does not load. `unsupported`: it loads but uses something sigscan cannot
   * run. `needs-input`: it loads but needs values from the user (placeholders for `|expand`).
   */
  kind: 'invalid' | 'unsupported' | 'needs-input';
}

export type RuleFormat = 'sigma' | 'sigma-correlation' | 'fortisiem';

export interface Rule {
  id: string;
  title: string;
  format: RuleFormat;
  /** The rule file, as given or found. */
  path: string;
  /** 1-based line of the rule's document in its file. */
  line: number;
  level: Level;
  /** FortiSIEM severity 1–10, kept as given. */
  severity?: number;
  status?: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  logsource?: Logsource;
  /** What an event must satisfy (before logsource scoping, which the compile stage adds). */
  detection: Predicate;
  /** Fields whose values group this rule's hits into detections; empty: one detection. */
  groupBy: string[];
  /** Parts that prevent the rule from running (unresolved placeholder, unsupported feature). */
  unsupported: RuleProblem[];
  /** FortiSIEM-style rules carry `disabled`; they run only when asked. */
  disabled?: boolean;
  /** FortiSIEM rules: the correlation pattern (subpatterns, window, trigger, incident attributes). */
  pattern?: FortisiemPattern;
  /** FortiSIEM rules: what the rule page shows besides the pattern. */
  fortisiem?: FortisiemMetadata;
}

// ---- FortiSIEM rules (design.md §5, fortisiem.md)
//
// A FortiSIEM rule's filters are ordinary predicates whose fields are FortiSIEM attributes in the
// `fsm:` namespace (`fsm:serviceName`, `fsm:eventType`): the engine resolves them per event type
// (src/engine/fortisiem-attributes.ts); an attribute with no mapping reads the EVTX field of the
// same name. Everything else in a pattern names attributes plainly (`hostName`).

export const ATTRIBUTE_PREFIX = 'fsm:';

/** The predicate field that reads FortiSIEM attribute `name`. */
export const attributeField = (name: string): string => ATTRIBUTE_PREFIX + name;

/** How a field is shown in output: a FortiSIEM attribute by its plain name, others as they are. */
export const fieldLabel = (field: string): string => (field.startsWith(ATTRIBUTE_PREFIX) ? field.slice(ATTRIBUTE_PREFIX.length) : field);

export type Comparison = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

/** `COUNT(*)`, `COUNT(DISTINCT a)`, `SUM(a)`, `AVG(a)`, `MIN(a)`, `MAX(a)` over a group's events. */
export type AggregateFunction = 'count' | 'count-distinct' | 'sum' | 'avg' | 'min' | 'max';

/** A subpattern's group constraint (`GroupEvtConstr`), e.g. `COUNT(*) >= 5 AND AVG(x) > 3`. */
export type Aggregate =
  | { kind: 'and' | 'or'; items: Aggregate[] }
  /** `attribute` is absent for COUNT(*). */
  | { kind: 'compare'; fn: AggregateFunction; attribute?: string; op: Comparison; value: number };

export interface Subpattern {
  name: string;
  /** Which single events count (`SingleEvtConstr`), over `fsm:` fields. */
  filter: Predicate;
  /** Attribute names (plain) whose values make one group (`GroupByAttr`). */
  groupBy: string[];
  /** When a group fires (`GroupEvtConstr`); null: any group with an event. */
  aggregate: Aggregate | null;
}

export type TriggerOperator = 'AND' | 'OR' | 'FOLLOWED_BY' | 'AND NOT' | 'NOT FOLLOWED_BY';

/** How subpatterns combine into an incident: a subpattern, or an operator over two triggers. */
export type Trigger =
  | { kind: 'subpattern'; name: string }
  | { kind: 'operator'; op: TriggerOperator; left: Trigger; right: Trigger };

export type ConstraintOperand = { kind: 'attribute'; subpattern: string; attribute: string } | { kind: 'literal'; value: string };

/** `GlobalConstr`: comparisons between subpatterns' attributes, e.g. `A.user = B.user`. */
export type GlobalConstraint =
  | { kind: 'and' | 'or'; items: GlobalConstraint[] }
  | { kind: 'compare'; left: ConstraintOperand; op: Comparison; right: ConstraintOperand };

/** One incident attribute (`ArgList` / `incident:`): `attribute = subpattern.source`. */
export interface IncidentAttribute {
  attribute: string;
  subpattern: string;
  source: string;
}

export interface FortisiemPattern {
  /** Seconds (`PatternClause/@window`). */
  window: number;
  subpatterns: Subpattern[];
  trigger: Trigger;
  globalConstraint: GlobalConstraint | null;
  incident: IncidentAttribute[];
  /** String tests compare case-sensitively (default false, as rules converted from Sigma assume). */
  caseSensitive: boolean;
}

/** The rule page's other fields. */
export interface FortisiemMetadata {
  category?: string;
  tactics: string[];
  techniques: string[];
  impacts?: string;
  dataSource?: string;
  remediation?: string;
  detectionTechnology?: string;
  incidentTitle?: string;
  /** The incident's own event type (`IncidentDef/@eventType`, e.g. `PH_RULE_…`). */
  incidentType?: string;
  /** The rule group (`Rule/@group`). */
  group?: string;
}
