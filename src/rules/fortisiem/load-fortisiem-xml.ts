// FortiSIEM's own rule XML (fortisiem.md §1) → each <Rule>'s texts and where they are →
// buildRule. A file holds one <Rules> with any number of <Rule>s (a lone <Rule> is read too);
// one broken rule never stops the others. Elements sigscan has no use for (CustomerScope,
// TriggerEventDisplay, SIGMA bookkeeping) are ignored.
import type { FortisiemMetadata, Rule, RuleProblem } from '../ast.js';
import { buildRule, type Located, type RuleSource } from './build-rule.js';
import { commaList } from './rule-metadata.js';
import { parseTriggerOperator } from './trigger.js';
import { QueryError } from './query-tokens.js';
import { LineIndex, parseXml, sourceOffset, XmlError, type XmlElement, type XmlText } from './xml.js';

/** True when an XML text's root element is a FortiSIEM rule list or rule. */
export function looksLikeFortisiemXml(source: string): boolean {
  return /^\s*(?:<\?[\s\S]*?\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<Rules?[\s>/]/.test(source.replace(/^\uFEFF/, ''));
}

export function loadFortisiemXml(source: string, file: string): { rules: Rule[]; problems: RuleProblem[] } {
  const rules: Rule[] = [];
  const problems: RuleProblem[] = [];
  let root: XmlElement;
  try {
    root = parseXml(source);
  } catch (e) {
    if (!(e instanceof XmlError)) throw e;
    problems.push({ file, line: e.line, column: e.column, reason: `XML: ${e.message}`, kind: 'invalid' });
    return { rules, problems };
  }
  const lines = new LineIndex(source);
  const lineOf = (offset: number) => lines.at(offset).line;
  if (root.name !== 'Rules' && root.name !== 'Rule') {
    problems.push({ file, line: lineOf(root.offset), reason: `not a FortiSIEM rule file: the root element is <${root.name}>, not <Rules>`, kind: 'invalid' });
    return { rules, problems };
  }
  const ruleElements = root.name === 'Rule' ? [root] : root.children.filter((c) => c.name === 'Rule');
  if (ruleElements.length === 0) problems.push({ file, line: lineOf(root.offset), reason: '<Rules> holds no <Rule>', kind: 'invalid' });
  for (const el of ruleElements) {
    const source = ruleSource(el, file, lines);
    if ('problem' in source) {
      problems.push({ file, line: source.line, ...(source.rule ? { rule: source.rule } : {}), reason: source.problem, kind: 'invalid' });
      continue;
    }
    const built = buildRule(source);
    if (built.rule) rules.push(built.rule);
    problems.push(...built.problems);
  }
  return { rules, problems };
}

function ruleSource(rule: XmlElement, file: string, lines: LineIndex): RuleSource | { problem: string; line: number; rule?: string } {
  const lineOf = (offset: number) => lines.at(offset).line;
  const child = (parent: XmlElement | undefined, name: string) => parent?.children.find((c) => c.name === name);
  const children = (parent: XmlElement | undefined, name: string) => parent?.children.filter((c) => c.name === name) ?? [];
  const attr = (e: XmlElement | undefined, name: string) => e?.attributes.get(name)?.value;
  const textOf = (e: XmlElement | undefined) => (e ? e.text.value.trim() || undefined : undefined);
  const located = (text: XmlText, from = 0, to = text.value.length): Located => ({
    text: text.value.slice(from, to),
    position: (index) => lines.at(sourceOffset(text, from + index)),
  });
  const locatedText = (e: XmlElement | undefined): Located | null => (e && e.text.value.trim() ? located(e.text) : null);
  const number = (e: XmlElement | undefined, name: string): number | undefined => {
    const v = attr(e, name);
    return v === undefined || v.trim() === '' ? undefined : Number(v);
  };

  const incidentDef = child(rule, 'IncidentDef');
  const pattern = child(rule, 'PatternClause');
  const subpatternElements = children(pattern, 'SubPattern');
  const names = subpatternElements.map((s) => attr(s, 'name') ?? '');
  const metadata: FortisiemMetadata = { tactics: commaList(attr(rule, 'subFunction')), techniques: commaList(attr(rule, 'technique')) };
  const optional: Array<[keyof FortisiemMetadata, string | undefined]> = [
    ['category', attr(rule, 'function')],
    ['impacts', attr(rule, 'phIncidentCategory')],
    ['dataSource', textOf(child(rule, 'DataSource'))],
    ['remediation', textOf(child(rule, 'Remediation'))],
    ['detectionTechnology', textOf(child(rule, 'DetectionTechnology'))],
    ['incidentTitle', textOf(child(rule, 'IncidentTitle'))],
    ['incidentType', attr(incidentDef, 'eventType')],
    ['group', attr(rule, 'group')],
  ];
  for (const [k, v] of optional) if (v !== undefined) (metadata as unknown as Record<string, string>)[k] = v;
  const trigger = operatorTrigger(children(pattern, 'Operator'), names, lines);
  if (trigger && 'problem' in trigger) return { ...trigger, rule: textOf(child(rule, 'Name')) ?? attr(rule, 'id') };

  return {
    file,
    line: lineOf(rule.offset),
    id: attr(rule, 'id'),
    name: textOf(child(rule, 'Name')),
    description: textOf(child(rule, 'Description')),
    disabled: textOf(child(rule, 'active'))?.toLowerCase() === 'false',
    severity: number(incidentDef, 'severity'),
    window: number(pattern, 'window'),
    references: commaList(textOf(child(rule, 'SigmaFileName'))),
    metadata,
    subpatterns: subpatternElements.map((sp) => ({
      name: attr(sp, 'name') ?? '',
      line: lineOf(sp.offset),
      query: locatedText(child(sp, 'SingleEvtConstr')),
      groupBy: commaList(textOf(child(sp, 'GroupByAttr'))),
      aggregate: locatedText(child(sp, 'GroupEvtConstr')),
    })),
    trigger,
    globalConstraint: locatedText(child(pattern, 'GlobalConstr')),
    incident: argList(child(incidentDef, 'ArgList'), located),
    caseSensitive: false,
    lines: {
      severity: incidentDef ? lineOf(incidentDef.offset) : undefined,
      window: pattern ? lineOf(pattern.offset) : undefined,
      subpatterns: pattern ? lineOf(pattern.offset) : undefined,
    },
  };
}

/**
 * `<Operator rank="0" type="FOLLOWED_BY"/>…`: operator i (by rank) joins subpatterns i and i+1,
 * written out as trigger text (`A FOLLOWED_BY B`) for the one trigger parser. Null with one
 * subpattern and no operators; a problem when operators and subpatterns do not fit.
 */
function operatorTrigger(operators: XmlElement[], names: string[], lines: LineIndex): Located | null | { problem: string; line: number } {
  if (operators.length === 0 && names.length <= 1) return null;
  const ranked = operators.map((o, i) => ({ o, rank: Number(o.attributes.get('rank')?.value ?? i) })).sort((a, b) => a.rank - b.rank);
  const lineOf = (e: XmlElement | undefined) => (e ? lines.at(e.offset).line : 1);
  if (ranked.length !== names.length - 1) {
    return { problem: `${names.length} subpatterns need ${names.length - 1} <Operator> elements, found ${ranked.length}`, line: lineOf(operators[0]) };
  }
  let text = names[0];
  for (let i = 0; i < ranked.length; i++) {
    const type = ranked[i].o.attributes.get('type')?.value ?? '';
    try {
      text += ` ${parseTriggerOperator(type)} ${names[i + 1]}`;
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      return { problem: `<Operator type="${type}">: ${e.message}`, line: lineOf(ranked[i].o) };
    }
  }
  const first = ranked[0].o;
  return { text, position: () => ({ line: lineOf(first) }) };
}

/** `hostName = Filter.hostName,user = Filter.user` → attribute and located right side. */
function argList(e: XmlElement | undefined, located: (t: XmlText, from: number, to: number) => Located): RuleSource['incident'] {
  if (!e) return [];
  const out: RuleSource['incident'] = [];
  const text = e.text.value;
  let start = 0;
  for (const part of text.split(',')) {
    const end = start + part.length;
    const eq = part.indexOf('=');
    if (part.trim()) {
      const attribute = (eq < 0 ? part : part.slice(0, eq)).trim();
      out.push({ attribute, source: eq < 0 ? located(e.text, end, end) : located(e.text, start + eq + 1, end) });
    }
    start = end + 1;
  }
  return out;
}
