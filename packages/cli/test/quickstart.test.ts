import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const exec = promisify(execFile);

describe('README quick start', () => {
  it('is two commands: install-build-run, then the tests', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== '');
    expect(commands).toEqual(['npm i -g pnpm@10 && pnpm install && pnpm start', 'pnpm test']);
  });

  it('`pnpm start` runs the weather example through the CLI with visible progress', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const parts = manifest.scripts.start!.split(' && ');
    expect(parts[0]).toMatch(/^turbo run build --filter=openworkflow\.\.\./);
    const run = parts[parts.length - 1]!;
    expect(run).toMatch(/^node packages\/cli\/bin\/openworkflow\.js run examples\/weather\/workflows\.yaml /);
    // The build is what the test task already did; run the command that follows it, as written.
    const { stdout, stderr } = await exec('sh', ['-c', run], { cwd: REPO_ROOT, timeout: 60_000 });
    for (const step of [
      'fetch_weather[0]',
      'fetch_weather[2]',
      'calculate_stats',
      'format_report',
      'send_notification',
    ]) {
      expect(stderr).toMatch(
        new RegExp(`step ${step.replace(/[[\]]/g, '\\$&')} succeeded \\(1 attempt, \\d+ ms\\)`),
      );
    }
    expect(stdout).toMatch(/^✓ Daily Weather Report succeeded \(4 steps, /);
    expect(stdout).toContain('📍 San Francisco');
    expect(stdout).toMatch(/Average: [\d.]+°C/);
  }, 60_000);
});
