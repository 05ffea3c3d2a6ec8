// What compiled rules read from an event: values of a field by name, their text forms, and all
// leaf values for keyword search. EVTX records, fixtures and plain JSON events all present this
// interface, so a matcher never knows where its values come from.
import type { Value } from '../evtx/values.js';

export type { Value };

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
   * Lower-cased texts of the string-typed leaf values only (for the prefilter: numbers, times,
   * GUIDs… need not be decoded for a literal they cannot hold). A document that does not know
   * value types may return all leaves.
   */
  stringLeafLowerTexts(): readonly string[];
}
