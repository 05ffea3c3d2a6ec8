#!/usr/bin/env node
// Command-line wiring only: parse options, call the stage that does the work, set the exit code.
import './v8-flags.js';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
// Each command's modules are loaded when it runs: a dump needs no rule loaders, a scan no fixture
// writer, and `--help` none of them.
import type { DumpFormat } from './dump.js';
import type { RulesCheckOptions } from './rules-check.js';
import type { ScanCliOptions } from './scan.js';
import type { TestCliOptions } from './test.js';
import { LEVELS } from '../rules/ast.js';
import { VERSION } from './version.js';

function stderr(s: string): void {
  process.stderr.write(s + '\n');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sigscan')
    .description('Run Sigma and FortiSIEM-style detection rules over offline Windows event logs (EVTX).')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors exit 2 as the contract says (help and version exit 0). Set before the
    // commands are added: commander copies it into each subcommand.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

  const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
  // Options that may be given several times take one value each (repeat the option for more): a
  // variadic option would swallow the paths after it, and `sigscan -r rules logs/` would find no
  // logs to scan.
  const repeat = (v: string, prev: string[] = []) => [...prev, v];
  const positive = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
    return n;
  };
  program
    .command('scan', { isDefault: true })
    .description('scan EVTX files and folders with the rules (the default command)')
    .argument('<paths...>', 'EVTX files or folders (searched recursively for *.evtx)')
    .option('-r, --rules <path>', 'rule file or folder; repeat for more (default: the bundled rules)', repeat)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'jsonl']).default('table'))
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .addOption(new Option('--min-level <level>', 'only rules at or above this level').choices([...LEVELS]))
    .option('--status <list>', 'only rules with these statuses (comma-separated)', list)
    .option('--tags <glob>', 'only rules with a tag matching this glob; repeat for more', repeat)
    .option('--rule <glob>', 'only rules whose id or title matches this glob; repeat for more', repeat)
    .option('--include-disabled', 'also run disabled rules (FortiSIEM status: disabled / <active>false</active>)')
    .option('--from <time>', 'only events at or after this time (ISO 8601, UTC unless an offset is given)')
    .option('--to <time>', 'only events at or before this time')
    .option('--include <glob>', 'only files matching this glob; repeat for more (default **/*.evtx)', repeat)
    .option('--exclude <glob>', 'skip files matching this glob; repeat for more', repeat)
    .option('--group-by <fields>', 'group hits of rules without their own group-by by these fields (comma-separated)')
    .option('--mapping <file>', 'extra or overriding logsource mappings and FortiSIEM attributes (YAML); repeat for more', repeat)
    .option('--placeholders <dir>', 'values for |expand placeholders: NAME.txt files, one value a line')
    .option('--max-events <n>', 'events kept per detection in the output', positive, 100)
    .addOption(new Option('--fail-on <level>', 'exit 1 when a detection at or above this level is found').choices([...LEVELS]))
    .option('--strict', 'exit 2 when an input file is damaged or a rule did not load')
    .option('-j, --threads <n>', 'threads that scan chunks in parallel (default: the number of cores)', positive)
    .addOption(new Option('--unit-chunks <n>', 'chunks per unit of work for worker threads').argParser(positive).hideHelp())
    .option('--no-color', 'no colours (also when NO_COLOR is set)')
    .option('-q, --quiet', 'no warnings or summary on stderr')
    .option('--no-progress', 'no progress line')
    .action(async (paths: string[], o: ScanCliOptions) => {
      const { runScan } = await import('./scan.js');
      process.exitCode = await runScan(paths, { ...o, color: o.color !== false && !process.env.NO_COLOR }, stderr);
    });

  const rules = program.command('rules').description('work with rule files');
  rules
    .command('check')
    .description('load rules and report each one that is invalid, partly unsupported, or for other log sources')
    .argument('<paths...>', 'rule files or folders')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--mapping <file>', 'extra or overriding logsource mappings (YAML); repeat for more', repeat)
    .option('--placeholders <dir>', 'values for |expand placeholders')
    .action(async (paths: string[], o: RulesCheckOptions) => {
      const { runRulesCheck } = await import('./rules-check.js');
      process.exitCode = runRulesCheck(paths, o, stderr);
    });

  program
    .command('test')
    .description('run rule regression tests: SigmaHQ info.yml folders and *.test.yml files (expected hits per EVTX)')
    .argument('<paths...>', 'test files or folders (searched recursively for info.yml and *.test.yml)')
    .option('-r, --rules <path>', 'rule file or folder for tests that name none; repeat for more (default: the bundled rules)', repeat)
    .option('--mapping <file>', 'extra or overriding logsource mappings (YAML); repeat for more', repeat)
    .option('--placeholders <dir>', 'values for |expand placeholders: NAME.txt files, one value a line')
    .option('--include-disabled', 'also run disabled rules (FortiSIEM status: disabled)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--no-color', 'no colours (also when NO_COLOR is set)')
    .option('-q, --quiet', 'print only failing cases and the summary; no rule summary on stderr')
    .action(async (paths: string[], o: TestCliOptions) => {
      const { runTest } = await import('./test.js');
      process.exitCode = await runTest(paths, { ...o, color: o.color !== false && !process.env.NO_COLOR }, stderr);
    });

  program
    .command('dump')
    .description('print the records of EVTX files (JSON as the Rust evtx_dump prints it, or event XML)')
    .argument('<paths...>', 'EVTX files or folders (searched recursively for *.evtx)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'json', 'xml']).default('jsonl'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--include <glob>', 'only files matching this glob; repeat for more (default **/*.evtx)', repeat)
    .option('--exclude <glob>', 'skip files matching this glob; repeat for more', repeat)
    .option('-q, --quiet', 'do not print damage warnings')
    .option('--strict', 'exit 2 when any input file is damaged')
    .action(async (paths: string[], o: { format: DumpFormat; output?: string; include?: string[]; exclude?: string[]; quiet?: boolean; strict?: boolean }) => {
      const { runDump } = await import('./dump.js');
      process.exitCode = runDump(paths, o, stderr);
    });

  program
    .command('fixture')
    .description('build an EVTX file from event descriptions (YAML; see fixtures/README.md)')
    .argument('<events...>', 'events files, written in this order')
    .requiredOption('-o, --output <file>', 'the EVTX file to write')
    .action(async (files: string[], o: { output: string }) => {
      const { runFixture } = await import('./fixture.js');
      process.exitCode = runFixture(files, o, stderr);
    });

  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof InvalidArgumentError) process.exit(2);
    // A user's mistake (bad option value, mapping or placeholder file): a message, no stack. The
    // modules that throw these are loaded by then.
    const [{ UsageError }, { LogsourceMapError }, { PlaceholderError }] = await Promise.all([import('./scan.js'), import('../mappings/logsource-map.js'), import('../rules/placeholders.js')]);
    if (e instanceof UsageError || e instanceof LogsourceMapError || e instanceof PlaceholderError) {
      stderr(`sigscan: ${e.message}`);
      process.exit(2);
    }
    stderr(`sigscan: internal error: ${(e as Error).message}`);
    if (process.env.SIGSCAN_DEBUG) stderr(String((e as Error).stack));
    process.exit(3);
  }
}

// Run only as the program itself (tests import buildProgram).
const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) void main();
