import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const exec = promisify(execFile);

/** The shell commands of the fenced `sh` blocks of one README section. */
function shellCommands(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no '${heading}' section`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

describe('README', () => {
  it('every command of the CLI section runs and succeeds', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const commands = shellCommands(readme, '## CLI');
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) {
      expect(command.startsWith('pnpm openworkflow ')).toBe(true);
      const { stdout } = await exec('sh', ['-c', command], { cwd: REPO_ROOT, timeout: 60_000 });
      expect(stdout.length, command).toBeGreaterThan(0);
    }
  }, 120_000);
});
