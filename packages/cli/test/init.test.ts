import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await temporaryDirectory();
});
afterEach(() => dir.remove());

describe('openworkflow init', () => {
  it('scaffolds a project whose workflow validates and is listed', async () => {
    const init = await cli(['init', 'demo'], { cwd: dir.path });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created demo/.openworkflow/workflows/hello.yaml');
    expect(init.stdout).toContain('cd demo');
    const project = join(dir.path, 'demo');
    expect(await readFile(join(project, '.openworkflow/workflows/hello.yaml'), 'utf8')).toContain(
      'name: Hello',
    );
    const validate = await cli(['validate', '.openworkflow/workflows/hello.yaml'], { cwd: project });
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain('0 errors, 0 warnings');
    const list = await cli(['list'], { cwd: project });
    expect(list.stdout).toContain('Hello  0.1.0');
    expect(list.stdout).toContain('inputs:      name?: string');
  });

  it('refuses to overwrite without --force', async () => {
    expect((await cli(['init'], { cwd: dir.path })).code).toBe(0);
    const again = await cli(['init'], { cwd: dir.path });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('.openworkflow/workflows/hello.yaml already exists');
    const forced = await cli(['init', '--force'], { cwd: dir.path });
    expect(forced.code).toBe(0);
  });
});
