// The literal prefilter must never hide a match: Aho-Corasick finds exactly what a naive search
// finds, and required literals are truly required.
import { describe, expect, it } from 'vitest';
import type { Predicate } from '../../src/rules/ast.js';
import { AhoCorasick } from '../../src/compile/aho-corasick.js';
import { KEYWORDS, LiteralPrefilter, requiredLiterals } from '../../src/compile/literal-prefilter.js';
import type { EventDocument } from '../../src/compile/event-document.js';

const f = (field: string, kind: 'equals' | 'contains' | 'startswith' | 'endswith', value: string, cased = false): Predicate => ({ kind: 'field', field, test: { kind, value, cased } });

describe('Aho-Corasick', () => {
  it('finds every needle occurrence a naive search finds (random texts and needles)', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const word = (len: number) => Array.from({ length: len }, () => 'abc\\.'[rand(5)]).join('');
    for (let round = 0; round < 200; round++) {
      const needles = Array.from({ length: 1 + rand(12) }, () => word(1 + rand(5)));
      const ac = new AhoCorasick(needles, needles.map((_, i) => i));
      const text = word(rand(40));
      const marks = new Int32Array(needles.length);
      ac.mark(text, marks, 1, []);
      needles.forEach((n, i) => expect(marks[i] === 1, `${JSON.stringify(n)} in ${JSON.stringify(text)}`).toBe(text.includes(n)));
    }
  });
  it('reports overlapping and nested needles', () => {
    const needles = ['he', 'she', 'his', 'hers'];
    const marks = new Int32Array(4);
    new AhoCorasick(needles, [0, 1, 2, 3]).mark("ushers", marks, 9, []);
    expect([...marks]).toEqual([9, 9, 0, 9]);
  });
});

describe('requiredLiterals', () => {
  it('a string test requires its lower-cased text in its field; non-ASCII cased ones require nothing', () => {
    expect(requiredLiterals(f('Image', 'endswith', '\\CMD.exe'))).toEqual([[{ field: 'Image', text: '\\cmd.exe' }]]);
    expect(requiredLiterals(f('Image', 'endswith', '\\CMD.exe', true))).toEqual([[{ field: 'Image', text: '\\cmd.exe' }]]);
    expect(requiredLiterals(f('Image', 'endswith', '\\CMD.exé', true))).toBeNull();
    expect(requiredLiterals(f('Image', 'contains', ''))).toBeNull();
    // A regex requires its longest plain run; one with a top-level alternation nothing.
    expect(requiredLiterals({ kind: 'field', field: 'X', test: { kind: 'regex', pattern: 'a.Bcd+', flags: '' } })).toEqual([[{ field: 'X', text: 'bcd' }]]);
    expect(requiredLiterals({ kind: 'field', field: 'X', test: { kind: 'regex', pattern: 'abc|def', flags: '' } })).toBeNull();
  });
  it('AND keeps every item’s clause; OR distributes over its branches’ clauses; NOT requires nothing', () => {
    const and: Predicate = { kind: 'and', items: [f('Image', 'endswith', '\\cmd.exe'), f('CommandLine', 'contains', ' /c ')] };
    expect(requiredLiterals(and)).toEqual([[{ field: 'Image', text: '\\cmd.exe' }], [{ field: 'CommandLine', text: ' /c ' }]]);
    // xx or (cmd and /c) = (xx or cmd) and (xx or /c)
    const or: Predicate = { kind: 'or', items: [f('A', 'contains', 'xx'), and] };
    expect(requiredLiterals(or)).toEqual([
      [{ field: 'A', text: 'xx' }, { field: 'Image', text: '\\cmd.exe' }],
      [{ field: 'A', text: 'xx' }, { field: 'CommandLine', text: ' /c ' }],
    ]);
    // Past 16 clauses, one clause: the best of each branch joined.
    const wide: Predicate = { kind: 'and', items: ['a', 'b', 'c', 'd', 'e'].map((x) => f(x, 'contains', x + x)) };
    const big = requiredLiterals({ kind: 'or', items: [wide, wide] });
    expect(big).toHaveLength(1);
    expect(big![0]).toHaveLength(2);
    expect(requiredLiterals({ kind: 'or', items: [f('A', 'contains', 'xx'), { kind: 'not', item: f('B', 'contains', 'yy') }] })).toBeNull();
    expect(requiredLiterals({ kind: 'keyword', test: { kind: 'contains', value: 'Mimikatz', cased: false } })).toEqual([[{ field: KEYWORDS, text: 'mimikatz' }]]);
  });
  it('Channel and EventID are left to the index', () => {
    expect(requiredLiterals(f('Channel', 'equals', 'Security'))).toBeNull();
  });
});

