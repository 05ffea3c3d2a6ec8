// Our own `*.test.yml` format (documented in fixtures/README.md): optional `rules`, then `cases`,
// each with logs (`evtx` files, or `events` described in YAML) and what must fire (`expect`: rule,
// event count, detection count, groups) or must not (`mustNotFire`, `all-others`). Every mistake
// in the file is reported as `file:line:col: reason` and fails that case (or the file), never
// the run.
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';
import { brokenCase, type CaseFailure, type EventsSource, type GroupExpectation, type RuleExpectation, type TestCase } from './test-case.js';
import { countOf, entries, scalarText, textList, YamlSource } from './yaml-source.js';

const ALL_OTHERS = 'all-others';

/** Checks a map's keys against the allowed ones; returns its values by key. */
function fields(source: YamlSource, map: YAMLMap, allowed: string[], problems: CaseFailure[]): Map<string, YamlNode | null> {
  const out = new Map<string, YamlNode | null>();
  for (const [key, keyNode, value] of entries(map)) {
    if (allowed.includes(key)) out.set(key, value);
    else problems.push(source.problem(keyNode, `unknown key "${key}" (expected ${allowed.join(', ')})`));
  }
  return out;
}

/** A list's entries, each read by `read` (those it cannot read are left out); a problem when it is not a list. */
function listOf<T>(source: YamlSource, node: YamlNode | null | undefined, notAList: string, problems: CaseFailure[], read: (item: YamlNode) => T | undefined): T[] {
  if (node === undefined) return [];
  if (!isSeq(node)) {
    problems.push(source.problem(node, notAList));
    return [];
  }
  return ((node as YAMLSeq).items as YamlNode[]).map(read).filter((x): x is T => x !== undefined);
}

function count(source: YamlSource, node: YamlNode | null | undefined, what: string, problems: CaseFailure[]): number | undefined {
  if (node === undefined) return undefined;
  const n = countOf(node);
  if (n === undefined) problems.push(source.problem(node, `${what} must be a whole number of at least 0`));
  return n;
}

function groupExpectation(source: YamlSource, node: YamlNode, problems: CaseFailure[]): GroupExpectation | undefined {
  if (!isMap(node)) {
    problems.push(source.problem(node, 'a groups entry must be a map: {group: {Field: value}, events: N}'));
    return undefined;
  }
  const f = fields(source, node, ['group', 'events'], problems);
  const groupNode = f.get('group');
  if (!isMap(groupNode)) {
    problems.push(source.problem(groupNode ?? node, 'group must be a map of group-by fields to values'));
    return undefined;
  }
  const group: Record<string, string> = {};
  for (const [field, , value] of entries(groupNode)) {
    const text = value === null ? '' : scalarText(value);
    if (text === undefined) problems.push(source.problem(value, `group value of ${field} must be a single value`));
    else group[field] = text;
  }
  const events = count(source, f.get('events'), 'events', problems);
  return { group, ...(events !== undefined ? { events } : {}), at: source.at(node) };
}

function ruleExpectation(source: YamlSource, node: YamlNode, problems: CaseFailure[]): RuleExpectation | undefined {
  if (!isMap(node)) {
    problems.push(source.problem(node, 'an expect entry must be a map: {rule: id or title, events: N, …}'));
    return undefined;
  }
  const f = fields(source, node, ['rule', 'events', 'detections', 'groups'], problems);
  const rule = scalarText(f.get('rule') ?? null);
  if (rule === undefined) problems.push(source.problem(f.get('rule') ?? node, 'expect entry without a rule (id or exact title)'));
  const events = count(source, f.get('events'), 'events', problems);
  const detections = count(source, f.get('detections'), 'detections', problems);
  const groups = listOf(source, f.get('groups'), 'groups must be a list', problems, (g) => groupExpectation(source, g, problems));
  if (rule === undefined) return undefined;
  // Only a rule named: it must fire.
  const fires = events === undefined && detections === undefined && groups.length === 0;
  return { rule, ...(events !== undefined ? { events } : {}), ...(detections !== undefined ? { detections } : {}), ...(fires ? { minEvents: 1 } : {}), groups, at: source.at(node) };
}

