// Values for Sigma `|expand` placeholders: a folder of NAME.txt files, one value a line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class PlaceholderError extends Error {}

export function readPlaceholders(dir: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!dir) return out;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new PlaceholderError(`--placeholders: cannot read folder ${dir}`);
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.txt')) continue;
    const values = readFileSync(join(dir, name), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    out.set(name.slice(0, -4), values);
  }
  return out;
}
