import { type CommandTargetOptions, startCommandTarget } from './command-target.js';
import { MAX_TARGET_RESTARTS } from './limits.js';
import type { Target } from './target.js';

/**
 * Keeps one target process running: a target that exits mid-suite fails the cases it was running
 * and is restarted for the rest, a bounded number of times.
 */
export class TargetSupervisor {
  private target: Target | undefined;
  private starting: Promise<Target | undefined> | undefined;
  private restarts = 0;

  constructor(
    private readonly command: string,
    private readonly options: CommandTargetOptions,
  ) {}

  async start(): Promise<Target> {
    this.target = await startCommandTarget(this.command, this.options);
    return this.target;
  }

  /** The live target, restarting it if it exited; undefined once restarts are exhausted. */
  current(): Promise<Target | undefined> {
    if (this.target?.alive) return Promise.resolve(this.target);
    if (this.starting) return this.starting;
    if (this.restarts >= MAX_TARGET_RESTARTS) return Promise.resolve(undefined);
    this.restarts += 1;
    this.starting = startCommandTarget(this.command, this.options)
      .then(
        (target) => {
          this.target = target;
          return target;
        },
        (error: Error) => {
          this.options.onViolation?.({ message: `target could not be restarted: ${error.message}` });
          return undefined;
        },
      )
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  async close(): Promise<void> {
    await this.target?.close();
  }
}
