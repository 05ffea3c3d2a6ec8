// What a FortiSIEM rule page says besides its pattern, in sigscan's terms: the level a severity
// means (design.md §2) and ATT&CK tags from tactics and techniques, so `--min-level` and
// `--tags` select FortiSIEM rules as they select Sigma rules.
import type { Level } from '../ast.js';

/** Severity 1–3 low, 4–6 medium, 7–8 high, 9–10 critical. */
export function levelOfSeverity(severity: number): Level {
  if (severity >= 9) return 'critical';
  if (severity >= 7) return 'high';
  if (severity >= 4) return 'medium';
  return 'low';
}

/** `Lateral Movement` → `attack.lateral-movement`; `T1021.002` → `attack.t1021.002`. */
export function attackTags(tactics: readonly string[], techniques: readonly string[]): string[] {
  const tags = [...tactics.map((t) => `attack.${t.trim().toLowerCase().replace(/[\s_]+/g, '-')}`), ...techniques.map((t) => `attack.${t.trim().toLowerCase()}`)];
  return [...new Set(tags)];
}

/** A comma-separated list as its trimmed, non-empty items. */
export function commaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
