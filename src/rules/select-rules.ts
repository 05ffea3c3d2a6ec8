// Choosing rules by level, status, tag and id/title (the scan's selection options). Disabled
// rules (FortiSIEM `status: disabled`, `<active>false</active>`) are left out unless asked for.
import micromatch from 'micromatch';
import { LEVELS, type Level, type Rule } from './ast.js';

export interface RuleSelection {
  minLevel?: Level;
  status?: string[];
  tags?: string[];
  rule?: string[];
  /** Also disabled rules (`--include-disabled`). */
  includeDisabled?: boolean;
}

export const atLeast = (level: Level, min: Level): boolean => LEVELS.indexOf(level) >= LEVELS.indexOf(min);

export function selectRules(rules: Rule[], o: RuleSelection): Rule[] {
  return rules.filter((r) => {
    if (r.disabled && !o.includeDisabled) return false;
    if (o.minLevel && !atLeast(r.level, o.minLevel)) return false;
    if (o.status?.length && !o.status.includes(r.status ?? '')) return false;
    if (o.tags?.length && !r.tags.some((t) => micromatch.isMatch(t, o.tags!, { nocase: true }))) return false;
    if (o.rule?.length && !micromatch.isMatch(r.id, o.rule, { nocase: true }) && !micromatch.isMatch(r.title, o.rule, { nocase: true })) return false;
    return true;
  });
}
