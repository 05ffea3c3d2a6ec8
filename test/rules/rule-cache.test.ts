// The rule cache may make a run faster, never different: same rules as a fresh load, refreshed
// when a rule file changes, harmless when it cannot be written.
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load-rules.js';
import { evictOldCaches, loadRulesCached } from '../../src/rules/rule-cache.js';

const rule = (value: string) => `title: T\nlogsource: {product: windows}\ndetection:\n  sel: {Image|endswith: '${value}'}\n  condition: sel\n`;

describe('loadRulesCached', () => {
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sigscan-rc-rules-'));
    cache = mkdtempSync(join(tmpdir(), 'sigscan-rc-cache-'));
    process.env.SIGSCAN_CACHE_DIR = cache;
    writeFileSync(join(dir, 'a.yml'), rule('\\a.exe'));
  });
  afterEach(() => {
    delete process.env.SIGSCAN_CACHE_DIR;
  });

  it('gives what a fresh load gives, first and second time, and writes one cache file', () => {
    const fresh = loadRules([dir]);
    expect(loadRulesCached([dir], {}, 'test')).toEqual(fresh);
    expect(readdirSync(cache)).toHaveLength(1);
    expect(loadRulesCached([dir], {}, 'test')).toEqual(fresh);
  });

  it('a changed rule file is loaded afresh', () => {
    loadRulesCached([dir], {}, 'test');
    writeFileSync(join(dir, 'a.yml'), rule('\\b.exe'));
    utimesSync(join(dir, 'a.yml'), new Date(), new Date(Date.now() + 5000));
    const again = loadRulesCached([dir], {}, 'test');
    expect(JSON.stringify(again.rules[0].detection)).toContain('b.exe');
  });

  it('different placeholder values or versions do not share a cache entry', () => {
    loadRulesCached([dir], {}, 'v1');
    loadRulesCached([dir], {}, 'v2');
    loadRulesCached([dir], { placeholders: new Map([['x', ['1']]]) }, 'v1');
    expect(readdirSync(cache)).toHaveLength(3);
  });

  it('keeps the newest caches of each kind and removes temporary files left an hour ago', () => {
    const old = (name: string, minutesAgo: number) => {
      writeFileSync(join(cache, name), '{}');
      const t = new Date(Date.now() - minutesAgo * 60_000);
      utimesSync(join(cache, name), t, t);
    };
    for (let i = 0; i < 10; i++) old(`rules-${i}.json`, 10 + i);
    for (let i = 0; i < 6; i++) old(`prepared-${i}.bin`, 10 + i);
    old('prepared-x.bin.123.tmp', 90);
    old('rules-y.json.456.tmp', 5); // perhaps still being written
    evictOldCaches();
    expect(readdirSync(cache).sort()).toEqual([
      ...[0, 1, 2, 3].map((i) => `prepared-${i}.bin`),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `rules-${i}.json`),
      'rules-y.json.456.tmp',
    ].sort());
  });

  it('a cache read again counts as new: the least recently used go first', () => {
    loadRulesCached([dir], {}, 'used');
    const [used] = readdirSync(cache);
    const t = new Date(Date.now() - 3600_000);
    utimesSync(join(cache, used), t, t);
    for (let i = 0; i < 8; i++) {
      writeFileSync(join(cache, `rules-${i}.json`), '{}');
      const when = new Date(Date.now() - (30 - i) * 60_000);
      utimesSync(join(cache, `rules-${i}.json`), when, when);
    }
    loadRulesCached([dir], {}, 'used'); // a hit: marks it used now
    evictOldCaches();
    expect(readdirSync(cache)).toContain(used);
    expect(readdirSync(cache)).not.toContain('rules-0.json');
  });

  it('an unwritable cache directory only costs speed', () => {
    process.env.SIGSCAN_CACHE_DIR = join(dir, 'a.yml', 'not-a-dir');
    expect(loadRulesCached([dir], {}, 'test')).toEqual(loadRules([dir]));
  });
});
