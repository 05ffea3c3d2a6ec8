// What compiled rules read from an event: values of a field by name, their text forms, and all
// leaf values for keyword search. EVTX records, fixtures and plain JSON events all present this
// interface, so a matcher never knows where its values come from.
import type { Value } from '../evtx/values.js';
import type { RawValueVisitor } from '../evtx/fields.js';

export type { Value, RawValueVisitor };

export interface EventDocument {
  /** Every value of a field (empty when absent). Names as in design.md §4, dotted paths too. */
  values(field: string): readonly Value[];
  /** Text forms of `values(field)` (null → ''), computed once per event and field. */
  texts(field: string): readonly string[];
  /** Lower-cased `texts(field)`, computed once per event and field. */
  lowerTexts(field: string): readonly string[];
  /** Text forms of every leaf value (System, EventData, UserData), for keyword search. */
  leafTexts(): readonly string[];
  /** Lower-cased `leafTexts()`, computed once per event. */
  leafLowerTexts(): readonly string[];
  /**
   * Every non-null value of `values(field)` passed to `visitor`: raw bytes where the document has
   * them (for the prefilter's memo), else decoded.
   */
  visitValues(field: string, visitor: RawValueVisitor): void;
  /**
   * Every non-null leaf value (those of `leafTexts`, arrays as one value) passed to `visitor`.
   * With `stringsOnly`, values of other types may be left out (for the prefilter: numbers, times,
   * GUIDs… need not be read for a literal they cannot hold).
   */
  visitLeaves(stringsOnly: boolean, visitor: RawValueVisitor): void;
}
