// The FortiSIEM query language: tokens with columns, the parse tree (every operator, precedence,
// spacing), and what each operator means on events (through the real value tests).
import { describe, expect, it } from 'vitest';
import { eventTypeTable } from '../../src/mappings/fortisiem-event-type.js';
import type { Predicate } from '../../src/rules/ast.js';
import { parseQuery } from '../../src/rules/fortisiem/query-parser.js';
import { queryPredicate } from '../../src/rules/fortisiem/query-predicate.js';
import { QueryError, tokenize } from '../../src/rules/fortisiem/query-tokens.js';
import { evaluate, type TestEvent } from '../helpers/evaluate.js';

function predicate(query: string, caseSensitive = false): { p: Predicate; unsupported: string[] } {
  const unsupported: string[] = [];
  const p = queryPredicate(parseQuery(query), { caseSensitive, eventTypes: eventTypeTable(), unsupported: (r, c) => unsupported.push(`${c}: ${r}`) });
  return { p, unsupported };
}

/** Whether `query` holds for an event given as attribute → value (attributes become fsm: fields). */
function holds(query: string, attributes: Record<string, string | number | null>, caseSensitive = false): boolean {
  const { p, unsupported } = predicate(query, caseSensitive);
  if (unsupported.length) throw new Error(unsupported.join('; '));
  const event: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) event[`fsm:${k}`] = v;
  return evaluate(p, event as TestEvent);
}

function errorOf(query: string): { message: string; column: number } {
  try {
    predicate(query);
  } catch (e) {
    if (e instanceof QueryError) return { message: e.message, column: e.column };
    throw e;
  }
  throw new Error(`no error for ${query}`);
}

describe('tokens', () => {
  it('words, strings, operators and punctuation, each with its column', () => {
    expect(tokenize('a!=1 AND b IN ("x",)')).toEqual([
      { kind: 'word', text: 'a', column: 1 },
      { kind: 'op', op: '!=', column: 2 },
      { kind: 'word', text: '1', column: 4 },
      { kind: 'word', text: 'AND', column: 6 },
      { kind: 'word', text: 'b', column: 10 },
      { kind: 'word', text: 'IN', column: 12 },
      { kind: '(', column: 15 },
      { kind: 'string', text: 'x', regex: 'x', column: 16 },
      { kind: ',', column: 19 },
      { kind: ')', column: 20 },
      { kind: 'end', column: 21 },
    ]);
  });

  it('strings: = reading unescapes \\\\ and \\", keeps other backslashes; the regex reading unescapes only \\"', () => {
    const [t] = tokenize(String.raw`"\\\\*\\IPC$"`);
    expect(t).toMatchObject({ text: String.raw`\\*\IPC$`, regex: String.raw`\\\\*\\IPC$` });
    const [q] = tokenize(String.raw`"say \"hi\" \d C:\\"`);
    expect(q).toMatchObject({ text: String.raw`say "hi" \d C:\ `.trimEnd(), regex: String.raw`say "hi" \d C:\\` });
  });

  it('<=, >=, <>, == read as one operator; a lone ! or an open string is an error with its column', () => {
    expect(tokenize('a<=1 b>=2 c<>3 d==4').filter((t) => t.kind === 'op').map((t) => (t as { op: string }).op)).toEqual(['<=', '>=', '!=', '=']);
    expect(() => tokenize('a ! b')).toThrow(expect.objectContaining({ column: 3 }));
    expect(() => tokenize('a = "open')).toThrow(expect.objectContaining({ column: 5, message: expect.stringMatching(/closing quote/) }));
  });
});

