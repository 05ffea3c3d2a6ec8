// The scan loop: every record of every file is checked against the rules that can match its
// Channel and EventID; matches become hits. Damage is reported and the scan goes on.
import { readEvtxFile, type Damage } from '../evtx/index.js';
import type { CompiledRule, RuleSet } from '../compile/rule-set.js';
import { EvtxDocument } from './evtx-document.js';

export interface ScanOptions {
  /** Only events at or after / before these times (ms since 1970), by their TimeCreated. */
  from?: number;
  to?: number;
  onHit(rule: CompiledRule, doc: EvtxDocument, file: string): void;
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

function eventTime(doc: EvtxDocument): number {
  const t = doc.texts('TimeCreated_SystemTime')[0];
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? doc.record.timeMillis : ms;
}

export function scanFiles(files: string[], rules: RuleSet, opts: ScanOptions): ScanStats {
  const stats: ScanStats = { files: files.length, readableFiles: 0, records: 0, damaged: 0 };
  const timed = opts.from !== undefined || opts.to !== undefined;
  for (const file of files) {
    const summary = readEvtxFile(file, {
      damage: (d) => {
        stats.damaged++;
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
        if (candidates.length > 8) doc.loadAllFields();
        if (rules.prefilter) rules.prefilter.forEach(candidates, doc, (c) => c.match(doc) && opts.onHit(c, doc, file));
        else for (let i = 0; i < candidates.length; i++) if (candidates[i].match(doc)) opts.onHit(candidates[i], doc, file);
      },
    });
    stats.records += summary.records;
    if (summary.readable) stats.readableFiles++;
    opts.onFile?.(file, summary.records);
  }
  return stats;
}
