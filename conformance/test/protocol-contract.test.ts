import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProtocolMessage, TARGET_MESSAGE_DEFINITIONS } from '../src/schemas.js';
import { FIXTURE_CASES, runCli, SCRIPTED } from './helpers.js';

const protocolDoc = readFileSync(new URL('../PROTOCOL.md', import.meta.url), 'utf8');

function checkTargetLine(line: string) {
  const message = JSON.parse(line) as { type: string };
  return checkProtocolMessage(TARGET_MESSAGE_DEFINITIONS[message.type] ?? 'TargetMessage', message);
}

describe('PROTOCOL.md', () => {
  it('shows an example transcript whose every line matches the schema', () => {
    const block =
      protocolDoc.split('## Example transcript')[1]?.split('```jsonl\n')[1]?.split('```')[0] ?? '';
    const lines = block.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      const text = line.slice(2);
      const problems = line.startsWith('> ')
        ? checkProtocolMessage('RunnerMessage', JSON.parse(text))
        : checkTargetLine(text);
      expect(problems, text.slice(0, 80)).toEqual([]);
    }
  });

  it('gives JSON examples of target messages that match the schema', () => {
    const examples = [...protocolDoc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) expect(checkTargetLine(example), example.slice(0, 60)).toEqual([]);
  });
});

describe('the runner', () => {
  it('sends only messages that match the protocol schema, with a fresh id on each', async () => {
    const hello = { capabilities: { signals: true, cancel: true, virtualTime: true, maxConcurrentRuns: 2 } };
    const run = await runCli([
      '--no-builtin-cases',
      '--cases',
      FIXTURE_CASES,
      '--filter',
      'alpha/echo-inputs',
      '--filter',
      'alpha/needs-signals',
      '--target',
      `cmd:${SCRIPTED('record', hello)}`,
    ]);
    expect(run.code).toBe(0);
    const sent = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('target| REQ '))
      .map((line) => JSON.parse(line.slice('target| REQ '.length)) as { id: string; type: string });
    expect(sent.map((m) => m.type).sort()).toEqual(['hello', 'run', 'run', 'shutdown', 'signal']);
    for (const message of sent) expect(checkProtocolMessage('RunnerMessage', message)).toEqual([]);
    expect(new Set(sent.map((m) => m.id)).size).toBe(sent.length);
  });

  it('rejects a target message that breaks the schema, naming the field', () => {
    const problems = checkProtocolMessage('EventMessage', {
      id: 'r1',
      type: 'event',
      event: { sequence: -1, type: 'step.started', runId: 'x', time: 'yesterday', data: {} },
    });
    expect(problems.map((p) => p.pointer)).toEqual(
      expect.arrayContaining(['/event/sequence', '/event/time', '/event']),
    );
  });
});
