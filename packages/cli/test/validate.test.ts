import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };

const VALID = `workflows:
  - name: Ok
    steps:
      - id: a
        type: transform
        language: template
        expression: "hi"
`;

const INVALID = `workflows:
  - name: Broken
    steps:
      - id: a
        type: transform
        language: template
        expression: "hi"
      - id: a
        type: transform
        language: template
        expression: "{{ steps.nope.output }}"
        colour: blue
`;

beforeAll(async () => {
  dir = await temporaryDirectory();
  await writeFile(join(dir.path, 'ok.yaml'), VALID);
  await writeFile(join(dir.path, 'broken.yaml'), INVALID);
});
afterAll(() => dir.remove());

describe('openworkflow validate', () => {
  it('accepts a valid file with exit 0 and a summary', async () => {
    const run = await cli(['validate', 'ok.yaml'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('1 file checked: 0 errors, 0 warnings');
  });

  it('prints every error as file:line:column with its code, and exits 1', async () => {
    const run = await cli(['validate', 'ok.yaml', 'broken.yaml'], { cwd: dir.path });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^broken\.yaml:\d+:\d+: (error|warning) OW_[A-Z_]+ /);
    expect(run.stdout).toMatch(/^broken\.yaml:8:13: error OW_DUPLICATE_STEP_ID /m);
    expect(run.stdout).toMatch(/^broken\.yaml:12:9: error OW_SCHEMA_UNKNOWN_PROPERTY /m);
    expect(run.stdout).toMatch(/error OW_UNKNOWN_STEP_REFERENCE .*nope/);
    expect(run.stderr).toContain('2 files checked');
  });

  it('reports warnings of legacy forms but still exits 0; --strict turns them into errors', async () => {
    const loose = await cli(['validate', 'examples/calculator/compound-interest.yaml']);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/compound-interest\.yaml:25:7: warning OW_ALIAS_PLUGIN/);
    const strict = await cli(['validate', '--strict', 'examples/calculator/compound-interest.yaml']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/compound-interest\.yaml:25:7: error OW_ALIAS_PLUGIN/);
  });

  it('validates connectors and the spec examples', async () => {
    const run = await cli([
      'validate',
      'examples/weather/workflows.yaml',
      'examples/weather/connectors/weather.yaml',
      'examples/calculator/connector.yaml',
      'examples/calculator/chain.yaml',
    ]);
    expect(run.stderr).toContain('4 files checked: 0 errors');
    expect(run.code).toBe(0);
  });

  it('a directory stands for its YAML and JSON files', async () => {
    const run = await cli(['validate', 'examples/weather/connectors', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { files: { file: string; kind?: string }[] };
    expect(report.files.map((file) => file.file)).toEqual([
      'examples/weather/connectors/analytics.yaml',
      'examples/weather/connectors/data.yaml',
      'examples/weather/connectors/http.yaml',
      'examples/weather/connectors/pagerduty.yaml',
      'examples/weather/connectors/slack.yaml',
      'examples/weather/connectors/text.yaml',
      'examples/weather/connectors/weather.yaml',
    ]);
    expect(new Set(report.files.map((file) => file.kind))).toEqual(new Set(['connector']));
  });

  it('--json gives one entry per file with positions', async () => {
    const run = await cli(['validate', '--json', 'ok.yaml', 'broken.yaml', 'missing.yaml'], {
      cwd: dir.path,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      errors: number;
      files: { file: string; ok: boolean; kind?: string; diagnostics: { code: string; line?: number }[] }[];
    };
    expect(report.ok).toBe(false);
    expect(report.files.map((file) => [file.file, file.ok])).toEqual([
      ['ok.yaml', true],
      ['broken.yaml', false],
      ['missing.yaml', false],
    ]);
    expect(report.files[0]!.kind).toBe('workflows');
    expect(report.files[1]!.diagnostics.find((d) => d.code === 'OW_DUPLICATE_STEP_ID')?.line).toBe(8);
    expect(report.files[2]!.diagnostics[0]!.code).toBe('OW_FILE_UNREADABLE');
    expect(report.errors).toBeGreaterThanOrEqual(4);
  });
});

describe('command-line errors', () => {
  it('an unknown flag prints the error and the usage and exits 2', async () => {
    const run = await cli(['validate', '--colour', 'x.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("openworkflow: unknown option '--colour'");
    expect(run.stderr).toContain('Usage: openworkflow validate <files...>');
    expect(run.stdout).toBe('');
  });

  it('an unknown command, a missing argument and a bad choice exit 2', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(unknown.stderr).toContain('Commands:');
    const missing = await cli(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing argument');
    const choice = await cli(['graph', 'x.yaml', '--format', 'png']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('--format must be one of mermaid, dot, ascii');
    const extra = await cli(['describe', 'a.yaml', 'b.yaml']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("unexpected argument 'b.yaml'");
    const value = await cli(['run', 'a.yaml', '--workflow']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain("option '--workflow");
  });

  it('no command prints the usage to stderr with exit 2; --help prints it to stdout', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: openworkflow <command>');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['validate', 'run', 'list', 'describe', 'graph', 'init']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const commandHelp = await cli(['run', '--help']);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain('--otlp-endpoint <url>');
  });

  it('--version prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
