// The literal prefilter (and the rule index it works with) must never change a result: every
// SigmaHQ Windows rule (plus the threat-hunting set, rich in regexes and keywords) over the attack
// samples and every regression recording gives exactly the same hits with the prefilter as
// without it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../src/compile/rule-set.js';
import { scanFiles } from '../src/engine/scan.js';
import { loadLogsourceMap } from '../src/mappings/logsource-map.js';
import { loadRules } from '../src/rules/load-rules.js';
import { CORPUS, listFiles } from './corpus.js';

describe('literal prefilter', () => {
  it('gives the same hits as evaluating every candidate rule', () => {
    const rules = loadRules([join(CORPUS, 'sigma', 'rules', 'windows'), join(CORPUS, 'sigma', 'rules-threat-hunting', 'windows')]).rules;
    const map = loadLogsourceMap([]);
    const files = [...listFiles(join(CORPUS, 'attack-samples'), '.evtx'), ...listFiles(join(CORPUS, 'sigma', 'regression_data'), '.evtx')];
    const hits = (prefilter: boolean) => {
      const set = buildRuleSet(rules, map, { prefilter });
      const out: string[] = [];
      scanFiles(files, set, {
        groupFields: () => [],
        onHit: (c, _values, event) => out.push(`${c.index} ${event.file} ${event.recordId}`),
        onDamage: () => {},
      });
      return out;
    };
    const withFilter = hits(true);
    expect(withFilter.length).toBeGreaterThan(1000);
    expect(withFilter).toEqual(hits(false));
  });
});
