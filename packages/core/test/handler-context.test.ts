/**
 * What a handler sees of its attempt beyond the input: `canceled` (the signal's state without
 * making the signal), and the secrets its workflow's templates read, resolved on every run.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine.js';
import type { SecretResolveContext } from '../src/engine-options.js';
import type { HandlerContext, HandlerExecutor } from '../src/handler.js';
import { InMemoryRunStore } from '../src/memory-run-store.js';
import { connectorsFrom } from '../src/resolvers.js';
import { TEST_CONNECTOR_ID, testConnector } from './support/harness.js';
import { loadTestWorkflow } from './support/load.js';

const connector = testConnector(['look']);

/** One `look` step with `input`. */
function workflowOf(input: object) {
  return loadTestWorkflow({
    name: 'probe',
    steps: [{ id: 'look', connector: TEST_CONNECTOR_ID, action: 'look', input }],
  });
}

describe('the handler context', () => {
  it('reports cancellation through `canceled`, in step with the signal', async () => {
    const seen: { canceled: boolean | undefined; aborted?: boolean }[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const executor: HandlerExecutor = {
      type: 'function',
      execute: async ({ context }: { context: HandlerContext }) => {
        seen.push({ canceled: context.canceled });
        started();
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
        seen.push({ canceled: context.canceled, aborted: context.signal.aborted });
        return null;
      },
    };
    const engine = createEngine({
      store: new InMemoryRunStore(),
      handlers: [executor],
      connectors: connectorsFrom([connector]),
    });
    const run = engine.start(workflowOf({}), {});
    await running;
    await run.cancel('enough');
    const result = await run.result;
    expect(result.status).toBe('canceled');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([{ canceled: false }, { canceled: true, aborted: true }]);
  });

  it('gets the secrets its templates read on every run of the same workflow object', async () => {
    const asked: string[][] = [];
    const received: unknown[] = [];
    const executor: HandlerExecutor = {
      type: 'function',
      execute: async ({ input }) => {
        received.push(input.token);
        return null;
      },
    };
    const engine = createEngine({
      store: new InMemoryRunStore(),
      handlers: [executor],
      connectors: connectorsFrom([connector]),
      secrets: {
        resolve: async (names: readonly string[], _context: SecretResolveContext) => {
          asked.push([...names]);
          return Object.fromEntries(names.map((name) => [name, `value-of-${name}`]));
        },
      },
    });
    const workflow = workflowOf({ token: '{{ secrets.API_TOKEN }}', region: '{{ secrets.REGION }}' });
    for (let run = 0; run < 2; run++) {
      expect((await engine.start(workflow, {}).result).status).toBe('success');
    }
    expect(asked).toEqual([
      ['API_TOKEN', 'REGION'],
      ['API_TOKEN', 'REGION'],
    ]);
    expect(received).toEqual(['value-of-API_TOKEN', 'value-of-API_TOKEN']);
  });
});
