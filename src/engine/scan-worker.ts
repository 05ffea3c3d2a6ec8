// A scan worker: prepares the same rules as the main thread, then scans the chunk ranges it is
// handed and sends back hits (as rule indexes, group values and event summaries) and damage.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareScanRules, type RuleInputs } from './prepare-rules.js';
import { scanUnit, type WorkUnit, type WorkerSetup } from './parallel-scan.js';

const setup = workerData as WorkerSetup;
const { ruleSet } = prepareScanRules(setup.inputs as RuleInputs);

parentPort!.on('message', (unit: WorkUnit) => parentPort!.postMessage(scanUnit(unit, ruleSet, setup)));
parentPort!.postMessage({ ready: true, rules: ruleSet.compiled.length });
