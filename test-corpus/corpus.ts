// Where the shared corpus lives and small helpers shared by the corpus suites.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEvtxFile, toPlain, type Damage } from '../src/evtx/index.js';

export const CORPUS = resolve(process.env.SIGSCAN_CORPUS ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus'));

if (!existsSync(CORPUS)) {
  throw new Error(`corpus not found at ${CORPUS}: the corpus suite needs ../shared/corpus (or SIGSCAN_CORPUS)`);
}

export function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.toLowerCase().endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Splits text holding several JSON documents back to back (evtx_dump -o json without headers). */
export function parseConcatenatedJson(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return docs;
}

export interface DumpedFile {
  records: unknown[];
  damage: Damage[];
  readable: boolean;
}

/** All records of a file as plain JSON objects, with any damage reported. */
export function dumpFile(file: string): DumpedFile {
  const records: unknown[] = [];
  const damage: Damage[] = [];
  const s = readEvtxFile(file, { record: (r) => records.push(toPlain(r.json())), damage: (d) => damage.push(d) });
  return { records, damage, readable: s.readable };
}

/** Record count only (no rendering beyond what a record needs to parse). */
export function countRecords(file: string): { records: number; damage: Damage[] } {
  const damage: Damage[] = [];
  let records = 0;
  readEvtxFile(file, { record: (r) => { r.json(); records++; }, damage: (d) => damage.push(d) });
  return { records, damage };
}
