import type { RunEvent } from '@openworkflow/core';
import type { CliOutput } from './io.js';

/** How progress is shown: a live tree on a terminal, one line per change otherwise. */
export type ProgressMode = 'tree' | 'lines';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  readonly mode: ProgressMode;
  /** Masks secret values in every line before it is written. */
  readonly mask?: (text: string) => string;
  /** Current time in ms, for the elapsed time of running steps. Default `Date.now`. */
  readonly now?: () => number;
  /** Redraw period of the tree in ms (durations, spinner). Default 100; 0 redraws on events only. */
  readonly refreshMs?: number;
  /** Most tree lines drawn at once (the terminal height); older finished lines are folded. */
  readonly maxLines?: number;
}

/** Feeds run events in, renders progress out. */
export interface Progress {
  onEvent(event: RunEvent): void;
  /** Draws the final state and stops redrawing. */
  finish(): void;
}

type Status = 'running' | 'retrying' | 'waiting' | 'success' | 'failed' | 'skipped' | 'canceled';

interface StepLine {
  readonly path: string;
  readonly depth: number;
  status: Status;
  attempt: number;
  startedAt: number;
  durationMs?: number;
  detail?: string | undefined;
}

const SYMBOLS: Readonly<Record<Status, string>> = {
  running: '…',
  retrying: '↻',
  waiting: '⏸',
  success: '✓',
  failed: '✗',
  skipped: '-',
  canceled: '⊘',
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `users[3]/send` → 2; a loop iteration `fetch[0]` sits one level under `fetch`. */
function depthOf(path: string): number {
  let depth = 0;
  for (const segment of path.split('/')) depth += 1 + (segment.match(/\[\d+\]/g)?.length ?? 0);
  return depth - 1;
}

/** The instance a path belongs to: `fetch[0]` → `fetch`, `users[3]/send` → `users[3]`. */
function parentOf(path: string): string | undefined {
  if (/\[\d+\]$/.test(path)) return path.replace(/\[\d+\]$/, '');
  const slash = path.lastIndexOf('/');
  return slash < 0 ? undefined : path.slice(0, slash);
}

/** The last segment of a path, as the tree shows it under its parent. */
function leafName(path: string): string {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const iteration = /\[(\d+)\]$/.exec(segment);
  return iteration === null ? segment : `[${iteration[1]}]`;
}

/** `1.2 s`, `35 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function errorText(data: RunEvent['data']): string | undefined {
  const error = data.error as { code?: string; message?: string } | undefined;
  if (error === undefined || error === null) return undefined;
  return `${error.code ?? 'ERROR'}: ${error.message ?? ''}`.trim();
}

/**
 * Renders run events as progress. `lines` mode writes one line per state change, for logs and
 * pipes; `tree` mode redraws a tree of step instances in place (status, attempt, duration), for
 * terminals. Every line goes through `mask`.
 */
export function createProgress(output: CliOutput, options: ProgressOptions): Progress {
  const mask = options.mask ?? ((text: string) => text);
  const now = options.now ?? Date.now;
  const steps = new Map<string, StepLine>();
  let drawn = 0;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let runLine = '';

  const write = (text: string) => output.write(mask(text));

  const lineOf = (step: StepLine): string => {
    const indent = '  '.repeat(step.depth + 1);
    const symbol =
      step.status === 'running' ? (SPINNER[frame % SPINNER.length] ?? '…') : SYMBOLS[step.status];
    const elapsed = step.durationMs ?? Math.max(0, now() - step.startedAt);
    const parts = [`${indent}${symbol} ${leafName(step.path)}`, step.status];
    if (step.status !== 'skipped') {
      parts.push(
        step.status === 'success' || step.status === 'failed' || step.status === 'canceled'
          ? `${step.attempt} attempt${step.attempt === 1 ? '' : 's'}`
          : `attempt ${step.attempt}`,
      );
      parts.push(formatDuration(elapsed));
    }
    if (step.detail !== undefined) parts.push(step.detail);
    return parts.join('  ');
  };

  const draw = () => {
    // Depth first, children in the order they started, so a step's subtree stays under it.
    const children = new Map<string | undefined, StepLine[]>();
    for (const step of steps.values()) {
      const parent = parentOf(step.path);
      const key = parent !== undefined && steps.has(parent) ? parent : undefined;
      children.set(key, [...(children.get(key) ?? []), step]);
    }
    const ordered: string[] = [];
    const visit = (key: string | undefined) => {
      for (const step of children.get(key) ?? []) {
        ordered.push(lineOf(step));
        visit(step.path);
      }
    };
    visit(undefined);
    let lines = [runLine, ...ordered];
    const max = options.maxLines ?? Number.POSITIVE_INFINITY;
    if (lines.length > max && max > 2) {
      const hidden = ordered.length - (max - 2);
      lines = [runLine, `  … ${hidden} earlier step line(s)`, ...ordered.slice(hidden)];
    }
    // Move to the start of the previous drawing and clear it, then draw again.
    const reset = drawn > 0 ? `\u001b[${drawn}F\u001b[J` : '';
    write(`${reset}${lines.join('\n')}\n`);
    drawn = lines.length;
    frame++;
  };

  const changed = (line: string) => {
    if (options.mode === 'lines') write(`${line}\n`);
    else draw();
  };

  const onEvent = (event: RunEvent) => {
    const data = event.data;
    if (event.type === 'run.started') {
      const workflow = data.workflow as { name?: string; version?: string } | undefined;
      runLine = `Run ${event.runId}: ${workflow?.name ?? 'workflow'}${workflow?.version === undefined ? '' : ` ${workflow.version}`}`;
      if (options.mode === 'tree' && timer === undefined && (options.refreshMs ?? 100) > 0) {
        timer = setInterval(draw, options.refreshMs ?? 100);
        timer.unref?.();
      }
      changed(options.mode === 'lines' ? `${runLine} started` : runLine);
      return;
    }
    if (event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.canceled') {
      const word =
        event.type === 'run.completed' ? 'succeeded' : event.type === 'run.failed' ? 'failed' : 'canceled';
      if (options.mode === 'lines')
        write(`run ${word}${errorText(data) === undefined ? '' : `: ${errorText(data)}`}\n`);
      return;
    }
    const path = event.path ?? event.stepId;
    if (path === undefined) return;
    let step = steps.get(path);
    const known = step !== undefined;
    if (step === undefined) {
      // The step's first event: its start, or an outcome without one (a skipped step).
      step = {
        path,
        depth: depthOf(path),
        status: 'running',
        attempt: event.attempt ?? 1,
        startedAt: event.time,
      };
      steps.set(path, step);
    }
    if (event.type === 'step.started') {
      if (known) {
        step.status = 'running';
        step.attempt = event.attempt ?? step.attempt + 1;
        delete step.detail;
      }
      changed(`step ${path} started${step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}`);
      return;
    }
    switch (event.type) {
      case 'step.retrying': {
        step.status = 'retrying';
        step.attempt = (data.nextAttempt as number | undefined) ?? step.attempt + 1;
        step.detail = errorText(data);
        changed(
          `step ${path} retrying (attempt ${step.attempt} in ${formatDuration((data.delayMs as number | undefined) ?? 0)}): ${step.detail ?? ''}`.trimEnd(),
        );
        return;
      }
      case 'step.waiting':
        step.status = 'waiting';
        changed(`step ${path} waiting`);
        return;
      case 'step.completed':
      case 'step.failed':
      case 'step.skipped':
      case 'step.canceled': {
        const status: Status =
          event.type === 'step.completed'
            ? 'success'
            : event.type === 'step.failed'
              ? 'failed'
              : event.type === 'step.skipped'
                ? 'skipped'
                : 'canceled';
        step.status = status;
        step.attempt = (data.attempts as number | undefined) ?? step.attempt;
        step.durationMs = (data.durationMs as number | undefined) ?? Math.max(0, event.time - step.startedAt);
        const error = errorText(data);
        if (error !== undefined) step.detail = `${error}${data.continued === true ? ' (continued)' : ''}`;
        if (status === 'skipped') step.detail = `(${(data.reason as string | undefined) ?? 'condition'})`;
        const attempts = `${step.attempt} attempt${step.attempt === 1 ? '' : 's'}`;
        changed(
          status === 'skipped'
            ? `step ${path} skipped ${step.detail}`
            : `step ${path} ${status === 'success' ? 'succeeded' : status} (${attempts}, ${formatDuration(step.durationMs)})${error === undefined ? '' : `: ${step.detail}`}`,
        );
        return;
      }
      default:
        return;
    }
  };

  return {
    onEvent,
    finish() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (options.mode === 'tree' && runLine !== '') draw();
    },
  };
}