describe('parse tree', () => {
  it('AND binds tighter than OR; parentheses group', () => {
    const t = parseQuery('a = "1" OR b = "2" AND c = "3"');
    expect(t.kind).toBe('or');
    expect((t as { items: Array<{ kind: string }> }).items.map((i) => i.kind)).toEqual(['test', 'and']);
    const g = parseQuery('(a = "1" OR b = "2") AND c = "3"');
    expect(g.kind).toBe('and');
    expect((g as { items: Array<{ kind: string }> }).items.map((i) => i.kind)).toEqual(['or', 'test']);
  });

  it('with and without spaces around operators', () => {
    const shape = (q: string) => JSON.stringify(parseQuery(q)).replace(/"column":\d+/g, '');
    expect(shape('winLogonType=3')).toBe(shape('winLogonType = 3'));
    expect(shape('a!="x"AND(b>=2)')).toBe(shape('a  !=  "x" AND ( b >= 2 )'));
    expect(shape('a!="x"')).not.toBe(shape('a="x"'));
  });

  it('every operator and its NOT form', () => {
    const ops = (q: string) => {
      const t = parseQuery(q);
      return t.kind === 'test' ? [t.op, t.negated, t.values.map((v) => v.text)] : t.kind;
    };
    expect(ops('a = "x"')).toEqual(['=', false, ['x']]);
    expect(ops('a != "x"')).toEqual(['=', true, ['x']]);
    expect(ops('a < 5')).toEqual(['<', false, ['5']]);
    expect(ops('a <= 5')).toEqual(['<=', false, ['5']]);
    expect(ops('a > 5')).toEqual(['>', false, ['5']]);
    expect(ops('a >= 5')).toEqual(['>=', false, ['5']]);
    expect(ops('a IN ("x", 3)')).toEqual(['in', false, ['x', '3']]);
    expect(ops('a NOT IN (,::1)')).toEqual(['in', true, ['', '::1']]);
    expect(ops('a BETWEEN (1, 5)')).toEqual(['between', false, ['1', '5']]);
    expect(ops('a NOT BETWEEN 1 AND 5')).toEqual(['between', true, ['1', '5']]);
    expect(ops('a IS NULL')).toEqual(['null', false, []]);
    expect(ops('a IS NOT NULL')).toEqual(['null', true, []]);
    expect(ops('a CONTAIN "x"')).toEqual(['contain', false, ['x']]);
    expect(ops('a NOT CONTAIN "x"')).toEqual(['contain', true, ['x']]);
    expect(ops('a REGEXP "x"')).toEqual(['regexp', false, ['x']]);
    expect(ops('a NOT REGEXP "x"')).toEqual(['regexp', true, ['x']]);
    expect(ops('NOT (a = "x")')).toBe('not');
    expect(ops('a = "x" and b = "y"')).toBe('and'); // keywords in any case
  });

  it('syntax errors say what was expected and where', () => {
    expect(errorOf('serviceName "BTOBTO"')).toEqual({ message: 'expected an operator after "serviceName", found string "BTOBTO"', column: 13 });
    expect(errorOf('a = "1" AND')).toMatchObject({ column: 12, message: expect.stringMatching(/expected an attribute, found the end/) });
    expect(errorOf('(a = "1"')).toMatchObject({ column: 9, message: expect.stringMatching(/expected "\)"/) });
    expect(errorOf('a = "1" b = "2"')).toMatchObject({ column: 9, message: expect.stringMatching(/unexpected "b"/) });
    expect(errorOf('a IN ("x" "y")')).toMatchObject({ column: 11 });
    expect(errorOf('a IS "x"')).toMatchObject({ column: 6, message: expect.stringMatching(/expected NULL/) });
    expect(errorOf('a REGEXP x')).toMatchObject({ column: 10, message: expect.stringMatching(/quoted regular expression/) });
    expect(errorOf('a > "ten"')).toMatchObject({ column: 5, message: expect.stringMatching(/not a number/) });
    expect(errorOf('')).toMatchObject({ column: 1, message: expect.stringMatching(/empty/) });
  });
});

