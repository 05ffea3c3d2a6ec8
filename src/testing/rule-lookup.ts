// A test names rules by id or exact title. Finding them in a prepared rule set tells a rule that
// runs from one that loaded but cannot run here (and why), one that is disabled, one that failed
// to load, and a name that matches nothing: different things to fix.
import type { PreparedRules } from '../engine/prepare-rules.js';
import type { Rule } from '../rules/ast.js';

export type RuleLookup =
  | { kind: 'runs'; rules: Rule[] }
  | { kind: 'cannot-run'; rule: Rule; reason: string }
  | { kind: 'disabled'; rule: Rule }
  | { kind: 'not-loaded'; where: string; reason: string }
  | { kind: 'not-found' };

export const namesRule = (key: string, rule: Rule): boolean => rule.id === key || rule.title === key;

export class RuleCatalogue {
  constructor(
    readonly prepared: PreparedRules,
    /** How the rule set was given, for messages (e.g. the rule folders). */
    readonly label: string,
  ) {}

  find(key: string): RuleLookup {
    const { loaded, ruleSet } = this.prepared;
    const runs = ruleSet.compiled.filter((c) => namesRule(key, c.rule)).map((c) => c.rule);
    if (runs.length) return { kind: 'runs', rules: runs };
    const idle = ruleSet.notRunnable.find((n) => namesRule(key, n.rule));
    if (idle) return { kind: 'cannot-run', rule: idle.rule, reason: idle.reason };
    const disabled = loaded.rules.find((r) => namesRule(key, r) && r.disabled);
    if (disabled) return { kind: 'disabled', rule: disabled };
    const broken = loaded.problems.find((p) => p.kind === 'invalid' && p.rule === key);
    if (broken) return { kind: 'not-loaded', where: `${broken.file}${broken.line ? `:${broken.line}${broken.column ? `:${broken.column}` : ''}` : ''}`, reason: broken.reason };
    return { kind: 'not-found' };
  }

  /** `id (title)` when the key is an id of a known rule, else the key quoted. */
  describe(key: string): string {
    const rule = this.prepared.loaded.rules.find((r) => namesRule(key, r));
    return rule && rule.id === key && rule.title ? `${key} (${rule.title})` : `"${key}"`;
  }
}