function testCase(source: YamlSource, node: YamlNode, index: number, rules: string[], rulesAt: TestCase['rulesAt']): TestCase {
  const at = source.at(node);
  const problems: CaseFailure[] = [];
  const fallbackName = `case ${index + 1}`;
  if (!isMap(node)) return brokenCase(fallbackName, at, 'test-file', [source.problem(node, 'a case must be a map: {name, evtx or events, expect, mustNotFire}')]);
  const f = fields(source, node, ['name', 'description', 'evtx', 'events', 'expect', 'mustNotFire'], problems);
  const name = scalarText(f.get('name') ?? null) ?? fallbackName;
  const here = dirname(source.file);

  const evtx: TestCase['evtx'] = [];
  const evtxNode = f.get('evtx');
  if (evtxNode !== undefined) {
    const list = textList(evtxNode);
    if (!list) problems.push(source.problem(evtxNode, 'evtx must be a file name or a list of them'));
    else for (const e of list) evtx.push({ path: resolve(here, e.text), at: source.at(e.node) });
  }

  const events: EventsSource[] = [];
  const eventsNode = f.get('events');
  if (eventsNode !== undefined) {
    const file = scalarText(eventsNode);
    if (file !== undefined) events.push({ kind: 'file', path: resolve(here, file), at: source.at(eventsNode) });
    else if (isSeq(eventsNode) || isMap(eventsNode)) events.push({ kind: 'inline', node: eventsNode, file: source.file, text: source.text, at: source.at(eventsNode) });
    else problems.push(source.problem(eventsNode, 'events must be an events file name, or event descriptions (a list, or a map with defaults and events)'));
  }
  if (evtxNode === undefined && eventsNode === undefined) problems.push(source.problem(node, `case "${name}" has no logs: give evtx or events`));

  const expectNode = f.get('expect');
  const expect = listOf(source, expectNode, 'expect must be a list of {rule, events, detections, groups}', problems, (e) => ruleExpectation(source, e, problems));

  const mustNotFire: string[] = [];
  let onlyExpectedFire = false;
  const mustNotNode = f.get('mustNotFire');
  if (mustNotNode !== undefined) {
    const list = textList(mustNotNode);
    if (!list) problems.push(source.problem(mustNotNode, `mustNotFire must be a rule id or title, a list of them, or ${ALL_OTHERS}`));
    else for (const m of list) {
      if (m.text === ALL_OTHERS) onlyExpectedFire = true;
      else mustNotFire.push(m.text);
    }
  }
  if (expectNode === undefined && mustNotNode === undefined) problems.push(source.problem(node, `case "${name}" checks nothing: give expect or mustNotFire`));
  return { name, at, format: 'test-file', rules, rulesAt, evtx, events, expect, mustNotFire, onlyExpectedFire, problems };
}

export function testFileCases(file: string): TestCase[] {
  const source = YamlSource.read(file);
  const broken = (problems: CaseFailure[], at = { file }) => [brokenCase('', at, 'test-file', problems)];
  if (!(source instanceof YamlSource)) return broken([source]);
  const root = source.root();
  if (!isMap(root)) return broken([root]);

  const problems: CaseFailure[] = [];
  const f = fields(source, root, ['rules', 'description', 'cases'], problems);
  let rules: string[] = [];
  const rulesNode = f.get('rules');
  if (rulesNode !== undefined) {
    const list = textList(rulesNode);
    if (!list || list.length === 0) problems.push(source.problem(rulesNode, 'rules must be a rule file or folder, or a list of them'));
    else rules = list.map((r) => resolve(dirname(file), r.text));
  }
  const casesNode = f.get('cases');
  if (!isSeq(casesNode) || (casesNode as YAMLSeq).items.length === 0) problems.push(source.problem(casesNode ?? root, 'cases must be a list of at least one case'));
  if (problems.length) return broken(problems, source.at(root));
  const rulesAt = rulesNode ? source.at(rulesNode) : undefined;
  return ((casesNode as YAMLSeq).items as YamlNode[]).map((c, i) => testCase(source, c, i, rules, rulesAt));
}
