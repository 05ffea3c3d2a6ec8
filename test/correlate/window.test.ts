// FortiSIEM windows through the scan: per subpattern and group-by tuple a sliding window of
// `window` seconds (inclusive at exactly `window` s), an incident when the aggregate first holds,
// later events joining it until its window ends, the next event starting afresh; events of several
// files put in time order first; the same output on one thread or split into units.
import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../../src/compile/rule-set.js';
import { scanUnit } from '../../src/engine/parallel-scan.js';
import { loadLogsourceMap } from '../../src/mappings/logsource-map.js';
import { loadRuleFile } from '../../src/rules/load-rules.js';
import { brief, evtx, ruleFile, scan, t } from './helpers.js';

/** Logon failures (4625) on DC01: [seconds, user], from 10.0.0.5. */
const failures = (list: Array<[number, string]>) => `defaults: {channel: Security, provider: Microsoft-Windows-Security-Auditing, eventId: 4625, computer: DC01}
events:
${list.map(([s, user]) => `  - {time: "${t(s)}", data: {TargetUserName: ${user}, TargetDomainName: CORP, IpAddress: 10.0.0.5, LogonType: 3}}`).join('\n')}
`;

/** A rule counting failures per user in a window. */
const failureRule = (aggregate: string, window = 60) =>
  ruleFile(`id: W-${aggregate}
name: Logon failures per user
severity: 5
window: ${window}
subpatterns:
  - name: Failures
    query: 'eventType = "Win-Security-4625"'
    groupBy: [user]
    aggregate: ${aggregate}
incident: {user: Failures.user}
`);

const at = (ms: number) => Date.parse(t(0)) + ms;

describe('one subpattern: sliding windows and incidents', () => {
  it('COUNT(*) >= 1: one incident per window; an event exactly `window` s after the first joins it, 1 ms later starts the next', async () => {
    const file = evtx(failures([[0, 'alice'], [30, 'alice'], [60, 'alice'], [60.001, 'alice'], [100, 'alice'], [120.001, 'alice'], [120.002, 'alice']]), 'boundary.evtx');
    const r = await scan([failureRule('COUNT(*) >= 1')], [file]);
    expect(r.stderr).not.toMatch(/rule not/);
    expect(brief(r.detections)).toEqual([
      { group: { user: 'alice' }, count: 3, events: ['boundary.evtx#1', 'boundary.evtx#2', 'boundary.evtx#3'] },
      // The second window starts at 60.001 and ends at 120.001 inclusive.
      { group: { user: 'alice' }, count: 3, events: ['boundary.evtx#4', 'boundary.evtx#5', 'boundary.evtx#6'] },
      { group: { user: 'alice' }, count: 1, events: ['boundary.evtx#7'] },
    ]);
    expect(r.detections.map((d) => [Date.parse(d.first), Date.parse(d.last)])).toEqual([
      [at(0), at(60_000)],
      [at(60_001), at(120_001)],
      [at(120_002), at(120_002)],
    ]);
    expect(r.detections[0].rule).toMatchObject({ format: 'fortisiem', level: 'medium', severity: 5 });
  });

  it('the aggregate counts the events of the last `window` seconds: 0 and 60 s apart share one, 60.001 s do not', async () => {
    const file = evtx(failures([[0, 'bob'], [60, 'bob'], [0, 'carol'], [60.001, 'carol'], [120.002, 'carol'], [150, 'carol']]), 'sliding.evtx');
    const r = await scan([failureRule('COUNT(*) >= 2')], [file]);
    expect(brief(r.detections)).toEqual([
      { group: { user: 'bob' }, count: 2, events: ['sliding.evtx#1', 'sliding.evtx#2'] },
      // carol's first three events are each more than 60 s apart; the fourth makes two in 60 s.
      { group: { user: 'carol' }, count: 2, events: ['sliding.evtx#5', 'sliding.evtx#6'] },
    ]);
  });

  it('overlapping bursts: the incident keeps its window; events after it start afresh; bursts that never reach the count give nothing', async () => {
    const times = [0, 10, 20, 50, 70, 80, 125, 129, 200, 261, 322];
    const file = evtx(failures(times.map((s) => [s, 'alice'])), 'bursts.evtx');
    const r = await scan([failureRule('COUNT(*) >= 3')], [file]);
    expect(brief(r.detections)).toEqual([
      // Fires at 20 (0, 10, 20); 50 joins (window 0–60); 70 is past it.
      { group: { user: 'alice' }, count: 4, events: ['bursts.evtx#1', 'bursts.evtx#2', 'bursts.evtx#3', 'bursts.evtx#4'] },
      // 70, 80, 125 lie within 60 s of 125: fires there, window 70–130, 129 joins.
      { group: { user: 'alice' }, count: 4, events: ['bursts.evtx#5', 'bursts.evtx#6', 'bursts.evtx#7', 'bursts.evtx#8'] },
      // 200, 261, 322: never three within 60 s.
    ]);
  });

  it('several groups interleaved keep their own windows', async () => {
    const file = evtx(failures([[0, 'alice'], [5, 'bob'], [10, 'alice'], [100, 'bob'], [110, 'alice'], [130, 'bob']]), 'groups.evtx');
    const r = await scan([failureRule('COUNT(*) >= 2')], [file]);
    expect(brief(r.detections)).toEqual([
      { group: { user: 'alice' }, count: 2, events: ['groups.evtx#1', 'groups.evtx#3'] },
      { group: { user: 'bob' }, count: 2, events: ['groups.evtx#4', 'groups.evtx#6'] },
    ]);
  });

  it('--max-events cuts the events shown, never the count', async () => {
    const file = evtx(failures([0, 1, 2, 3, 4].map((s) => [s, 'dave'])), 'many.evtx');
    const r = await scan([failureRule('COUNT(*) >= 2')], [file], { maxEvents: 2 });
    expect(brief(r.detections)).toEqual([{ group: { user: 'dave' }, count: 5, events: ['many.evtx#1', 'many.evtx#2'] }]);
  });
});

