// SigmaHQ conformance: every regression pair's rule fires on its own EVTX (at least
// max(1, match_count) events), run exactly as a user would; `rules check` loads ≥ 99.5% of the
// SigmaHQ rule collections and names the reason for every other rule; the bundled Impacket rule
// fires on the wmiexec attack sample.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsByRule, sigscan } from './cli.js';
import { CORPUS } from './corpus.js';

interface Pair {
  rule: string;
  rule_id: string;
  title: string;
  evtx: string;
  match_count: number | null;
}

const sigma = join(CORPUS, 'sigma');
const pairs = JSON.parse(readFileSync(join(sigma, 'regression-manifest.json'), 'utf8')) as Pair[];

describe('SigmaHQ regression pairs are detected', () => {
  it('has the 98 pairs', () => {
    expect(pairs.length).toBe(98);
  });
  for (const p of pairs) {
    it(`${p.title} (${p.rule_id})`, () => {
      const r = sigscan(['-r', join(sigma, p.rule), '--format', 'jsonl', '--no-progress', join(sigma, p.evtx)]);
      expect(r.stderr).not.toMatch(/rule not (loaded|run)/);
      expect(r.status).toBe(0);
      expect(eventsByRule(r.stdout).get(p.rule_id) ?? 0).toBeGreaterThanOrEqual(Math.max(1, p.match_count ?? 1));
    });
  }
});

describe('rules check over the SigmaHQ collections', () => {
  it('loads at least 99.5% of the rules and names a reason for each other one', () => {
    const dirs = ['rules', 'rules-compliance', 'rules-dfir', 'rules-emerging-threats', 'rules-placeholder', 'rules-threat-hunting'].map((d) => join(sigma, d));
    const r = sigscan(['rules', 'check', '--format', 'json', ...dirs]);
    expect(r.status).toBeLessThan(2);
    const report = JSON.parse(r.stdout) as { summary: { rules: number; invalid: number; unsupported: number }; rules: Array<{ status: string; file: string; reason?: string }> };
    expect(report.summary.rules).toBeGreaterThan(3700);
    const notLoaded = report.rules.filter((e) => e.status === 'invalid' || e.status === 'unsupported');
    expect(notLoaded.length / report.summary.rules).toBeLessThanOrEqual(0.005);
    for (const e of notLoaded) expect(e.reason, e.file).toMatch(/\w/);
  });
});

describe('bundled rules on real attack samples', () => {
  it('the Impacket lateral movement rule fires on the wmiexec sample', () => {
    const r = sigscan(['--format', 'jsonl', '--no-progress', join(CORPUS, 'attack-samples', 'Lateral_Movement_LM_wmiexec_impacket_sysmon_whoami.evtx')]);
    expect(r.status).toBe(0);
    expect(eventsByRule(r.stdout).get('4dc553a2-2643-4765-b66c-29aa4be68ceb') ?? 0).toBeGreaterThan(0);
  });
});
