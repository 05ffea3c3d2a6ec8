// Paths given on the command line → the EVTX files to read: files as given, folders searched
// recursively for `*.evtx` (any case), filtered by include/exclude globs. Sorted for stable output.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import micromatch from 'micromatch';

export interface FindOptions {
  include?: string[];
  exclude?: string[];
}

export interface FoundFiles {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: Array<{ path: string; reason: string }>;
}

const DEFAULT_INCLUDE = ['**/*.evtx'];

function matches(path: string, base: string, opts: FindOptions, explicit: boolean): boolean {
  const rel = (relative(base, path) || path).split(sep).join('/');
  const abs = path.split(sep).join('/');
  const test = (globs: string[]) => micromatch.isMatch(rel, globs, { nocase: true, dot: true }) || micromatch.isMatch(abs, globs, { nocase: true, dot: true });
  if (opts.exclude?.length && test(opts.exclude)) return false;
  // A file named on the command line is read whatever its extension, unless excluded.
  if (explicit && !opts.include?.length) return true;
  return test(opts.include?.length ? opts.include : DEFAULT_INCLUDE);
}

function walk(dir: string, base: string, opts: FindOptions, out: FoundFiles): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    out.missing.push({ path: dir, reason: (e as NodeJS.ErrnoException).code ?? String(e) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, base, opts, out);
    else if ((e.isFile() || e.isSymbolicLink()) && matches(p, base, opts, false)) out.files.push(p);
  }
}

export function findFiles(paths: string[], opts: FindOptions = {}): FoundFiles {
  const out: FoundFiles = { files: [], missing: [] };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      out.missing.push({ path: p, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String((e as Error).message) });
      continue;
    }
    if (st.isDirectory()) walk(p, p, opts, out);
    else if (matches(p, '.', opts, true)) out.files.push(p);
  }
  return out;
}
