// Scanning on several cores: files are cut into chunk ranges (chunks are independent). The main
// thread scans ranges too, between handing ranges to N-1 workers, and takes all results back in
// file and chunk order, so the output is the same as a one-thread scan, only sooner. Only hits
// cross; memory stays per range. Workers prepare their rules while the main thread already
// scans, so a small input is done before they are ready and costs nothing extra.
// Workers are child processes, not worker threads: measured on 2 cores with the 512 MB benchmark
// file, two processes scanning halves took 2.0–2.1 s, a worker thread beside the main one
// 2.4–2.7 s (the threads of one process slowed each other down; the processes did not).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fork, type ChildProcess } from 'node:child_process';
import { chunkCountOf, type ChunkRange, type Damage } from '../evtx/index.js';
import type { CompiledRule, RuleSet } from '../compile/rule-set.js';
import type { EventSummary } from './event-summary.js';
import type { RuleInputs } from './prepare-rules.js';
import { scanFile, type PatternFacts, type ScanStats } from './scan.js';

export interface WorkerSetup {
  inputs: RuleInputs;
  from?: number;
  to?: number;
  groupBy: string[];
  /** Events a detection shows per rule and group (see ScanOptions.shownEvents). */
  shownEvents?: number;
}

export interface WorkUnit {
  id: number;
  file: string;
  range: ChunkRange;
}

export interface WorkResult {
  id: number;
  hits: Array<{ rule: number; values: string[]; event: EventSummary; pattern?: PatternFacts }>;
  damage: Damage[];
  records: number;
  readable: boolean;
  rules: number;
}

export interface ParallelOptions {
  threads: number;
  /** Chunks per unit of work (64 KiB each). */
  unitChunks?: number;
  onHit(rule: CompiledRule, groupValues: string[], event: EventSummary, pattern?: PatternFacts): void;
  onDamage(d: Damage): void;
  onFile?(file: string): void;
}

/** Scans one range with rules prepared on this thread: what a worker (or the main thread) does. */
export function scanUnit(unit: WorkUnit, ruleSet: RuleSet, setup: WorkerSetup): WorkResult {
  const hits: WorkResult['hits'] = [];
  const damage: Damage[] = [];
  const s = scanFile(unit.file, unit.range, ruleSet, {
    from: setup.from,
    to: setup.to,
    shownEvents: setup.shownEvents,
    groupFields: (r) => (r.groupBy.length ? r.groupBy : setup.groupBy),
    onHit: (c, values, event, pattern) => hits.push(pattern ? { rule: c.index, values, event, pattern } : { rule: c.index, values, event }),
    onDamage: (d) => damage.push(d),
  });
  return { id: unit.id, hits, damage, records: s.records, readable: s.readable, rules: ruleSet.compiled.length };
}

/** Chunks per unit of work: 4 MiB, enough to keep a thread busy, small enough to share out. */
export const DEFAULT_UNIT_CHUNKS = 64;

/**
 * A worker process first starts, reads the prepared rules and warms up before it scans at full
 * speed, and the second core of a two-core machine adds less than a core (V8's own threads use
 * it too). Measured here (2 cores) on the 512 MB benchmark file, interleaved, medians of 5, once
 * start-up read only the prepared header: one scanner 5.4 s, two 4.96 s (four of four such runs
 * favoured two, by 4-10%); on the 277 small attack samples two took 2.3 s against 1.7 s. So with
 * two cores workers start from 512 MiB of input; with more cores, from 128 MiB (not measured
 * here: the size below which, on these two cores, even a slower one-thread scan beat a worker).
 */
const MIN_CHUNKS_FOR_WORKERS = 2048;
const MIN_CHUNKS_FOR_WORKERS_ON_TWO_CORES = 8192;

/**
 * Workers worth starting for these units with `threads` threads in all (the main one included).
 * `anySize`: also for small inputs (tests that choose their own unit size use it).
 */
