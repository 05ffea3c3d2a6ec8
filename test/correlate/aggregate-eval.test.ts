// Aggregates over a sliding window: COUNT(*), COUNT(DISTINCT a), SUM, AVG, MIN, MAX with every
// comparison, AND / OR; values entering and leaving (checked against a plain recount over random
// windows); and through the scan, a password spray (COUNT DISTINCT) and byte totals (SUM/AVG/MAX).
import { describe, expect, it } from 'vitest';
import { AggregateWindow } from '../../src/correlate/aggregate-eval.js';
import { parseAggregate } from '../../src/rules/fortisiem/aggregate.js';
import { brief, evtx, ruleFile, scan, t } from './helpers.js';

const ATTRIBUTES = ['user', 'bytes'];
const windowOf = (text: string) => new AggregateWindow(parseAggregate(text), (name) => ATTRIBUTES.indexOf(name));
const row = (user: string | null, bytes: string | null) => [user, bytes];

describe('AggregateWindow', () => {
  it('COUNT(*) and COUNT(DISTINCT): entering and leaving; absent values do not count as distinct', () => {
    const w = windowOf('COUNT(DISTINCT user) >= 2');
    const count = windowOf('COUNT(*) = 3');
    const rows = [row('alice', null), row(null, '1'), row('alice', '2'), row('bob', null)];
    const seen: boolean[][] = [];
    for (const r of rows) {
      w.enter(r);
      count.enter(r);
      seen.push([w.holds(), count.holds()]);
    }
    expect(seen).toEqual([[false, false], [false, false], [false, true], [true, false]]);
    w.leaveOldest(rows[0]);
    expect(w.holds()).toBe(true); // alice still there once
    w.leaveOldest(rows[1]);
    w.leaveOldest(rows[2]);
    expect(w.holds()).toBe(false); // only bob left
  });

  it('SUM, AVG, MIN, MAX over numbers only (decimal and 0x hex); each comparison', () => {
    const rows = [row('a', '5'), row('a', '3'), row('a', 'many'), row('a', '0x9')];
    const holds = (text: string, n = rows.length) => {
      const w = windowOf(text);
      rows.slice(0, n).forEach((r) => w.enter(r));
      return w.holds();
    };
    expect(holds('SUM(bytes) = 17')).toBe(true);
    expect(holds('SUM(bytes) != 17')).toBe(false);
    expect(holds('AVG(bytes) > 5.6')).toBe(true); // 17 / 3 numbers
    expect(holds('AVG(bytes) > 5.7')).toBe(false);
    expect(holds('MIN(bytes) <= 3')).toBe(true);
    expect(holds('MIN(bytes) < 3')).toBe(false);
    expect(holds('MAX(bytes) >= 9')).toBe(true);
    expect(holds('MAX(bytes) > 9')).toBe(false);
    expect(holds('MAX(bytes) = 5', 2)).toBe(true);
  });

  it('over no number at all SUM/AVG/MIN/MAX are undefined: every comparison fails', () => {
    for (const text of ['SUM(bytes) >= 0', 'SUM(bytes) != 1', 'AVG(bytes) < 1', 'MIN(bytes) != 0', 'MAX(bytes) <= 0']) {
      const w = windowOf(text);
      w.enter(row('a', null));
      w.enter(row('a', 'n/a'));
      expect(w.holds(), text).toBe(false);
    }
  });

  it('AND binds tighter than OR, parentheses group', () => {
    const holds = (text: string) => {
      const w = windowOf(text);
      w.enter(row('a', '10'));
      w.enter(row('b', '30'));
      return w.holds();
    };
    expect(holds('COUNT(*) >= 2 AND SUM(bytes) > 50')).toBe(false);
    expect(holds('COUNT(*) >= 2 AND SUM(bytes) > 30')).toBe(true);
    expect(holds('COUNT(*) >= 5 OR MAX(bytes) = 30')).toBe(true);
    expect(holds('COUNT(*) >= 5 OR MAX(bytes) = 30 AND MIN(bytes) > 10')).toBe(false);
    expect(holds('(COUNT(*) >= 5 OR MAX(bytes) = 30) AND MIN(bytes) = 10')).toBe(true);
  });

  it('after clear() the window is empty', () => {
    const w = windowOf('COUNT(*) >= 1 OR MIN(bytes) >= 0');
    w.enter(row('a', '1'));
    w.clear();
    expect(w.holds()).toBe(false);
    w.enter(row('a', null));
    expect(w.holds()).toBe(true);
  });

  it('agrees with a plain recount over random sliding windows', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const w = windowOf('COUNT(*) >= 0 AND COUNT(DISTINCT user) >= 0 AND SUM(bytes) >= 0 AND MIN(bytes) >= 0 AND MAX(bytes) >= 0');
    for (let round = 0; round < 100; round++) {
      w.clear();
      const rows = Array.from({ length: 1 + random(40) }, () => row(random(5) ? `u${random(4)}` : null, random(6) ? String(random(50) - 10) : 'x'));
      let oldest = 0;
      for (let i = 0; i < rows.length; i++) {
        w.enter(rows[i]);
        const keep = 1 + random(8);
        while (i + 1 - oldest > keep) w.leaveOldest(rows[oldest++]);
        const inWindow = rows.slice(oldest, i + 1);
        const numbers = inWindow.map((r) => Number(r[1])).filter((n) => !Number.isNaN(n));
        const sum = numbers.reduce((a, b) => a + b, 0);
        const what = JSON.stringify(inWindow);
        expect(w.valueOf('count'), what).toBe(inWindow.length);
        expect(w.valueOf('count-distinct', 'user'), what).toBe(new Set(inWindow.map((r) => r[0]).filter((u) => u !== null)).size);
        expect(w.valueOf('sum', 'bytes'), what).toBe(numbers.length ? sum : undefined);
        expect(w.valueOf('avg', 'bytes'), what).toBe(numbers.length ? sum / numbers.length : undefined);
        expect(w.valueOf('min', 'bytes'), what).toBe(numbers.length ? Math.min(...numbers) : undefined);
        expect(w.valueOf('max', 'bytes'), what).toBe(numbers.length ? Math.max(...numbers) : undefined);
      }
    }
  });
});

