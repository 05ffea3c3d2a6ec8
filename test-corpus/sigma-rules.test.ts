// SigmaHQ conformance: every regression pair's rule fires on its own EVTX (at least
// max(1, match_count) events), run exactly as a user would; `rules check` loads ≥ 99.5% of the
// SigmaHQ rule collections and names the reason for every other rule; the bundled Impacket rule
// fires on the wmiexec attack sample.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // Every rule that does not run on EVTX says why.
    for (const e of report.rules.filter((x) => x.status !== 'ok')) expect(e.reason, e.file).toMatch(/\w/);
  });

  it('rules waiting for |expand placeholder values run once the values are given', () => {
    const dir = join(sigma, 'rules-placeholder');
    const before = JSON.parse(sigscan(['rules', 'check', '--format', 'json', dir]).stdout) as { rules: Array<{ status: string; reason?: string }> };
    const waiting = before.rules.filter((e) => e.status === 'needs-input');
    expect(waiting.length).toBeGreaterThan(0);
    const names = new Set(waiting.flatMap((e) => [...(e.reason ?? '').matchAll(/%([^%\s]+)%/g)].map((m) => m[1])));
    const values = mkdtempSync(join(tmpdir(), 'sigscan-placeholders-'));
    for (const n of names) writeFileSync(join(values, `${n}.txt`), 'value-one\nvalue-two\n');
    const after = JSON.parse(sigscan(['rules', 'check', '--format', 'json', '--placeholders', values, dir]).stdout) as { rules: Array<{ status: string }> };
    expect(after.rules.filter((e) => e.status === 'needs-input')).toEqual([]);
    // Each waiting rule now loads fully: it runs on EVTX, or (cloud rules) is for another log source.
    const loaded = (rs: Array<{ status: string }>) => rs.filter((e) => e.status === 'ok' || e.status === 'other-logsource').length;
    expect(loaded(after.rules)).toBe(loaded(before.rules) + waiting.length);
    expect(after.rules.filter((e) => e.status === 'ok').length).toBeGreaterThan(before.rules.filter((e) => e.status === 'ok').length);
  });
});

describe('bundled rules on real attack samples', () => {
  it('the Impacket lateral movement rule fires on the wmiexec sample', () => {
    const r = sigscan(['--format', 'jsonl', '--no-progress', join(CORPUS, 'attack-samples', 'Lateral_Movement_LM_wmiexec_impacket_sysmon_whoami.evtx')]);
    expect(r.status).toBe(0);
    expect(eventsByRule(r.stdout).get('4dc553a2-2643-4765-b66c-29aa4be68ceb') ?? 0).toBeGreaterThan(0);
  });
});

describe('worker threads', () => {
  it('-j 2 gives exactly the output of one thread (SigmaHQ Windows rules, attack samples, files cut into ranges)', () => {
    const args = ['-r', join(sigma, 'rules', 'windows'), '--format', 'jsonl', '--no-progress', '-q', join(CORPUS, 'attack-samples')];
    const one = sigscan(['-j', '1', ...args]);
    const two = sigscan(['-j', '2', '--unit-chunks', '1', ...args]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(one.stdout.split('\n').length).toBeGreaterThan(300);
    expect(two.stdout).toBe(one.stdout);
  });
});
