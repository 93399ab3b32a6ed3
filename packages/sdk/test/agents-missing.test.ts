/** Without the agents package, an agent step fails `UNAVAILABLE` with the fix, not an internal error. */
import { describe, expect, it, vi } from 'vitest';
import { OpenWorkflow, Workflows } from '../src/index.js';

vi.mock('@openworkflow/agents', () => {
  throw new Error("Cannot find package '@openworkflow/agents'");
});

describe('the agents package missing', () => {
  it('an agent step is UNAVAILABLE with an install hint', async () => {
    const openworkflow = new OpenWorkflow();
    try {
      await openworkflow.registerAgent({
        schemaVersion: '0.1.0',
        type: 'agent',
        name: 'helper',
        namespace: 'demo',
        version: '1.0.0',
        model: { provider: 'scripted', id: 'x' },
        toolset: [],
      });
      const result = await Workflows.fromString(
        'name: w\nsteps:\n  - { id: think, type: agent, agent: "agent:demo/helper@1.0.0", input: {} }\n',
        { openworkflow },
      ).execute('w');
      expect(result.status).toBe('failed');
      expect(result.error?.code).toBe('UNAVAILABLE');
      expect(result.error?.details?.suggestion).toBe(
        'Install @openworkflow/agents, or register an agent backend',
      );
    } finally {
      await openworkflow.close();
    }
  });
});
