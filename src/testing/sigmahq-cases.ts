// SigmaHQ's regression format: a folder per rule with `info.yml` naming the rule
// (`rule_metadata[].id`) and its EVTX recordings (`regression_tests_info[]`: `type: evtx`, `path`
// relative to the SigmaHQ repository root, optional `match_count`). As SigmaHQ's own runner
// (tests/regression_tests_runner.py) does, `match_count` is a floor: fewer matching events fail,
// more pass with a note; without it the rule must match at least once.
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { isMap, isSeq, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';
import { brokenCase, describeRef, type CaseFailure, type RuleExpectation, type TestCase } from './test-case.js';
import { countOf, entries, scalarText, YamlSource } from './yaml-source.js';

/**
 * A recording's file: beside info.yml under its own name, else `path` under the info.yml
 * folder or the nearest ancestor folder where it exists (the repository root).
 */
export function resolveRecording(infoFile: string, path: string): string | undefined {
  const rel = path.replace(/\\/g, '/');
  if (isAbsolute(rel)) return existsSync(rel) ? rel : undefined;
  const dir = dirname(infoFile);
  const beside = join(dir, basename(rel));
  if (existsSync(beside)) return beside;
  for (let root = dir; ; root = dirname(root)) {
    const candidate = join(root, rel);
    if (existsSync(candidate)) return candidate;
    if (dirname(root) === root) return undefined;
  }
}

const valueOf = (map: YAMLMap, key: string): YamlNode | null => entries(map).find(([k]) => k === key)?.[2] ?? null;

export function sigmahqCases(infoFile: string): TestCase[] {
  const source = YamlSource.read(infoFile);
  const broken = (problem: CaseFailure, at = { file: infoFile }) => [brokenCase('', at, 'sigmahq', [problem])];
  if (!(source instanceof YamlSource)) return broken(source);
  const root = source.root();
  if (!isMap(root)) return broken(root);

  const metadata = valueOf(root, 'rule_metadata');
  const rules: Array<{ id: string; title?: string }> = [];
  if (isSeq(metadata)) {
    for (const item of (metadata as YAMLSeq).items as YamlNode[]) {
      const id = isMap(item) ? scalarText(valueOf(item, 'id')) : undefined;
      if (id === undefined) return broken(source.problem(item, 'rule_metadata entry without an id'), source.at(item));
      rules.push({ id, title: isMap(item) ? scalarText(valueOf(item, 'title')) : undefined });
    }
  }
  if (rules.length === 0) return broken(source.problem(metadata ?? root, 'rule_metadata lists no rule id'), source.at(metadata ?? root));
  const label = rules.map((r) => r.title ?? r.id).join(', ');

  const tests = valueOf(root, 'regression_tests_info');
  if (!isSeq(tests) || (tests as YAMLSeq).items.length === 0) {
    return broken(source.problem(tests ?? root, 'regression_tests_info lists no test'), source.at(tests ?? root));
  }
  return ((tests as YAMLSeq).items as YamlNode[]).map((test, i) => {
    const at = source.at(test);
    const name = `${(isMap(test) && scalarText(valueOf(test, 'name'))) || `test ${i + 1}`} (${label})`;
    if (!isMap(test)) return brokenCase(name, at, 'sigmahq', [source.problem(test, 'a regression test must be a map')]);
    const problems: CaseFailure[] = [];
    const type = scalarText(valueOf(test, 'type'));
    if (type !== 'evtx') problems.push(source.problem(valueOf(test, 'type') ?? test, `test type ${type === undefined ? 'missing' : `"${type}"`}: only evtx tests run here`));
    const pathNode = valueOf(test, 'path');
    const path = scalarText(pathNode);
    const evtx: TestCase['evtx'] = [];
    if (path === undefined) problems.push(source.problem(pathNode ?? test, 'test without a path'));
    else {
      const found = resolveRecording(infoFile, path);
      if (found) evtx.push({ path: found, at: source.at(pathNode) });
      else problems.push({ kind: 'file-missing', message: `${describeRef(source.at(pathNode))}: EVTX file not found: ${path} (looked beside info.yml and under each folder above it)` });
    }
    const countNode = valueOf(test, 'match_count');
    const matchCount = countNode === null ? undefined : countOf(countNode);
    if (countNode !== null && matchCount === undefined) problems.push(source.problem(countNode, 'match_count must be a whole number of at least 0'));
    const expect: RuleExpectation[] = rules.map((r) => ({
      rule: r.id,
      minEvents: matchCount ?? 1,
      ...(matchCount !== undefined ? { minEventsFrom: 'match_count' } : {}),
      groups: [],
      at,
    }));
    return { name, at, format: 'sigmahq', rules: [], evtx, events: [], expect, mustNotFire: [], onlyExpectedFire: false, problems };
  });
}
