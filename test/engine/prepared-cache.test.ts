// The prepared-rules cache may make a scan start faster, never different: a rule set read back
// runs the same rules in the same order with the same index and prefilter, and anything it
// depends on (a rule file, the mapping, the selection) changing prepares afresh.
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareRules, prepareScanRules, type RuleInputs } from '../../src/engine/prepare-rules.js';
import { findDetections } from '../../src/engine/find-detections.js';
import { evtxFile } from '../helpers/events-file.js';
import type { RuleSet } from '../../src/compile/rule-set.js';

const rule = (title: string, value: string, level = 'high') =>
  `title: ${title}\nlevel: ${level}\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '${value}', CommandLine|contains: ' /c '}\n  condition: sel\n`;

/** What a rule set runs, in order, with what the index and the prefilter make of one record kind. */
function shape(set: RuleSet) {
  const sysmon = set.index.candidates('Microsoft-Windows-Sysmon/Operational', '1');
  return {
    compiled: set.compiled.map((c) => [c.index, c.rule.title, c.rule.path, JSON.stringify(c.scoped)]),
    notRunnable: set.notRunnable.map((n) => [n.rule.title, n.reason, n.kind]),
    sysmon: sysmon.map((c) => c.rule.title),
  };
}

describe('prepareScanRules', () => {
  let dir: string;
  let cache: string;
  let inputs: RuleInputs;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sigscan-pc-rules-'));
    cache = mkdtempSync(join(tmpdir(), 'sigscan-pc-cache-'));
    process.env.SIGSCAN_CACHE_DIR = cache;
    writeFileSync(join(dir, 'a.yml'), rule('A', '\\cmd.exe'));
    writeFileSync(join(dir, 'b.yml'), rule('B', '\\whoami.exe', 'low'));
    writeFileSync(join(dir, 'linux.yml'), 'title: L\nlogsource: {product: linux}\ndetection:\n  sel: {x: 1}\n  condition: sel\n');
    inputs = { rules: [dir], mapping: [], selection: {}, version: 'test' };
  });
  afterEach(() => {
    delete process.env.SIGSCAN_CACHE_DIR;
  });

  it('reads back the rule set a fresh preparation makes, and detects the same', async () => {
    const fresh = prepareRules(inputs);
    const first = prepareScanRules(inputs);
    expect(readdirSync(cache).filter((f) => f.startsWith('prepared-'))).toHaveLength(1);
    const again = prepareScanRules(inputs);
    expect(shape(again.ruleSet)).toEqual(shape(fresh.ruleSet));
    expect(shape(first.ruleSet)).toEqual(shape(fresh.ruleSet));
    expect(again.counts).toEqual({ problems: fresh.loaded.problems, loaded: 3, disabled: 0, selected: 3 });
    const log = evtxFile([{ channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', eventId: 1, data: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir' } }]);
    const detect = async (set: RuleSet) => (await findDetections([log], set, { inputs, groupBy: [], maxEvents: 10, threads: 1, onDamage: () => {} })).detections.map((d) => [d.rule.title, d.count]);
    expect(await detect(again.ruleSet)).toEqual([['A', 1]]);
    expect(await detect(again.ruleSet)).toEqual(await detect(fresh.ruleSet));
  });

  it('a changed rule file, mapping or selection prepares afresh', () => {
    prepareScanRules(inputs);
    writeFileSync(join(dir, 'a.yml'), rule('A2', '\\cmd.exe'));
    utimesSync(join(dir, 'a.yml'), new Date(), new Date(Date.now() + 5000));
    expect(prepareScanRules(inputs).ruleSet.compiled.map((c) => c.rule.title)).toEqual(['A2', 'B']);
    expect(prepareScanRules({ ...inputs, selection: { minLevel: 'high' } }).ruleSet.compiled.map((c) => c.rule.title)).toEqual(['A2']);
    const mapping = join(dir, 'map.yaml');
    writeFileSync(mapping, 'categories:\n  process_creation:\n    unavailable: not in these logs\n');
    expect(prepareScanRules({ ...inputs, rules: [join(dir, 'a.yml')], mapping: [mapping] }).ruleSet.compiled).toHaveLength(0);
    expect(readdirSync(cache).filter((f) => f.startsWith('prepared-'))).toHaveLength(4);
  });

  it('damaged bytes (in the header, a rule, an automaton) only cost speed', async () => {
    prepareScanRules(inputs);
    const log = evtxFile([{ channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', eventId: 1, data: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir' } }]);
    const detect = async (set: RuleSet) => (await findDetections([log], set, { inputs, groupBy: [], maxEvents: 10, threads: 1, onDamage: () => expect.fail('no damage') })).detections.map((d) => [d.rule.title, d.count]);
    const [file] = readdirSync(cache).filter((f) => f.startsWith('prepared-'));
    const good = readFileSync(join(cache, file));
    const blob = good.indexOf(10) + 1;
    const literal = good.indexOf('whoami.exe'); // a prefilter literal, in the header
    expect(literal).toBeGreaterThan(8);
    expect(literal).toBeLessThan(blob);
    for (const at of [literal, blob + 5, good.length - 40]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x55;
      writeFileSync(join(cache, file), bad);
      expect(await detect(prepareScanRules(inputs).ruleSet)).toEqual([['A', 1]]);
    }
  });

  it('rules are read from the stored file for as long as the rule set lives, garbage collections or not', async () => {
    prepareScanRules(inputs);
    const { ruleSet } = prepareScanRules(inputs);
    // With the rule files and their cache gone a fresh preparation would find no rules: every rule below must
    // come from the stored file, which must still be open after collections.
    rmSync(dir, { recursive: true });
    for (const f of readdirSync(cache)) if (f.startsWith('rules-')) rmSync(join(cache, f));
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ruleSet.compiled.map((c) => c.rule.title)).toEqual(['A', 'B']);
    expect(ruleSet.compiled.every((c) => c.scoped.kind !== undefined)).toBe(true);
  });

  it('a damaged cache file only costs speed', () => {
    prepareScanRules(inputs);
    for (const f of readdirSync(cache).filter((f) => f.startsWith('prepared-'))) writeFileSync(join(cache, f), '{"format": "sigscan-prepared-1"');
    expect(shape(prepareScanRules(inputs).ruleSet)).toEqual(shape(prepareRules(inputs).ruleSet));
  });
});
