// Cutting files into units of work for the scan workers: every chunk in exactly one unit, in
// file and chunk order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planUnits } from '../../src/engine/parallel-scan.js';

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
});
