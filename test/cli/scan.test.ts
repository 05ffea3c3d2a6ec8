// `sigscan scan` end to end on an EVTX file built from event descriptions: the JSONL contract,
// group-by, exit codes, time filters, --strict, and that log text cannot reach a terminal raw.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan, type ScanCliOptions } from '../../src/cli/scan.js';
import { evtxFile } from '../helpers/events-file.js';

const events = [
  { host: 'WS01', service: 'PSEXESVC', image: '%SystemRoot%\\PSEXESVC.exe', time: '2024-05-01T10:00:00Z' },
  { host: 'WS02', service: 'PSEXESVC', image: '%SystemRoot%\\PSEXESVC.exe', time: '2024-05-01T11:00:00Z' },
  { host: 'WS02', service: 'PSEXESVC', image: 'C:\\x\u001b[31mred\\PSEXESVC.exe', time: '2024-05-02T09:00:00Z' },
  { host: 'WS01', service: 'Spooler', image: 'C:\\Windows\\System32\\spoolsv.exe', time: '2024-05-01T12:00:00Z' },
];

/** The events as System 7045 records from the Service Control Manager, in one file. */
const evtxFileOfEvents = () =>
  evtxFile(
    events.map((e) => ({ channel: 'System', provider: 'Service Control Manager', eventId: 7045, computer: e.host, time: e.time, data: { ServiceName: e.service, ImagePath: e.image } })),
    'System.evtx',
  );

// Keep the rule cache of these runs out of the user's home.
process.env.SIGSCAN_CACHE_DIR = mkdtempSync(join(tmpdir(), 'sigscan-cache-'));
const file = evtxFileOfEvents();
const PSEXEC_SERVICE = '6e734c27-c117-4f91-a193-caf9d2547879';

async function scan(extra: Partial<ScanCliOptions> = {}, paths = [file]) {
  const out = join(mkdtempSync(join(tmpdir(), 'sigscan-out-')), 'out');
  const stderr: string[] = [];
  const status = await runScan(paths, { format: 'jsonl', maxEvents: 100, color: false, progress: false, output: out, ...extra }, (s) => stderr.push(s));
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  return { status, text, stderr: stderr.join('\n'), detections: extra.format && extra.format !== 'jsonl' ? [] : text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('sigscan scan', () => {
  it('the bundled PsExec service rule fires on the three PSEXESVC installs, in the JSONL contract shape', async () => {
    const r = await scan();
    expect(r.status).toBe(0);
    expect(r.detections).toHaveLength(1);
    const d = r.detections[0];
    expect(d.rule).toMatchObject({ id: PSEXEC_SERVICE, title: 'PSexec service installation', level: 'medium', status: 'test', format: 'sigma' });
    expect(d.rule.tags).toContain('attack.t1569.002');
    expect(d.group).toEqual({});
    expect(d.count).toBe(3);
    expect([d.first, d.last]).toEqual(['2024-05-01T10:00:00.000000Z', '2024-05-02T09:00:00.000000Z']);
    expect(d.events[0]).toEqual({
      file,
      recordId: 1,
      timestamp: '2024-05-01T10:00:00.000000Z',
      channel: 'System',
      eventId: 7045,
      computer: 'WS01',
      fields: { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' },
    });
  });

  it('--group-by splits detections by value; counts stay exact; --max-events cuts the list only', async () => {
    const r = await scan({ groupBy: 'Computer', maxEvents: 1 });
    expect(r.detections.map((d) => [d.group, d.count, d.events.length])).toEqual([
      [{ Computer: 'WS01' }, 1, 1],
      [{ Computer: 'WS02' }, 2, 1],
    ]);
  });

  it('--fail-on sets exit 1 only for detections at or above the level', async () => {
    expect((await scan({ failOn: 'medium' })).status).toBe(1);
    expect((await scan({ failOn: 'high' })).status).toBe(0);
  });

  it('--from/--to keep events in the time range (UTC unless an offset is given)', async () => {
    expect((await scan({ from: '2024-05-01T10:30:00' })).detections[0].count).toBe(2);
    expect((await scan({ to: '2024-05-01T12:30:00+02:00' })).detections[0].count).toBe(1);
  });

  it('rule selection: --min-level, --rule, --tags', async () => {
    expect((await scan({ minLevel: 'high' })).detections).toEqual([]);
    expect((await scan({ rule: ['PSexec service*'] })).detections).toHaveLength(1);
    expect((await scan({ tags: ['attack.t1047'] })).detections).toEqual([]);
  });

  it('a broken rule is named on stderr, the others still run, --strict turns it into exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-badrule-'));
    writeFileSync(join(dir, 'bad.yml'), 'title: Broken\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: sel and nope\n');
    const rules = [join(import.meta.dirname, '..', '..', 'rules'), dir];
    const r = await scan({ rules });
    expect(r.stderr).toMatch(/rule not loaded: .*bad\.yml:5:\d+: Broken: condition: .*nope/);
    expect(r.detections).toHaveLength(1);
    expect(r.status).toBe(0);
    expect((await scan({ rules, strict: true })).status).toBe(2);
  });

  it('no readable input or no runnable rule is exit 2', async () => {
    expect((await scan({}, [join(tmpdir(), 'no-such-folder-sigscan')])).status).toBe(2);
    expect((await scan({ rule: ['no such rule'] })).status).toBe(2);
  });

  it('with only disabled rules, exit 2 says they are disabled and how to run them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigscan-disabled-'));
    writeFileSync(
      join(dir, 'off.yml'),
      "id: OFF_1\nname: 'Off'\nstatus: disabled\nseverity: 5\nwindow: 60\nsubpatterns:\n  - name: A\n    query: 'serviceName = \"PSEXESVC\"'\n    groupBy: [hostName]\n    aggregate: COUNT(*) >= 1\n",
    );
    const r = await scan({ rules: [dir] });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no rule to run \(1 loaded, 0 selected, 0 invalid, 1 disabled: --include-disabled runs them\)/);
    expect((await scan({ rules: [dir], includeDisabled: true })).detections.map((d) => d.group.hostName)).toEqual(['WS01', 'WS02', 'WS02']); // WS02's two a day apart: two windows
  });

  it('the table shows detections with no raw control characters from the log', async () => {
    const r = await scan({ format: 'table' });
    expect(r.text).toMatch(/PSexec service installation/);
    expect(r.text).toMatch(/WS02/);
    expect(r.text).not.toMatch(/\u001b/);
    expect(r.text).toMatch(/\\u001b\[31mred/);
  });
});
