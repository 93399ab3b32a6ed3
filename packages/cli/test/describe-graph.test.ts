import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };

// fetch_a and fetch_b are independent; merge reads both; notify needs merge and holds a branch.
const DAG = `workflows:
  - name: Fan In
    strategy: dag
    description: "Uses key sk-ant-abcdefghijklmnop0123456789"
    inputs:
      region: { type: string, default: eu, enum: [eu, us] }
    steps:
      - id: fetch_a
        connector: connector:acme/data@1.0.0
        action: get
        input: { region: "{{ inputs.region }}" }
      - id: fetch_b
        connector: connector:acme/data@1.0.0
        action: get
        retry: { max_attempts: 3, backoff: exponential }
      - id: merge
        type: transform
        language: template
        expression: "{{ steps.fetch_a.output }} {{ steps.fetch_b.output }}"
      - id: notify
        type: if
        needs: [merge]
        condition: "{{ inputs.region == 'eu' }}"
        then:
          - id: send
            connector: connector:acme/chat@1.0.0
            action: post
    outputs:
      merged: { value: "{{ steps.merge.output }}", description: Both halves }
  - name: Second
    steps:
      - id: only
        type: wait
        duration: 1
`;

beforeAll(async () => {
  dir = await temporaryDirectory();
  await writeFile(join(dir.path, 'dag.yaml'), DAG);
});
afterAll(() => dir.remove());

describe('openworkflow describe', () => {
  it('shows inputs, outputs, steps with nesting, the plan and what the workflow uses', async () => {
    const run = await cli(['describe', 'dag.yaml', '--workflow', 'Fan In'], { cwd: dir.path });
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toContain('Workflow: Fan In (version 1.0.0)');
    expect(text).toContain('strategy:    dag');
    expect(text).toMatch(/region +string +optional +default "eu" +one of \["eu","us"\]/);
    expect(text).toContain('merged  "{{ steps.merge.output }}"  — Both halves');
    expect(text).toContain('- fetch_b  [action] connector:acme/data@1.0.0 get  (retry ×3 exponential)');
    expect(text).toContain('- merge  [transform] transform (template)  (reads fetch_a, fetch_b)');
    expect(text).toMatch(
      /- notify {2}\[if\].*\(needs merge\)\n {4}then:\n {6}- send {2}\[action\] connector:acme\/chat@1\.0\.0 post/,
    );
    expect(text).toContain('Plan (3 stages):\n  1. fetch_a, fetch_b\n  2. merge\n  3. notify');
    expect(text).toContain('Connectors: connector:acme/chat@1.0.0, connector:acme/data@1.0.0');
    expect(text).toContain('Uses key [REDACTED]');
    expect(text).not.toContain('sk-ant-');
  });

  it('describes every workflow of a file without --workflow, and JSON on request', async () => {
    const all = await cli(['describe', 'dag.yaml'], { cwd: dir.path });
    expect(all.stdout).toContain('Workflow: Fan In');
    expect(all.stdout).toContain('Workflow: Second');
    const json = await cli(['describe', 'dag.yaml', '-w', 'Fan In', '--json'], { cwd: dir.path });
    const described = JSON.parse(json.stdout) as {
      name: string;
      stages: string[][];
      references: { connectors: string[] };
    };
    expect(described.name).toBe('Fan In');
    expect(described.stages).toEqual([['fetch_a', 'fetch_b'], ['merge'], ['notify']]);
    expect(described.references.connectors).toEqual([
      'connector:acme/chat@1.0.0',
      'connector:acme/data@1.0.0',
    ]);
    expect(json.stdout).not.toContain('sk-ant-');
  });

  it('describes a connector: its actions, their inputs and handlers', async () => {
    const run = await cli(['describe', 'examples/calculator/connector.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Connector: connector:community/calculator@1.0.0 (sdk)');
    expect(run.stdout).toContain('  add(a, b)  [function]  Add two numbers');
  });

  it('names the choices when the workflow is unknown (NOT_FOUND, exit 12); invalid files exit 2', async () => {
    const run = await cli(['describe', 'dag.yaml', '--workflow', 'Nope'], { cwd: dir.path });
    expect(run.code).toBe(12);
    expect(run.stderr).toContain("no workflow 'Nope' in dag.yaml");
    expect(run.stderr).toContain("available: 'Fan In', 'Second'");
    await writeFile(join(dir.path, 'bad.yaml'), 'workflows: [}');
    const bad = await cli(['describe', 'bad.yaml'], { cwd: dir.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.yaml:1:\d+: error OW_/m);
    const missing = await cli(['describe', 'missing.yaml'], { cwd: dir.path });
    expect(missing.code).toBe(12);
    expect(missing.stderr).toContain('OW_FILE_UNREADABLE');
  });
});

describe('openworkflow graph', () => {
  it('draws mermaid with planner edges and nested lists as subgraphs', async () => {
    const run = await cli(['graph', 'dag.yaml', '-w', 'Fan In', '--format', 'mermaid'], { cwd: dir.path });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('  n_0 --> n_2');
    expect(lines).toContain('  n_1 --> n_2');
    expect(lines).toContain('  n_2 --> n_3');
    expect(lines).not.toContain('  n_0 --> n_1');
    expect(run.stdout).toContain('subgraph n_3_0 ["notify: then"]');
    expect(run.stdout).toContain('n_3_0_0["send<br/>connector:acme/chat@1.0.0 post"]');
    expect(run.stdout).toContain('n_3 -.-> n_3_0');
  });

  it('draws Graphviz dot', async () => {
    const run = await cli(['graph', 'dag.yaml', '-w', 'Fan In', '-f', 'dot'], { cwd: dir.path });
    expect(run.stdout.startsWith('digraph "Fan In" {')).toBe(true);
    expect(run.stdout).toContain('  n_0 -> n_2;');
    expect(run.stdout).toContain('  n_1 -> n_2;');
    expect(run.stdout).toContain('subgraph cluster_n_3_0 {');
    expect(run.stdout).toContain('n_3 -> n_3_0_0 [style=dashed, lhead=cluster_n_3_0];');
    expect(run.stdout.trimEnd().endsWith('}')).toBe(true);
  });

  it('draws ASCII stages (the default), showing concurrency and what each step waits for', async () => {
    const run = await cli(['graph', 'dag.yaml', '-w', 'Fan In'], { cwd: dir.path });
    expect(run.stdout).toBe(
      [
        'Fan In (dag)',
        '┬ fetch_a  connector:acme/data@1.0.0 get',
        '┴ fetch_b  connector:acme/data@1.0.0 get',
        '│',
        '● merge  transform (template)  ← fetch_a, fetch_b',
        '│',
        "● notify  if {{ inputs.region == 'eu' }}  ← merge",
        '    then:',
        '      ● send  connector:acme/chat@1.0.0 post',
        '',
      ].join('\n'),
    );
  });

  it('asks for --workflow when the file holds several (exit 2)', async () => {
    const run = await cli(['graph', 'dag.yaml'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--workflow 'Fan In'");
    expect(run.stderr).toContain("--workflow 'Second'");
  });
});
