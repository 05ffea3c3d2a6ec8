// Rule files and folders → rules in the shared AST, plus every problem found. Folders are
// searched recursively for .yml/.yaml (Sigma, or FortiSIEM-style documents with `subpatterns`)
// and .xml (FortiSIEM `<Rules>`); each YAML document and each XML rule is loaded on its own, so
// one broken rule never stops the others.
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, normalize, sep } from 'node:path';
import { yaml } from './yaml.js';
import type { Rule, RuleProblem } from './ast.js';
import { loadSigmaDocument, looksLikeSigma } from './sigma/load-sigma.js';
import { loadFortisiemXml } from './fortisiem/load-fortisiem-xml.js';
import { loadFortisiemYaml } from './fortisiem/load-fortisiem-yaml.js';

export interface LoadOptions {
  placeholders?: Map<string, string[]>;
}

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
  /** Rule files read. */
  files: number;
  /** YAML documents with nothing of a rule (no title, logsource, detection…), e.g. SigmaHQ's info.yml: left alone. */
  skipped?: number;
}

/** Keys of which a rule document has at least one; a document with none is not meant as a rule. */
const RULE_KEYS = ['title', 'logsource', 'detection', 'correlation', 'filter', 'subpatterns', 'condition'];

const RULE_EXTENSIONS = new Set(['.yml', '.yaml', '.xml']);

export function findRuleFiles(paths: string[], problems: RuleProblem[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    // What `join(dir, name)` gives for a normalised folder, without normalising each of
    // thousands of paths again (a tenth of a scan's start went to that).
    const prefix = dir === '.' ? '' : dir.endsWith(sep) ? dir : dir + sep;
    // Entry types come with the listing; only links (and odd file systems) need a stat of their own.
    const byName = new Map<string, Dirent>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) byName.set(entry.name, entry);
    for (const name of [...byName.keys()].sort()) {
      const entry = byName.get(name)!;
      const p = prefix + name;
      let isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) {
        try {
          isDir = statSync(p).isDirectory();
        } catch {
          continue;
        }
      }
      if (isDir) walk(p);
      else if (RULE_EXTENSIONS.has(extname(name).toLowerCase())) out.push(p);
    }
  };
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) walk(normalize(p));
      else out.push(p);
    } catch {
      problems.push({ file: p, reason: 'no such rule file or folder', kind: 'invalid' });
    }
  }
  return out;
}

export function loadRuleFile(file: string, opts: LoadOptions = {}): { rules: Rule[]; problems: RuleProblem[]; skipped?: number } {
  const rules: Rule[] = [];
  let skipped = 0;
  const problems: RuleProblem[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ file, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, kind: 'invalid' });
    return { rules, problems };
  }
  if (extname(file).toLowerCase() === '.xml') {
    try {
      return loadFortisiemXml(text, file);
    } catch (e) {
      problems.push({ file, reason: `internal error while loading: ${(e as Error).message}`, kind: 'invalid' });
      return { rules, problems };
    }
  }
  const lines = new (yaml().LineCounter)();
  const docs = yaml().parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      problems.push({ file, ...(pos ? { line: pos.line, column: pos.col } : {}), reason: `YAML: ${e.message.split('\n')[0]}`, kind: 'invalid' });
      continue;
    }
    if (doc.contents === null) continue; // an empty document (e.g. a trailing ---)
    const js = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const fortisiem = !!js && typeof js === 'object' && !Array.isArray(js) && 'subpatterns' in js;
    if (!js || typeof js !== 'object' || Array.isArray(js) || !RULE_KEYS.some((k) => k in js)) {
      skipped++;
      continue;
    }
    if (!fortisiem && !looksLikeSigma(js)) {
      const line = doc.contents.range ? lines.linePos(doc.contents.range[0]).line : 1;
      problems.push({ file, line, reason: 'not a rule: no detection, correlation or subpatterns section', kind: 'invalid' });
      continue;
    }
    try {
      const loaded = fortisiem
        ? loadFortisiemYaml(doc, js, { file, source: text, lines })
        : loadSigmaDocument(doc, js, { file, lines, placeholders: opts.placeholders ?? new Map() });
      if (loaded.rule) rules.push(loaded.rule);
      problems.push(...loaded.problems);
    } catch (e) {
      // A loader bug must not cost the other rules: report it against this document.
      problems.push({ file, reason: `internal error while loading: ${(e as Error).message}`, kind: 'invalid' });
    }
  }
  return { rules, problems, skipped };
}

export function loadRules(paths: string[], opts: LoadOptions = {}): LoadedRules {
  const problems: RuleProblem[] = [];
  const files = findRuleFiles(paths, problems);
  return loadFoundFiles(files, opts, problems);
}

/** Rule files already found → rules; their problems are added to `problems`. */
export function loadFoundFiles(files: string[], opts: LoadOptions, problems: RuleProblem[]): LoadedRules {
  const rules: Rule[] = [];
  let skipped = 0;
  for (const f of files) {
    const r = loadRuleFile(f, opts);
    rules.push(...r.rules);
    problems.push(...r.problems);
    skipped += r.skipped ?? 0;
  }
  return { rules, problems, files: files.length, skipped };
}
