// Test files → test cases, each file read by the reader of its format.
import type { TestFile } from './find-tests.js';
import { sigmahqCases } from './sigmahq-cases.js';
import type { TestCase } from './test-case.js';
import { testFileCases } from './test-file-cases.js';

export function loadCases(files: TestFile[]): TestCase[] {
  return files.flatMap((f) => (f.format === 'sigmahq' ? sigmahqCases(f.path) : testFileCases(f.path)));
}
