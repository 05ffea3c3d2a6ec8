// Literal-chain regexes (src/compile/literal-chain-regex.ts) answer exactly as the regex does.
import { describe, expect, it } from 'vitest';
import { literalChainMatcher } from '../../src/compile/literal-chain-regex.js';

describe('literalChainMatcher', () => {
  it('takes only literal pieces without letters joined by .*', () => {
    expect(literalChainMatcher('\\+.*\\+.*\\+', '')).not.toBeNull();
    expect(literalChainMatcher('`.*`.*`', 'i')).not.toBeNull();
    expect(literalChainMatcher('\\{.*\\{', 'ims')).not.toBeNull();
    for (const p of ['a.*b', '\\+', '^\\+.*\\+', '\\+.*\\+$', '\\+.+\\+', '.*\\+', '\\+.*', '\\d.*\\+', '(\\+).*\\+', '\\+.*[+]', 'é.*\\+'])
      expect(literalChainMatcher(p, ''), p).toBeNull();
    expect(literalChainMatcher('\\+.*\\+', 'g')).toBeNull();
  });

  it('agrees with the regex on random texts (line ends, near misses, the s flag)', () => {
    const patterns = ['\\+.*\\+.*\\+.*\\+', '\\^.*\\^.*\\^', '`.*`', '\\{.*\\{.*\\{', '\\+-.*-\\+.*::'];
    const alphabet = ['+', '+', '^', '`', '{', '-', ':', 'a', 'B', ' ', '\n', '\r', '\u2028', 'x'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let agreedTrue = 0;
    for (const p of patterns) {
      for (const flags of ['', 'i', 's', 'ms']) {
        const chain = literalChainMatcher(p, flags)!;
        const re = new RegExp(p, flags);
        for (let k = 0; k < 400; k++) {
          let text = '';
          const len = rand(40);
          for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
          const want = re.test(text);
          expect(chain(text), `${p} /${flags} on ${JSON.stringify(text)}`).toBe(want);
          if (want) agreedTrue++;
        }
      }
    }
    expect(agreedTrue).toBeGreaterThan(500);
  });
});
