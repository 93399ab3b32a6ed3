import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTriage } from '../src/triage.js';

describe('the agent-triage example, offline', () => {
  it('triages issue 42 through the MCP toolset with the scripted provider', async () => {
    const changeLog = join(mkdtempSync(join(tmpdir(), 'ow-triage-')), 'changes.jsonl');
    const triage = await createTriage({ changeLog });
    try {
      const { result, events } = await triage.run('https://github.example/acme/app/issues/42');
      expect(result.status, JSON.stringify(result.error)).toBe('success');
      expect(result.outputs).toEqual({ category: 'bug', priority: 'high', assignee: 'mobile-team' });
      const tools = events
        .filter((event) => event.type === 'agent.tool-call')
        .map((event) => [event.data.tool, event.data.status]);
      expect(tools).toEqual([
        ['mcp_get_issue', 'success'],
        ['mcp_add_labels', 'success'],
        ['mcp_assign_issue', 'success'],
      ]);
      // The MCP server really received the changes.
      const changes = readFileSync(changeLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(changes).toEqual([
        { action: 'add_labels', issue: 42, labels: ['bug', 'crash'] },
        { action: 'assign_issue', issue: 42, assignee: 'mobile-team' },
      ]);
    } finally {
      await triage.close();
    }
  });

  it('rejects a run without an issue URL', async () => {
    const triage = await createTriage();
    try {
      const { result } = await triage.run(undefined as unknown as string);
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('VALIDATION');
    } finally {
      await triage.close();
    }
  });
});
