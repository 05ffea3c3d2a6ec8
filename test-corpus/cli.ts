// Running the built CLI the way a user or CI job does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

/** The rule cache of these runs stays out of the user's home. */
const CACHE = mkdtempSync(join(tmpdir(), 'sigscan-corpus-cache-'));

export function sigscan(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, SIGSCAN_CACHE_DIR: CACHE } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** JSONL detections → total matched events per rule id. */
export function eventsByRule(jsonl: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { rule: { id: string }; count: number };
    out.set(d.rule.id, (out.get(d.rule.id) ?? 0) + d.count);
  }
  return out;
}
