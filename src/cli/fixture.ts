// `sigscan fixture <events.yml...> -o out.evtx`: events files (concatenated in order) → one EVTX
// file, written atomically (a temporary file renamed into place). Problems in an events file are
// told as `file:line:col: reason` (control characters quoted from the file made visible); exit 2
// for them as for any usage error.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FixtureError, parseEventsFile, writeEvtx, type EventDescription } from '../fixture/index.js';
import { sanitizeForTerminal } from '../report/terminal-safe.js';

export interface FixtureCliOptions {
  output: string;
}

/** Returns the exit code. */
export function runFixture(files: string[], opts: FixtureCliOptions, stderr: (s: string) => void): number {
  let bytes: Uint8Array;
  const events: EventDescription[] = [];
  try {
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        stderr(`sigscan: ${sanitizeForTerminal(file)}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        return 2;
      }
      events.push(...parseEventsFile(text, file));
    }
    bytes = writeEvtx(events);
  } catch (e) {
    if (!(e instanceof FixtureError)) throw e;
    stderr(`sigscan: ${sanitizeForTerminal(e.message)}`);
    return 2;
  }
  const temporary = join(dirname(opts.output), `.${basename(opts.output)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, opts.output);
  } catch (e) {
    rmSync(temporary, { force: true });
    stderr(`sigscan: ${sanitizeForTerminal(opts.output)}: cannot write: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return 2;
  }
  stderr(`sigscan: wrote ${events.length} events to ${sanitizeForTerminal(opts.output)}`);
  return 0;
}
