// Multi-subpattern FortiSIEM rules through the scan: each trigger operator (AND, OR, FOLLOWED_BY,
// AND NOT, NOT FOLLOWED_BY, and a chain of FOLLOWED_BY), global constraints deciding which
// incidents combine, the window over the combination, and the detection's group made of the
// incident attributes (or `Subpattern.attribute` group-by values when the rule has none).
import { describe, expect, it } from 'vitest';
import { brief, evtx, logon, ruleFile, scan, securityEvents, t } from './helpers.js';

// ---- brute force: failures of one user followed by a success of that user

const logons = evtx(
  securityEvents([
    logon(0, 4625, 'alice', '10.0.0.5'), //  #1
    logon(10, 4625, 'alice', '10.0.0.5'), // #2
    logon(20, 4625, 'alice', '10.0.0.5'), // #3  alice's failures fire here
    logon(25, 4624, 'bob', '10.0.0.7'), //   #4  another user's success: the constraint keeps it out
    logon(30, 4624, 'alice', '10.0.0.5'), // #5  alice's success: follows her failures
    logon(35, 4624, 'alice', '10.0.0.5'), // #6  joins her success incident
    logon(40, 4625, 'alice', '10.0.0.5'), // #7  joins her failure incident
    logon(50, 4624, 'carol', '10.0.0.8'), // #8  carol succeeds first…
    logon(60, 4625, 'carol', '10.0.0.8'), // #9
    logon(70, 4625, 'carol', '10.0.0.8'), // #10
    logon(80, 4625, 'carol', '10.0.0.8'), // #11 …then fails three times
    logon(100, 4625, 'dave', '10.0.0.9'), // #12
    logon(110, 4625, 'dave', '10.0.0.9'), // #13
    logon(120, 4625, 'dave', '10.0.0.9'), // #14
    logon(500, 4624, 'dave', '10.0.0.9'), // #15 too late: 400 s after his first failure
  ]),
  'logons.evtx',
);

const bruteForce = (trigger: string) =>
  ruleFile(`id: BF
name: Brute force then success
severity: 8
window: 300
subpatterns:
  - name: Failures
    query: 'eventType = "Win-Security-4625"'
    groupBy: [user, srcIpAddr]
    aggregate: COUNT(*) >= 3
  - name: Success
    query: 'eventType = "Win-Security-4624"'
    groupBy: [user]
    aggregate: COUNT(*) >= 1
trigger: ${trigger}
globalConstraint: Failures.user = Success.user
incident:
  user: Success.user
  srcIpAddr: Failures.srcIpAddr
  hostName: Success.hostName
`);

describe('FOLLOWED_BY and AND with a global constraint', () => {
  it('Failures FOLLOWED_BY Success: only a success after the failures fired, of the same user, within the window', async () => {
    const r = await scan([bruteForce('Failures FOLLOWED_BY Success')], [logons]);
    expect(r.stderr).not.toMatch(/rule not/);
    expect(brief(r.detections)).toEqual([
      { group: { user: 'alice', srcIpAddr: '10.0.0.5', hostName: 'DC01' }, count: 6, events: ['logons.evtx#1', 'logons.evtx#2', 'logons.evtx#3', 'logons.evtx#5', 'logons.evtx#6', 'logons.evtx#7'] },
    ]);
    expect(r.detections[0].rule).toMatchObject({ id: 'BF', level: 'high', severity: 8, format: 'fortisiem' });
    expect([Date.parse(r.detections[0].first), Date.parse(r.detections[0].last)]).toEqual([Date.parse(t(0)), Date.parse(t(40))]);
  });

  it('Failures AND Success: in either order (carol too), still one user and one window', async () => {
    const r = await scan([bruteForce('Failures AND Success')], [logons]);
    expect(brief(r.detections).map((d) => [d.group.user, d.group.srcIpAddr, d.count])).toEqual([
      ['alice', '10.0.0.5', 6],
      ['carol', '10.0.0.8', 4],
    ]);
  });

  it('without the constraint, bob\'s success pairs with alice\'s failures', async () => {
    const rule = ruleFile(`id: BF2
name: Failures then any success
severity: 3
window: 300
subpatterns:
  - {name: Failures, query: 'eventType = "Win-Security-4625"', groupBy: [user], aggregate: COUNT(*) >= 3}
  - {name: Success, query: 'eventType = "Win-Security-4624"', groupBy: [user], aggregate: COUNT(*) >= 1}
trigger: Failures FOLLOWED_BY Success
incident: {failed: Failures.user, succeeded: Success.user}
`);
    const r = await scan([rule], [logons]);
    // bob's success (25 s) pairs with alice's failures (fired at 20 s); alice's and carol's
    // successes then join that incident. carol's failures fire at 80 s and dave's at 120 s; the
    // only success after them comes at 500 s, more than 300 s after either began.
    expect(brief(r.detections)).toEqual([
      { group: { failed: 'alice', succeeded: 'bob' }, count: 8, events: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `logons.evtx#${n}`) },
    ]);
  });
});

