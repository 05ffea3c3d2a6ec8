// Where the bundled rules live, relative to the installed package (dist/cli → ../../rules).
import { fileURLToPath } from 'node:url';

export function bundledRulesDir(): string {
  return fileURLToPath(new URL('../../rules', import.meta.url));
}
