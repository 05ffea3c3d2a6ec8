// Which fields a predicate reads, in the order it names them (a Set keeps insertion order).
import type { Predicate } from './ast.js';

/** Every field name the predicate reads (both sides of a fieldref), NOT or not. */
export function fieldsUsed(p: Predicate, into: Set<string> = new Set()): Set<string> {
  switch (p.kind) {
    case 'and':
    case 'or':
      for (const item of p.items) fieldsUsed(item, into);
      break;
    case 'not':
      fieldsUsed(p.item, into);
      break;
    case 'field':
    case 'null':
    case 'exists':
      into.add(p.field);
      break;
    case 'fieldref':
      into.add(p.field).add(p.other);
      break;
    case 'const':
    case 'keyword':
      break;
  }
  return into;
}
