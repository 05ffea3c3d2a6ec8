// Events described in YAML (an events file, or a list inline in the test file) → EVTX files in
// the case's scratch folder, so they are scanned exactly like recorded logs.
import type { CaseFailure, EventsSource } from './test-case.js';
import { describeRef } from './test-case.js';

export function buildEventFiles(sources: EventsSource[], _scratch: string): { files: string[]; failures: CaseFailure[] } {
  return {
    files: [],
    failures: sources.map((s) => ({ kind: 'events-invalid' as const, message: `${describeRef(s.at)}: events: the event builder (src/fixture) is not available yet; use evtx` })),
  };
}
