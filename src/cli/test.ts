// `sigscan test`: find the test files (SigmaHQ info.yml, our *.test.yml), run their cases through
// the scan pipeline, print one line per case and a summary (or JSON); exit 0 all passed, 1 any
// failed, 2 usage error, no test found, or the run's rules give nothing to run.
import chalk, { Chalk } from 'chalk';
import type { PreparedRules } from '../engine/prepare-rules.js';
import { LogsourceMapError } from '../mappings/logsource-map.js';
import { PlaceholderError } from '../rules/placeholders.js';
import { Output } from '../report/output.js';
import { sanitizeForTerminal } from '../report/terminal-safe.js';
import { findTests } from '../testing/find-tests.js';
import { loadCases } from '../testing/load-cases.js';
import { RulesNotLoadable, runCases } from '../testing/run-cases.js';
import type { CaseResult } from '../testing/test-case.js';
import { caseLine, reportJson, summarize, summaryLine } from '../testing/test-report.js';
import { bundledRulesDir } from './paths.js';
import { VERSION } from './version.js';

export interface TestCliOptions {
  rules?: string[];
  mapping?: string[];
  placeholders?: string;
  includeDisabled?: boolean;
  format: 'text' | 'json';
  output?: string;
  color: boolean;
  quiet?: boolean;
}

function rulesLine(label: string, p: PreparedRules): string {
  const invalid = p.loaded.problems.filter((x) => x.kind === 'invalid').length;
  const unsupported = p.ruleSet.notRunnable.filter((n) => n.kind !== 'not-applicable').length;
  const other = p.ruleSet.notRunnable.length - unsupported;
  return sanitizeForTerminal(`sigscan: rules from ${label}: ${p.ruleSet.compiled.length} run, ${invalid} invalid, ${unsupported} unsupported, ${other} for other log sources`);
}

export async function runTest(paths: string[], o: TestCliOptions, stderr: (s: string) => void): Promise<number> {
  const started = Date.now();
  const found = findTests(paths);
  for (const m of found.missing) stderr(`sigscan: ${sanitizeForTerminal(m.path)}: ${m.reason}`);
  if (found.missing.length) return 2;
  if (found.files.length === 0) {
    stderr('sigscan: no test files (info.yml or *.test.yml) found in the given paths');
    return 2;
  }
  const cases = loadCases(found.files);

  let out: Output;
  try {
    out = new Output(o.output);
  } catch (e) {
    stderr(`sigscan: cannot write ${sanitizeForTerminal(o.output ?? '')}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const color = o.color && !o.output && process.stdout.isTTY ? chalk : new Chalk({ level: 0 });
  const onCase = (r: CaseResult) => {
    if (o.format !== 'text' || (o.quiet && r.passed)) return;
    out.write(caseLine(r, color) + '\n');
    out.flush();
  };
  let results: CaseResult[];
  try {
    results = await runCases(cases, {
      rules: o.rules?.length ? o.rules : [bundledRulesDir()],
      mapping: o.mapping ?? [],
      placeholders: o.placeholders,
      includeDisabled: o.includeDisabled,
      version: VERSION,
      onRules: (label, prepared) => !o.quiet && stderr(rulesLine(label, prepared)),
      onCase,
    });
  } catch (e) {
    if (e instanceof RulesNotLoadable || e instanceof PlaceholderError || e instanceof LogsourceMapError) {
      out.close();
      stderr(`sigscan: ${sanitizeForTerminal(e.message)}`);
      return 2;
    }
    throw e;
  }
  const summary = summarize(results);
  if (o.format === 'json') out.write(reportJson(results));
  else out.write(summaryLine(summary, (Date.now() - started) / 1000, color) + '\n');
  out.close();
  return summary.failed ? 1 : 0;
}
