// What a rule regression test is, whichever file it came from (SigmaHQ's info.yml or our own
// *.test.yml): the logs to scan, the rules to scan them with, and what must (not) fire. Readers
// turn files into these; the runner only ever sees these.
import type { Node as YamlNode } from 'yaml';

/** Where in a test file something is written (line and column 1-based, when known). */
export interface SourceRef {
  file: string;
  line?: number;
  column?: number;
}

export function describeRef(at: SourceRef): string {
  return `${at.file}${at.line ? `:${at.line}${at.column ? `:${at.column}` : ''}` : ''}`;
}

/** A detection group that must be among a rule's detections. */
export interface GroupExpectation {
  group: Record<string, string>;
  /** Matching events in that detection, exactly. */
  events?: number;
  at: SourceRef;
}

export interface RuleExpectation {
  /** A rule id, or a rule's exact title. */
  rule: string;
  /** Matching events in all of the rule's detections, exactly. */
  events?: number;
  /** At least this many matching events. */
  minEvents?: number;
  /** Where `minEvents` came from (e.g. `match_count`): a higher count passes, with a note. */
  minEventsFrom?: string;
  /** Detections (group-by groups), exactly. */
  detections?: number;
  groups: GroupExpectation[];
  at: SourceRef;
}

/** Events described in YAML, turned into an EVTX file when the case runs. */
export type EventsSource =
  | { kind: 'file'; path: string; at: SourceRef }
  | { kind: 'inline'; node: YamlNode; file: string; text: string; at: SourceRef };

export interface TestCase {
  name: string;
  /** The test file (`info.yml` or `*.test.yml`) and the case's place in it. */
  at: SourceRef;
  format: 'sigmahq' | 'test-file';
  /** Rule files or folders for this case; empty: the run's rules (`-r`, else the bundled ones). */
  rules: string[];
  /** Where the case's `rules` are written (for problems loading them). */
  rulesAt?: SourceRef;
  evtx: Array<{ path: string; at: SourceRef }>;
  events: EventsSource[];
  expect: RuleExpectation[];
  /** Rule ids or titles that must not fire. */
  mustNotFire: string[];
  /** `mustNotFire: all-others`: no rule except the expected ones may fire. */
  onlyExpectedFire: boolean;
  /** Problems found reading the case: it fails with these without running. */
  problems: CaseFailure[];
}

export type FailureKind =
  | 'invalid-test'
  | 'file-missing'
  | 'events-invalid'
  | 'evtx-unreadable'
  | 'rules-not-loadable'
  | 'rule-not-found'
  | 'rule-not-runnable'
  | 'events'
  | 'detections'
  | 'group-missing'
  | 'group-events'
  | 'must-not-fire'
  | 'unexpected-rule';

export interface CaseFailure {
  kind: FailureKind;
  /** One line saying exactly what differed (may hold log text: sanitise before a terminal). */
  message: string;
  rule?: string;
  expected?: number | string;
  actual?: number | string;
}

export interface CaseResult {
  case: TestCase;
  passed: boolean;
  failures: CaseFailure[];
  /** Worth saying on a pass too (more matches than match_count, damaged input). */
  notes: string[];
}

/**
 * A case that fails before running. With no name it stands for a whole test file that could not
 * be read (its problems name the file and position).
 */
export function brokenCase(name: string, at: SourceRef, format: TestCase['format'], problems: CaseFailure[]): TestCase {
  return { name, at, format, rules: [], evtx: [], events: [], expect: [], mustNotFire: [], onlyExpectedFire: false, problems };
}
