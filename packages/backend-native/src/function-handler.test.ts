import { getEventListeners } from 'node:events';
import { OpenWorkflowError } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../test/failure.js';
import { invocationOf } from '../test/invocation.js';
import { createFunctionHandler, HandlerRegistry } from './function-handler.js';

const handlerFor = (name: string) => ({ type: 'function', function: name }) as const;

describe('function handler', () => {
  it('calls the function registered under the exact name with input and context (C-42, C-45)', async () => {
    const seen: unknown[] = [];
    const registry = new HandlerRegistry().register('calculator.add', (input, context) => {
      seen.push(context.stepName, context.secrets.get('KEY'), context.previousSteps);
      return { result: Number(input.a) + Number(input.b) };
    });
    registry.register('Calculator.add', () => ({ result: 'wrong' }));
    const executor = createFunctionHandler({ registry });
    const invocation = invocationOf(handlerFor('calculator.add'), { a: 2, b: 3 }, { stepName: 'sum' });
    await expect(executor.execute(invocation)).resolves.toEqual({ result: 5 });
    expect(seen).toEqual(['sum', undefined, {}]);
  });

  it('C-43: an unregistered name is UNAVAILABLE with a suggestion', async () => {
    const executor = createFunctionHandler({
      registry: new HandlerRegistry().register('calculator.add', () => 1),
    });
    const error = await failureOf(executor.execute(invocationOf(handlerFor('calculator.ad'))));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.details).toMatchObject({ function: 'calculator.ad' });
    expect(String(error.details.suggestion)).toContain('registerHandler');
  });

  it('C-44: a thrown exception becomes the envelope with its message, class name and own code', async () => {
    class ValueError extends Error {
      override name = 'ValueError';
      code = 'VALUE_ERROR';
    }
    const registry = new HandlerRegistry().register('calculator.divide', () => {
      throw new ValueError('Cannot divide by zero');
    });
    const error = await failureOf(
      createFunctionHandler({ registry }).execute(invocationOf(handlerFor('calculator.divide'))),
    );
    expect(error.toJSON()).toEqual({
      status: 'error',
      code: 'BACKEND_ERROR',
      message: 'Cannot divide by zero',
      details: { function: 'calculator.divide', error_type: 'ValueError', connector_code: 'VALUE_ERROR' },
    });
  });

  it('passes an OpenWorkflowError thrown by the function through unchanged', async () => {
    const thrown = new OpenWorkflowError('VALIDATION', 'bad input', { details: { field: 'a' } });
    const registry = new HandlerRegistry().register('f', async () => {
      throw thrown;
    });
    await expect(createFunctionHandler({ registry }).execute(invocationOf(handlerFor('f')))).rejects.toBe(
      thrown,
    );
  });

  it('normalises output to JSON and rejects values that are not JSON', async () => {
    const registry = new HandlerRegistry()
      .register('nothing', () => undefined)
      .register('date', () => ({ at: new Date(0) }))
      .register('bigint', () => ({ n: 1n }))
      .register('fn', () => () => 1);
    const executor = createFunctionHandler({ registry });
    await expect(executor.execute(invocationOf(handlerFor('nothing')))).resolves.toBeNull();
    await expect(executor.execute(invocationOf(handlerFor('date')))).resolves.toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
    for (const name of ['bigint', 'fn']) {
      const error = await failureOf(executor.execute(invocationOf(handlerFor(name))));
      expect(error.details.error_type).toBe('NonJsonOutput');
    }
  });

  it('returns CANCELED promptly when the signal aborts, without waiting for the function', async () => {
    const controller = new AbortController();
    const registry = new HandlerRegistry().register('slow', () => new Promise(() => {}));
    const pending = createFunctionHandler({ registry }).execute(
      invocationOf(handlerFor('slow'), {}, { signal: controller.signal }),
    );
    controller.abort();
    expect((await failureOf(pending)).code).toBe('CANCELED');
  });

  it('never calls the function when the signal is already aborted, and keeps the engine reason', async () => {
    let calls = 0;
    const registry = new HandlerRegistry().register('f', () => {
      calls += 1;
    });
    const reason = new OpenWorkflowError('TIMEOUT', 'step timeout', { details: { timeout_ms: 5 } });
    const error = await failureOf(
      createFunctionHandler({ registry }).execute(
        invocationOf(handlerFor('f'), {}, { signal: AbortSignal.abort(reason) }),
      ),
    );
    expect(error).toBe(reason);
    expect(calls).toBe(0);
  });

  it('answers a synchronous function without making the signal when the context says `canceled`', async () => {
    let signalReads = 0;
    const controller = new AbortController();
    const invocation = invocationOf(handlerFor('double'), { n: 21 }, { canceled: false });
    Object.defineProperty(invocation.context, 'signal', {
      get: () => {
        signalReads += 1;
        return controller.signal;
      },
    });
    const registry = new HandlerRegistry().register('double', (input) => ({ n: Number(input.n) * 2 }));
    await expect(createFunctionHandler({ registry }).execute(invocation)).resolves.toEqual({ n: 42 });
    expect(signalReads).toBe(0);
  });

  it('never calls the function when the context is `canceled`, and names the abort reason', async () => {
    let calls = 0;
    const registry = new HandlerRegistry().register('f', () => {
      calls += 1;
    });
    const reason = new OpenWorkflowError('CANCELED', 'run canceled');
    const error = await failureOf(
      createFunctionHandler({ registry }).execute(
        invocationOf(handlerFor('f'), {}, { canceled: true, signal: AbortSignal.abort(reason) }),
      ),
    );
    expect(error).toBe(reason);
    expect(calls).toBe(0);
  });

  it('still races the signal for a function that returns a promise', async () => {
    const controller = new AbortController();
    const registry = new HandlerRegistry().register('slow', async () => new Promise(() => {}));
    const pending = createFunctionHandler({ registry }).execute(
      invocationOf(handlerFor('slow'), {}, { canceled: false, signal: controller.signal }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new OpenWorkflowError('TIMEOUT', 'step timeout'));
    const error = await failureOf(pending);
    expect(error.code).toBe('TIMEOUT');
  });

  it('leaves no listener on the signal once a promise settles (tool calls share one signal)', async () => {
    const controller = new AbortController();
    const registry = new HandlerRegistry()
      .register('later', async () => ({ ok: true }))
      .register('fails', async () => {
        throw new Error('nope');
      });
    const executor = createFunctionHandler({ registry });
    for (let call = 0; call < 20; call++) {
      const name = call % 2 === 0 ? 'later' : 'fails';
      const outcome = executor.execute(invocationOf(handlerFor(name), {}, { signal: controller.signal }));
      if (name === 'later') await expect(outcome).resolves.toEqual({ ok: true });
      else expect((await failureOf(outcome)).code).toBe('BACKEND_ERROR');
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('refuses duplicate and malformed registrations', () => {
    const registry = new HandlerRegistry().register('a', () => 1);
    expect(() => registry.register('a', () => 2)).toThrow(/already registered/);
    expect(() => registry.register(' a', () => 2)).toThrow(/surrounding spaces/);
    expect(registry.unregister('a')).toBe(true);
    expect(registry.names()).toEqual([]);
  });

  it('reports a misrouted handler type as INTERNAL_ERROR', async () => {
    const executor = createFunctionHandler({ registry: new HandlerRegistry() });
    const error = await failureOf(
      executor.execute(invocationOf({ type: 'command', command: 'x', args: [], env: {} })),
    );
    expect(error.code).toBe('INTERNAL_ERROR');
  });
});
