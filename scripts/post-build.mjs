// After tsc: copy the mapping data files next to the compiled code (modules load them relative
// to themselves), and mark the CLI entry executable so `npx sigscan` and the `bin` link work.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

const src = new URL('../src/mappings/', import.meta.url);
const dist = new URL('../dist/mappings/', import.meta.url);
if (existsSync(src)) {
  mkdirSync(dist, { recursive: true });
  for (const name of readdirSync(src)) if (/\.(ya?ml|json)$/.test(name)) copyFileSync(new URL(name, src), new URL(name, dist));
}
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(entry)) chmodSync(entry, 0o755);
