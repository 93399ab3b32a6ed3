import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from './clock.js';
import { OpenWorkflowError } from './errors.js';

describe('FakeClock', () => {
  it('fires timers in due order, equal times in creation order', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    void clock.sleep(30).then(() => fired.push('c'));
    void clock.sleep(10).then(() => fired.push('a'));
    void clock.sleep(10).then(() => fired.push('b'));
    await clock.advance(15);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(15);
    await clock.runUntilIdle();
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(30);
  });

  it('rejects with the abort reason and drops the timer', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    const reason = new OpenWorkflowError('CANCELED', 'stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await clock.runUntilIdle();
    expect(clock.now()).toBe(0);
  });

  it('rejects at once on an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new OpenWorkflowError('TIMEOUT', 't'));
    await expect(new FakeClock().sleep(1, controller.signal)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(systemClock.sleep(1, controller.signal)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('runs timers set by timer callbacks', async () => {
    const clock = new FakeClock(0);
    let hops = 0;
    const hop = async (): Promise<void> => {
      await clock.sleep(5);
      hops++;
      if (hops < 3) await hop();
    };
    const done = hop();
    await clock.runUntilIdle();
    await done;
    expect(hops).toBe(3);
    expect(clock.now()).toBe(15);
  });
});

describe('systemClock', () => {
  it('sleeps and can be aborted midway', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(10_000, controller.signal);
    controller.abort(new OpenWorkflowError('CANCELED', 'x'));
    await expect(sleeping).rejects.toMatchObject({ code: 'CANCELED' });
    await expect(systemClock.sleep(1)).resolves.toBeUndefined();
  });
});

describe('FakeClock external timers', () => {
  it('can stop auto-advancing at a timer marked external', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    void clock.sleep(10).then(() => fired.push('backoff'));
    void clock.sleep(50, undefined, { external: true }).then(() => fired.push('event timeout'));
    await clock.runUntilIdle({ external: false });
    expect(fired).toEqual(['backoff']);
    expect(clock.now()).toBe(10);
    await clock.runUntilIdle();
    expect(fired).toEqual(['backoff', 'event timeout']);
  });
});

describe('FakeClock driven one timer at a time', () => {
  it('reports the next timer and fires exactly that one', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    void clock.sleep(50, undefined, { external: true }).then(() => fired.push('external'));
    void clock.sleep(20).then(() => fired.push('first'));
    expect(clock.nextTimer()).toEqual({ at: 20, external: false });
    expect(clock.fireNext()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toEqual(['first']);
    expect(clock.now()).toBe(20);
    expect(clock.nextTimer()).toEqual({ at: 50, external: true });
    expect(clock.fireNext()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toEqual(['first', 'external']);
    expect(clock.nextTimer()).toBeUndefined();
    expect(clock.fireNext()).toBe(false);
  });
});
