import type { ApprovalStep, JsonObject, JsonValue, WaitStep } from '@openworkflow/schemas';
import type { ApprovalRequest } from './engine-options.js';
import { OpenWorkflowError } from './errors.js';
import { WAITING_TRAITS } from './kind-traits.js';
import type { RunExecution, StepCall } from './run-execution.js';
import type { StepKind } from './step-kinds.js';

function valueAt(payload: JsonValue, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = payload;
  for (const key of path.split('.')) {
    if (
      current === null ||
      typeof current !== 'object' ||
      Array.isArray(current) ||
      !Object.hasOwn(current, key)
    ) {
      return undefined;
    }
    current = current[key];
  }
  return current;
}

function equal(a: JsonValue | undefined, b: JsonValue): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * An event filter (spec/execution.md, "wait"): every key (a dotted path into the payload) must
 * match; a list value means "one of", anything else means equality.
 */
export function matchesFilter(filter: JsonObject | undefined, payload: JsonValue): boolean {
  if (filter === undefined) return true;
  for (const [path, expected] of Object.entries(filter)) {
    const actual = valueAt(payload, path);
    if (Array.isArray(expected) && !Array.isArray(actual)) {
      if (!expected.some((candidate) => equal(actual, candidate))) return false;
    } else if (!equal(actual, expected)) {
      return false;
    }
  }
  return true;
}

/** The `step.waiting` record of this instance: reused on resume, emitted the first time. */
function waitingRecord(
  exec: RunExecution,
  call: StepCall,
  data: () => JsonObject,
): { sequence: number; data: JsonObject } {
  const known = exec.journal.instances.get(call.path)?.waiting;
  if (known !== undefined) return known;
  const event = exec.emit('step.waiting', {
    stepId: call.step.id,
    path: call.path,
    attempt: call.attempt,
    data: data(),
    causationId: call.cause,
  });
  return { sequence: event.sequence, data: event.data };
}

/**
 * `wait`: a duration, until a time, or until an event (a signal) with an optional timeout that
 * ends the wait successfully with `timedOut: true`. Every deadline is recorded, so a resumed run
 * waits only for the remaining time.
 */
export const waitKind: StepKind<WaitStep> = {
  ...WAITING_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const spec = step.wait;
    const waitedFor = () => (exec.clock.now() - call.startedAt) / 1000;
    if (spec.kind === 'duration') {
      const waiting = waitingRecord(exec, call, () => ({
        waitType: 'duration',
        resumeAt: exec.clock.now() + spec.durationMs,
      }));
      await exec.sleepUntil(Number(waiting.data.resumeAt), call.scope);
      return { waitType: 'duration', waitedFor: waitedFor(), timedOut: false };
    }
    if (spec.kind === 'time') {
      const rendered = exec.renderIn(frame, spec.time, `${step.id}.until.time`);
      const at = typeof rendered === 'string' ? Date.parse(rendered) : Number.NaN;
      if (Number.isNaN(at)) {
        throw new OpenWorkflowError('VALIDATION', `until.time of wait '${step.id}' is not an ISO 8601 time`, {
          details: { field: `${step.id}.until.time`, constraint: 'date-time' },
        });
      }
      if (at > exec.clock.now()) {
        waitingRecord(exec, call, () => ({ waitType: 'time', resumeAt: at }));
        await exec.sleepUntil(at, call.scope);
      }
      return { waitType: 'time', waitedFor: waitedFor(), timedOut: false };
    }
    const filter =
      spec.filter === undefined
        ? undefined
        : (exec.renderIn(frame, spec.filter, `${step.id}.until.filter`) as JsonObject);
    const limit = Math.min(
      spec.timeoutMs ?? exec.services.limits.maxEventWaitMs,
      exec.services.limits.maxEventWaitMs,
    );
    const waiting = waitingRecord(exec, call, () => ({
      waitType: 'event',
      event: spec.event,
      deadline: exec.clock.now() + limit,
    }));
    const received = await exec.waitForSignal(
      spec.event,
      waiting.sequence,
      (payload) => matchesFilter(filter, payload),
      Number(waiting.data.deadline),
      call.scope,
    );
    if (received === undefined) return { waitType: 'event', waitedFor: waitedFor(), timedOut: true };
    return { waitType: 'event', waitedFor: waitedFor(), timedOut: false, eventReceived: received.payload };
  },
};

