// Every record of every SigmaHQ regression EVTX must dump deep-equal to the Rust crate's JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, dumpFile, listFiles, parseConcatenatedJson } from './corpus.js';

const files = listFiles(join(CORPUS, 'sigma', 'regression_data'), '.evtx');

// The one hand-edited reference value the corpus README names: the record holds `Explorer.EXE`.
const KNOWN_EDIT = {
  dir: 'proc_creation_win_susp_right_to_left_override',
  field: 'ParentCommandLine',
  reference: 'C:\\Windows\\Explorer.exe',
  actual: 'C:\\Windows\\Explorer.EXE',
};

describe('regression EVTX files dump as the Rust evtx crate does', () => {
  it('finds the regression pairs', () => {
    expect(files.length).toBeGreaterThanOrEqual(98);
  });

  for (const evtx of files) {
    const rel = evtx.slice(CORPUS.length + 1);
    it(rel, () => {
      const expected = parseConcatenatedJson(readFileSync(evtx.replace(/\.evtx$/i, '.json'), 'utf8')) as any[];
      if (evtx.includes(KNOWN_EDIT.dir)) {
        for (const e of expected) {
          const ed = e?.Event?.EventData;
          if (ed?.[KNOWN_EDIT.field] === KNOWN_EDIT.reference) ed[KNOWN_EDIT.field] = KNOWN_EDIT.actual;
        }
      }
      const got = dumpFile(evtx);
      expect(got.damage.filter((d) => d.severity === 'skipped')).toEqual([]);
      expect(got.records.length).toBe(expected.length);
      for (let i = 0; i < expected.length; i++) expect(got.records[i], `record ${i}`).toEqual(expected[i]);
    });
  }
});
