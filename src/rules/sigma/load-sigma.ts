// One Sigma YAML document → a Rule in the shared AST, or problems naming file, line and reason.
// Detection items go through the modifier pipeline (detection-item.ts), the condition through the
// condition parser (condition.ts). A rule is never dropped silently: whatever stops it is reported.
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { yaml } from '../yaml.js';
import { FALSE, LEVELS, type Level, type Logsource, type Predicate, type Rule, type RuleProblem } from '../ast.js';
import { ConditionError, resolveCondition } from './condition.js';
import { fieldItem, keywordItem, type ItemContext } from './detection-item.js';

export interface SigmaLoadContext {
  file: string;
  lines: LineCounter;
  placeholders: Map<string, string[]>;
}

export interface LoadedDocument {
  rule: Rule | null;
  problems: RuleProblem[];
}

function lineOf(lines: LineCounter, node: YamlNode | null | undefined, fallback: number): number {
  const offset = node?.range?.[0];
  return offset === undefined ? fallback : lines.linePos(offset).line;
}

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
const asText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** True when a parsed document is a Sigma rule (as opposed to a FortiSIEM-style rule, etc.). */
export function looksLikeSigma(js: unknown): boolean {
  return !!js && typeof js === 'object' && ('detection' in js || 'correlation' in js || 'filter' in js) && !('subpatterns' in js);
}