describe('events from several files', () => {
  // a.evtx and b.evtx each in time order, their events interleaving: a 0, 40, 80; b 20, 60, 100.
  const a = evtx(failures([[0, 'alice'], [40, 'alice'], [80, 'alice']]), 'a.evtx');
  const b = evtx(failures([[20, 'alice'], [60, 'alice'], [100, 'alice']]), 'b.evtx');

  it('are put in time order before windowing (file order only breaks ties)', async () => {
    const r = await scan([failureRule('COUNT(*) >= 1')], [a, b]);
    expect(brief(r.detections)).toEqual([
      { group: { user: 'alice' }, count: 4, events: ['a.evtx#1', 'b.evtx#1', 'a.evtx#2', 'b.evtx#2'] },
      { group: { user: 'alice' }, count: 2, events: ['a.evtx#3', 'b.evtx#3'] },
    ]);
  });

  it('make an aggregate hold that neither file reaches alone', async () => {
    const rule = failureRule('COUNT(*) >= 3', 40);
    expect((await scan([rule], [a])).detections).toEqual([]);
    expect((await scan([rule], [b])).detections).toEqual([]);
    // In time order: 0, 20, 40 are three within 40 s (window 0–40); 60 starts afresh, 60, 80, 100.
    expect(brief((await scan([rule], [a, b])).detections)).toEqual([
      { group: { user: 'alice' }, count: 3, events: ['a.evtx#1', 'b.evtx#1', 'a.evtx#2'] },
      { group: { user: 'alice' }, count: 3, events: ['b.evtx#2', 'a.evtx#3', 'b.evtx#3'] },
    ]);
  });

  it('equal times: file order, then record order', async () => {
    const c = evtx(failures([[0, 'erin'], [0, 'erin']]), 'c.evtx');
    const d = evtx(failures([[0, 'erin']]), 'd.evtx');
    expect(brief((await scan([failureRule('COUNT(*) >= 1')], [c, d])).detections)).toEqual([{ group: { user: 'erin' }, count: 3, events: ['c.evtx#1', 'c.evtx#2', 'd.evtx#1'] }]);
  });

  it('the same output whether hits come from one thread or from units of work taken back in order', async () => {
    const rule = failureRule('COUNT(*) >= 1');
    const one = await scan([rule], [a, b]);
    const split = await scan([rule], [a, b], { threads: 2, unitChunks: 1 });
    expect(split.text).toBe(one.text);
    expect(one.detections).toHaveLength(2);
  });

  it('hits of pattern rules are plain data: what a worker sends arrives whole', () => {
    const set = buildRuleSet(loadRuleFile(failureRule('COUNT(*) >= 1')).rules, loadLogsourceMap());
    const result = scanUnit({ id: 0, file: a, range: { first: 0, count: 1 } }, set, { inputs: { rules: [], mapping: [], selection: {}, version: '' } as never, groupBy: [] });
    expect(result.hits).toHaveLength(3);
    expect(result.hits[0].pattern).toEqual({ subpatterns: [0], attributes: ['alice'] });
    expect(structuredClone(result)).toEqual(result);
  });
});
