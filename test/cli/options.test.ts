// How the command line reads: options that take several values are repeated, so the paths after
// them stay paths (`sigscan -r rules logs/` scans logs/ with rules/).
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

async function parse(args: string[]): Promise<{ command: string; paths: string[]; o: Record<string, unknown> }> {
  const program = buildProgram();
  let got: { command: string; paths: string[]; o: Record<string, unknown> } | undefined;
  const capture = (c: { name(): string; action(fn: (...a: unknown[]) => void): unknown }) =>
    c.action((paths: unknown, o: unknown) => {
      got = { command: c.name(), paths: paths as string[], o: o as Record<string, unknown> };
    });
  for (const c of program.commands) {
    capture(c);
    for (const sub of c.commands) capture(sub);
  }
  await program.parseAsync(['node', 'sigscan', ...args]);
  return got!;
}

describe('command line', () => {
  it('scan: -r, --tags, --rule, --include, --exclude and --mapping take one value each and may repeat', async () => {
    const r = await parse(['-r', 'rules', 'logs/', '--tags', 'attack.*', 'more.evtx', '-r', 'extra.yml', '--include', '*.evtx', '--exclude', 'x*', '--mapping', 'm.yml', '--rule', 'PH_*']);
    expect(r.command).toBe('scan');
    expect(r.paths).toEqual(['logs/', 'more.evtx']);
    expect(r.o).toMatchObject({ rules: ['rules', 'extra.yml'], tags: ['attack.*'], include: ['*.evtx'], exclude: ['x*'], mapping: ['m.yml'], rule: ['PH_*'] });
  });

  it('test, dump and rules check read the same way', async () => {
    expect(await parse(['test', '-r', 'rules', 'fixtures/'])).toMatchObject({ command: 'test', paths: ['fixtures/'], o: { rules: ['rules'] } });
    expect(await parse(['dump', '--include', '*.evtx', 'a.evtx'])).toMatchObject({ command: 'dump', paths: ['a.evtx'], o: { include: ['*.evtx'] } });
    expect(await parse(['rules', 'check', '--mapping', 'm.yml', 'rules/'])).toMatchObject({ command: 'check', paths: ['rules/'], o: { mapping: ['m.yml'] } });
  });
});
