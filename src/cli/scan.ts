// `sigscan [scan]`: find files, load and select rules, scan (on every core unless told otherwise),
// group, report; exit code by level.
import { findDetections } from '../engine/find-detections.js';
import { prepareScanRules, type RuleInputs } from '../engine/prepare-rules.js';
import { DEFAULT_UNIT_CHUNKS, defaultThreads, planUnits, ScanWorkerPool, workersFor } from '../engine/parallel-scan.js';
import { formatDamage, type Damage } from '../evtx/index.js';
import { findFiles } from '../input/find-files.js';
import { LEVELS, type Level, type RuleProblem } from '../rules/ast.js';
import { PlaceholderError } from '../rules/placeholders.js';
import { atLeast } from '../rules/select-rules.js';
import { detectionJson } from '../report/detection-json.js';
import { Output } from '../report/output.js';
import { sanitizeForTerminal } from '../report/terminal-safe.js';
import { bundledRulesDir } from './paths.js';
import { VERSION } from './version.js';

export interface ScanCliOptions {
  rules?: string[];
  format: 'table' | 'json' | 'jsonl';
  output?: string;
  minLevel?: Level;
  status?: string[];
  tags?: string[];
  rule?: string[];
  includeDisabled?: boolean;
  from?: string;
  to?: string;
  include?: string[];
  exclude?: string[];
  groupBy?: string;
  mapping?: string[];
  placeholders?: string;
  failOn?: Level;
  strict?: boolean;
  maxEvents: number;
  /** Scanning threads (the main one included); default: the number of cores. */
  threads?: number;
  /** Chunks per unit of work for worker threads (tests use small units). */
  unitChunks?: number;
  color: boolean;
  quiet?: boolean;
  progress: boolean;
}

export class UsageError extends Error {}

/** ISO 8601 time; UTC unless the text carries an offset. */
export function parseTime(text: string, what: string): number {
  const t = text.trim();
  const withZone = /[zZ]$|[+-]\d\d:?\d\d$/.test(t) || /^\d{4}-\d\d-\d\d$/.test(t) ? t : t + 'Z';
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new UsageError(`${what}: "${text}" is not an ISO 8601 time (e.g. 2024-05-01T12:00:00Z)`);
  return ms;
}

export function describeProblem(p: RuleProblem): string {
  const where = `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`;
  return sanitizeForTerminal(`${where}: ${p.rule ? `${p.rule}: ` : ''}${p.reason}`);
}

