// Running test cases through the scan pipeline itself: rules prepared by prepareRules (once per
// distinct rule set, however many cases share it), logs scanned and grouped by findDetections,
// exactly as `sigscan scan` does, then each case's expectations checked against the detections.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findDetections } from '../engine/find-detections.js';
import { prepareRules, type PreparedRules, type RuleInputs } from '../engine/prepare-rules.js';
import { formatDamage, type Damage } from '../evtx/index.js';
import { buildEventFiles } from './case-events.js';
import { checkCase } from './check-case.js';
import { RuleCatalogue } from './rule-lookup.js';
import { describeRef, type CaseFailure, type CaseResult, type TestCase } from './test-case.js';

export interface RunOptions {
  /** The run's rules (`-r`, else the bundled ones): for cases that name none. */
  rules: string[];
  mapping: string[];
  placeholders?: string;
  /** Also run disabled rules (`--include-disabled`). */
  includeDisabled?: boolean;
  version: string;
  /** Each distinct rule set once it is prepared (to report what did not load). */
  onRules?(label: string, prepared: PreparedRules): void;
  /** Each case once it has run, in order. */
  onCase?(result: CaseResult): void;
}

/** The run's own rules (not a test file's) give nothing to run: a usage error, not a failure. */
export class RulesNotLoadable extends Error {}

const label = (paths: string[]) => paths.map((p) => relative(process.cwd(), p) || '.').join(', ');

function noRuleReason(prepared: PreparedRules): string {
  const { loaded, selected, ruleSet } = prepared;
  const invalid = loaded.problems.filter((p) => p.kind === 'invalid');
  const disabled = loaded.rules.length - selected.length;
  const first = invalid[0] ? `; first problem: ${invalid[0].file}${invalid[0].line ? `:${invalid[0].line}` : ''}: ${invalid[0].reason}` : '';
  return `no rule to run (${loaded.files} rule files, ${loaded.rules.length} rules loaded, ${invalid.length} invalid, ${ruleSet.notRunnable.length} cannot run here${disabled ? `, ${disabled} disabled` : ''}${first})`;
}

/** A distinct rule set, prepared once: what cases check against, or why nothing runs. */
interface RuleSetEntry {
  inputs: RuleInputs;
  catalogue?: RuleCatalogue;
  failure?: string;
}

export async function runCases(cases: TestCase[], o: RunOptions): Promise<CaseResult[]> {
  const ruleSets = new Map<string, RuleSetEntry>();
  const catalogueFor = (paths: string[]) => {
    const key = JSON.stringify(paths);
    let entry = ruleSets.get(key);
    if (!entry) {
      const inputs: RuleInputs = { rules: paths, placeholders: o.placeholders, mapping: o.mapping, selection: { includeDisabled: o.includeDisabled }, version: o.version };
      const prepared = prepareRules(inputs);
      o.onRules?.(label(paths), prepared);
      entry = prepared.ruleSet.compiled.length ? { inputs, catalogue: new RuleCatalogue(prepared, label(paths)) } : { inputs, failure: noRuleReason(prepared) };
      ruleSets.set(key, entry);
    }
    return entry;
  };
  // The run's rules must load whatever the cases say.
  const fallback = catalogueFor(o.rules);
  if (fallback.failure) throw new RulesNotLoadable(`rules from ${label(o.rules)}: ${fallback.failure}`);

  const results: CaseResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'sigscan-test-'));
  try {
    for (const [i, c] of cases.entries()) {
      const caseScratch = join(scratch, `case-${i + 1}`);
      const result = await runCase(c, catalogueFor(c.rules.length ? c.rules : o.rules), caseScratch);
      rmSync(caseScratch, { recursive: true, force: true });
      results.push(result);
      o.onCase?.(result);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}

async function runCase(c: TestCase, rules: RuleSetEntry, scratch: string): Promise<CaseResult> {
  const fail = (failures: CaseFailure[]): CaseResult => ({ case: c, passed: false, failures, notes: [] });
  if (c.problems.length) return fail(c.problems);
  if (!rules.catalogue) return fail([{ kind: 'rules-not-loadable', message: `${describeRef(c.rulesAt ?? c.at)}: rules: ${rules.failure}` }]);
  const catalogue = rules.catalogue;

  const failures: CaseFailure[] = [];
  for (const e of c.evtx) {
    if (!existsSync(e.path)) failures.push({ kind: 'file-missing', message: `${describeRef(e.at)}: EVTX file not found: ${e.path}` });
  }
  const built = buildEventFiles(c.events, scratch);
  failures.push(...built.failures);
  if (failures.length) return fail(failures);

  const damage: Damage[] = [];
  const files = [...c.evtx.map((e) => e.path), ...built.files];
  const { detections, stats } = await findDetections(files, catalogue.prepared.ruleSet, {
    inputs: rules.inputs,
    groupBy: [],
    maxEvents: 0, // counts stay exact; tests read no events
    threads: 1, // a case's logs are small: workers (each preparing the rules) would cost more than they save
    onDamage: (d) => damage.push(d),
  });
  const damageText = damage.map(formatDamage);
  if (stats.readableFiles < stats.files) {
    return fail([{ kind: 'evtx-unreadable', message: `${stats.files - stats.readableFiles} of ${stats.files} EVTX files could not be read: ${damageText.join('; ')}` }]);
  }
  const checked = checkCase(c, detections, catalogue);
  const notes = [...checked.notes, ...damageText.map((d) => `damaged input: ${d}`)];
  return { case: c, passed: checked.failures.length === 0, failures: checked.failures, notes };
}
