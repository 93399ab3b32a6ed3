import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowIndex } from '../src/commands/list.js';
import { cli, REPO_ROOT, temporaryDirectory } from './helpers.js';

let project: { path: string; remove: () => Promise<void> };

const TOKEN = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

function workflow(name: string, extra = ''): string {
  return `workflows:
  - name: ${name}
    version: 2.1.0
    description: "Summarises tickets ${extra}"
    inputs:
      ticket: { type: string, required: true, description: The ticket id }
      verbose: { type: boolean, default: false }
      api_key: { type: string, default: "\${env.OW_LIST_SECRET}" }
    steps:
      - id: fetch
        connector: connector:acme/tickets@1.0.0
        action: get
        input: { id: "{{ inputs.ticket }}", home: "{{ env.HOME }}" }
      - id: check
        type: if
        condition: "{{ steps.fetch.output.open }}"
        then:
          - id: summarise
            type: agent
            agent: agent:acme/summariser@1.0.0
            input: { text: "{{ steps.fetch.output.body }}" }
    outputs:
      summary: { value: "{{ steps.check.output }}" }
`;
}

beforeAll(async () => {
  project = await temporaryDirectory();
  const root = project.path;
  await mkdir(join(root, '.openworkflow/workflows/nested'), { recursive: true });
  await mkdir(join(root, 'workflows'), { recursive: true });
  await writeFile(
    join(root, '.openworkflow/workflows/tickets.yaml'),
    workflow('Ticket Summary', `token ${TOKEN}`),
  );
  await writeFile(join(root, '.openworkflow/workflows/nested/other.yml'), workflow('Other Flow'));
  await writeFile(join(root, 'workflows/broken.yaml'), 'workflows:\n  - name: X\n    steps: 3\n');
  await writeFile(
    join(root, 'workflows/huge.json'),
    JSON.stringify({ workflows: [], pad: 'x'.repeat(200_000) }),
  );
  await copyFile(
    join(REPO_ROOT, 'examples/calculator/connector.yaml'),
    join(root, 'workflows/connector.yaml'),
  );
  await writeFile(join(root, 'workflows/notes.txt'), 'not a workflow file');
  await symlink(join(root, '.openworkflow/workflows/tickets.yaml'), join(root, 'workflows/link.yaml'));
  // Not under a workflows directory: never indexed.
  await writeFile(join(root, 'stray.yaml'), workflow('Stray'));
});
afterAll(() => project.remove());

describe('openworkflow list', () => {
  it('indexes .openworkflow/workflows and workflows without running anything', async () => {
    const run = await cli(['list', '--json'], {
      cwd: project.path,
      env: { OW_LIST_SECRET: 'hunter2-secret' },
    });
    expect(run.code).toBe(0);
    const index = JSON.parse(run.stdout) as WorkflowIndex;
    expect(index.directories).toEqual(['.openworkflow/workflows', 'workflows']);
    expect(index.workflows.map((item) => item.name)).toEqual(['Other Flow', 'Ticket Summary']);
    const tickets = index.workflows.find((item) => item.name === 'Ticket Summary')!;
    expect(tickets).toMatchObject({
      id: '.openworkflow/workflows/tickets.yaml#ticket-summary',
      version: '2.1.0',
      file: '.openworkflow/workflows/tickets.yaml',
      outputs: ['summary'],
      connectors: ['connector:acme/tickets@1.0.0'],
      agents: ['agent:acme/summariser@1.0.0'],
    });
    expect(tickets.inputs).toEqual([
      { name: 'ticket', type: 'string', required: true, hasDefault: false, description: 'The ticket id' },
      { name: 'verbose', type: 'boolean', required: false, hasDefault: true },
      { name: 'api_key', type: 'string', required: false, hasDefault: true },
    ]);
    // Credential-shaped text is scrubbed; environment variables are never read.
    expect(tickets.description).toBe('Summarises tickets token [REDACTED]');
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).not.toContain('hunter2-secret');
    expect(run.stdout).not.toContain(process.env.HOME ?? '/nonexistent-home');
    expect(run.stdout).not.toContain('Stray');

    const reasons = Object.fromEntries(index.skipped.map((item) => [item.file, item.reason]));
    expect(reasons).toEqual({
      'workflows/broken.yaml': 'invalid',
      'workflows/huge.json': 'too-large',
      'workflows/connector.yaml': 'not-a-workflow',
      'workflows/link.yaml': 'symlink',
    });
  });

  it('prints a readable index and reports skipped files on stderr', async () => {
    const run = await cli(['list'], { cwd: project.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Ticket Summary  2.1.0');
    expect(run.stdout).toContain('  inputs:      ticket: string, verbose?: boolean, api_key?: string');
    expect(run.stdout).toContain('  outputs:     summary');
    expect(run.stdout).toContain('  agents:      agent:acme/summariser@1.0.0');
    expect(run.stderr).toMatch(
      /skipped workflows\/broken\.yaml \(invalid\): workflows\/broken\.yaml:3:\d+: error/,
    );
    expect(run.stderr).toContain('skipped workflows/huge.json (too-large)');
    expect(run.stderr).toContain(
      '2 workflow(s) indexed from .openworkflow/workflows, workflows; 4 file(s) skipped',
    );
  });

  it('honours the file-count and size limits', async () => {
    const few = JSON.parse(
      (await cli(['list', '--json', '--max-files', '1'], { cwd: project.path })).stdout,
    ) as WorkflowIndex;
    expect(few.workflows.map((item) => item.name)).toEqual(['Other Flow']);
    expect(few.skipped.filter((item) => item.reason === 'limit').length).toBe(4);
    const small = JSON.parse(
      (await cli(['list', '--json', '--max-bytes', '100'], { cwd: project.path })).stdout,
    ) as WorkflowIndex;
    expect(small.workflows).toEqual([]);
    const tooLarge = small.skipped.filter((item) => item.reason === 'too-large').map((item) => item.file);
    expect(tooLarge).toContain('.openworkflow/workflows/tickets.yaml');
    expect(tooLarge).toContain('.openworkflow/workflows/nested/other.yml');
    const bad = await cli(['list', '--max-files', 'many'], { cwd: project.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-files must be a positive integer');
  });

  it('indexes a directory without the conventional folders directly, and rejects a non-directory', async () => {
    const run = await cli(['list', '--json', 'examples/weather']);
    const index = JSON.parse(run.stdout) as WorkflowIndex;
    expect(index.directories).toEqual(['.']);
    expect(index.workflows.map((item) => item.name)).toEqual([
      'Daily Weather Report',
      'Weather Alert Monitor',
      'Service Health Check',
    ]);
    const missing = await cli(['list', 'no/such/dir']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not a directory');
  });
});
