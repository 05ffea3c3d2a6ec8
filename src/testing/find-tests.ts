// Paths given to `sigscan test` → the test files in them: SigmaHQ `info.yml` files and our
// `*.test.yml` files. Folders are searched as the scan searches for EVTX files (recursively,
// sorted); a file named directly is taken whatever its name (`info.yml` is SigmaHQ's format,
// anything else ours).
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { findFiles } from '../input/find-files.js';

export interface TestFile {
  path: string;
  format: 'sigmahq' | 'test-file';
}

export interface FoundTests {
  files: TestFile[];
  /** Given paths that do not exist or cannot be read. */
  missing: Array<{ path: string; reason: string }>;
}

const TEST_FILES = ['**/info.yml', '**/*.test.yml', '**/*.test.yaml'];

const formatOf = (path: string): TestFile['format'] => (basename(path).toLowerCase() === 'info.yml' ? 'sigmahq' : 'test-file');

export function findTests(paths: string[]): FoundTests {
  const out: FoundTests = { files: [], missing: [] };
  for (const p of paths) {
    if (statSync(p, { throwIfNoEntry: false })?.isFile()) {
      out.files.push({ path: p, format: formatOf(p) });
      continue;
    }
    const found = findFiles([p], { include: TEST_FILES });
    out.files.push(...found.files.map((f) => ({ path: f, format: formatOf(f) })));
    out.missing.push(...found.missing);
  }
  return out;
}
