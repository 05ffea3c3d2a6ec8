// The small languages around a FortiSIEM subpattern: aggregate constraints, the trigger that
// combines subpatterns, global constraints across them.
import { describe, expect, it } from 'vitest';
import { parseAggregate } from '../../src/rules/fortisiem/aggregate.js';
import { parseGlobalConstraint } from '../../src/rules/fortisiem/global-constraint.js';
import { parseTrigger, parseTriggerOperator } from '../../src/rules/fortisiem/trigger.js';

describe('aggregate', () => {
  it('COUNT(*), COUNT (*), COUNT(DISTINCT a), SUM, AVG, MIN, MAX with each comparison', () => {
    expect(parseAggregate('COUNT(*) >= 1')).toEqual({ kind: 'compare', fn: 'count', op: 'gte', value: 1 });
    expect(parseAggregate('COUNT (*) > 5')).toEqual({ kind: 'compare', fn: 'count', op: 'gt', value: 5 });
    expect(parseAggregate('COUNT(DISTINCT destIpPort) >= 10')).toEqual({ kind: 'compare', fn: 'count-distinct', attribute: 'destIpPort', op: 'gte', value: 10 });
    expect(parseAggregate('SUM(sentBytes) > 1000000')).toMatchObject({ fn: 'sum', attribute: 'sentBytes', op: 'gt', value: 1e6 });
    expect(parseAggregate('AVG(cpuUtil) < 90.5')).toMatchObject({ fn: 'avg', op: 'lt', value: 90.5 });
    expect(parseAggregate('MIN(x) <= 2')).toMatchObject({ fn: 'min', op: 'lte' });
    expect(parseAggregate('MAX(x) = 2')).toMatchObject({ fn: 'max', op: 'eq' });
    expect(parseAggregate('max(x) != 2')).toMatchObject({ fn: 'max', op: 'ne' });
  });

  it('AND binds tighter than OR; parentheses group', () => {
    expect(parseAggregate('COUNT(*) >= 5 AND AVG(x) > 3 OR MAX(y) > 9')).toEqual({
      kind: 'or',
      items: [
        { kind: 'and', items: [{ kind: 'compare', fn: 'count', op: 'gte', value: 5 }, { kind: 'compare', fn: 'avg', attribute: 'x', op: 'gt', value: 3 }] },
        { kind: 'compare', fn: 'max', attribute: 'y', op: 'gt', value: 9 },
      ],
    });
    expect(parseAggregate('COUNT(*) >= 5 AND (AVG(x) > 3 OR MAX(y) > 9)')).toMatchObject({ kind: 'and', items: [{ fn: 'count' }, { kind: 'or' }] });
  });

  it('errors name the column', () => {
    expect(() => parseAggregate('COUNTS(*) >= 1')).toThrow(expect.objectContaining({ column: 1, message: expect.stringMatching(/unknown aggregate function "COUNTS"/) }));
    expect(() => parseAggregate('SUM(*) >= 1')).toThrow(expect.objectContaining({ column: 5 }));
    expect(() => parseAggregate('COUNT(x) >= 1')).toThrow(expect.objectContaining({ column: 7, message: expect.stringMatching(/\* or DISTINCT/) }));
    expect(() => parseAggregate('COUNT(*) >= many')).toThrow(expect.objectContaining({ column: 13, message: expect.stringMatching(/expected a number/) }));
    expect(() => parseAggregate('COUNT(*) 1')).toThrow(expect.objectContaining({ column: 10 }));
  });

});

describe('trigger', () => {
  const names = ['A', 'B', 'C'];
  it('operators apply left to right; FOLLOWED BY and NOT FOLLOWED BY in both spellings; parentheses', () => {
    expect(parseTrigger('A', names)).toEqual({ kind: 'subpattern', name: 'A' });
    expect(parseTrigger('A FOLLOWED_BY B AND NOT C', names)).toEqual({
      kind: 'operator',
      op: 'AND NOT',
      left: { kind: 'operator', op: 'FOLLOWED_BY', left: { kind: 'subpattern', name: 'A' }, right: { kind: 'subpattern', name: 'B' } },
      right: { kind: 'subpattern', name: 'C' },
    });
    expect(parseTrigger('A FOLLOWED BY B', names)).toEqual(parseTrigger('A FOLLOWED_BY B', names));
    expect(parseTrigger('A NOT FOLLOWED BY B', names)).toMatchObject({ op: 'NOT FOLLOWED_BY' });
    expect(parseTrigger('A OR (B AND C)', names)).toMatchObject({ op: 'OR', right: { op: 'AND' } });
    expect(parseTriggerOperator('NOT FOLLOWED_BY')).toBe('NOT FOLLOWED_BY');
  });
  it('unknown names and operators are errors with columns', () => {
    expect(() => parseTrigger('A FOLLOWED_BY D', names)).toThrow(expect.objectContaining({ column: 15, message: expect.stringMatching(/no subpattern named "D"/) }));
    expect(() => parseTrigger('A THEN B', names)).toThrow(expect.objectContaining({ column: 3 }));
    expect(() => parseTriggerOperator('THEN')).toThrow(/unknown operator/);
  });
});

describe('global constraint', () => {
  it('Sub.attr compared with Sub.attr or a value, joined by AND / OR', () => {
    expect(parseGlobalConstraint('AccountCreated.targetUser = LogonSuccess.user AND LogonSuccess.hostName != "DC1"', ['AccountCreated', 'LogonSuccess'])).toEqual({
      kind: 'and',
      items: [
        { kind: 'compare', left: { kind: 'attribute', subpattern: 'AccountCreated', attribute: 'targetUser' }, op: 'eq', right: { kind: 'attribute', subpattern: 'LogonSuccess', attribute: 'user' } },
        { kind: 'compare', left: { kind: 'attribute', subpattern: 'LogonSuccess', attribute: 'hostName' }, op: 'ne', right: { kind: 'literal', value: 'DC1' } },
      ],
    });
    expect(parseGlobalConstraint('A.n > 5', ['A'])).toMatchObject({ op: 'gt', right: { kind: 'literal', value: '5' } });
  });
  it('an unknown subpattern is an error at its column', () => {
    expect(() => parseGlobalConstraint('A.user = Z.user', ['A'])).toThrow(expect.objectContaining({ column: 10, message: expect.stringMatching(/no subpattern named "Z"/) }));
  });
});
