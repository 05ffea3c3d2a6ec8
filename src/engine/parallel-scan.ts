// Scanning with worker threads: files are cut into chunk ranges (chunks are independent), each
// worker scans the ranges it is given, and the main thread takes the results back in file and
// chunk order, so the output is the same as a one-thread scan, only sooner. Only hits cross
// threads; memory stays per range.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { chunkCountOf, type ChunkRange, type Damage } from '../evtx/index.js';
import type { CompiledRule, RuleSet } from '../compile/rule-set.js';
import type { EventSummary } from './event-summary.js';
import type { RuleInputs } from './prepare-rules.js';
import type { ScanStats } from './scan.js';

export interface WorkerSetup {
  inputs: RuleInputs;
  from?: number;
  to?: number;
  groupBy: string[];
}

export interface WorkUnit {
  id: number;
  file: string;
  range: ChunkRange;
}

export interface WorkResult {
  id: number;
  hits: Array<{ rule: number; values: string[]; event: EventSummary }>;
  damage: Damage[];
  records: number;
  readable: boolean;
  rules: number;
}

export interface ParallelOptions {
  threads: number;
  /** Chunks per unit of work (64 KiB each). */
  unitChunks?: number;
  onHit(rule: CompiledRule, groupValues: string[], event: EventSummary): void;
  onDamage(d: Damage): void;
  onFile?(file: string): void;
}

export function defaultThreads(): number {
  return availableParallelism();
}

/** Files → ranges of chunks, in order; a file that cannot be measured is one unit. */
export function planUnits(files: string[], unitChunks: number): WorkUnit[] {
  const units: WorkUnit[] = [];
  for (const file of files) {
    const n = chunkCountOf(file);
    if (n <= unitChunks) units.push({ id: units.length, file, range: { first: 0, count: Math.max(n, 1) } });
    else for (let first = 0; first < n; first += unitChunks) units.push({ id: units.length, file, range: { first, count: Math.min(unitChunks, n - first) } });
  }
  return units;
}

export async function scanParallel(files: string[], ruleSet: RuleSet, setup: WorkerSetup, opts: ParallelOptions): Promise<ScanStats> {
  const units = planUnits(files, opts.unitChunks ?? 64);
  const stats: ScanStats = { files: files.length, readableFiles: 0, records: 0, damaged: 0 };
  const results = new Map<number, WorkResult>();
  let nextToSend = 0;
  let nextToTake = 0;

  // Results are taken strictly in unit order, whatever order the workers finish in.
  const takeInOrder = () => {
    for (let r = results.get(nextToTake); r; r = results.get(nextToTake)) {
      results.delete(nextToTake);
      const unit = units[nextToTake++];
      for (const d of r.damage) {
        stats.damaged++;
        opts.onDamage(d);
      }
      for (const h of r.hits) opts.onHit(ruleSet.compiled[h.rule], h.values, h.event);
      stats.records += r.records;
      if (unit.range.first === 0) {
        if (r.readable) stats.readableFiles++;
        opts.onFile?.(unit.file);
      }
    }
  };

  const workerUrl = new URL('./scan-worker.js', import.meta.url);
  const count = Math.max(1, Math.min(opts.threads, units.length));
  await new Promise<void>((resolve, reject) => {
    let running = count;
    let failed = false;
    const workers: Worker[] = [];
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerUrl, { workerData: setup });
      workers.push(w);
      const sendNext = () => {
        if (nextToSend < units.length) w.postMessage(units[nextToSend++]);
        else {
          void w.terminate();
          if (--running === 0 && !failed) resolve();
        }
      };
      w.on('message', (m: WorkResult | { ready: true; rules: number }) => {
        if (m.rules !== ruleSet.compiled.length) return fail(new Error(`a worker prepared ${m.rules} rules, the main thread ${ruleSet.compiled.length}`));
        if (!('ready' in m)) {
          results.set(m.id, m);
          takeInOrder();
        }
        sendNext();
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && !failed && nextToSend < units.length) fail(new Error(`scan worker stopped (exit ${code})`));
      });
    }
  });
  takeInOrder();
  return stats;
}