// ---- accounts created and deleted (a made-up log: event 1 creates, 2 deletes)

const account = (s: number, eventId: 1 | 2, user: string) => `  - {time: "${t(s)}", eventId: ${eventId}, data: {User: ${user}}}`;
const accounts = evtx(`defaults: {channel: Application, provider: AccountTool, computer: SRV01}
events:
${[
  account(0, 1, 'alice'), //   #1
  account(0, 1, 'bob'), //     #2
  account(0, 2, 'carol'), //   #3  carol deleted before she is created
  account(0, 1, 'eve'), //     #4
  account(10, 2, 'frank'), //  #5
  account(50, 2, 'alice'), //  #6
  account(60, 1, 'carol'), //  #7
  account(150, 2, 'bob'), //   #8  150 s after bob was created: outside the window
  account(300, 1, 'dave'), //  #9  the last event: dave's window runs past the end of the input
].join('\n')}
`, 'accounts.evtx');

const accountRule = (trigger: string, extra = 'globalConstraint: Created.User = Deleted.User\nincident: {user: Created.User}\n') =>
  ruleFile(`id: ACC
name: Account lifetime
severity: 2
window: 100
subpatterns:
  - {name: Created, query: 'EventID = 1', groupBy: [User]}
  - {name: Deleted, query: 'EventID = 2', groupBy: [User]}
trigger: ${trigger}
${extra}`);

const users = async (trigger: string, extra?: string) => brief((await scan([accountRule(trigger, extra)], [accounts])).detections);

describe('each trigger operator', () => {
  it('AND: a creation and a deletion of the same user within 100 s, in any order', async () => {
    expect(await users('Created AND Deleted')).toEqual([
      { group: { user: 'alice' }, count: 2, events: ['accounts.evtx#1', 'accounts.evtx#6'] },
      { group: { user: 'carol' }, count: 2, events: ['accounts.evtx#3', 'accounts.evtx#7'] },
    ]);
  });

  it('FOLLOWED_BY: the deletion must come after the creation', async () => {
    expect(await users('Created FOLLOWED_BY Deleted')).toEqual([{ group: { user: 'alice' }, count: 2, events: ['accounts.evtx#1', 'accounts.evtx#6'] }]);
  });

  it('AND NOT: creations with no deletion of that user within the window (either side); the end of input ends the wait', async () => {
    expect((await users('Created AND NOT Deleted')).map((d) => [d.group.user, d.count, d.events])).toEqual([
      ['bob', 1, ['accounts.evtx#2']],
      ['eve', 1, ['accounts.evtx#4']],
      ['dave', 1, ['accounts.evtx#9']],
    ]);
  });

  it('NOT FOLLOWED_BY: a deletion before the creation does not count', async () => {
    expect((await users('Created NOT FOLLOWED_BY Deleted')).map((d) => d.group.user)).toEqual(['bob', 'eve', 'carol', 'dave']);
  });

  it('OR: every incident of either; incident attributes of the side that is not there are empty', async () => {
    const ds = await users('Created OR Deleted', 'incident: {created: Created.User, deleted: Deleted.User}\n');
    expect(ds.map((d) => `${d.group.created}/${d.group.deleted}`).sort()).toEqual(['/alice', '/bob', '/carol', '/frank', 'alice/', 'bob/', 'carol/', 'dave/', 'eve/']);
    expect(ds.every((d) => d.count === 1)).toBe(true);
  });

  it('without a constraint, every incident within the window of the first pair joins it', async () => {
    // alice's creation and carol's deletion (0 s) pair first; bob's creation was waiting and joins,
    // then eve, frank, alice's deletion (50 s) and carol's creation (60 s). bob's deletion (150 s)
    // and dave's creation (300 s) are each alone in their windows.
    const ds = await users('Created AND Deleted', 'incident: {created: Created.User, deleted: Deleted.User}\n');
    expect(ds).toEqual([{ group: { created: 'alice', deleted: 'carol' }, count: 7, events: [1, 2, 3, 4, 5, 6, 7].map((n) => `accounts.evtx#${n}`) }]);
  });

  it('a constraint with != combines only different users', async () => {
    const ds = await users('Created FOLLOWED_BY Deleted', 'globalConstraint: Created.User != Deleted.User\nincident: {created: Created.User, deleted: Deleted.User}\n');
    expect(ds).toEqual([
      // bob's creation fits too (before carol's deletion, another user); so does frank's deletion.
      { group: { created: 'alice', deleted: 'carol' }, count: 4, events: [1, 2, 3, 5].map((n) => `accounts.evtx#${n}`) },
      // eve was created after carol's deletion: she pairs with the next deletion of someone else.
      { group: { created: 'eve', deleted: 'alice' }, count: 2, events: ['accounts.evtx#4', 'accounts.evtx#6'] },
      { group: { created: 'carol', deleted: 'bob' }, count: 2, events: ['accounts.evtx#7', 'accounts.evtx#8'] },
    ]);
  });

  it('without incident attributes the group is each subpattern\'s group-by values, as Subpattern.attribute', async () => {
    const ds = await users('Created FOLLOWED_BY Deleted', 'globalConstraint: Created.User = Deleted.User\n');
    expect(ds.map((d) => d.group)).toEqual([{ 'Created.User': 'alice', 'Deleted.User': 'alice' }]);
  });
});

