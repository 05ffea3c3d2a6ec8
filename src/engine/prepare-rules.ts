// From the scan's rule options to runnable rules. The main thread and every worker run this same
// deterministic pipeline, so compiled rule i is the same rule everywhere (hits cross threads as
// rule indexes).
import { buildRuleSet, type RuleSet } from '../compile/rule-set.js';
import { loadLogsourceMap } from '../mappings/logsource-map.js';
import { loadAttributeTable } from '../mappings/fortisiem-attributes.js';
import { useAttributeTable } from './fortisiem-attributes.js';
import type { Rule } from '../rules/ast.js';
import type { LoadedRules } from '../rules/load-rules.js';
import { readPlaceholders } from '../rules/placeholders.js';
import { loadRulesCached } from '../rules/rule-cache.js';
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
  const map = loadLogsourceMap(inputs.mapping);
  // FortiSIEM attributes, for this thread's scans: user files are checked now, the bundled
  // table is read only if a rule reads an attribute.
  useAttributeTable(inputs.mapping.length ? loadAttributeTable(inputs.mapping) : null);
  const loaded = loadRulesCached(inputs.rules, { placeholders: readPlaceholders(inputs.placeholders) }, inputs.version);
  const selected = selectRules(loaded.rules, inputs.selection);
  return { loaded, selected, ruleSet: buildRuleSet(selected, map) };
}
