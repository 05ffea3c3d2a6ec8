// From the scan's rule options to runnable rules. The main thread and every worker run this same
// deterministic pipeline, so compiled rule i is the same rule everywhere (hits cross threads as
// rule indexes).
import { assembleRuleSet, inMemory, planRuleSet, type AssemblyPlan, type RuleSet, type RuleSetPlan } from '../compile/rule-set.js';
import { logsourceSources, parseLogsourceMap } from '../mappings/logsource-map.js';
import { loadAttributeTable } from '../mappings/fortisiem-attributes.js';
import { useAttributeTable } from './fortisiem-attributes.js';
import type { Rule } from '../rules/ast.js';
import type { LoadedRules } from '../rules/load-rules.js';
import { readPlaceholders } from '../rules/placeholders.js';
import { findRuleFilesKeyed, loadRulesCached } from '../rules/rule-cache.js';
import { preparedKey, readPrepared, writePrepared, type RuleCounts } from './prepared-cache.js';
import { selectRules, type RuleSelection } from '../rules/select-rules.js';

/** Everything needed to prepare the same rules again (plain data: it is sent to workers). */
export interface RuleInputs {
  rules: string[];
  placeholders?: string;
  mapping: string[];
  selection: RuleSelection;
  version: string;
}

export interface PreparedRules {
  loaded: LoadedRules;
  selected: Rule[];
  ruleSet: RuleSet;
}

export function prepareRules(inputs: RuleInputs): PreparedRules {
  const { loaded, selected, assembly } = prepareFresh(inputs, sources(inputs));
  return { loaded, selected, ruleSet: assembleRuleSet(assembly) };
}

/** What a scan needs of its rules: the rule set, and the counts and problems it reports. */
export interface ScanRules {
  counts: RuleCounts;
  ruleSet: RuleSet;
}

/**
 * prepareRules for a scan, from the prepared-rules cache when nothing it depends on changed
 * (rules and scoped detections are then read as the scan first needs them). Same rule set,
 * same order, on every thread.
 */
export function prepareScanRules(inputs: RuleInputs): ScanRules {
  const src = sources(inputs);
  const key = preparedKey(src.found.key, src.mapping, inputs.selection);
  // A stored rule found damaged in the middle of a scan is taken from a fresh preparation.
  const fromCache = key ? fromPrepared(key, () => prepareFresh(inputs, src).assembly) : null;
  if (fromCache) return fromCache;
  const { loaded, selected, plan, assembly } = prepareFresh(inputs, src);
  const counts: RuleCounts = { problems: loaded.problems, loaded: loaded.rules.length, disabled: loaded.rules.filter((r) => r.disabled).length, selected: selected.length };
  const ruleSet = assembleRuleSet(assembly);
  if (key) writePrepared(key, counts, selected, plan, assembly.literals, ruleSet.prefilter?.automataBytes() ?? []);
  return { counts, ruleSet };
}

/** The stored rule set, or null when there is none or it does not hold together. */
function fromPrepared(key: string, fresh: () => AssemblyPlan): ScanRules | null {
  try {
    const stored = readPrepared(key, fresh);
    if (!stored) return null;
    const ruleSet = assembleRuleSet(stored.plan);
    ruleSet.prefilter?.useStoredAutomata(stored.automaton);
    return { counts: stored.counts, ruleSet };
  } catch {
    return null;
  }
}

type Sources = ReturnType<typeof sources>;

/** The inputs read (mapping texts, placeholder values, rule files and their key), not yet parsed. */
function sources(inputs: RuleInputs) {
  const mapping = logsourceSources(inputs.mapping);
  // FortiSIEM attributes, for this thread's scans: user files are checked now, the bundled
  // table is read only if a rule reads an attribute.
  useAttributeTable(inputs.mapping.length ? loadAttributeTable(inputs.mapping) : null);
  const opts = { placeholders: readPlaceholders(inputs.placeholders) };
  return { mapping, opts, found: findRuleFilesKeyed(inputs.rules, opts, inputs.version) };
}

function prepareFresh(inputs: RuleInputs, src: Sources): { loaded: LoadedRules; selected: Rule[]; plan: RuleSetPlan; assembly: AssemblyPlan } {
  const map = parseLogsourceMap(src.mapping);
  const loaded = loadRulesCached(inputs.rules, src.opts, inputs.version, src.found);
  const selected = selectRules(loaded.rules, inputs.selection);
  const plan = planRuleSet(selected, map);
  return { loaded, selected, plan, assembly: inMemory(selected, plan) };
}
