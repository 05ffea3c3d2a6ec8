// `sigscan test` on SigmaHQ's own regression data, run as CI runs it: every info.yml pair passes
// with the SigmaHQ rules; copies of one info.yml with a wrong match_count or rule id fail with
// exit 1 and say what differed.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sigscan } from './cli.js';
import { CORPUS } from './corpus.js';

interface Pair {
  rule_id: string;
  evtx: string;
  match_count: number | null;
}

const sigma = join(CORPUS, 'sigma');
const data = join(sigma, 'regression_data');
const pairs = JSON.parse(readFileSync(join(sigma, 'regression-manifest.json'), 'utf8')) as Pair[];

describe('sigscan test on SigmaHQ regression_data', () => {
  it('all 98 pairs pass (exit 0), one PASS line each', () => {
    const r = sigscan(['test', '-r', sigma, data]);
    expect(r.stderr).toMatch(/rules from .*: \d+ run/);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(pairs.length);
    expect(lines.at(-1)).toMatch(new RegExp(`^sigscan test: ${pairs.length} cases, ${pairs.length} passed, 0 failed`));
    expect(r.status).toBe(0);
  });

  it('--format json counts every pair as passed, one case per manifest pair', () => {
    const r = sigscan(['test', '-f', 'json', '-q', '-r', sigma, data]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { summary: { cases: number; passed: number; failed: number }; cases: Array<{ file: string; status: string }> };
    expect(report.summary).toEqual({ cases: 98, passed: 98, failed: 0 });
    const folders = new Set(report.cases.map((c) => c.file.slice(0, -'/info.yml'.length)));
    for (const p of pairs) expect(folders.has(join(sigma, p.evtx, '..')), p.evtx).toBe(true);
  });

  it('a copy with a wrong match_count or rule id fails with exit 1 and names what differed', () => {
    const pair = pairs.find((p) => p.match_count === 2)!;
    const source = join(sigma, pair.evtx, '..');
    const tmp = mkdtempSync(join(tmpdir(), 'sigscan-wrong-'));
    const info = readFileSync(join(source, 'info.yml'), 'utf8');
    cpSync(source, join(tmp, 'count'), { recursive: true });
    writeFileSync(join(tmp, 'count', 'info.yml'), info.replace('match_count: 2', 'match_count: 7'));
    cpSync(source, join(tmp, 'id'), { recursive: true });
    const wrongId = '00000000-1111-4222-8333-444444444444';
    writeFileSync(join(tmp, 'id', 'info.yml'), info.replace(`id: ${pair.rule_id}`, `id: ${wrongId}`));

    const r = sigscan(['test', '--no-color', '-r', sigma, tmp]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^FAIL  .*/count/info.yml:\\d+ .*: rule ${pair.rule_id} \\(.*\\): expected at least 7 matching events \\(match_count\\), got 2$`));
    expect(lines[1]).toMatch(new RegExp(`^FAIL  .*/id/info.yml:\\d+ .*: rule "${wrongId}" not found \\(no id or title among the \\d+ rules from .*\\)$`));
    expect(lines[2]).toMatch(/^sigscan test: 2 cases, 0 passed, 2 failed/);
  });
});
