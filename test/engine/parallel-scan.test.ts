// Cutting files into units of work for the scan workers: every chunk in exactly one unit, in
// file and chunk order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planUnits, workersFor } from '../../src/engine/parallel-scan.js';

describe('planUnits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigscan-units-'));
  const sized = (name: string, chunks: number) => {
    const p = join(dir, name);
    writeFileSync(p, Buffer.alloc(4096 + chunks * 65536));
    return p;
  };
  it('splits large files into ranges and keeps small and unmeasurable ones whole, in order', () => {
    const a = sized('a.evtx', 5);
    const b = sized('b.evtx', 1);
    const missing = join(dir, 'missing.evtx');
    expect(planUnits([a, b, missing], 2)).toEqual([
      { id: 0, file: a, range: { first: 0, count: 2 } },
      { id: 1, file: a, range: { first: 2, count: 2 } },
      { id: 2, file: a, range: { first: 4, count: 1 } },
      { id: 3, file: b, range: { first: 0, count: 1 } },
      { id: 4, file: missing, range: { first: 0, count: 1 } },
    ]);
  });

  it('starts workers only for inputs worth their start-up, and never more than there are units to share', () => {
    const units = (n: number, count: number) => Array.from({ length: n }, (_, id) => ({ id, file: 'f', range: { first: id * count, count } }));
    expect(workersFor(units(277, 1), 2)).toBe(0); // many small files: the main thread alone
    expect(workersFor(units(127, 64), 2)).toBe(0); // just under 512 MB on two cores: one scanner
    expect(workersFor(units(128, 64), 2)).toBe(1); // 512 MB: two are sooner
    expect(workersFor(units(128, 64), 8)).toBe(7);
    expect(workersFor(units(2, 2048), 8)).toBe(1);
    expect(workersFor(units(277, 1), 2, true)).toBe(1); // tests choosing their own unit size
    expect(workersFor(units(1, 1), 4, true)).toBe(0);
  });
});
