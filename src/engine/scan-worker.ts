// A scan worker (a child process of the scan): takes its setup first, prepares the same rules as
// the main thread, then scans the chunk ranges it is handed and sends back hits (as rule indexes,
// group values and event summaries) and damage. It ends when the scan closes the channel.
import { prepareScanRules, type RuleInputs } from './prepare-rules.js';
import { scanUnit, type WorkUnit, type WorkerSetup } from './parallel-scan.js';
import type { RuleSet } from '../compile/rule-set.js';

let setup: WorkerSetup | null = null;
let ruleSet: RuleSet | null = null;

/** Sends to the scan; a scan that went away (killed, crashed) ends the worker quietly. */
function send(m: unknown): void {
  if (!process.connected) process.exit(0);
  process.send!(m, undefined, {}, (e) => e && process.exit(0));
}

process.on('message', (m: WorkerSetup | WorkUnit) => {
  try {
    if (!setup) {
      setup = m as WorkerSetup;
      ruleSet = prepareScanRules(setup.inputs as RuleInputs).ruleSet;
      send({ ready: true, rules: ruleSet.compiled.length });
      return;
    }
    send(scanUnit(m as WorkUnit, ruleSet!, setup));
  } catch (e) {
    send({ error: (e as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
