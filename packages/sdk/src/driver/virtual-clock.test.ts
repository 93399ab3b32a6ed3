import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

const START = Date.UTC(2000, 0, 1);

/** More event-loop turns than the clock waits before it calls the run idle. */
async function manyTurns(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('VirtualClock (the conformance driver clock)', () => {
  it('jumps to each timer when nothing but timers is pending, in due order', async () => {
    const clock = new VirtualClock(START);
    const fired: number[] = [];
    await Promise.all([
      clock.sleep(3000).then(() => fired.push(clock.now() - START)),
      clock.sleep(1000).then(() => fired.push(clock.now() - START)),
    ]);
    expect(fired).toEqual([1000, 3000]);
  });

  it('stands still while tracked work (a handler call) is in flight', async () => {
    const clock = new VirtualClock(START);
    let release!: () => void;
    const work = clock.track(() => new Promise<void>((resolve) => (release = resolve)));
    const timer = clock.sleep(500);
    await manyTurns();
    expect(clock.now()).toBe(START);
    release();
    await work;
    await timer;
    expect(clock.now()).toBe(START + 500);
  });

  it('leaves external timers (event-wait timeouts) to advance, and advance fires them in order', async () => {
    const clock = new VirtualClock(START);
    let fired = false;
    const timeout = clock.sleep(60_000, undefined, { external: true }).then(() => {
      fired = true;
    });
    await manyTurns();
    expect(fired).toBe(false);
    expect(clock.now()).toBe(START);
    await clock.advance(60_000);
    await timeout;
    expect(fired).toBe(true);
    expect(clock.now()).toBe(START + 60_000);
  });

  it('rejects a sleep whose signal aborts, and the aborted timer never moves the clock', async () => {
    const clock = new VirtualClock(START);
    const controller = new AbortController();
    const sleeping = clock.sleep(10_000, controller.signal);
    controller.abort(new Error('canceled'));
    await expect(sleeping).rejects.toThrow('canceled');
    await clock.sleep(5);
    expect(clock.now()).toBe(START + 5);
  });
});
