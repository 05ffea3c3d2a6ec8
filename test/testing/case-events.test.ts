// Cases whose logs are YAML event descriptions (inline, or an events file): built into EVTX by the
// fixture writer for the run and scanned like any log; their mistakes fail the case at
// file:line:col; the scratch files are gone afterwards.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { put, runTestCommand, workspace } from './helpers.js';

const PSEXEC = '6e734c27-c117-4f91-a193-caf9d2547879';
const TESTS = `cases:
  - name: inline events, bundled rules
    events:
      defaults: {channel: System, provider: Service Control Manager, eventId: 7045, computer: WS01}
      events:
        - {time: '2024-05-01T10:00:00Z', data: {ServiceName: PSEXESVC, ImagePath: '%SystemRoot%\\PSEXESVC.exe'}}
        - {time: '2024-05-01T10:01:00Z', data: {ServiceName: PSEXESVC, ImagePath: '%SystemRoot%\\PSEXESVC.exe'}}
        - {time: '2024-05-01T10:02:00Z', data: {ServiceName: Spooler, ImagePath: 'C:\\Windows\\System32\\spoolsv.exe'}}
    expect:
      - {rule: ${PSEXEC}, events: 2, detections: 1}
    mustNotFire: all-others
  - name: an events file, with a value tag
    events: ps.events.yml
    expect: [{rule: PSexec service installation, events: 1}]
  - name: a broken event
    events:
      - {channel: System, eventId: 7045, computer: WS01, time: '2024-05-01T10:00:00Z'}
    mustNotFire: all-others
  - name: no such events file
    events: nope.events.yml
    mustNotFire: all-others
`;
const EVENTS_FILE = `- channel: System
  provider: Service Control Manager
  eventId: !uint16 7045
  computer: WS01
  time: 2024-05-01T10:00:00Z
  data: {ServiceName: PSEXESVC, ImagePath: 'C:\\Windows\\PSEXESVC.exe'}
`;

describe('sigscan test with events described in YAML', () => {
  it('builds them into EVTX, scans them like logs, reports their mistakes, leaves no scratch files', async () => {
    // A private temp folder, to see what the run leaves behind.
    const before = process.env.TMPDIR;
    process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'sigscan-tmp-'));
    try {
      const dir = workspace();
      const file = put(dir, 'tests/e.test.yml', TESTS);
      put(dir, 'tests/ps.events.yml', EVENTS_FILE);
      const r = await runTestCommand([file]);
      expect(r.lines.slice(0, 4)).toEqual([
        `PASS  ${file}:2 inline events, bundled rules`,
        `PASS  ${file}:12 an events file, with a value tag`,
        `FAIL  ${file}:15 a broken event: ${file}:17:9: the event has no 'provider' (give it here or in defaults)`,
        `FAIL  ${file}:19 no such events file: ${file}:20:13: events file not found: ${join(dir, 'tests', 'nope.events.yml')}`,
      ]);
      expect(r.status).toBe(1);
      expect(readdirSync(process.env.TMPDIR).filter((n) => n.startsWith('sigscan-test-'))).toEqual([]);
    } finally {
      process.env.TMPDIR = before;
    }
  });
});
