// The Channel/EventID index: which values a predicate pins, and that lookups return exactly the
// rules that could match (never fewer), in the order they were added.
import { describe, expect, it } from 'vitest';
import type { Predicate } from '../../src/rules/ast.js';
import { RuleIndex, requiredValues } from '../../src/compile/rule-index.js';

const eq = (field: string, value: string): Predicate => ({ kind: 'field', field, test: { kind: 'equals', value, cased: false } });
const other: Predicate = { kind: 'field', field: 'Image', test: { kind: 'endswith', value: '\\cmd.exe', cased: false } };

describe('requiredValues', () => {
  it('an equality pins its field, lower-cased', () => {
    expect(requiredValues(eq('Channel', 'Security'), 'Channel')).toEqual(new Set(['security']));
    expect(requiredValues(eq('Channel', 'Security'), 'EventID')).toBeNull();
  });
  it('AND pins what any item pins; OR only when every branch does', () => {
    expect(requiredValues({ kind: 'and', items: [other, eq('EventID', '4688')] }, 'EventID')).toEqual(new Set(['4688']));
    expect(requiredValues({ kind: 'or', items: [eq('EventID', '1'), eq('EventID', '4688')] }, 'EventID')).toEqual(new Set(['1', '4688']));
    expect(requiredValues({ kind: 'or', items: [eq('EventID', '1'), other] }, 'EventID')).toBeNull();
  });
  it('NOT and other tests pin nothing; a numeric eq pins its number', () => {
    expect(requiredValues({ kind: 'not', item: eq('EventID', '1') }, 'EventID')).toBeNull();
    expect(requiredValues({ kind: 'field', field: 'EventID', test: { kind: 'compare', op: 'eq', value: 7045 } }, 'EventID')).toEqual(new Set(['7045']));
    expect(requiredValues({ kind: 'field', field: 'EventID', test: { kind: 'compare', op: 'gt', value: 7045 } }, 'EventID')).toBeNull();
  });
});

describe('RuleIndex', () => {
  const index = new RuleIndex<string>();
  index.add('sysmon-1', { kind: 'and', items: [eq('Channel', 'Microsoft-Windows-Sysmon/Operational'), eq('EventID', '1'), other] });
  index.add('any-4688', eq('EventID', '4688'));
  index.add('security-any', eq('Channel', 'Security'));
  index.add('everything', other);
  index.add('proc-creation', {
    kind: 'or',
    items: [
      { kind: 'and', items: [eq('Channel', 'Microsoft-Windows-Sysmon/Operational'), eq('EventID', '1')] },
      { kind: 'and', items: [eq('Channel', 'Security'), eq('EventID', '4688')] },
    ],
  });

  it('returns the rules pinned to the record, the unpinned ones, in order, each once', () => {
    expect(index.candidates('Microsoft-Windows-Sysmon/Operational', '1')).toEqual(['sysmon-1', 'everything', 'proc-creation']);
    expect(index.candidates('Security', '4688')).toEqual(['any-4688', 'security-any', 'everything', 'proc-creation']);
    expect(index.candidates('SECURITY', '4624')).toEqual(['security-any', 'everything']);
    expect(index.candidates('System', '7045')).toEqual(['everything']);
  });
  it('counts the rules', () => {
    expect(index.size).toBe(5);
  });
});