describe('a chain of FOLLOWED_BY', () => {
  it('created, logged on, deleted — in that order, one user, within the hour', async () => {
    const ev = (s: number, id: number, data: string) => `  - {time: "${t(s)}", eventId: ${id}, data: {${data}}}`;
    const file = evtx(
      securityEvents([
        ev(0, 4720, 'TargetUserName: tmp1'), //   #1
        ev(0, 4720, 'TargetUserName: tmp2'), //   #2
        ev(0, 4720, 'TargetUserName: tmp3'), //   #3
        ev(100, 4624, 'TargetUserName: tmp1, IpAddress: 10.0.0.5'), // #4
        ev(100, 4726, 'TargetUserName: tmp2'), // #5  tmp2 deleted before its logon
        ev(100, 4624, 'TargetUserName: tmp3, IpAddress: 10.0.0.5'), // #6
        ev(200, 4726, 'TargetUserName: tmp1'), // #7
        ev(200, 4624, 'TargetUserName: tmp2, IpAddress: 10.0.0.5'), // #8
        ev(4000, 4726, 'TargetUserName: tmp3'), // #9 after the hour
      ]),
      'lifetime.evtx',
    );
    const rule = ruleFile(`id: LIFE
name: Account created, used, deleted
severity: 9
window: 3600
subpatterns:
  - {name: AccountCreated, query: 'eventType = "Win-Security-4720"', groupBy: [TargetUserName]}
  - {name: LogonSuccess, query: 'eventType = "Win-Security-4624"', groupBy: [user]}
  - {name: AccountDeleted, query: 'eventType = "Win-Security-4726"', groupBy: [TargetUserName]}
trigger: AccountCreated FOLLOWED_BY LogonSuccess FOLLOWED_BY AccountDeleted
globalConstraint: AccountCreated.TargetUserName = LogonSuccess.user AND LogonSuccess.user = AccountDeleted.TargetUserName
incident: {user: LogonSuccess.user, srcIpAddr: LogonSuccess.srcIpAddr}
`);
    const r = await scan([rule], [file]);
    expect(brief(r.detections)).toEqual([{ group: { user: 'tmp1', srcIpAddr: '10.0.0.5' }, count: 3, events: ['lifetime.evtx#1', 'lifetime.evtx#4', 'lifetime.evtx#7'] }]);
    expect(r.detections[0].rule.level).toBe('critical');
  });
});
