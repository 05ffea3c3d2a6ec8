// The direct JSON writer (dump's fast path) must give exactly what the general builder gives,
// for every record of every corpus file where it does not hand over to the builder.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvtxFile, stringifyJson } from '../src/evtx/index.js';
import { writeRecordJson } from '../src/evtx/json-writer.js';
import { recordJson } from '../src/evtx/render-json.js';
import { CORPUS, listFiles } from './corpus.js';

const files = [
  ...listFiles(join(CORPUS, 'attack-samples'), '.evtx'),
  ...listFiles(join(CORPUS, 'evtx-edge'), '.evtx'),
  ...listFiles(join(CORPUS, 'sigma', 'regression_data'), '.evtx'),
];

describe('direct JSON writer agrees with the general builder', () => {
  it('over the whole corpus', () => {
    let fast = 0;
    let general = 0;
    const mismatches: string[] = [];
    for (const file of files) {
      readEvtxFile(file, {
        damage: () => {},
        record: (r) => {
          const direct = writeRecordJson(r.chunk, r.nodes());
          const built = stringifyJson(recordJson(r.chunk, r.nodes()));
          if (direct === null) general++;
          else {
            fast++;
            if (direct !== built && mismatches.length < 5) mismatches.push(`${file} record ${r.id}:\n${direct}\n${built}`);
          }
        },
      });
    }
    expect(mismatches).toEqual([]);
    // The fast path is only worth having if it takes nearly every record.
    expect(fast).toBeGreaterThan(10 * general);
  });
});
