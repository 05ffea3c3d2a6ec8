// `sigscan rules check`: load rules the way a scan would and say, for each, whether it runs,
// runs only on other log sources, is partly unsupported (what, where) or invalid (file, line, why).
import { prepareRules } from '../engine/prepare-rules.js';
import { Output } from '../report/output.js';
import { sanitizeForTerminal } from '../report/terminal-safe.js';
import { VERSION } from './version.js';

export interface RulesCheckOptions {
  format: 'text' | 'json';
  mapping?: string[];
  placeholders?: string;
  output?: string;
}

interface Entry {
  status: 'ok' | 'other-logsource' | 'needs-input' | 'unsupported' | 'invalid';
  /** A disabled rule (FortiSIEM `status: disabled`, `<active>false</active>`): a scan leaves it out unless asked. */
  disabled?: true;
  file: string;
  line?: number;
  column?: number;
  id?: string;
  title?: string;
  reason?: string;
}

export function runRulesCheck(paths: string[], o: RulesCheckOptions, stderr: (s: string) => void): number {
  // The same preparation a scan makes, with every rule selected (disabled ones too).
  const { loaded, ruleSet: set } = prepareRules({ rules: paths, placeholders: o.placeholders, mapping: o.mapping ?? [], selection: { includeDisabled: true }, version: VERSION });
  const entries: Entry[] = [];
  for (const c of set.compiled) {
    const disabled = c.rule.disabled ? { disabled: true as const, reason: 'disabled: a scan runs it only with --include-disabled' } : {};
    entries.push({ status: 'ok', file: c.rule.path, line: c.rule.line, id: c.rule.id, title: c.rule.title, ...disabled });
  }
  for (const n of set.notRunnable) {
    const status = n.kind === 'not-applicable' ? 'other-logsource' : n.kind;
    entries.push({ status, file: n.rule.path, line: n.rule.line, id: n.rule.id, title: n.rule.title, reason: n.reason });
  }
  // A named rule with several mistakes is one invalid rule: its reasons are listed together.
  const invalidByRule = new Map<string, Entry>();
  for (const p of loaded.problems) {
    if (p.kind !== 'invalid') continue;
    const known = p.rule ? invalidByRule.get(`${p.file}\0${p.rule}`) : undefined;
    if (known) {
      known.reason += `; line ${p.line ?? '?'}${p.column ? `:${p.column}` : ''}: ${p.reason}`;
      continue;
    }
    const entry: Entry = { status: 'invalid', file: p.file, ...(p.line ? { line: p.line } : {}), ...(p.column ? { column: p.column } : {}), ...(p.rule ? { title: p.rule } : {}), reason: p.reason };
    if (p.rule) invalidByRule.set(`${p.file}\0${p.rule}`, entry);
    entries.push(entry);
  }
  // Unsupported documents that never became rules (correlations, FortiSIEM files for now).
  const ruleKeys = new Set(loaded.rules.map((r) => `${r.path}:${r.line}`));
  for (const p of loaded.problems) {
    if (p.kind !== 'invalid' && !ruleKeys.has(`${p.file}:${p.line}`) && !loaded.rules.some((r) => r.unsupported.includes(p))) {
      entries.push({ status: p.kind, file: p.file, ...(p.line ? { line: p.line } : {}), ...(p.rule ? { title: p.rule } : {}), reason: p.reason });
    }
  }
  entries.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));

  const count = (s: Entry['status']) => entries.filter((e) => e.status === s).length;
  const summary = {
    files: loaded.files,
    rules: entries.length,
    ok: count('ok'),
    otherLogsource: count('other-logsource'),
    needsInput: count('needs-input'),
    unsupported: count('unsupported'),
    invalid: count('invalid'),
    skipped: loaded.skipped ?? 0,
  };
  const out = new Output(o.output);
  if (o.format === 'json') {
    out.write(JSON.stringify({ summary, rules: entries }, null, 2) + '\n');
  } else {
    for (const e of entries) {
      const where = `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}`;
      const label = { ok: 'ok', 'other-logsource': 'other-log', 'needs-input': 'needs-input', unsupported: 'unsupported', invalid: 'invalid' }[e.status];
      out.write(sanitizeForTerminal(`${label.padEnd(11)} ${where}  ${e.title ?? ''}${e.reason ? `: ${e.reason}` : ''}`) + '\n');
    }
    const loadedCount = summary.rules - summary.invalid - summary.unsupported;
    out.write(
      `summary: ${summary.rules} rule${summary.rules === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'}: ${summary.ok} run on EVTX, ${summary.otherLogsource} for other log sources, ` +
        `${summary.needsInput} need placeholder values, ${summary.unsupported} partly unsupported, ${summary.invalid} invalid ` +
        `(${((100 * loadedCount) / Math.max(1, summary.rules)).toFixed(2)}% load fully)` +
        (loaded.skipped ? `; ${loaded.skipped} YAML document${loaded.skipped === 1 ? '' : 's'} with no rule keys skipped` : '') +
        '\n',
    );
  }
  out.close();
  if (loaded.files === 0) {
    stderr('sigscan: no rule files found in the given paths');
    return 2;
  }
  return summary.invalid + summary.unsupported > 0 ? 1 : 0;
}
