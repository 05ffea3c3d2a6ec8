// Test helper: an EventDocument over a plain object (field → value or values), so the attribute
// resolver can be tested without EVTX bytes.
import type { EventDocument, Value } from '../../src/compile/event-document.js';
import { valueText } from '../../src/evtx/values.js';

export function plainDocument(fields: Record<string, Value | Value[]>): EventDocument {
  const values = (f: string): readonly Value[] => (f in fields ? (Array.isArray(fields[f]) ? (fields[f] as Value[]) : [fields[f] as Value]) : []);
  const texts = (f: string) => values(f).map(valueText);
  const leaves = () => Object.values(fields).flat().map(valueText);
  return {
    values,
    texts,
    lowerTexts: (f) => texts(f).map((t) => t.toLowerCase()),
    leafTexts: leaves,
    leafLowerTexts: () => leaves().map((t) => t.toLowerCase()),
    visitValues: (f, v) => values(f).forEach((x) => x !== null && v.decoded(x)),
    visitLeaves: (_stringsOnly, v) => Object.values(fields).forEach((x) => x !== null && v.decoded(x)),
  };
}
