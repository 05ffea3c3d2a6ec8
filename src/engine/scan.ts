// The scan loop: every record of every file is checked against the rules that can match its
// Channel and EventID; matches become hits. Damage is reported and the scan goes on. A hit of a
// FortiSIEM pattern rule also carries what its windows and incidents need (PatternFacts).
import { readEvtxFile, type ChunkRange, type Damage } from '../evtx/index.js';
import type { CompiledPattern, CompiledRule, RuleSet } from '../compile/rule-set.js';
import { attributeField, type Rule } from '../rules/ast.js';
import { EvtxDocument } from './evtx-document.js';
import { eventTime, summarize, type EventSummary } from './event-summary.js';

export interface ScanOptions {
  /** Only events at or after / before these times (ms since 1970), by their TimeCreated. */
  from?: number;
  to?: number;
  /**
   * Events a detection shows per rule and group-by tuple (the first ones). A later hit of the
   * same rule and tuple in this file or range cannot be shown, so it carries no data fields.
   * Undefined: every hit carries them.
   */
  shownEvents?: number;
  /** The fields whose values group a rule's hits (the rule's own group-by, or the scan's). */
  groupFields(rule: Rule): string[];
  /** `pattern` for rules with a FortiSIEM pattern (their `groupValues` are then empty). */
  onHit(rule: CompiledRule, groupValues: string[], event: EventSummary, pattern?: PatternFacts): void;
  onDamage(d: Damage): void;
  /** Called after each file (for progress). */
  onFile?(file: string, records: number): void;
}

/** What a pattern rule's hit carries besides the event (plain data: it crosses threads). */
export interface PatternFacts {
  /** Indexes of the subpatterns whose filter the event satisfies. */
  subpatterns: number[];
  /** First text of each of `CompiledPattern.attributes`, in that order; null when absent or empty. */
  attributes: Array<string | null>;
}

export interface ScanStats {
  files: number;
  readableFiles: number;
  records: number;
  damaged: number;
}

export function scanFiles(files: string[], rules: RuleSet, opts: ScanOptions): ScanStats {
  const stats: ScanStats = { files: files.length, readableFiles: 0, records: 0, damaged: 0 };
  for (const file of files) {
    const s = scanFile(file, undefined, rules, opts);
    stats.records += s.records;
    stats.damaged += s.damaged;
    if (s.readable) stats.readableFiles++;
    opts.onFile?.(file, s.records);
  }
  return stats;
}

/** One file, or a range of its chunks (see readEvtxFile). */
export function scanFile(file: string, range: ChunkRange | undefined, rules: RuleSet, opts: ScanOptions): { records: number; damaged: number; readable: boolean } {
  const timed = opts.from !== undefined || opts.to !== undefined;
  let damaged = 0;
  // A record that several rules match is summarised once: the summary of the last hit is kept.
  let shownDoc: EvtxDocument | null = null;
  let shown: EventSummary | null = null;
  const summary = (doc: EvtxDocument): EventSummary => {
    if (shownDoc !== doc) [shownDoc, shown] = [doc, summarize(file, doc)];
    return shown!;
  };
  // Hits so far per rule and group-by tuple, while they may still be shown.
  const hitsPerGroup = new Map<string, number>();
  const limit = opts.shownEvents;
  const hit = (c: CompiledRule, doc: EvtxDocument) => {
    if (c.pattern) return opts.onHit(c, [], summary(doc), patternFacts(c.pattern, doc));
    const fields = opts.groupFields(c.rule);
    const values = fields.map((f) => doc.texts(f)[0] ?? '');
    if (limit === undefined) return opts.onHit(c, values, summary(doc));
    const key = c.index + '\u0000' + values.join('\u0000');
    const before = hitsPerGroup.get(key) ?? 0;
    if (before >= limit) return opts.onHit(c, values, shownDoc === doc ? shown! : summarize(file, doc, false));
    hitsPerGroup.set(key, before + 1);
    opts.onHit(c, values, summary(doc));
  };
  const read = readEvtxFile(file, {
    damage: (d) => {
      damaged++;
      opts.onDamage(d);
    },
    record: (r) => {
      const doc = new EvtxDocument(r);
      if (timed) {
        const t = eventTime(doc);
        if ((opts.from !== undefined && t < opts.from) || (opts.to !== undefined && t > opts.to)) return;
      }
      const candidates = rules.index.candidates(doc.texts('Channel')[0] ?? '', doc.texts('EventID')[0] ?? '');
      if (candidates.length === 0) return;
      if (rules.prefilter) rules.prefilter.forEach(candidates, doc, (c) => c.match(doc) && hit(c, doc));
      else for (let i = 0; i < candidates.length; i++) if (candidates[i].match(doc)) hit(candidates[i], doc);
    },
  }, range);
  return { records: read.records, damaged, readable: read.readable };
}

function patternFacts(p: CompiledPattern, doc: EvtxDocument): PatternFacts {
  const subpatterns: number[] = [];
  if (p.subpatterns.length === 1) subpatterns.push(0); // the rule's own matcher already passed
  else for (let i = 0; i < p.subpatterns.length; i++) if (p.subpatterns[i](doc)) subpatterns.push(i);
  return { subpatterns, attributes: p.attributes.map((a) => doc.texts(attributeField(a))[0] || null) };
}