/** `js` is the document as plain data (the caller has it already, to tell the rule's format). */
export function loadSigmaDocument(doc: Document, js: Record<string, unknown>, ctx: SigmaLoadContext): LoadedDocument {
  const docLine = lineOf(ctx.lines, doc.contents, 1);
  const problems: RuleProblem[] = [];
  const ruleName = asText(js.title) ?? asText(js.id) ?? asText(js.name);
  const problem = (reason: string, kind: RuleProblem['kind'], line = docLine, column?: number) =>
    problems.push({ file: ctx.file, line, ...(column !== undefined ? { column } : {}), ...(ruleName ? { rule: ruleName } : {}), reason, kind });

  if ('correlation' in js) {
    problem('Sigma correlation rules are not supported yet', 'unsupported');
    return { rule: null, problems };
  }
  if ('filter' in js && !('detection' in js)) {
    problem('Sigma filter documents are not supported yet', 'unsupported');
    return { rule: null, problems };
  }
  const title = asText(js.title);
  if (!title) problem('missing title', 'invalid');
  const levelText = asText(js.level)?.toLowerCase();
  let level: Level = 'medium';
  if (levelText !== undefined) {
    if ((LEVELS as readonly string[]).includes(levelText)) level = levelText as Level;
    else problem(`unknown level "${levelText}" (expected ${LEVELS.join(', ')})`, 'invalid', lineOf(ctx.lines, doc.get('level', true) as YamlNode, docLine));
  }
  const logsource = js.logsource;
  if (logsource !== undefined && (typeof logsource !== 'object' || logsource === null || Array.isArray(logsource))) {
    problem('logsource must be a map', 'invalid', lineOf(ctx.lines, doc.get('logsource', true) as YamlNode, docLine));
  }

  const detectionNode = doc.get('detection', true) as YamlNode | undefined;
  let detection: Predicate = FALSE;
  const unsupported: RuleProblem[] = [];
  if (!yaml().isMap(detectionNode)) {
    problem('missing or malformed detection section', 'invalid', lineOf(ctx.lines, detectionNode, docLine));
  } else {
    const identifiers = new Map<string, Predicate>();
    let conditionNode: YamlNode | null = null;
    for (const pair of detectionNode.items) {
      if (!yaml().isPair(pair)) continue;
      const key = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
      const line = lineOf(ctx.lines, pair.key as YamlNode, docLine);
      if (key === 'condition') {
        conditionNode = pair.value as YamlNode;
        continue;
      }
      if (key === 'timeframe') continue;
      // Problems point at the item's own line (or the identifier's, for keyword lists).
      const ctxAt = (itemLine: number): ItemContext => ({
        placeholders: ctx.placeholders,
        problem: (reason, kind) =>
          kind === 'invalid'
            ? problem(`${key}: ${reason}`, 'invalid', itemLine)
            : unsupported.push({ file: ctx.file, line: itemLine, ...(ruleName ? { rule: ruleName } : {}), reason: `${key}: ${reason}`, kind: kind === 'needs-input' ? 'needs-input' : 'unsupported' }),
      });
      const at = (n: YamlNode | null | undefined) => lineOf(ctx.lines, n, line);
      identifiers.set(key, identifierPredicate(pair.value as YamlNode, ctxAt, at, line, (reason) => problem(`${key}: ${reason}`, 'invalid', line)));
    }
    if (!conditionNode) problem('detection has no condition', 'invalid', lineOf(ctx.lines, detectionNode, docLine));
    else {
      const condLine = lineOf(ctx.lines, conditionNode, docLine);
      try {
        const condition = (conditionNode as { toJSON(): unknown }).toJSON() as string | string[];
        const resolved = resolveCondition(condition, identifiers);
        detection = resolved.predicate;
        if (resolved.aggregation) {
          unsupported.push({ file: ctx.file, line: condLine, ...(ruleName ? { rule: ruleName } : {}), reason: 'condition: legacy aggregation (`| count() …`) is not supported yet; use a correlation rule', kind: 'unsupported' });
        }
      } catch (e) {
        if (!(e instanceof ConditionError)) throw e;
        problem(`condition: ${e.message}`, 'invalid', condLine, e.column);
      }
    }
  }
  if (problems.some((p) => p.kind === 'invalid')) return { rule: null, problems: [...problems, ...unsupported] };

  const rule: Rule = {
    id: asText(js.id) ?? title!,
    title: title!,
    format: 'sigma',
    path: ctx.file,
    line: docLine,
    level,
    tags: asStrings(js.tags),
    references: asStrings(js.references),
    falsepositives: asStrings(js.falsepositives),
    detection,
    groupBy: [],
    unsupported,
  };
  const optional = { status: asText(js.status), description: asText(js.description), author: asText(js.author), date: asText(js.date), modified: asText(js.modified) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (rule as unknown as Record<string, unknown>)[k] = v;
  if (logsource && typeof logsource === 'object') rule.logsource = logsource as Logsource;
  return { rule, problems: unsupported };
}

/**
 * One detection identifier: a map is AND over its keys; a list of maps is OR of ANDs; a list of
 * plain values (or a single value) is a keyword list.
 */
function identifierPredicate(
  node: YamlNode,
  ctxAt: (line: number) => ItemContext,
  lineAt: (n: YamlNode | null | undefined) => number,
  line: number,
  invalid: (reason: string) => void,
): Predicate {
  if (yaml().isMap(node)) {
    const items: Predicate[] = [];
    for (const pair of node.items) {
      const key = yaml().isScalar(pair.key) ? String(pair.key.value ?? '') : '';
      const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
      // Keyless keys (`'|all'`, `'|re'`) are keyword searches with modifiers: fieldItem handles both.
      items.push(fieldItem(key, value, ctxAt(lineAt(pair.key as YamlNode))));
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }
  if (yaml().isSeq(node)) {
    const scalars: unknown[] = [];
    const alternatives: Predicate[] = [];
    for (const item of node.items) {
      if (yaml().isMap(item) || yaml().isSeq(item)) alternatives.push(identifierPredicate(item as YamlNode, ctxAt, lineAt, lineAt(item as YamlNode), invalid));
      else scalars.push((item as { toJSON(): unknown }).toJSON());
    }
    if (scalars.length) alternatives.push(keywordItem(scalars, false, ctxAt(line)));
    return alternatives.length === 1 ? alternatives[0] : { kind: 'or', items: alternatives };
  }
  if (yaml().isScalar(node) && node.value !== null) return keywordItem([node.value], false, ctxAt(line));
  invalid('empty detection identifier');
  return FALSE;
}
