// FortiSIEM conformance: the 97 rules Fortinet's own converter wrote as FortiSIEM XML from the
// rules of the SigmaHQ regression pairs all load, and each fires on its pair's EVTX as its Sigma
// original does (at least max(1, match_count) events), run exactly as a user would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsByRule, sigscan } from './cli.js';
import { CORPUS } from './corpus.js';

interface Entry {
  rule_id: string;
  fortisiem_rule_id: string | null;
  xml: string | null;
  evtx: string;
  title: string;
  match_count: number | null;
  reason?: string;
}

const dir = join(CORPUS, 'fortisiem-xml');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];
const converted = manifest.filter((e) => e.xml !== null);

describe('FortiSIEM XML rules from Fortinet\'s converter', () => {
  it('97 of the 98 regression pairs have a rule; the converter said why for the other', () => {
    expect(converted).toHaveLength(97);
    for (const e of manifest.filter((x) => x.xml === null)) expect(e.reason, e.title).toMatch(/\w/);
  });

  it('rules check: every one loads and runs on EVTX', () => {
    const r = sigscan(['rules', 'check', '--format', 'json', dir]);
    const report = JSON.parse(r.stdout) as { summary: { rules: number; ok: number }; rules: Array<{ status: string; file: string; reason?: string }> };
    expect(report.rules.filter((e) => e.status !== 'ok')).toEqual([]);
    expect(report.summary).toMatchObject({ rules: 97, ok: 97 });
    expect(r.status).toBe(0);
  });

  for (const e of converted) {
    it(`${e.title} (${e.fortisiem_rule_id})`, () => {
      const r = sigscan(['-r', join(dir, e.xml!), '--format', 'jsonl', '--no-progress', join(CORPUS, 'sigma', e.evtx)]);
      expect(r.stderr).not.toMatch(/rule not (loaded|run)/);
      expect(r.status).toBe(0);
      for (const line of r.stdout.split('\n').filter(Boolean)) expect(JSON.parse(line).rule).toMatchObject({ format: 'fortisiem', id: e.fortisiem_rule_id });
      expect(eventsByRule(r.stdout).get(e.fortisiem_rule_id!) ?? 0).toBeGreaterThanOrEqual(Math.max(1, e.match_count ?? 1));
    });
  }
});
