// What `sigscan test` prints: one line per case (PASS, or FAIL with exactly what differed) and a
// summary line for people; one JSON document for CI. Messages can carry log and rule text, so
// every text line is made terminal-safe.
import type { ChalkInstance } from 'chalk';
import { sanitizeForTerminal } from '../report/terminal-safe.js';
import type { CaseResult } from './test-case.js';

export interface TestSummary {
  cases: number;
  passed: number;
  failed: number;
}

export function summarize(results: CaseResult[]): TestSummary {
  const passed = results.filter((r) => r.passed).length;
  return { cases: results.length, passed, failed: results.length - passed };
}

export function caseLine(r: CaseResult, color: ChalkInstance): string {
  const c = r.case;
  const where = `${c.at.file}${c.at.line ? `:${c.at.line}` : ''}`;
  const details = r.passed ? r.notes.map((n) => `note: ${n}`) : r.failures.map((f) => f.message);
  // A test file that could not be read is all problems, each starting with its file:line:col.
  const head = c.name ? `${where} ${c.name}${details.length ? ': ' : ''}` : '';
  const text = sanitizeForTerminal(head + details.join('; '));
  return `${r.passed ? color.green('PASS') : color.red('FAIL')}  ${text}`;
}

export function summaryLine(s: TestSummary, seconds: number, color: ChalkInstance): string {
  const failed = `${s.failed} failed`;
  return `sigscan test: ${s.cases} case${s.cases === 1 ? '' : 's'}, ${s.passed} passed, ${s.failed ? color.red(failed) : failed} (${seconds.toFixed(1)}s)`;
}

export function reportJson(results: CaseResult[]): string {
  const cases = results.map((r) => ({
    name: r.case.name,
    file: r.case.at.file,
    ...(r.case.at.line ? { line: r.case.at.line } : {}),
    format: r.case.format,
    status: r.passed ? 'pass' : 'fail',
    failures: r.failures,
    notes: r.notes,
  }));
  return JSON.stringify({ summary: summarize(results), cases }, null, 2) + '\n';
}
