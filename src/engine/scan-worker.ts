// A scan worker: prepares the same rules as the main thread, then scans the chunk ranges it is
// handed and sends back hits (as rule indexes, group values and event summaries) and damage.
import { parentPort, workerData } from 'node:worker_threads';
import type { Damage } from '../evtx/index.js';
import { prepareRules, type RuleInputs } from './prepare-rules.js';
import { scanFile } from './scan.js';
import type { WorkUnit, WorkResult, WorkerSetup } from './parallel-scan.js';

const setup = workerData as WorkerSetup;
const { ruleSet } = prepareRules(setup.inputs as RuleInputs);
const fallback = setup.groupBy;

parentPort!.on('message', (unit: WorkUnit) => {
  const hits: WorkResult['hits'] = [];
  const damage: Damage[] = [];
  const s = scanFile(unit.file, unit.range, ruleSet, {
    from: setup.from,
    to: setup.to,
    groupFields: (r) => (r.groupBy.length ? r.groupBy : fallback),
    onHit: (c, values, event) => hits.push({ rule: c.index, values, event }),
    onDamage: (d) => damage.push(d),
  });
  const result: WorkResult = { id: unit.id, hits, damage, records: s.records, readable: s.readable, rules: ruleSet.compiled.length };
  parentPort!.postMessage(result);
});
parentPort!.postMessage({ ready: true, rules: ruleSet.compiled.length });
