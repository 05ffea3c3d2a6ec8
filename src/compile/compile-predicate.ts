// AST → matcher function. Each node becomes a closure; field values come through the event
// document, which decodes and lower-cases each field at most once per event.
import type { Predicate, ValueTest } from '../rules/ast.js';
import type { EventDocument } from './event-document.js';
import { compileValueTest } from './value-test.js';

type StringTest = Extract<ValueTest, { kind: 'equals' | 'contains' | 'startswith' | 'endswith' }>;
type StringFieldTest = Extract<Predicate, { kind: 'field' }> & { test: StringTest };

function isStringFieldTest(p: Predicate): p is StringFieldTest {
  if (p.kind !== 'field') return false;
  const k = p.test.kind;
  return k === 'equals' || k === 'contains' || k === 'startswith' || k === 'endswith';
}

/**
 * The items of an OR as matchers. Plain string tests of one field (a Sigma value list: dozens
 * or hundreds of `endswith` paths) become one matcher that reads the field once and tries every
 * needle, equal values through a set; which item holds does not change the OR's result.
 */
function compileAlternatives(items: Predicate[]): Matcher[] {
  const groups = new Map<string, StringFieldTest[]>();
  const out: Matcher[] = [];
  for (const item of items) {
    if (!isStringFieldTest(item)) {
      out.push(compilePredicate(item));
      continue;
    }
    const key = (item.test.cased ? 'c' : 'i') + item.field;
    const g = groups.get(key);
    if (g) g.push(item);
    else groups.set(key, [item]);
  }
  for (const g of groups.values()) out.push(g.length === 1 ? compilePredicate(g[0]) : stringListMatcher(g));
  return out;
}

function stringListMatcher(items: StringFieldTest[]): Matcher {
  const { field } = items[0];
  const cased = items[0].test.cased;
  const equal = new Set<string>();
  const starts: string[] = [];
  const ends: string[] = [];
  const inside: string[] = [];
  for (const { test } of items) {
    const needle = cased ? test.value : test.value.toLowerCase();
    if (test.kind === 'equals') equal.add(needle);
    else (test.kind === 'startswith' ? starts : test.kind === 'endswith' ? ends : inside).push(needle);
  }
  return (doc) => {
    const texts = cased ? doc.texts(field) : doc.lowerTexts(field);
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i];
      if (equal.has(t)) return true;
      for (let k = 0; k < ends.length; k++) if (t.endsWith(ends[k])) return true;
      for (let k = 0; k < starts.length; k++) if (t.startsWith(starts[k])) return true;
      for (let k = 0; k < inside.length; k++) if (t.includes(inside[k])) return true;
    }
    return false;
  };
}

export type Matcher = (doc: EventDocument) => boolean;

/** String tests that compare lower-cased text; the others read the text or the typed value. */
function wantsLower(test: ValueTest): boolean {
  return 'cased' in test && !test.cased;
}

export function compilePredicate(p: Predicate): Matcher {
  switch (p.kind) {
    case 'const': {
      const v = p.value;
      return () => v;
    }
    case 'not': {
      const m = compilePredicate(p.item);
      return (doc) => !m(doc);
    }
    case 'and': {
      const ms = p.items.map(compilePredicate);
      if (ms.length === 2) {
        const [a, b] = ms;
        return (doc) => a(doc) && b(doc);
      }
      return (doc) => {
        for (let i = 0; i < ms.length; i++) if (!ms[i](doc)) return false;
        return true;
      };
    }
    case 'or': {
      const ms = compileAlternatives(p.items);
      if (ms.length === 1) return ms[0];
      return (doc) => {
        for (let i = 0; i < ms.length; i++) if (ms[i](doc)) return true;
        return false;
      };
    }
    case 'field': {
      const { field } = p;
      const m = compileValueTest(p.test);
      const lower = wantsLower(p.test);
      return (doc) => {
        const values = doc.values(field);
        if (values.length === 0) return false;
        const texts = doc.texts(field);
        const lowers = lower ? doc.lowerTexts(field) : texts;
        for (let i = 0; i < values.length; i++) if (m(values[i], texts[i], lowers[i])) return true;
        return false;
      };
    }
    case 'null': {
      const { field } = p;
      return (doc) => {
        const values = doc.values(field);
        for (let i = 0; i < values.length; i++) if (values[i] !== null) return false;
        return true;
      };
    }
    case 'exists': {
      const { field } = p;
      return (doc) => doc.values(field).length > 0;
    }
    case 'keyword': {
      const m = compileValueTest(p.test);
      const lower = wantsLower(p.test);
      return (doc) => {
        const texts = doc.leafTexts();
        const lowers = lower ? doc.leafLowerTexts() : texts;
        for (let i = 0; i < texts.length; i++) if (m(texts[i], texts[i], lowers[i])) return true;
        return false;
      };
    }
    case 'fieldref': {
      const { field, other, match, cased } = p;
      const test = (a: string, b: string): boolean =>
        match === 'equals' ? a === b : match === 'contains' ? a.includes(b) : match === 'startswith' ? a.startsWith(b) : a.endsWith(b);
      return (doc) => {
        const as = cased ? doc.texts(field) : doc.lowerTexts(field);
        const bs = cased ? doc.texts(other) : doc.lowerTexts(other);
        for (const a of as) for (const b of bs) if (test(a, b)) return true;
        return false;
      };
    }
  }
}
