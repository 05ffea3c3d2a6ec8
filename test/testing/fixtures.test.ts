// The project's own rule tests: `sigscan test fixtures/` passes (every *.test.yml there, e.g. the
// Sigma seed rules on the seed fixtures), and the same expectations with one count changed fail.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTestCommand } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const RULES = join(import.meta.dirname, '..', '..', 'rules');

describe('sigscan test fixtures/', () => {
  it('every case passes, exit 0', async () => {
    const r = await runTestCommand([FIXTURES]);
    expect(r.lines.filter((l) => !l.startsWith('PASS'))).toEqual([r.lines.at(-1)]);
    expect(r.lines.at(-1)).toMatch(/^sigscan test: \d+ cases, \d+ passed, 0 failed/);
    const seeds = r.lines.filter((l) => l.includes('sigma-seeds.test.yml'));
    expect(seeds).toHaveLength(7);
    expect(r.status).toBe(0);
  });

  it('the seed expectations are exact: one count off fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-seeds-'));
    for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.evtx'))) copyFileSync(join(FIXTURES, f), join(dir, f));
    const text = readFileSync(join(FIXTURES, 'sigma-seeds.test.yml'), 'utf8');
    expect(text).toContain('events: 9');
    writeFileSync(join(dir, 'seeds.test.yml'), text.replace('rules: ../rules/sigma', `rules: ${JSON.stringify(join(RULES, 'sigma'))}`).replace('events: 9', 'events: 10'));
    const r = await runTestCommand([dir]);
    expect(r.status).toBe(1);
    expect(r.lines.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/Impacket wmiexec, dcomexec, smbexec and atexec process creation: rule 4dc553a2-\S+ \(HackTool - Potential Impacket Lateral Movement Activity\): expected 10 matching events, got 9$/),
    ]);
  });
});
