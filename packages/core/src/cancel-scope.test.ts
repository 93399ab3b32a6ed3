import { describe, expect, it } from 'vitest';
import { CancelScope } from './cancel-scope.js';

describe('CancelScope', () => {
  it('aborts the children still attached, in the order they were made, with the same reason', () => {
    const root = new CancelScope();
    const heard: string[] = [];
    const children = ['a', 'b', 'c', 'd', 'e'].map((name) => {
      const child = root.child();
      child.listen(() => heard.push(name));
      return child;
    });
    // Drop the first, a middle one and the last: every position of the list.
    children[0]!.dispose();
    children[2]!.dispose();
    children[4]!.dispose();
    children[2]!.dispose();
    const late = root.child();
    late.listen(() => heard.push('late'));
    root.abort('stop');
    expect(heard).toEqual(['b', 'd', 'late']);
    expect(children.map((child) => child.aborted)).toEqual([false, true, false, true, false]);
    expect(late.reason).toBe('stop');
  });

  it('calls listeners once, in registration order, and not after they are unregistered', () => {
    const scope = new CancelScope();
    const heard: string[] = [];
    scope.listen(() => heard.push('first'));
    const unregister = scope.onAbort(() => heard.push('removed'));
    scope.onAbort(() => heard.push('third'));
    unregister();
    scope.abort('x');
    scope.abort('y');
    expect(heard).toEqual(['first', 'third']);
    expect(scope.reason).toBe('x');
  });

  it('a listener added after the only one was unregistered still hears the abort', () => {
    const scope = new CancelScope();
    const heard: string[] = [];
    scope.onAbort(() => heard.push('gone'))();
    scope.listen(() => heard.push('kept'));
    scope.abort('x');
    expect(heard).toEqual(['kept']);
  });

  it('a child of an aborted scope starts aborted; a disposed scope drops its listeners', () => {
    const root = new CancelScope();
    root.abort('done');
    expect(root.child().aborted).toBe(true);
    const other = new CancelScope();
    const child = other.child();
    let heard = false;
    child.listen(() => {
      heard = true;
    });
    child.dispose();
    child.abort('late');
    expect(heard).toBe(false);
    expect(child.aborted).toBe(true);
  });

  it('children made after some were disposed are still reached (the list stays linked)', () => {
    const root = new CancelScope();
    const first = root.child();
    const second = root.child();
    second.dispose();
    const third = root.child();
    first.dispose();
    const fourth = root.child();
    root.abort('r');
    expect([first.aborted, second.aborted, third.aborted, fourth.aborted]).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