export function workersFor(units: WorkUnit[], threads: number, anySize = false): number {
  let chunks = 0;
  for (const u of units) chunks += u.range.count;
  const enough = chunks >= (threads <= 2 ? MIN_CHUNKS_FOR_WORKERS_ON_TWO_CORES : MIN_CHUNKS_FOR_WORKERS);
  return !enough && !anySize ? 0 : Math.max(0, Math.min(threads, units.length) - 1);
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

type WorkerMessage = WorkResult | { ready: true; rules: number } | Error;

/** One scan worker; what it says before anyone listens is kept until someone does. */
class PooledWorker {
  private readonly child: ChildProcess;
  private readonly early: WorkerMessage[] = [];
  private listener: ((m: WorkerMessage) => void) | null = null;
  private closed = false;

  constructor(script: string, setup: WorkerSetup) {
    // Structured clone over the channel (as between threads); the parent's V8 flags (see
    // cli/v8-flags.ts) hold in the child too; its stderr is the scan's.
    this.child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [...process.execArgv, '--no-allocation-site-pretenuring'] });
    this.child.on('message', (m: WorkerMessage | { error: string }) => this.deliver('error' in m ? new Error(m.error) : m));
    this.child.on('error', (e) => this.deliver(e));
    this.child.on('exit', (code, signal) => {
      if (!this.closed) this.deliver(new Error(`scan worker stopped (${signal ?? `exit ${code}`})`));
    });
    this.child.send(setup);
  }

  private deliver(m: WorkerMessage): void {
    if (this.listener) this.listener(m);
    else this.early.push(m);
  }

  listen(fn: (m: WorkerMessage) => void): void {
    this.listener = fn;
    for (const m of this.early.splice(0)) fn(m);
  }

  send(unit: WorkUnit): void {
    this.child.send(unit);
  }

  close(): void {
    this.closed = true;
    this.child.kill();
  }
}

/**
 * Scan workers, started before the main thread prepares its rules so that all threads prepare
 * theirs at the same time. Run from TypeScript sources (tests) there is no compiled worker: the
 * pool is empty and the main thread does all the work.
 */
export class ScanWorkerPool {
  readonly workers: PooledWorker[] = [];

  constructor(setup: WorkerSetup, count: number) {
    const script = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
    if (!existsSync(script)) return;
    for (let i = 0; i < count; i++) this.workers.push(new PooledWorker(script, setup));
  }

  close(): void {
    for (const w of this.workers) w.close();
  }
}

/** `given`: workers started ahead (see ScanWorkerPool); they are closed when the scan ends. */
export async function scanParallel(files: string[], ruleSet: RuleSet, setup: WorkerSetup, opts: ParallelOptions, given?: ScanWorkerPool): Promise<ScanStats> {
  const units = planUnits(files, opts.unitChunks ?? DEFAULT_UNIT_CHUNKS);
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
      for (const h of r.hits) opts.onHit(ruleSet.compiled[h.rule], h.values, h.event, h.pattern);
      stats.records += r.records;
      if (unit.range.first === 0) {
        if (r.readable) stats.readableFiles++;
        opts.onFile?.(unit.file);
      }
    }
  };

  const pool = given ?? new ScanWorkerPool(setup, workersFor(units, opts.threads, opts.unitChunks !== undefined));
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let busy = 0;
    const finish = (e?: Error) => {
      if (settled) return;
      if (!e && (nextToSend < units.length || busy > 0)) return;
      settled = true;
      pool.close();
      if (e) reject(e);
      else resolve();
    };
    for (const w of pool.workers) {
      // Two ranges in flight, so a worker has the next one at hand while the main thread is
      // busy with a range of its own and cannot answer.
      let inFlight = 0;
      const fill = () => {
        while (!settled && inFlight < 2 && nextToSend < units.length) {
          inFlight++;
          busy++;
          w.send(units[nextToSend++]);
        }
        finish();
      };
      w.listen((m) => {
        if (m instanceof Error) return finish(m);
        if (m.rules !== ruleSet.compiled.length) return finish(new Error(`a worker prepared ${m.rules} rules, the main thread ${ruleSet.compiled.length}`));
        if (!('ready' in m)) {
          inFlight--;
          busy--;
          results.set(m.id, m);
          takeInOrder();
        }
        fill();
      });
    }
    // The main thread's share: one range at a time, yielding between ranges so worker results
    // are taken in and workers get new ranges.
    const mainStep = () => {
      if (settled) return;
      if (nextToSend >= units.length) return finish();
      const unit = units[nextToSend++];
      busy++;
      try {
        results.set(unit.id, scanUnit(unit, ruleSet, setup));
      } catch (e) {
        return finish(e as Error);
      }
      busy--;
      takeInOrder();
      setImmediate(mainStep);
    };
    setImmediate(mainStep);
  });
  takeInOrder();
  return stats;
}
