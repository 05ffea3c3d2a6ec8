// Test helper for `sigscan test`: a temp folder with small Sigma rules and EVTX files of Sysmon
// process creations (built with the BinXML builder), and runTest with its output captured.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTest, type TestCliOptions } from '../../src/cli/test.js';
import { fileHeader } from '../evtx/binxml-builder.js';
import { chunkOf, processCreateEvent } from '../evtx/sample-events.js';

// Keep the rule cache of these runs out of the user's home.
process.env.SIGSCAN_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'sigscan-cache-'));

export const CMD_RULE = '11111111-1111-4111-8111-111111111111';
export const PWSH_RULE = '22222222-2222-4222-8222-222222222222';
export const LINUX_RULE = '33333333-3333-4333-8333-333333333333';
export const CMD_TITLE = 'Cmd started';

const rule = (id: string, title: string, logsource: string, selection: string) =>
  `title: ${title}\nid: ${id}\nstatus: test\nlevel: medium\nlogsource: {${logsource}}\ndetection:\n  sel: {${selection}}\n  condition: sel\n`;

export const RULES: Record<string, string> = {
  'cmd.yml': rule(CMD_RULE, CMD_TITLE, 'category: process_creation, product: windows', "Image|endswith: '\\cmd.exe'"),
  'pwsh.yml': rule(PWSH_RULE, 'PowerShell started', 'category: process_creation, product: windows', "Image|endswith: '\\powershell.exe'"),
  'linux.yml': rule(LINUX_RULE, 'Linux shell', 'category: process_creation, product: linux', "Image|endswith: '/bash'"),
  'broken.yml': 'title: Broken rule\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n  condition: sel and nope\n',
};

/** A folder for one test, with `rules/` holding RULES. */
export function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigscan-testcmd-'));
  for (const [name, text] of Object.entries(RULES)) put(dir, `rules/${name}`, text);
  return dir;
}

export function put(dir: string, rel: string, content: string | Buffer): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** An EVTX file of process creations, one per image (record ids 1, 2, …). */
export function evtxOf(images: string[]): Buffer {
  const events = images.map((image, i) => processCreateEvent(i + 1, image, `${image} /c whoami`));
  return Buffer.concat([fileHeader(1, images.length + 1), chunkOf(events)]);
}

export const CMD = 'C:\\Windows\\System32\\cmd.exe';
export const PWSH = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
export const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

export async function runTestCommand(paths: string[], extra: Partial<TestCliOptions> = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'sigscan-testout-')), 'out');
  const stderr: string[] = [];
  const status = await runTest(paths, { format: 'text', color: false, output: out, ...extra }, (s) => stderr.push(s));
  const stdout = existsSync(out) ? readFileSync(out, 'utf8') : '';
  return { status, stdout, stderr: stderr.join('\n'), lines: stdout.split('\n').filter(Boolean) };
}
