// One FortiSIEM-style YAML document (a document with `subpatterns`, design.md §5) → its texts and
// where they are → buildRule. Unknown keys are errors, so a misspelt field is never ignored.
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import { yaml } from '../yaml.js';
import type { FortisiemMetadata, RuleProblem } from '../ast.js';
import { buildRule, type Located, type RuleSource, type SubpatternSource } from './build-rule.js';
import { commaList } from './rule-metadata.js';

export interface YamlLoadContext {
  file: string;
  /** The whole file, for positions inside quoted and block scalars. */
  source: string;
  lines: LineCounter;
}

const KEYS = [
  'id', 'name', 'description', 'status', 'severity', 'category', 'tactics', 'techniques', 'impacts', 'dataSource', 'remediation',
  'detectionTechnology', 'incidentTitle', 'incidentType', 'group', 'references', 'window', 'subpatterns', 'trigger',
  'globalConstraint', 'incident', 'caseSensitive',
];
const SUBPATTERN_KEYS = ['name', 'query', 'groupBy', 'aggregate'];

export function loadFortisiemYaml(doc: Document, js: Record<string, unknown>, ctx: YamlLoadContext): { rule: ReturnType<typeof buildRule>['rule']; problems: RuleProblem[] } {
  const lineOf = (node: unknown, fallback: number): number => {
    const offset = (node as YamlNode | undefined)?.range?.[0];
    return offset === undefined ? fallback : ctx.lines.linePos(offset).line;
  };
  const docLine = lineOf(doc.contents, 1);
  const problems: RuleProblem[] = [];
  const ruleName = text(js.name) ?? text(js.id);
  const invalid = (reason: string, line: number) => problems.push({ file: ctx.file, line, ...(ruleName ? { rule: ruleName } : {}), reason, kind: 'invalid' });
  const node = (key: string) => doc.get(key, true) as YamlNode | undefined;
  const lineOfKey = (key: string) => lineOf(node(key), docLine);

  for (const key of Object.keys(js)) if (!KEYS.includes(key)) invalid(`unknown key '${key}'`, lineOfKey(key));
  const str = (key: string): string | undefined => {
    const v = js[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') {
      invalid(`${key} must be text`, lineOfKey(key));
      return undefined;
    }
    return String(v);
  };
  const list = (key: string): string[] => {
    const v = js[key];
    if (Array.isArray(v)) return v.map(String);
    return commaList(str(key));
  };
  const num = (key: string): number | undefined => {
    const v = js[key];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (Number.isNaN(n) || String(v).trim() === '') {
      invalid(`${key} must be a number`, lineOfKey(key));
      return undefined;
    }
    return n;
  };
  const located = (n: YamlNode | undefined, what: string, line: number): Located | null => {
    if (n === undefined || n === null || (yaml().isScalar(n) && (n.value === null || n.value === ''))) return null;
    if (!yaml().isScalar(n) || typeof n.value === 'object') {
      invalid(`${what} must be text`, lineOf(n, line));
      return null;
    }
    return locateScalar(n, ctx);
  };

  const status = str('status')?.toLowerCase();
  if (status !== undefined && status !== 'enabled' && status !== 'disabled') invalid(`status must be enabled or disabled, not "${status}"`, lineOfKey('status'));
  const caseSensitive = js.caseSensitive;
  if (caseSensitive !== undefined && typeof caseSensitive !== 'boolean') invalid('caseSensitive must be true or false', lineOfKey('caseSensitive'));

  const subpatterns: SubpatternSource[] = [];
  const spNode = node('subpatterns');
  if (spNode !== undefined && !yaml().isSeq(spNode)) invalid('subpatterns must be a list', lineOfKey('subpatterns'));
  if (yaml().isSeq(spNode)) {
    for (const item of spNode.items) {
      const line = lineOf(item, docLine);
      if (!yaml().isMap(item)) {
        invalid('a subpattern must be a map with name, query, groupBy and aggregate', line);
        continue;
      }
      const get = (k: string) => item.get(k, true) as YamlNode | undefined;
      for (const pair of item.items) {
        const k = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
        if (!SUBPATTERN_KEYS.includes(k)) invalid(`unknown subpattern key '${k}'`, lineOf(pair.key, line));
      }
      const groupByNode = get('groupBy');
      const groupByJs = (groupByNode as { toJSON?: () => unknown } | undefined)?.toJSON?.();
      const groupBy = Array.isArray(groupByJs) ? groupByJs.map(String) : commaList(groupByJs === undefined || groupByJs === null ? '' : String(groupByJs));
      const nameNode = get('name');
      subpatterns.push({
        name: yaml().isScalar(nameNode) && nameNode.value !== null ? String(nameNode.value) : '',
        line,
        query: located(get('query'), 'query', line),
        groupBy,
        aggregate: located(get('aggregate'), 'aggregate', line),
      });
    }
  }

  const incident: RuleSource['incident'] = [];
  const incidentNode = node('incident');
  if (incidentNode !== undefined && !yaml().isMap(incidentNode)) invalid('incident must map attributes to Subpattern.attribute', lineOfKey('incident'));
  if (yaml().isMap(incidentNode)) {
    for (const pair of incidentNode.items) {
      const attribute = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
      const source = located(pair.value as YamlNode, `incident attribute ${attribute}`, lineOf(pair.key, docLine));
      if (source) incident.push({ attribute, source });
      else invalid(`incident attribute ${attribute} needs Subpattern.attribute`, lineOf(pair.key, docLine));
    }
  }

  const metadata: FortisiemMetadata = { tactics: list('tactics'), techniques: list('techniques') };
  for (const key of ['category', 'impacts', 'dataSource', 'remediation', 'detectionTechnology', 'incidentTitle', 'incidentType', 'group'] as const) {
    const v = str(key);
    if (v !== undefined) metadata[key] = v;
  }
  const source: RuleSource = {
    file: ctx.file,
    line: docLine,
    id: str('id'),
    name: str('name'),
    description: str('description'),
    disabled: status === 'disabled',
    severity: num('severity'),
    window: num('window'),
    references: list('references'),
    metadata,
    subpatterns,
    trigger: located(node('trigger'), 'trigger', lineOfKey('trigger')),
    globalConstraint: located(node('globalConstraint'), 'globalConstraint', lineOfKey('globalConstraint')),
    incident,
    caseSensitive: caseSensitive === true,
    lines: { name: lineOfKey('name'), severity: lineOfKey('severity'), window: lineOfKey('window'), subpatterns: lineOfKey('subpatterns') },
  };
  const built = buildRule(source);
  if (problems.length) return { rule: null, problems: [...problems, ...built.problems] };
  return built;
}