/** The id of the approval interrupt of one step instance: deterministic, so a resume finds it. */
export function interruptIdFor(exec: RunExecution, path: string): string {
  return `interrupt:${exec.runId}:${path}`;
}

/**
 * The `approval` extension step: requests a decision (`interrupt.requested`), waits for
 * `resolveInterrupt` or the timeout, then applies `onTimeout` (`reject` by default).
 */
export const approvalKind: StepKind<ApprovalStep> = {
  ...WAITING_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const interruptId = interruptIdFor(exec, call.path);
    let interrupt = exec.journal.interrupts.get(interruptId);
    if (interrupt === undefined) {
      const message =
        step.message === undefined ? null : exec.renderIn(frame, step.message, `${step.id}.message`);
      const data: JsonObject = {
        interruptId,
        kind: 'approval',
        stepId: step.id,
        path: call.path,
        approvers: [...step.approvers],
        message,
        deadline: exec.clock.now() + step.approvalTimeoutMs,
      };
      exec.emit('interrupt.requested', { stepId: step.id, path: call.path, data, causationId: call.cause });
      interrupt = { data };
      exec.journal.interrupts.set(interruptId, interrupt);
      notify(exec, 'requested', requestOf(exec, data));
    }
    const deadline = Number(interrupt.data.deadline);
    const resolution = await exec.waitForInterrupt(interruptId, deadline, call.scope);
    if (resolution === undefined) {
      if (step.onTimeout === 'allow') return { approved: true, timedOut: true, interruptId };
      if (step.onTimeout === 'escalate') notify(exec, 'escalated', requestOf(exec, interrupt.data));
      throw new OpenWorkflowError('APPROVAL_REJECTED', `Approval '${step.id}' timed out`, {
        details: { interrupt_id: interruptId, reason: 'timeout', on_timeout: step.onTimeout },
      });
    }
    if (resolution.approved !== true) {
      throw new OpenWorkflowError('APPROVAL_REJECTED', `Approval '${step.id}' was rejected`, {
        details: {
          interrupt_id: interruptId,
          reason: 'rejected',
          ...(resolution.by === undefined ? {} : { by: resolution.by }),
        },
      });
    }
    const output: JsonObject = { approved: true, timedOut: false, interruptId };
    if (resolution.by !== undefined) output.by = resolution.by;
    if (resolution.comment !== undefined) output.comment = resolution.comment;
    return output;
  },
};

function requestOf(exec: RunExecution, data: JsonObject): ApprovalRequest {
  return {
    runId: exec.runId,
    interruptId: String(data.interruptId),
    stepId: String(data.stepId),
    approvers: (data.approvers as string[] | undefined) ?? [],
    message: data.message ?? null,
    deadline: Number(data.deadline),
  };
}

/** Tells the approval hooks about an `interrupt.requested` payload (agent tool confirmations too). */
export function notifyApproval(exec: RunExecution, hook: 'requested' | 'escalated', data: JsonObject): void {
  notify(exec, hook, requestOf(exec, data));
}

/** Hooks are notifications: a failing hook is logged, never fails the run. */
function notify(exec: RunExecution, hook: 'requested' | 'escalated', request: ApprovalRequest): void {
  const callback = exec.services.approvals?.[hook];
  if (callback === undefined) return;
  Promise.resolve()
    .then(() => callback(request))
    .catch((error: unknown) => {
      exec.services.logger.warn(`approval hook '${hook}' failed`, {
        run_id: exec.runId,
        interrupt_id: request.interruptId,
        error: error instanceof Error ? error.message : String(error),
      });
    });
}
