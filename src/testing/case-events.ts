// Events described in YAML (an events file, or a list inline in the test file) → EVTX files in
// the case's scratch folder, written by the fixture builder, so they are scanned exactly like
// recorded logs. A mistake in the events fails the case as `file:line:col: reason`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureError, parseEventsFile, parseEventsNode, writeEvtx } from '../fixture/index.js';
import { describeRef, type CaseFailure, type EventsSource } from './test-case.js';

function readSource(s: EventsSource): ReturnType<typeof parseEventsFile> | CaseFailure {
  if (s.kind === 'inline') return parseEventsNode(s.node, s.file, s.text);
  let text: string;
  try {
    text = readFileSync(s.path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'file-missing', message: `${describeRef(s.at)}: events file ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}: ${s.path}` };
  }
  return parseEventsFile(text, s.path);
}

export function buildEventFiles(sources: EventsSource[], scratch: string): { files: string[]; failures: CaseFailure[] } {
  const files: string[] = [];
  const failures: CaseFailure[] = [];
  for (const [i, s] of sources.entries()) {
    try {
      const events = readSource(s);
      if (!Array.isArray(events)) {
        failures.push(events);
        continue;
      }
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `events-${i + 1}.evtx`);
      writeFileSync(file, writeEvtx(events));
      files.push(file);
    } catch (e) {
      if (!(e instanceof FixtureError)) throw e;
      failures.push({ kind: 'events-invalid', message: e.message });
    }
  }
  return { files, failures };
}
