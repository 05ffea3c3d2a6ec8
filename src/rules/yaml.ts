// The YAML library, loaded when first used: a scan from prepared rules parses no YAML, and loading
// the library was a sixth of such a scan's start. Under Node it is CommonJS, so `require` loads
// it synchronously, the same module instance an `import` would give.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
