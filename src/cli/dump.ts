// `sigscan dump`: records as evtx_dump-compatible JSON lines, a JSON array, or event XML.
import { findFiles } from '../input/find-files.js';
import { readEvtxFile, formatDamage, type Damage } from '../evtx/index.js';
import { Output } from '../report/output.js';
import { sanitizeForTerminal } from '../report/terminal-safe.js';

export type DumpFormat = 'jsonl' | 'json' | 'xml';

export interface DumpOptions {
  format: DumpFormat;
  output?: string;
  include?: string[];
  exclude?: string[];
  quiet?: boolean;
  strict?: boolean;
}

/** Returns the exit code. */
export function runDump(paths: string[], opts: DumpOptions, stderr: (s: string) => void): number {
  const found = findFiles(paths, opts);
  for (const m of found.missing) stderr(`sigscan: ${m.path}: ${m.reason}`);
  if (found.files.length === 0) {
    stderr('sigscan: no EVTX files found in the given paths');
    return 2;
  }
  const out = new Output(opts.output);
  let readable = 0;
  let damaged = 0;
  let first = true;
  if (opts.format === 'json') out.write('[');
  const onDamage = (d: Damage) => {
    damaged++;
    if (!opts.quiet) stderr(`sigscan: warning: ${sanitizeForTerminal(formatDamage(d))}`);
  };
  for (const file of found.files) {
    const summary = readEvtxFile(file, {
      damage: onDamage,
      record: (r) => {
        if (out.closed) return;
        switch (opts.format) {
          case 'jsonl':
            out.write(r.jsonText() + '\n');
            break;
          case 'json':
            out.write((first ? '\n' : ',\n') + r.jsonText(true));
            first = false;
            break;
          case 'xml':
            out.write(r.xml() + '\n');
            break;
        }
      },
    });
    if (summary.readable) readable++;
    if (out.closed) break;
  }
  if (opts.format === 'json') out.write(first ? ']\n' : '\n]\n');
  out.close();
  if (readable === 0) {
    stderr('sigscan: none of the given files could be read as EVTX');
    return 2;
  }
  if (opts.strict && (damaged > 0 || readable < found.files.length)) return 2;
  return 0;
}