function text(v: unknown): string | undefined {
  return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
}

/**
 * A scalar's text and where each character is in the file: exact for plain and quoted
 * one-line scalars and for literal blocks (`|`); otherwise the scalar's first line.
 */
function locateScalar(n: Scalar, ctx: YamlLoadContext): Located {
  const value = String(n.value);
  const [start, end] = n.range ?? [0, 0];
  const at = (offset: number) => {
    const p = ctx.lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const fallback = { line: ctx.lines.linePos(start).line };
  let offsets: number[] | null = null;
  const raw = ctx.source.slice(start, end);
  switch (n.type) {
    case 'PLAIN':
      if (raw === value) offsets = Array.from({ length: value.length }, (_, i) => start + i);
      break;
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE':
      offsets = unquote(raw.slice(1, -1), value, n.type === 'QUOTE_SINGLE', start + 1);
      break;
    case 'BLOCK_LITERAL':
      offsets = literalBlock(raw, value, start);
      break;
  }
  return {
    text: value,
    position: (index) => {
      if (!offsets) return fallback;
      return at(index < offsets.length ? offsets[index] : (offsets[offsets.length - 1] ?? start) + 1);
    },
  };
}

/** Offsets of a one-line quoted scalar's characters (`''`, or `\\` and `\"`), or null. */
function unquote(body: string, value: string, single: boolean, base: number): number[] | null {
  if (body.includes('\n')) return null;
  const offsets: number[] = [];
  let out = '';
  for (let i = 0; i < body.length; i++) {
    offsets.push(base + i);
    if (single && body[i] === "'" && body[i + 1] === "'") i++;
    else if (!single && body[i] === '\\') {
      if (body[i + 1] !== '\\' && body[i + 1] !== '"') return null;
      i++;
    }
    out += body[i];
  }
  return out === value ? offsets : null;
}

/** Offsets of a literal block's characters: each line below the header, after its indent. */
function literalBlock(raw: string, value: string, base: number): number[] | null {
  const lines = raw.split('\n');
  const body = lines.slice(1);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  if (!Number.isFinite(indent)) return null;
  const offsets: number[] = [];
  let at = base + lines[0].length + 1;
  let out = '';
  for (const line of body) {
    const content = line.slice(indent);
    for (let i = 0; i < content.length; i++) offsets.push(at + indent + i);
    offsets.push(at + line.length); // the newline
    out += content + '\n';
    at += line.length + 1;
  }
  return value.length <= out.length && out.startsWith(value) ? offsets : null;
}
