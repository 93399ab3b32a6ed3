import { describe, expect, it } from 'vitest';
import { FakeClock, MAX_TIMEOUT_MS, systemClock, wallTimer } from './clock.js';
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

describe('timers without promises (Clock.setTimer)', () => {
  it('FakeClock: fires in due order with sleeps, and a cancelled timer never fires', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push('timer'));
    const cancel = clock.setTimer(5, () => fired.push('cancelled'));
    void clock.sleep(10).then(() => fired.push('sleep'));
    cancel();
    expect(clock.pendingTimers).toBe(2);
    await clock.runUntilIdle();
    expect(fired).toEqual(['sleep', 'timer']);
    expect(clock.now()).toBe(20);
  });

  it('FakeClock: an external timer is left for the caller, like an external sleep', async () => {
    const clock = new FakeClock(0);
    let fired = false;
    clock.setTimer(
      10,
      () => {
        fired = true;
      },
      { external: true },
    );
    await clock.runUntilIdle({ external: false });
    expect(fired).toBe(false);
    expect(clock.nextTimer()).toEqual({ at: 10, external: true });
  });

  it('systemClock: fires once after the delay; cancelling first stops it', async () => {
    let fired = 0;
    const cancel = systemClock.setTimer!(1, () => fired++);
    const cancelled = systemClock.setTimer!(1, () => fired++);
    cancelled();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(1);
    cancel();
  });

  it('wallTimer splits a delay longer than setTimeout allows instead of firing after 1 ms', async () => {
    // Node runs a `setTimeout` over 2^31-1 ms after 1 ms; with a 5 ms step size, a 40 ms timer
    // takes the same long-delay path and must still wait for its whole delay.
    const started = Date.now();
    let firedAt = 0;
    wallTimer(40, () => (firedAt = Date.now()), 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(firedAt).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(firedAt - started).toBeGreaterThanOrEqual(39);
  });

  it('wallTimer: a split timer can be cancelled between steps', async () => {
    let fired = false;
    const cancel = wallTimer(
      30,
      () => {
        fired = true;
      },
      5,
    );
    await new Promise((resolve) => setTimeout(resolve, 12));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toBe(false);
  });

  it('systemClock.sleep of more than 2^31-1 ms does not end early', async () => {
    const controller = new AbortController();
    let ended = false;
    const sleeping = systemClock.sleep(MAX_TIMEOUT_MS + 10_000, controller.signal).then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ended).toBe(false);
    controller.abort(new OpenWorkflowError('CANCELED', 'done'));
    await expect(sleeping).rejects.toMatchObject({ code: 'CANCELED' });
  });
});
