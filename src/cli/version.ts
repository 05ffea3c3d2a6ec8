// The version printed by `sigscan --version`, read from package.json at run time.
import { readFileSync } from 'node:fs';

export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
})();
