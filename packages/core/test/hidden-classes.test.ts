/**
 * Objects the engine reads on every step must share hidden classes, or V8's property caches go
 * megamorphic and every read becomes a hash lookup. V8 gives each object made by an optimised
 * object spread and then extended a hidden class of its own, so these tests build enough objects
 * for the builders to be optimised and compare maps with V8's own `%HaveSameMap`.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Frame } from '../src/frame.js';
import { loadTestWorkflow } from './support/load.js';

setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** How many different hidden classes `objects` have. */
function hiddenClasses(objects: readonly object[]): number {
  const representatives: object[] = [];
  for (const object of objects) {
    if (!representatives.some((seen) => haveSameMap(seen, object))) representatives.push(object);
  }
  return representatives.length;
}

describe('hidden classes of what the engine reads per step', () => {
  it('is one for loaded steps with the same keys', () => {
    const steps = Array.from({ length: 2_000 }, (_unused, index) => ({
      id: `s${index}`,
      connector: 'connector:acme/noop@1.0.0',
      action: 'noop',
      input: { value: `{{ inputs.x }}` },
      retry: { max_attempts: 3 },
      timeout: '5s',
    }));
    const workflow = loadTestWorkflow({ name: 'many', steps });
    expect(workflow.steps).toHaveLength(2_000);
    expect(hiddenClasses(workflow.steps)).toBe(1);
    expect(hiddenClasses(workflow.steps.map((step) => step.retry!))).toBe(1);
  });

  it('is one for the template scopes of runs and of loop iterations', () => {
    const context = { workflow: { name: 'w' } as never, depth: 0 };
    const roots = (run: number) => ({
      inputs: { run },
      env: {},
      secrets: {},
      trigger: {},
      workflow: { name: 'w', version: '1.0.0' },
      run: { id: `run-${run}` },
    });
    const frames = Array.from({ length: 2_000 }, (_unused, run) => new Frame(context, roots(run)));
    expect(hiddenClasses(frames.map((frame) => frame.scope))).toBe(1);
    const iterations = frames.map((frame, index) =>
      frame.iteration({ item: index, index, isFirst: index === 0, isLast: false }),
    );
    expect(hiddenClasses(iterations.map((frame) => frame.scope))).toBe(1);
    const withError = frames.map((frame) => frame.withRoots({ error: { message: 'x' } }));
    expect(hiddenClasses(withError.map((frame) => frame.scope))).toBe(1);
    expect(iterations[5]!.scope.item).toBe(5);
    expect(iterations[5]!.scope.inputs).toEqual({ run: 5 });
    expect(withError[7]!.scope.steps).toBe(frames[7]!.steps);
  });
});
