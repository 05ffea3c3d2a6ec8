// Prepared rules + EVTX files → detections: the scan (on worker threads when asked) and the
// grouping of its hits. `sigscan scan` and `sigscan test` both call this, so a test checks exactly
// what a scan would report. Hits of FortiSIEM pattern rules go to their windows and incidents.
import { DetectionGrouper, detectionOrder, type Detection } from '../correlate/group-hits.js';
import { PatternCorrelator } from '../correlate/pattern-detections.js';
import type { CompiledRule, RuleSet } from '../compile/rule-set.js';
import type { Damage } from '../evtx/index.js';
import type { Rule } from '../rules/ast.js';
import type { EventSummary } from './event-summary.js';
import { scanParallel, type ScanWorkerPool } from './parallel-scan.js';
import type { RuleInputs } from './prepare-rules.js';
import { scanFiles, type PatternFacts, type ScanStats } from './scan.js';

export interface DetectionOptions {
  /** How the rule set was prepared: worker threads prepare the same rules from it. */
  inputs: RuleInputs;
  /** Only events at or after / before these times (ms since 1970). */
  from?: number;
  to?: number;
  /** Group-by fields for rules without their own. */
  groupBy: string[];
  /** Events kept per detection (the count stays exact). */
  maxEvents: number;
  /** Worker threads; 1 scans on the calling thread. */
  threads: number;
  /** Chunks per unit of work for worker threads. */
  unitChunks?: number;
  /** Workers started ahead of time (closed when the scan ends). */
  pool?: ScanWorkerPool;
  onDamage(d: Damage): void;
  /** Called after each file (for progress). */
  onFile?(file: string): void;
}

export interface DetectionResult {
  /** Ordered by level (highest first), then title, then first time. */
  detections: Detection[];
  stats: ScanStats;
}

export async function findDetections(files: string[], ruleSet: RuleSet, o: DetectionOptions): Promise<DetectionResult> {
  const grouper = new DetectionGrouper(o.maxEvents);
  const groupFields = (rule: Rule) => (rule.groupBy.length ? rule.groupBy : o.groupBy);
  const incidents = new PatternCorrelator(o.maxEvents);
  const onHit = (c: CompiledRule, values: string[], event: EventSummary, pattern?: PatternFacts) =>
    pattern ? incidents.add(c, event, pattern) : grouper.add(c.rule, groupFields(c.rule), values, event);
  const onFile = (file: string) => o.onFile?.(file);
  const stats: ScanStats =
    o.threads > 1
      ? await scanParallel(files, ruleSet, { inputs: o.inputs, from: o.from, to: o.to, groupBy: o.groupBy, shownEvents: o.maxEvents }, { threads: o.threads, unitChunks: o.unitChunks, onHit, onDamage: o.onDamage, onFile }, o.pool)
      : scanFiles(files, ruleSet, { from: o.from, to: o.to, shownEvents: o.maxEvents, groupFields, onHit, onDamage: o.onDamage, onFile });
  return { detections: [...grouper.detections(), ...incidents.detections()].sort(detectionOrder), stats };
}