describe('meaning', () => {
  it('= is exact after unescaping, * is literal, case ignored unless caseSensitive', () => {
    // fortisiem.md's seed example: the ShareName value of a 5145 event.
    expect(holds(String.raw`fileName="\\\\*\\IPC$"`, { fileName: String.raw`\\*\IPC$` })).toBe(true);
    expect(holds(String.raw`fileName="\\\\*\\IPC$"`, { fileName: String.raw`\\server\IPC$` })).toBe(false);
    expect(holds(String.raw`procName="C:\\Windows\\PSEXESVC.exe"`, { procName: 'c:\\windows\\psexesvc.EXE' })).toBe(true);
    expect(holds(String.raw`procName="C:\\Windows\\PSEXESVC.exe"`, { procName: 'c:\\windows\\psexesvc.EXE' }, true)).toBe(false);
    expect(holds('title = "say \\"hi\\""', { title: 'say "hi"' })).toBe(true);
    expect(holds('a = "x*"', { a: 'xyz' })).toBe(false);
    expect(holds('a = "x*"', { a: 'x*' })).toBe(true);
  });

  it('!= is the negation (an absent attribute is "not equal")', () => {
    expect(holds('a != "x"', { a: 'y' })).toBe(true);
    expect(holds('a != "x"', { a: 'X' })).toBe(false);
    expect(holds('a != "x"', {})).toBe(true);
  });

  it('unquoted numbers compare numerically; quoted ones as text; unquoted names are other attributes', () => {
    expect(holds('winLogonType=3', { winLogonType: 3 })).toBe(true);
    expect(holds('winLogonType=3', { winLogonType: '3' })).toBe(true);
    expect(holds('status=0x0', { status: '0x0' })).toBe(true);
    expect(holds('code="03"', { code: '3' })).toBe(false);
    expect(holds('user!=userGrp', { user: 'alice', userGrp: 'bob' })).toBe(true);
    expect(holds('user!=userGrp', { user: 'alice', userGrp: 'ALICE' })).toBe(false);
    expect(holds('srcIpAddr = 10.0.0.1', { srcIpAddr: '10.0.0.1' })).toBe(true);
  });

  it('<, <=, >, >= and BETWEEN are numeric', () => {
    expect(holds('n < 5', { n: 4 })).toBe(true);
    expect(holds('n < 5', { n: 5 })).toBe(false);
    expect(holds('n <= 5', { n: '5' })).toBe(true);
    expect(holds('n > "5"', { n: 10 })).toBe(true);
    expect(holds('n >= 5', { n: 'five' })).toBe(false);
    expect(holds('n BETWEEN (1, 5)', { n: 1 })).toBe(true);
    expect(holds('n BETWEEN (1, 5)', { n: 6 })).toBe(false);
    expect(holds('n NOT BETWEEN (1, 5)', { n: 6 })).toBe(true);
  });

  it('IN / NOT IN: any member, case-insensitive, empty members', () => {
    expect(holds('destIpPort IN (5985,5986)', { destIpPort: 5986 })).toBe(true);
    expect(holds('srcFileName IN ("PowerShell.EXE","pwsh.dll")', { srcFileName: 'powershell.exe' })).toBe(true);
    expect(holds('srcIpAddr NOT IN (,::1)', { srcIpAddr: '::1' })).toBe(false);
    expect(holds('srcIpAddr NOT IN (,::1)', { srcIpAddr: '' })).toBe(false);
    expect(holds('srcIpAddr NOT IN (,::1)', { srcIpAddr: '10.1.1.1' })).toBe(true);
  });

  it('IS NULL: absent, null, or the Windows "-"; IS NOT NULL the opposite', () => {
    for (const [v, isNull] of [[undefined, true], [null, true], ['-', true], ['', false], ['x', false]] as const) {
      const ev = v === undefined ? {} : { details: v };
      expect(holds('details IS NULL', ev), String(v)).toBe(isNull);
      expect(holds('details IS NOT NULL', ev), String(v)).toBe(!isNull);
    }
  });

  it('CONTAIN is a substring test; NOT CONTAIN its negation', () => {
    expect(holds('command CONTAIN "-enc"', { command: 'powershell -ENC abc' })).toBe(true);
    expect(holds('command NOT CONTAIN "-enc"', { command: 'powershell -ENC abc' })).toBe(false);
  });

  it('REGEXP is an unanchored search with the text as the regex; case ignored unless caseSensitive', () => {
    expect(holds(String.raw`procName REGEXP "\\cmdkey\.exe$"`, { procName: 'C:\\Windows\\System32\\CMDKEY.EXE' })).toBe(true);
    expect(holds(String.raw`procName REGEXP "\\cmdkey\.exe$"`, { procName: 'C:\\Windows\\System32\\CMDKEY.EXE' }, true)).toBe(false);
    expect(holds(String.raw`procName REGEXP "\\cmdkey\.exe$"`, { procName: 'C:\\cmdkeyXexe' })).toBe(false);
    expect(holds('command REGEXP " -l"', { command: 'cmdkey -l' })).toBe(true);
    expect(holds(String.raw`command REGEXP "\.bat\"$"`, { command: 'x "a.bat"' })).toBe(true);
    // The converter writes a trailing backslash as \\ just before the closing quote.
    expect(holds(String.raw`fileName NOT REGEXP "C:\\Windows\\"`, { fileName: 'C:\\Windows\\x.dll' })).toBe(false);
    expect(holds(String.raw`fileName REGEXP "[0-9]{1,3}\.[0-9]{1,3}"`, { fileName: 'http://10.2' })).toBe(true);
  });

  it('a regex that cannot run safely, and Group@ members, are reported as unsupported', () => {
    expect(predicate(String.raw`a REGEXP "(a+)+\1"`).unsupported[0]).toMatch(/^10: regular expression .*could backtrack without end/);
    expect(predicate('a REGEXP "a("').unsupported[0]).toMatch(/not a valid JavaScript regular expression/);
    expect(predicate('hostIpAddr IN (Group@PH_SYS_DEVICE_Network)').unsupported).toEqual(['16: Group@PH_SYS_DEVICE_Network: FortiSIEM groups are not available']);
  });

  it('eventType = name also pins the Channel and EventID that name implies (for the rule index)', () => {
    const { p } = predicate('eventType = "Win-Sysmon-1-Create-Process"');
    expect(p).toEqual({
      kind: 'and',
      items: [
        { kind: 'field', field: 'Channel', test: { kind: 'equals', value: 'Microsoft-Windows-Sysmon/Operational', cased: false } },
        { kind: 'field', field: 'EventID', test: { kind: 'compare', op: 'eq', value: 1 } },
        { kind: 'field', field: 'fsm:eventType', test: { kind: 'equals', value: 'Win-Sysmon-1-Create-Process', cased: false } },
      ],
    });
    const inList = predicate('eventType IN ("Win-Security-4699","Win-Security-4701")').p as { kind: string; items: Predicate[] };
    expect(inList.kind).toBe('or');
    expect(JSON.stringify(inList)).toContain('"value":4699');
    // A regex names no single event type: no Channel/EventID guard (plain text becomes a string test).
    expect(predicate(String.raw`eventType REGEXP "Win-.*-5858[^\d]*"`).p).toEqual({ kind: 'field', field: 'fsm:eventType', test: { kind: 'regex', pattern: String.raw`Win-.*-5858[^\d]*`, flags: 'i' } });
    expect(predicate('eventType REGEXP "Win-Sysmon-13-Registry-Set.*"').p).toEqual({ kind: 'field', field: 'fsm:eventType', test: { kind: 'contains', value: 'Win-Sysmon-13-Registry-Set', cased: false } });
  });
});
