#!/usr/bin/env node
// `npm run bench`: a benchmark, never a test. Builds (once) a large EVTX file out of real chunks,
// then times `sigscan dump --format jsonl` against libevtx's `evtxexport -f xml` on the same file,
// both writing to /dev/null, and a full scan with the SigmaHQ Windows rules; reports records/s,
// MB/s, the ratio and peak RSS.
// Options: --size MB (default 512), --runs N (default 3), --file PATH (use an existing file).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizeMb = Number(opt('size', '512'));
const runs = Number(opt('runs', '3'));
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = resolve(opt('file', join(outDir, `stitched-${sizeMb}mb.evtx`)));

if (!existsSync(file)) {
  const samples = join(shared, 'corpus', 'attack-samples');
  console.error(`building ${file} from ${samples} …`);
  const inputs = spawnSync('bash', ['-c', `ls ${JSON.stringify(samples)}/*.evtx`], { encoding: 'utf8' }).stdout.trim().split('\n');
  const r = spawnSync('python3', [join(shared, 'tools', 'stitch-evtx.py'), file, String(sizeMb), ...inputs], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const bytes = statSync(file).size;
const hasTime = existsSync('/usr/bin/time');

/** Runs a shell command with stdout to /dev/null; returns wall seconds, peak RSS (KiB) and stderr. */
function timed(cmd) {
  const shell = hasTime ? `/usr/bin/time -f '%e %M' ${cmd} >/dev/null` : `${cmd} >/dev/null`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', shell], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [, rss] = hasTime ? last.split(' ').map(Number) : [wall, NaN];
  return { wall, rss };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const count = (cmd) => Number(spawnSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim());
const sigscan = `node ${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))} dump --format jsonl ${JSON.stringify(file)}`;
const libevtx = `evtxexport -f xml ${JSON.stringify(file)}`;
const haveLibevtx = spawnSync('bash', ['-c', 'command -v evtxexport']).status === 0;

const records = count(`${sigscan} | wc -l`);
const sigmaRules = join(shared, 'corpus', 'sigma', 'rules', 'windows');
const scan = `node ${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))} -r ${JSON.stringify(sigmaRules)} --format jsonl --no-progress -q ${JSON.stringify(file)}`;
const scanOne = `${scan} -j 1`;
const scanAll = `${scan} -j ${availableParallelism()}`;
const haveRules = existsSync(sigmaRules);
const results = { file, bytes, records, runs, sigscan: [], libevtx: [], scan: [], scanOneThread: [], scanAllCores: [] };
for (let i = 0; i < runs; i++) {
  results.sigscan.push(timed(sigscan));
  if (haveLibevtx) results.libevtx.push(timed(libevtx));
  if (haveRules) results.scan.push(timed(scan));
  if (haveRules) results.scanOneThread.push(timed(scanOne));
  if (haveRules) results.scanAllCores.push(timed(scanAll));
}
const libevtxRecords = haveLibevtx ? count(`${libevtx} 2>/dev/null | grep -c '<Event xmlns'`) : NaN;

const report = (name, rs, n) => {
  const wall = median(rs.map((r) => r.wall));
  const rss = Math.max(...rs.map((r) => r.rss));
  console.log(`${name.padEnd(24)} ${(n / wall).toFixed(0).padStart(9)} records/s ${(bytes / 2 ** 20 / wall).toFixed(1).padStart(7)} MB/s  peak RSS ${(rss / 1024).toFixed(0)} MB  (median of ${rs.length}, ${wall.toFixed(2)} s)`);
  return wall;
};
console.log(`file: ${file} (${(bytes / 2 ** 20).toFixed(0)} MB, ${records} records; libevtx counts ${libevtxRecords})`);
const ours = report('sigscan dump jsonl', results.sigscan, records);
if (haveLibevtx) {
  const theirs = report('evtxexport -f xml', results.libevtx, libevtxRecords);
  console.log(`ratio: sigscan is ${(theirs / ours).toFixed(2)}x libevtx (records/s, one thread)`);
  results.ratio = theirs / ours;
} else console.log('evtxexport not found (apt-get install libevtx-utils) — no comparison');
if (haveRules) {
  const scanWall = report('scan (default -j)', results.scan, records);
  const oneWall = report('scan, -j 1', results.scanOneThread, records);
  const allWall = report(`scan, -j ${availableParallelism()}`, results.scanAllCores, records);
  console.log(`scan (SigmaHQ windows rules, loading included) takes ${(scanWall / ours).toFixed(2)}x the dump's time by default, ${(oneWall / ours).toFixed(2)}x with -j 1, ${(allWall / ours).toFixed(2)}x with -j ${availableParallelism()} (peak RSS: the largest process)`);
}
// The attack samples: 277 small real logs, where starting up (loading the rules) weighs most.
const samples = join(shared, 'corpus', 'attack-samples');
if (haveRules && existsSync(samples)) {
  const main = JSON.stringify(join(root, 'dist', 'cli', 'main.js'));
  const dumpSamples = `node ${main} dump --format jsonl ${JSON.stringify(samples)}`;
  const scanSamples = `node ${main} -r ${JSON.stringify(sigmaRules)} --format jsonl --no-progress -q ${JSON.stringify(samples)}`;
  const n = count(`${dumpSamples} | wc -l`);
  const summary = spawnSync('bash', ['-c', `${scanSamples.replace(' -q ', ' ')} 2>&1 >/dev/null | tail -1`], { encoding: 'utf8' }).stdout.trim();
  const r = { dump: [], scan: [], scanOneThread: [] };
  for (let i = 0; i < runs; i++) {
    r.dump.push(timed(dumpSamples));
    r.scan.push(timed(scanSamples));
    r.scanOneThread.push(timed(`${scanSamples} -j 1`));
  }
  console.log(`attack samples: ${samples} (${n} records); ${summary.replace(/^sigscan: /, '')}`);
  const d = report('  dump jsonl', r.dump, n);
  const sc = report('  scan', r.scan, n);
  const s1 = report('  scan, -j 1', r.scanOneThread, n);
  console.log(`  scan (loading included) takes ${(sc / d).toFixed(2)}x the dump's time, ${(s1 / d).toFixed(2)}x with -j 1`);
  results.attackSamples = { records: n, summary, ...r };
}
writeFileSync(join(outDir, 'last.json'), JSON.stringify(results, null, 2));
