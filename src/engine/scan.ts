// The scan loop: every record of every file is checked against the rules that can match its
// Channel and EventID; matches become hits. Damage is reported and the scan goes on.
import { readEvtxFile, type ChunkRange, type Damage } from '../evtx/index.js';
import type { CompiledRule, RuleSet } from '../compile/rule-set.js';
import type { Rule } from '../rules/ast.js';
import { EvtxDocument } from './evtx-document.js';
import { eventTime, summarize, type EventSummary } from './event-summary.js';

export interface ScanOptions {
  /** Only events at or after / before these times (ms since 1970), by their TimeCreated. */
  from?: number;
  to?: number;
  /** The fields whose values group a rule's hits (the rule's own group-by, or the scan's). */
  groupFields(rule: Rule): string[];
  onHit(rule: CompiledRule, groupValues: string[], event: EventSummary): void;
  onDamage(d: Damage): void;
  /** Called after each file (for progress). */
  onFile?(file: string, records: number): void;
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
  const hit = (c: CompiledRule, doc: EvtxDocument) => {
    const fields = opts.groupFields(c.rule);
    opts.onHit(c, fields.map((f) => doc.texts(f)[0] ?? ''), summarize(file, doc));
  };
  const summary = readEvtxFile(file, {
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
  return { records: summary.records, damaged, readable: summary.readable };
}