describe('aggregates through the scan', () => {
  it('COUNT(DISTINCT user) >= 3 per source address: a password spray, not one user failing often', async () => {
    const fail = (s: number, user: string, ip: string) => `  - {time: "${t(s)}", data: {TargetUserName: ${user}, TargetDomainName: CORP, IpAddress: ${ip}}}`;
    const file = evtx(`defaults: {channel: Security, provider: Microsoft-Windows-Security-Auditing, eventId: 4625, computer: DC01}
events:
${[fail(0, 'alice', '10.0.0.5'), fail(1, 'alice', '10.0.0.9'), fail(2, 'alice', '10.0.0.9'), fail(3, 'alice', '10.0.0.9'), fail(4, 'bob', '10.0.0.5'), fail(5, 'carol', '10.0.0.5'), fail(6, 'dave', '10.0.0.5')].join('\n')}
`, 'spray.evtx');
    const rule = ruleFile(`id: SPRAY
name: Password spray from one address
severity: 7
window: 60
subpatterns:
  - name: Failures
    query: 'eventType = "Win-Security-4625"'
    groupBy: [srcIpAddr]
    aggregate: COUNT(DISTINCT user) >= 3
incident: {srcIpAddr: Failures.srcIpAddr}
`);
    const r = await scan([rule], [file]);
    expect(brief(r.detections)).toEqual([{ group: { srcIpAddr: '10.0.0.5' }, count: 4, events: ['spray.evtx#1', 'spray.evtx#5', 'spray.evtx#6', 'spray.evtx#7'] }]);
    expect(r.detections[0].rule).toMatchObject({ level: 'high', severity: 7 });
  });

  it('SUM / MAX / AVG of a numeric attribute, joined by AND and OR', async () => {
    // An attribute without a mapping reads the EVTX field of that name (Bytes).
    const copy = (s: number, user: string, bytes: number) => `  - {time: "${t(s)}", data: {User: ${user}, Bytes: "${bytes}"}}`;
    const file = evtx(`defaults: {channel: Application, provider: BackupAgent, eventId: 100, computer: FS01}
events:
${[copy(0, 'ann', 400), copy(10, 'ann', 700), copy(20, 'ann', 300), copy(0, 'ben', 900), copy(5, 'ben', 300), copy(0, 'cal', 100), copy(1, 'cal', 100)].join('\n')}
`, 'copies.evtx');
    const rule = (aggregate: string) =>
      ruleFile(`id: COPY
name: Large copies
severity: 4
window: 60
subpatterns:
  - name: Copies
    query: 'EventID = 100'
    groupBy: [User]
    aggregate: ${aggregate}
`);
    const users = async (aggregate: string) => (await scan([rule(aggregate)], [file])).detections.map((d) => `${d.group.User}:${d.count}`).sort();
    // ann: 400, then 1100 in all at 10 s (largest 700): fires, 300 joins. ben: 1200 at 5 s, but 900 is too large for the first.
    expect(await users('SUM(Bytes) >= 1000 AND MAX(Bytes) < 800')).toEqual(['ann:3']);
    expect(await users('SUM(Bytes) >= 1000')).toEqual(['ann:3', 'ben:2']);
    expect(await users('AVG(Bytes) >= 550')).toEqual(['ann:3', 'ben:2']);
    // ann's average reaches 550 but never passes it; cal has two copies of 100.
    expect(await users('AVG(Bytes) > 550 OR COUNT(*) >= 2 AND MIN(Bytes) = 100')).toEqual(['ben:2', 'cal:2']);
  });
});
