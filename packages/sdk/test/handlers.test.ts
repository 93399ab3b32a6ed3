/**
 * Handler registration: `action()` as a function and as a TC39 method decorator (compiled by
 * TypeScript, as a user's build would), typed handlers with schema validation, direct invocation.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ActionContext,
  action,
  defaultHandlers,
  defineHandler,
  type HandlerInput,
  OpenWorkflow,
  OpenWorkflowError,
  Workflows,
} from '../src/index.js';

const open: OpenWorkflow[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((instance) => instance.close()));
});

function instance(options: ConstructorParameters<typeof OpenWorkflow>[0] = {}) {
  const created = new OpenWorkflow(options);
  open.push(created);
  return created;
}

const greeter = {
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'greeter',
    namespace: 'test',
    version: '1.0.0',
    displayName: 'Greeter',
    description: 'Greets',
  },
  actions: ['hello', 'shout', 'count'].map((name) => ({
    name,
    description: name,
    input: {
      type: 'object',
      properties: { who: { type: 'string', minLength: 1 }, excited: { type: 'boolean', default: false } },
      required: ['who'],
    },
    handler: { function: `greeter.${name}` },
  })),
};

const flow = `
workflows:
  - name: greet
    steps:
      - { id: hello, connector: "connector:test/greeter@1.0.0", action: hello, input: { who: ada } }
      - { id: shout, connector: "connector:test/greeter@1.0.0", action: shout, input: { who: "{{ steps.hello.output.text }}" } }
      - { id: count, connector: "connector:test/greeter@1.0.0", action: count, input: { who: bob } }
    outputs:
      text: { value: "{{ steps.shout.output.text }}" }
      count: { value: "{{ steps.count.output.count }}" }
`;

/** Compiles TypeScript with standard (TC39) decorators the way `tsc` would for a user's project. */
async function compileDecorated(source: string): Promise<Record<string, unknown>> {
  const output = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  expect(output).not.toContain('__decorate('); // legacy decorators would emit this helper
  const directory = await mkdtemp(join(tmpdir(), 'ow-decorators-'));
  try {
    const file = join(directory, 'handlers.mjs');
    await writeFile(file, output);
    return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    await rm(directory, { recursive: true });
  }
}

describe('action() and registerHandler', () => {
  it('registers static and instance methods with TC39 decorators, and plain functions', async () => {
    const openworkflow = instance();
    await openworkflow.registerConnector(greeter);
    const module = await compileDecorated(`
export function define(action, openworkflow) {
  class Greeter {
    prefix = 'hello';
    @action('greeter.hello', { openworkflow })
    static hello({ who, excited }) {
      return { text: 'hello ' + who + (excited ? '!' : '') };
    }
    @action('greeter.shout', { openworkflow })
    shout({ who }, context) {
      return { text: this.prefix.toUpperCase() + ': ' + who.toUpperCase(), step: context.stepName };
    }
  }
  return Greeter;
}
`);
    const define = module.define as (decorator: typeof action, target: OpenWorkflow) => new () => unknown;
    const Greeter = define(action, openworkflow);
    expect(openworkflow.handlerNames()).toContain('greeter.hello');
    expect(openworkflow.handlerNames()).not.toContain('greeter.shout'); // registers per instance
    new Greeter();
    new Greeter(); // a second instance replaces the first registration instead of failing
    const counted = action('greeter.count', { openworkflow })(
      async ({ who }: { who: string }, context: ActionContext) => ({
        count: who.length,
        attempt: context.attempt,
      }),
    );
    expect(typeof counted).toBe('function');

    const result = await Workflows.fromString(flow, { openworkflow }).execute('greet');
    expect(result.status).toBe('success');
    expect(result.outputs).toEqual({ text: 'HELLO: HELLO ADA', count: 3 });
    expect(result.steps.shout?.output).toMatchObject({ step: 'shout' });
  });

  it('puts handlers registered without an instance in the shared registry, unless isolated', async () => {
    const handler = action('greeter.hello')(({ who }: { who: string }) => ({ text: `shared ${who}` }));
    try {
      action('greeter.shout')(({ who }: { who: string }) => ({ text: who }));
      action('greeter.count')(() => ({ count: 0 }));
      expect(defaultHandlers.names()).toEqual(expect.arrayContaining(['greeter.hello']));
      const shared = instance();
      await shared.registerConnector(greeter);
      const result = await Workflows.fromString(flow, { openworkflow: shared }).execute('greet');
      expect(result.outputs.text).toBe('shared ada');

      const isolated = instance({ isolated: true });
      await isolated.registerConnector(greeter);
      const missing = await Workflows.fromString(flow, { openworkflow: isolated }).execute('greet');
      expect(missing.error).toMatchObject({ code: 'UNAVAILABLE', details: { step_id: 'hello' } });
      expect(() => action('greeter.hello')(handler)).toThrow(/already registered/);
    } finally {
      for (const name of ['greeter.hello', 'greeter.shout', 'greeter.count'])
        defaultHandlers.unregister(name);
    }
  });

  it('validates typed handlers against their own schemas, on top of the action schema', async () => {
    const openworkflow = instance({ isolated: true });
    await openworkflow.registerConnector(greeter);
    const hello = defineHandler<{ who: string; excited: boolean }, { text: string }>(
      ({ who, excited }) => ({ text: `${who}${excited ? '!' : ''}` }),
      {
        input: { type: 'object', properties: { who: { type: 'string', maxLength: 3 } } },
        output: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      },
    );
    const typed: HandlerInput<typeof hello> = { who: 'x', excited: true };
    expect(typed.who).toBe('x');
    openworkflow.registerHandler('greeter.hello', hello);
    openworkflow.registerHandler(
      'greeter.shout',
      defineHandler(() => ({ wrong: 1 }), { output: { required: ['text'] } }),
    );

    // The action's schema applies its default (`excited: false`) before the handler runs.
    expect(await openworkflow.invoke('greeter', 'hello', { who: 'ada' })).toEqual({ text: 'ada' });
    await expect(openworkflow.invoke('greeter', 'hello', { who: 'adalbert' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'who', constraint: 'maxLength', direction: 'input' },
    });
    await expect(openworkflow.invoke('greeter', 'hello', { who: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'who', constraint: 'minLength' },
    });
    await expect(openworkflow.invoke('greeter', 'shout', { who: 'a' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { direction: 'output', constraint: 'required' },
    });
    await expect(openworkflow.invoke('greeter', 'nope', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openworkflow.invoke('nobody', 'hello', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // No handler registered for `count`.
    const failure = await openworkflow
      .invoke('greeter', 'count', { who: 'a' })
      .catch((error: unknown) => error);
    expect(OpenWorkflowError.is(failure) && failure.code).toBe('UNAVAILABLE');
  });

  it('rejects a handler that is not a function, and duplicate names unless replaced', () => {
    const openworkflow = instance({ isolated: true });
    expect(() => openworkflow.registerHandler('x.y', 42 as never)).toThrow(/must be a function/);
    openworkflow.registerHandler('x.y', () => 1);
    expect(() => openworkflow.registerHandler('x.y', () => 2)).toThrow(/already registered/);
    openworkflow.registerHandler('x.y', () => 3, { replace: true });
    expect(openworkflow.handlerNames()).toEqual(['x.y']);
  });
});
