// Test helper for FortiSIEM windows and incidents: EVTX files written from readable event
// descriptions (src/fixture), rule files from their text, and a scan as the CLI runs it, its JSONL
// read back. Times in the descriptions are seconds after 2024-05-01T10:00:00Z (`t(12.5)`).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScan, type ScanCliOptions } from '../../src/cli/scan.js';
import { parseEventsFile, writeEvtx } from '../../src/fixture/index.js';

process.env.SIGSCAN_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'sigscan-cache-'));

const dir = mkdtempSync(join(tmpdir(), 'sigscan-correlate-'));
let n = 0;

const BASE = Date.parse('2024-05-01T10:00:00Z');

/** The ISO time `seconds` after 2024-05-01T10:00:00Z (ms kept). */
export const t = (seconds: number): string => new Date(BASE + Math.round(seconds * 1000)).toISOString();

/** Writes an EVTX file from an events file's text (defaults + events); returns its path. */
export function evtx(eventsYaml: string, name = `events${n++}.evtx`): string {
  const path = join(dir, name);
  writeFileSync(path, writeEvtx(parseEventsFile(eventsYaml, `${name}.yml`)));
  return path;
}

/** Writes a rule file (`.yml` or `.xml`); returns its path. */
export function ruleFile(text: string, ext: 'yml' | 'xml' = 'yml'): string {
  const path = join(dir, `rule${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

export interface DetectionLine {
  rule: { id: string; title: string; level: string; severity?: number; format: string };
  group: Record<string, string>;
  count: number;
  first: string;
  last: string;
  events: Array<{ file: string; recordId: number; timestamp: string; eventId: number; fields: Record<string, unknown> }>;
}

/** Scans `files` with the rule files, as `sigscan -f jsonl` would. */
export async function scan(rules: string[], files: string[], extra: Partial<ScanCliOptions> = {}) {
  const out = join(dir, `out${n++}.jsonl`);
  const stderr: string[] = [];
  const status = await runScan(files, { rules, format: 'jsonl', maxEvents: 100, color: false, progress: false, output: out, threads: 1, ...extra }, (s) => stderr.push(s));
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  return { status, stderr: stderr.join('\n'), text, detections: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as DetectionLine) };
}

/** What a test compares of a detection: group, count, and its events as `file#recordId` (file by name). */
export const brief = (ds: DetectionLine[]) =>
  ds.map((d) => ({ group: d.group, count: d.count, events: d.events.map((e) => `${e.file.split('/').pop()}#${e.recordId}`) }));

/** A logon success (4624) or failure (4625) of CORP\\user from ip, as an events-file line. */
export const logon = (s: number, id: 4624 | 4625, user: string, ip: string): string =>
  `  - {time: "${t(s)}", eventId: ${id}, data: {TargetUserName: ${user}, TargetDomainName: CORP, IpAddress: ${ip}, LogonType: 3}}`;

/** An events file of Security events on DC01 from event lines. */
export const securityEvents = (lines: string[]): string =>
  `defaults: {channel: Security, provider: Microsoft-Windows-Security-Auditing, computer: DC01}\nevents:\n${lines.join('\n')}\n`;
