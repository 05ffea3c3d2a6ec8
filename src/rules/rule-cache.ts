// Loaded rules kept between runs. Parsing thousands of YAML rule files is most of a scan's start
// (about a second for the SigmaHQ Windows rules); the loaded AST is plain data, so it is stored
// as JSON keyed by sigscan's version, the placeholder values and each rule file's path, size and
// modification time. Any change to a rule file, or any cache trouble, means loading afresh:
// the cache can make a run faster, never different. SIGSCAN_NO_CACHE=1 turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RuleProblem } from './ast.js';
import { findRuleFiles, loadFoundFiles, type LoadedRules, type LoadOptions } from './load-rules.js';

/** Bump when the AST or the loaders change meaning, so old caches are never read. */
const FORMAT = 'sigscan-rules-5';

/** Where sigscan keeps what it may reuse between runs (rules here, prepared rule sets too). */
export function cacheDir(): string {
  return process.env.SIGSCAN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sigscan');
}

/**
 * What identifies the code that loads and prepares rules: the size and time of every compiled
 * module and data file of those stages, so a rebuilt sigscan never reads what an older build
 * cached (a release also changes `version`, and with it the libraries it was released with).
 */
let codeKeyMemo: string | undefined;
export function codeKey(): string {
  if (codeKeyMemo !== undefined) return codeKeyMemo;
  const h = createHash('sha256');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`);
    }
  };
  try {
    for (const stage of ['rules', 'mappings', 'compile', 'engine']) walk(join(root, stage));
  } catch {
    h.update('unreadable'); // cannot happen for a module that is running; version still keys it
  }
  return (codeKeyMemo = h.digest('hex'));
}

function keyOf(files: string[], opts: LoadOptions, version: string): string | null {
  const h = createHash('sha256').update(FORMAT).update('\0').update(version).update('\0').update(codeKey());
  for (const [name, values] of [...(opts.placeholders ?? new Map()).entries()].sort()) h.update(`\0p${name}=${values.join('\n')}`);
  // Relative paths name other files from another folder. One string hashed once: thousands of
  // small updates cost more than the stats.
  const parts: Array<string | number> = [process.cwd()];
  for (const f of files) {
    const st = statSync(f, { throwIfNoEntry: false });
    if (!st) return null;
    parts.push(f, st.size, st.mtimeMs);
  }
  return h.update(parts.join('\0')).digest('hex').slice(0, 32);
}

/** The rule files under `paths` and what identifies their current contents (null: uncachable). */
export interface RuleFiles {
  files: string[];
  problems: RuleProblem[];
  key: string | null;
}

export function findRuleFilesKeyed(paths: string[], opts: LoadOptions, version: string): RuleFiles {
  const problems: RuleProblem[] = [];
  const files = findRuleFiles(paths, problems);
  const key = process.env.SIGSCAN_NO_CACHE === '1' || problems.length ? null : keyOf(files, opts, version);
  return { files, problems, key };
}

/** Like loadRules, answered from the cache when no rule file changed since the cached load. */
export function loadRulesCached(paths: string[], opts: LoadOptions, version: string, found = findRuleFilesKeyed(paths, opts, version)): LoadedRules {
  const { files, key } = found;
  const problems = [...found.problems];
  const load = (): LoadedRules => loadFoundFiles(files, opts, problems);
  if (!key) return load();
  const path = join(cacheDir(), `rules-${key}.json`);
  try {
    const cached = JSON.parse(readFileSync(path, 'utf8')) as LoadedRules & { format?: string };
    if (cached.format === FORMAT && Array.isArray(cached.rules) && cached.files === files.length) {
      touch(path);
      return { rules: cached.rules, problems: cached.problems, files: cached.files, skipped: cached.skipped };
    }
  } catch {
    // No cache yet, or unreadable: load afresh.
  }
  const loaded = load();
  try {
    writeCacheFile(path, JSON.stringify({ format: FORMAT, ...loaded }));
  } catch {
    // A read-only home or full disk only costs speed.
  }
  return loaded;
}

/**
 * Writes a cache file whole or not at all (another run never reads half of it), then drops old
 * caches. Throws when it cannot: callers carry on without the cache.
 */
export function writeCacheFile(path: string, data: string | Uint8Array): void {
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  evictOldCaches();
}

/**
 * Marks a cache file as just used (its modification time), so eviction drops the least recently
 * used ones, not the oldest written: a scan alternating between rule sets keeps both.
 */
export function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // A read-only cache: eviction order only.
  }
}

/** Caches kept, most recently used first: prepared rule sets (~40 MB each for SigmaHQ's Windows rules) and loaded rules (~6.5 MB). */
const KEEP: ReadonlyArray<[prefix: string, suffix: string, count: number]> = [
  ['prepared-', '.bin', 4],
  ['rules-', '.json', 8],
];

/**
 * Drops all but the most recently used caches of each kind (every rule change or rebuild makes new ones),
 * and what writers killed midway left (temporary files an hour old). Failures only leave files.
 */
export function evictOldCaches(): void {
  try {
    const dir = cacheDir();
    const entries = readdirSync(dir).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }));
    for (const [prefix, suffix, count] of KEEP) {
      const kind = entries.filter(({ f }) => f.startsWith(prefix) && f.endsWith(suffix)).sort((a, b) => b.t - a.t);
      for (const { f } of kind.slice(count)) rmSync(join(dir, f), { force: true });
    }
    for (const { f, t } of entries) if (f.endsWith('.tmp') && Date.now() - t > 3600_000) rmSync(join(dir, f), { force: true });
  } catch {
    // Another run cleaning at the same time, or an unreadable directory.
  }
}
