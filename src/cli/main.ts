#!/usr/bin/env node
// Command-line wiring only: parse options, call the stage that does the work, set the exit code.
import { Command, InvalidArgumentError, Option } from 'commander';
import { runDump, type DumpFormat } from './dump.js';
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

  program
    .command('dump')
    .description('print the records of EVTX files (JSON as the Rust evtx_dump prints it, or event XML)')
    .argument('<paths...>', 'EVTX files or folders (searched recursively for *.evtx)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'json', 'xml']).default('jsonl'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--include <glob...>', 'only files matching these globs (default **/*.evtx)')
    .option('--exclude <glob...>', 'skip files matching these globs')
    .option('-q, --quiet', 'do not print damage warnings')
    .option('--strict', 'exit 2 when any input file is damaged')
    .action((paths: string[], o: { format: DumpFormat; output?: string; include?: string[]; exclude?: string[]; quiet?: boolean; strict?: boolean }) => {
      process.exitCode = runDump(paths, o, stderr);
    });

  return program;
}

function main(): void {
  const program = buildProgram();
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof InvalidArgumentError) process.exit(2);
    stderr(`sigscan: internal error: ${(e as Error).message}`);
    if (process.env.SIGSCAN_DEBUG) stderr(String((e as Error).stack));
    process.exit(3);
  }
}

main();
