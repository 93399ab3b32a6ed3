import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CASES, PYTHON_MINIMAL, runCli, runFixtures } from './helpers.js';

describe('the command line', () => {
  it('prints help and its version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--target <spec>');
    expect((await runCli(['--version'])).stdout).toBe('@openworkflow/conformance 0.1.0\n');
  });

  it.each([
    [[], '--target is required'],
    [['--target', 'http://localhost:1'], 'unsupported target "http://localhost:1"'],
    [['--target', 'cmd:x', '--reporter', 'xml'], '--reporter must be table, json or junit'],
    [['--target', 'cmd:x', '--concurrency', '0'], '--concurrency needs an integer ≥ 1'],
    [['--target', 'cmd:x', '--bogus'], "Unknown option '--bogus'"],
    [['--target', 'cmd:x', '--profile', 'nope'], 'unknown profile nope'],
    [['--target', 'cmd:x', '--filter', 'no-such-case'], 'no case matches'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('exits 2 and lists every problem with its position when a case is malformed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'owc-cli-'));
    writeFileSync(join(root, 'profiles.yaml'), 'x:\n  title: X\n  description: X\n');
    mkdirSync(join(root, 'x'));
    writeFileSync(join(root, 'x', 'a.yaml'), 'id: a\nrequirement: OW-X-001\ntitle: A\nspec: nowhere\n');
    const run = await runCli(['--no-builtin-cases', '--cases', root, '--target', `cmd:${PYTHON_MINIMAL}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('problem(s) in the case files');
    expect(run.stderr).toMatch(/a\.yaml:4:7: must match pattern/);
    expect(run.stderr).toMatch(/a\.yaml:1:1: missing required property "documents"/);
  });

  it('exits 2 when the target command does not exist', async () => {
    const run = await runCli(['--target', 'cmd:definitely-not-a-command-owc', '--quiet-target']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exited with code 127/);
  });

  it('writes the JUnit report to --output and a table to stdout', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'owc-out-')), 'report.xml');
    const run = await runFixtures('ok', [
      '--filter',
      'alpha/echo-inputs',
      '--reporter',
      'junit',
      '--output',
      file,
    ]);
    expect(run.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name="OW-ALPHA-001 echo-inputs"');
    expect(run.stdout).toMatch(/^PASS: all 1 executed case\(s\) passed/m);
  });

  it('lists the selected cases without starting a target', async () => {
    const run = await runCli([
      '--no-builtin-cases',
      '--cases',
      FIXTURE_CASES,
      '--list',
      '--filter',
      'alpha/d*',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'alpha/draft-case\tOW-ALPHA-003\tdraft\tA case whose expected values are not decided yet\n',
    );
  });

  it('passes the target stderr through, prefixed, unless told to be quiet', async () => {
    const args = [
      '--no-builtin-cases',
      '--cases',
      FIXTURE_CASES,
      '--filter',
      'alpha/with-canary',
      '--seed',
      '1',
    ];
    const loud = await runCli([
      ...args,
      '--target',
      `cmd:node ${FIXTURE_CASES}/../drivers/scripted.mjs leak-stderr`,
    ]);
    expect(loud.stderr).toMatch(/^target\| debug: using key owc-canary-api_key-[0-9a-f]{16}$/m);
    expect(loud.code).toBe(1);
  });
});