describe('LiteralPrefilter', () => {
  const doc = (fields: Record<string, string>, leaves: string[] = Object.values(fields), stringLeaves: string[] = leaves): EventDocument => ({
    values: (n) => (n in fields ? [fields[n]] : []),
    texts: (n) => (n in fields ? [fields[n]] : []),
    lowerTexts: (n) => (n in fields ? [fields[n].toLowerCase()] : []),
    leafTexts: () => leaves,
    leafLowerTexts: () => leaves.map((l) => l.toLowerCase()),
    visitValues: (n, v) => n in fields && v.decoded(fields[n]),
    visitLeaves: (stringsOnly, v) => (stringsOnly ? stringLeaves : leaves).forEach((l) => v.decoded(l)),
  });
  const rules = {
    cmd: { kind: 'and', items: [f('Image', 'endswith', '\\cmd.exe'), f('CommandLine', 'contains', 'whoami')] } as Predicate,
    ps: f('Image', 'endswith', '\\powershell.exe'),
    always: { kind: 'not', item: f('Image', 'contains', 'zz') } as Predicate,
    kw: { kind: 'keyword', test: { kind: 'contains', value: 'mimikatz', cased: false } } as Predicate,
  };
  const pf = LiteralPrefilter.of(Object.entries(rules).map(([name, predicate]) => ({ entry: name, predicate })));
  const passed = (d: EventDocument) => {
    const out: string[] = [];
    pf.forEach(Object.keys(rules), d, (e) => out.push(e));
    return out;
  };
  it('lets through exactly the rules whose every literal group is present, and rules without literals', () => {
    expect(passed(doc({ Image: 'C:\\Windows\\System32\\CMD.EXE', CommandLine: 'cmd /c WHOAMI' }))).toEqual(['cmd', 'always']);
    expect(passed(doc({ Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir' }))).toEqual(['always']);
    expect(passed(doc({ Image: 'x\\powershell.exe' }))).toEqual(['ps', 'always']);
    expect(passed(doc({ Image: 'x' }, ['Invoke-Mimikatz']))).toEqual(['always', 'kw']);
  });

  it('remembers what each field holds per field: a text seen in one field says nothing about another', () => {
    expect(passed(doc({ Image: 'x\\cmd.exe', CommandLine: 'whoami' }))).toEqual(['cmd', 'always']);
    // The same two texts, swapped between the fields: remembered results must not carry over.
    expect(passed(doc({ Image: 'whoami', CommandLine: 'x\\cmd.exe' }))).toEqual(['always']);
    expect(passed(doc({ Image: 'x\\cmd.exe', CommandLine: 'whoami' }))).toEqual(['cmd', 'always']);
  });

  it('looks for keyword literals only in string values when no number, time, GUID or SID text could hold them', () => {
    const kw = (value: string): Predicate => ({ kind: 'keyword', test: { kind: 'contains', value, cased: false } });
    const filter = LiteralPrefilter.of([{ entry: 'word', predicate: kw('mimikatz') }, { entry: 'number', predicate: kw('4624') }]);
    const run = (entries: string[], d: EventDocument) => {
      const out: string[] = [];
      filter.forEach(entries, d, (e) => out.push(e));
      return out;
    };
    // The string-only view lacks the value: a literal with letters outside hex/time/SID text
    // trusts it, a literal of digits reads every value.
    const d = doc({}, ['mimikatz 4624'], []);
    expect(run(['word'], d)).toEqual([]);
    expect(run(['number'], d)).toEqual(['number']);
    expect(run(['word', 'number'], d)).toEqual(['word', 'number']);
  });
});

describe('Aho-Corasick kept as bytes', () => {
  it('an automaton read back from its bytes finds what it found (ASCII and beyond)', () => {
    const needles = ['he', 'she', 'his', 'hers', '😀', 'pаypal', 'x😀y', 'é', 'ab', '\\cmd.exe'];
    const ac = new AhoCorasick(needles, needles.map((_, i) => i * 3));
    const back = AhoCorasick.fromBytes(new Uint8Array([7, ...ac.toBytes()]).subarray(1)); // unaligned on purpose
    for (const text of ['ushers', 'x😀y pаypal.com', 'café ab', 'c:\\windows\\cmd.exe', 'zzz', '']) {
      const a = new Int32Array(30);
      const b = new Int32Array(30);
      const fa: number[] = [];
      const fb: number[] = [];
      ac.mark(text, a, 1, fa);
      back.mark(text, b, 1, fb);
      expect(fb, text).toEqual(fa);
      expect([...b]).toEqual([...a]);
    }
  });
});

describe('Aho-Corasick with more states than 16 bits hold', () => {
  it('keeps 32-bit transitions, finds what a naive search finds, and reads back from its bytes', () => {
    let x = 2463534242; // xorshift32: deterministic, and every letter as likely
    const rand = (n: number) => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) % n);
    const needles = Array.from({ length: 9000 }, () => Array.from({ length: 10 }, () => 'abcdefghijklmnopqrstuvwxyz'[rand(26)]).join(''));
    const ac = new AhoCorasick(needles, needles.map((_, i) => i));
    const bytes = ac.toBytes();
    expect(new Int32Array(bytes.buffer, bytes.byteOffset, 6)[1]).toBeGreaterThan(0x10000); // states
    const back = AhoCorasick.fromBytes(bytes);
    for (const text of [needles[0] + needles[8999], 'zz' + needles[4321].slice(3) + needles[17], 'nothing here']) {
      const marks = new Int32Array(needles.length);
      back.mark(text, marks, 1, []);
      needles.forEach((n, i) => {
        if ((marks[i] === 1) !== text.includes(n)) expect(marks[i] === 1, `${n} in ${text}`).toBe(text.includes(n));
      });
    }
  });
});

describe('Aho-Corasick over UTF-16 bytes', () => {
  it('finds in ASCII bytes what mark finds in the lower-cased text, and gives up at any other character', () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = 'aBc\\.Zz é😀K';
    const word = (len: number) => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
    for (let round = 0; round < 300; round++) {
      const needles = Array.from({ length: 1 + rand(10) }, () => word(1 + rand(4)).toLowerCase());
      const ac = new AhoCorasick(needles, needles.map((_, i) => i));
      const text = word(rand(30));
      const bytes = Buffer.from([1, ...Buffer.from(text, 'utf16le')]);
      const expected = new Int32Array(needles.length);
      ac.mark(text.toLowerCase(), expected, 1, []);
      const got = new Int32Array(needles.length);
      const ascii = ac.markAsciiUtf16(bytes, 1, bytes.length, got, 1, []);
      expect(ascii, JSON.stringify(text)).toBe(/^[\x00-\x7f]*$/.test(text));
      if (ascii) expect([...got], JSON.stringify(text)).toEqual([...expected]);
    }
  });
});

describe('Aho-Corasick beyond ASCII', () => {
  it('finds emoji, homoglyphs and mixed needles (the sparse path) as a naive search does', () => {
    const needles = ['😀', 'а', 'pаypal', 'x😀y', 'é', 'ab'];
    const ac = new AhoCorasick(needles, needles.map((_, i) => i));
    for (const text of ['x😀y', 'pаypal.com', 'cafe', 'café ab', 'zzz', 'aab😀😀']) {
      const marks = new Int32Array(needles.length);
      ac.mark(text, marks, 1, []);
      needles.forEach((n, i) => expect(marks[i] === 1, `${n} in ${text}`).toBe(text.includes(n)));
    }
  });
});
