// `sigscan rules check`: a disabled rule loads and is listed as ok, saying that a scan runs it
// only with --include-disabled (text and JSON).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRulesCheck } from '../../src/cli/rules-check.js';

process.env.SIGSCAN_CACHE_DIR = mkdtempSync(join(tmpdir(), 'sigscan-cache-'));

const rule = (id: string, status: string) =>
  `id: ${id}\nname: '${id}'\nstatus: ${status}\nseverity: 5\nwindow: 60\nsubpatterns:\n  - name: A\n    query: 'serviceName = "X"'\n    groupBy: [hostName]\n    aggregate: COUNT(*) >= 1\n`;

function check(format: 'text' | 'json'): { status: number; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sigscan-rules-check-'));
  writeFileSync(join(dir, 'off.yml'), rule('OFF_1', 'disabled'));
  writeFileSync(join(dir, 'on.yml'), rule('ON_1', 'enabled'));
  const out = join(dir, 'report');
  const status = runRulesCheck([dir], { format, output: out }, () => {});
  return { status, text: readFileSync(out, 'utf8') };
}

describe('sigscan rules check', () => {
  it('names a disabled rule as such; an enabled one has no note', () => {
    const r = check('text');
    expect(r.status).toBe(0);
    expect(r.text).toMatch(/^ok +\S*off\.yml:1 {2}OFF_1: disabled: a scan runs it only with --include-disabled$/m);
    expect(r.text).toMatch(/^ok +\S*on\.yml:1 {2}ON_1$/m);
  });

  it('JSON: the disabled rule says so in its entry', () => {
    const rules = JSON.parse(check('json').text).rules as Array<{ id: string; status: string; disabled?: boolean }>;
    expect(rules.find((e) => e.id === 'OFF_1')).toMatchObject({ status: 'ok', disabled: true });
    expect(rules.find((e) => e.id === 'ON_1')?.disabled).toBeUndefined();
  });

  it('a rule with several mistakes is one invalid rule listing them all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-rules-check-'));
    writeFileSync(join(dir, 'two.yml'), 'title: Two mistakes\nlogsource: {product: windows}\ndetection:\n  sel:\n    Image|nosuchmod: x\n    CommandLine|alsobad: y\n  condition: sel\n');
    const out = join(dir, 'report');
    expect(runRulesCheck([dir], { format: 'text', output: out }, () => {})).toBe(1);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^invalid +\S*two\.yml:5 {2}Two mistakes: sel: unknown modifier nosuchmod; line 6: sel: unknown modifier alsobad$/m);
    expect(text).toMatch(/^summary: 1 rule in 1 file: .* 1 invalid /m);
  });
});