export async function runScan(paths: string[], o: ScanCliOptions, stderr: (s: string) => void): Promise<number> {
  const started = Date.now();
  const from = o.from !== undefined ? parseTime(o.from, '--from') : undefined;
  const to = o.to !== undefined ? parseTime(o.to, '--to') : undefined;
  const inputs: RuleInputs = {
    rules: o.rules?.length ? o.rules : [bundledRulesDir()],
    placeholders: o.placeholders,
    mapping: o.mapping ?? [],
    selection: { minLevel: o.minLevel, status: o.status, tags: o.tags, rule: o.rule, includeDisabled: o.includeDisabled },
    version: VERSION,
  };
  const fallbackGroup = o.groupBy ? o.groupBy.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const threads = o.threads ?? defaultThreads();
  const found = findFiles(paths, o);
  // Worker threads start now and prepare their rules while this thread prepares its own.
  // An explicit -j N (or unit size) is followed whatever the input's size.
  const workers = threads > 1 ? workersFor(planUnits(found.files, o.unitChunks ?? DEFAULT_UNIT_CHUNKS), threads, o.unitChunks !== undefined || o.threads !== undefined) : 0;
  const pool = workers > 0 ? new ScanWorkerPool({ inputs, from, to, groupBy: fallbackGroup, shownEvents: o.maxEvents }, workers) : undefined;
  let prepared;
  try {
    prepared = prepareScanRules(inputs);
  } catch (e) {
    pool?.close();
    if (e instanceof PlaceholderError) throw new UsageError(e.message);
    throw e;
  }
  const { counts, ruleSet } = prepared;
  const invalid = counts.problems.filter((p) => p.kind === 'invalid');
  const unsupported = ruleSet.notRunnable.filter((n) => n.kind !== 'not-applicable');
  const notApplicable = ruleSet.notRunnable.filter((n) => n.kind === 'not-applicable');
  if (!o.quiet) {
    for (const p of invalid) stderr(`sigscan: rule not loaded: ${describeProblem(p)}`);
    for (const n of unsupported) stderr(`sigscan: rule not run: ${sanitizeForTerminal(`${n.rule.path}:${n.rule.line}: ${n.rule.title}: ${n.reason}`)}`);
  }
  if (ruleSet.compiled.length === 0) {
    pool?.close();
    const disabled = o.includeDisabled ? 0 : counts.disabled;
    stderr(`sigscan: no rule to run (${counts.loaded} loaded, ${counts.selected} selected, ${invalid.length} invalid${disabled ? `, ${disabled} disabled: --include-disabled runs them` : ''})`);
    return 2;
  }

  for (const m of found.missing) stderr(`sigscan: ${sanitizeForTerminal(m.path)}: ${m.reason}`);
  if (found.files.length === 0) {
    pool?.close();
    stderr('sigscan: no EVTX files found in the given paths');
    return 2;
  }

  const progress = o.progress && !o.quiet && process.stderr.isTTY;
  let done = 0;
  const onFile = () => {
    done++;
    if (progress) process.stderr.write(`\r${done}/${found.files.length} files`);
  };
  const onDamage = (d: Damage) => {
    if (!o.quiet) stderr(`sigscan: warning: ${sanitizeForTerminal(formatDamage(d))}`);
  };
  const { detections, stats } = await findDetections(found.files, ruleSet, { inputs, from, to, groupBy: fallbackGroup, maxEvents: o.maxEvents, threads, unitChunks: o.unitChunks, pool, onDamage, onFile });
  if (progress) process.stderr.write('\r\x1b[K');
  const damaged = stats.damaged;

  const out = new Output(o.output);
  switch (o.format) {
    case 'jsonl':
      for (const d of detections) out.write(JSON.stringify(detectionJson(d)) + '\n');
      break;
    case 'json': {
      const summary = { files: stats.files, records: stats.records, rules: ruleSet.compiled.length, detections: detections.length, damaged };
      out.write(JSON.stringify({ summary, detections: detections.map(detectionJson) }, null, 2) + '\n');
      break;
    }
    case 'table': {
      // Loaded for the table only: machine formats need no colours.
      const [{ renderTable }, { default: chalk, Chalk }] = await Promise.all([import('../report/table.js'), import('chalk')]);
      out.write(renderTable(detections, o.color && !o.output && process.stdout.isTTY ? chalk : new Chalk({ level: 0 })));
      break;
    }
  }
  out.close();

  if (!o.quiet) {
    const byLevel = LEVELS.slice().reverse().map((l) => [l, detections.filter((d) => d.rule.level === l).length] as const).filter(([, n]) => n > 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    stderr(
      `sigscan: ${stats.readableFiles}/${stats.files} files, ${stats.records} records in ${seconds}s; ` +
        `${detections.length} detection${detections.length === 1 ? '' : 's'}${byLevel.length ? ` (${byLevel.map(([l, n]) => `${l} ${n}`).join(', ')})` : ''}; ` +
        `rules: ${ruleSet.compiled.length} run, ${invalid.length} invalid, ${unsupported.length} unsupported, ${notApplicable.length} for other log sources` +
        (damaged ? `; ${damaged} damage report${damaged === 1 ? '' : 's'}` : ''),
    );
  }
  if (o.strict && (damaged > 0 || invalid.length > 0 || unsupported.length > 0 || stats.readableFiles < stats.files)) return 2;
  if (stats.readableFiles === 0) return 2;
  if (o.failOn && detections.some((d) => atLeast(d.rule.level, o.failOn!))) return 1;
  return 0;
}
