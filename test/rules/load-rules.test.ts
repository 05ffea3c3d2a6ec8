// Loading rule files: each document on its own, every problem named with file, line and reason.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFile, loadRules } from '../../src/rules/load-rules.js';

function file(text: string, name = 'rule.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigscan-rules-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const good = (title: string, extra = '') => `title: ${title}
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
author: someone
tags: [attack.t1059]
references: [https://example.org]
falsepositives: [none]
logsource: {product: windows, service: security}
detection:
  sel:
    EventID: 4624
    TargetUserName|endswith: '$'
  condition: sel
${extra}`;

describe('loading Sigma rules', () => {
  it('keeps the metadata and the line of each document', () => {
    const p = file(`${good('First')}---\n${good('Second')}`);
    const { rules, problems } = loadRuleFile(p);
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.title, r.line, r.level, r.status, r.format])).toEqual([
      ['First', 1, 'high', 'test', 'sigma'],
      ['Second', 16, 'high', 'test', 'sigma'],
    ]);
    expect(rules[0]).toMatchObject({ author: 'someone', tags: ['attack.t1059'], references: ['https://example.org'], falsepositives: ['none'], logsource: { product: 'windows', service: 'security' } });
  });

  it('an unknown identifier in the condition names the line and column; the next document still loads', () => {
    const p = file(`${good('Bad').replace('condition: sel', 'condition: sel and not filter')}---\n${good('Fine')}`);
    const { rules, problems } = loadRuleFile(p);
    expect(rules.map((r) => r.title)).toEqual(['Fine']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: p, line: 14, kind: 'invalid', rule: 'Bad' });
    expect(problems[0].column).toBeGreaterThan(0);
    expect(problems[0].reason).toMatch(/filter/);
  });

  it('broken YAML, a missing condition, an unknown modifier and a bad level are invalid with a reason', () => {
    expect(loadRuleFile(file('title: x\ndetection: [unclosed\n')).problems[0]).toMatchObject({ kind: 'invalid', line: expect.any(Number) });
    expect(loadRuleFile(file(good('NoCond').replace('  condition: sel\n', ''))).problems[0].reason).toMatch(/no condition/);
    expect(loadRuleFile(file(good('Mod').replace('TargetUserName|endswith', 'TargetUserName|endwith'))).problems[0]).toMatchObject({ kind: 'invalid', line: 13 });
    expect(loadRuleFile(file(good('Lvl').replace('level: high', 'level: severe'))).problems[0].reason).toMatch(/unknown level "severe"/);
  });

  it('unresolved |expand placeholders load but wait for values; given values they are resolved', () => {
    const text = good('Expand').replace("TargetUserName|endswith: '$'", "TargetUserName|expand: '%admins%'");
    const waiting = loadRuleFile(file(text));
    expect(waiting.rules[0].unsupported[0]).toMatchObject({ kind: 'needs-input', reason: expect.stringMatching(/%admins%/) });
    const resolved = loadRuleFile(file(text), { placeholders: new Map([['admins', ['alice', 'bob']]]) });
    expect(resolved.rules[0].unsupported).toEqual([]);
  });

  it('FortiSIEM-style documents go to their loader (an incomplete one is reported), rule-like non-rules are reported, plain data is skipped', () => {
    expect(loadRuleFile(file('name: x\nsubpatterns: []\n')).problems.map((p) => p.reason)).toContain('needs at least one subpattern');
    expect(loadRuleFile(file('title: half a rule\nlogsource: {product: windows}\n')).problems[0]).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/not a rule/) });
    // SigmaHQ's regression info.yml and other data files: counted, not called broken rules.
    const data = loadRuleFile(file('id: 0a48e2ca-f8b5-4b43-8b2f-c66115afe92c\nregression_tests_info: []\n'));
    expect(data.problems).toEqual([]);
    expect(data.rules).toEqual([]);
    expect(data.skipped).toBe(1);
  });

  it('folders are searched recursively; a missing path is a problem', () => {
    const p = file(good('InFolder'));
    const dir = join(p, '..');
    const loaded = loadRules([dir, join(dir, 'missing.yml')]);
    expect(loaded.rules.map((r) => r.title)).toEqual(['InFolder']);
    expect(loaded.problems[0].reason).toMatch(/no such rule/);
  });
});
