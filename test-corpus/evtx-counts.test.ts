// Record counts of every attack sample and edge-case file against the C reference parser
// (libevtx's evtxexport), and no crash anywhere. The four files libevtx gives up on are checked
// against python-evtx's record enumeration instead, and must parse without losing a record.
import { execFileSync, spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, countRecords, listFiles } from './corpus.js';

const LIBEVTX_GIVES_UP = new Set([
  'issue_201.evtx',
  'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  'MSExchange_Management_wec.evtx',
]);

function libevtxCount(file: string): number {
  const r = spawnSync('evtxexport', ['-f', 'xml', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`evtxexport is needed for this suite (Debian package libevtx-utils): ${r.error.message}`);
  return (r.stdout.match(/<Event xmlns/g) ?? []).length;
}

/** Records python-evtx enumerates (rendering aside): a second reference for files libevtx cannot read. */
function pythonEvtxCount(file: string): number {
  const script = 'import sys, Evtx.Evtx as E\nwith E.Evtx(sys.argv[1]) as log: print(sum(1 for _ in log.records()))';
  return Number(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' }).trim());
}

const files = [...listFiles(join(CORPUS, 'attack-samples'), '.evtx'), ...listFiles(join(CORPUS, 'evtx-edge'), '.evtx')];

describe('record counts agree with libevtx', () => {
  it('finds the corpus files', () => {
    expect(files.length).toBe(277 + 23);
  });

  for (const file of files) {
    const name = basename(file);
    it(file.slice(CORPUS.length + 1), () => {
      const ours = countRecords(file);
      // Damage is reported, never an internal error.
      expect(ours.damage.filter((d) => d.reason.startsWith('unexpected'))).toEqual([]);
      if (LIBEVTX_GIVES_UP.has(name)) {
        expect(ours.records).toBeGreaterThan(0);
        expect(ours.records).toBeGreaterThanOrEqual(libevtxCount(file));
        expect(ours.records).toBe(pythonEvtxCount(file));
        expect(ours.damage.filter((d) => d.severity === 'skipped')).toEqual([]);
      } else {
        expect(ours.records).toBe(libevtxCount(file));
      }
    });
  }
});
