// The condition tokeniser on its own: token kinds, 1-based columns, the mode switch at `|`, and
// unknown characters handed on (the tokeniser never throws; the parser reports them).
import { describe, expect, it } from 'vitest';
import { tokeniseCondition } from '../../../src/rules/sigma/condition-tokens.js';

describe('tokeniseCondition', () => {
  it('splits identifiers, patterns, keywords and parentheses, each with its column', () => {
    expect(tokeniseCondition('sel_1 and not (1 of filter_*)')).toEqual([
      { kind: 'word', text: 'sel_1', column: 1 },
      { kind: 'keyword', keyword: 'and', text: 'and', column: 7 },
      { kind: 'keyword', keyword: 'not', text: 'not', column: 11 },
      { kind: '(', column: 15 },
      { kind: 'keyword', keyword: '1', text: '1', column: 16 },
      { kind: 'keyword', keyword: 'of', text: 'of', column: 18 },
      { kind: 'word', text: 'filter_*', column: 21 },
      { kind: ')', column: 29 },
      { kind: 'end', column: 30 },
    ]);
  });

  it('reads keywords in any case, keeping the written text', () => {
    expect(tokeniseCondition('ALL Of Them')).toEqual([
      { kind: 'keyword', keyword: 'all', text: 'ALL', column: 1 },
      { kind: 'keyword', keyword: 'of', text: 'Of', column: 5 },
      { kind: 'keyword', keyword: 'them', text: 'Them', column: 8 },
      { kind: 'end', column: 12 },
    ]);
  });

  it('keeps a keyword inside a longer identifier as part of it', () => {
    expect(tokeniseCondition('android or_filter not-this 10').map((t) => t.kind)).toEqual(['word', 'word', 'word', 'word', 'end']);
  });

  it('after |, reads fields with dots, numbers and comparison operators', () => {
    expect(tokeniseCondition('a | count(src.ip) by host >= 1.5')).toEqual([
      { kind: 'word', text: 'a', column: 1 },
      { kind: '|', column: 3 },
      { kind: 'word', text: 'count', column: 5 },
      { kind: '(', column: 10 },
      { kind: 'word', text: 'src.ip', column: 11 },
      { kind: ')', column: 17 },
      { kind: 'word', text: 'by', column: 19 },
      { kind: 'word', text: 'host', column: 22 },
      { kind: 'compare', op: '>=', column: 27 },
      { kind: 'word', text: '1.5', column: 30 },
      { kind: 'end', column: 33 },
    ]);
  });

  it('after |, 1/all/any/them are plain words but and/or/not stay operators (for near)', () => {
    expect(tokeniseCondition('a | near b and not all').map((t) => t.kind)).toEqual([
      'word', '|', 'word', 'word', 'keyword', 'keyword', 'word', 'end',
    ]);
    expect(tokeniseCondition('a | count() > 1').at(-2)).toEqual({ kind: 'word', text: '1', column: 15 });
  });

  it('hands unknown characters on as unknown tokens, whole code points', () => {
    expect(tokeniseCondition('a > b.c 🙂')).toEqual([
      { kind: 'word', text: 'a', column: 1 },
      { kind: 'unknown', text: '>', column: 3 },
      { kind: 'word', text: 'b', column: 5 },
      { kind: 'unknown', text: '.', column: 6 },
      { kind: 'word', text: 'c', column: 7 },
      { kind: 'unknown', text: '🙂', column: 9 },
      { kind: 'end', column: 11 },
    ]);
  });

  it('always ends with an end token, also for an empty or blank condition', () => {
    expect(tokeniseCondition('')).toEqual([{ kind: 'end', column: 1 }]);
    expect(tokeniseCondition(' \n\t')).toEqual([{ kind: 'end', column: 4 }]);
  });
});
