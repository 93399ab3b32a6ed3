/**
 * Checks every run must pass whatever the case expects: the event envelope rules of PROTOCOL.md
 * (sequence gapless from 0, `run.started` first, exactly one terminal event and it is last, …).
 * They are not counted as the case's assertions — a case with no expectations of its own is
 * still vacuous — but any of them failing fails the case.
 */
import { type AssertionResult, assertion, failed, type RunObservation } from './observation.js';
import { TERMINAL_EVENT_TYPES } from './protocol.js';

/** The protocol's own requirements, cited by id in reports and PROTOCOL.md. */
export const PROTOCOL_REQUIREMENTS = {
  'OW-PROTOCOL-001': 'every event and the result carry the run id of the run request',
  'OW-PROTOCOL-002': 'event sequence numbers are 0, 1, 2, … in the order the events are sent, without gaps',
  'OW-PROTOCOL-003': 'the first event of a run is run.started',
  'OW-PROTOCOL-004':
    'a run has exactly one terminal event, it is the last, and it agrees with the result status',
  'OW-PROTOCOL-005': 'a run that was not refused before it started reports its events',
  'OW-PROTOCOL-006': 'event times never go backwards',
  'OW-PROTOCOL-007': 'a step event for an attempt follows the step.started of that attempt',
  'OW-PROTOCOL-008': 'under a virtual clock, the run starts at the requested instant',
  'OW-PROTOCOL-010': 'the target answers every request according to the protocol',
  'OW-PROTOCOL-011': 'the run reports its result within the case budget',
} as const;

export type ProtocolRequirement = keyof typeof PROTOCOL_REQUIREMENTS;

const TERMINAL = new Set(Object.values(TERMINAL_EVENT_TYPES));
const AFTER_START = new Set(['step.retrying', 'step.completed', 'step.failed']);

/** The protocol checks of one run observation (only when the target reported a result). */
export function checkRunInvariants(observation: RunObservation): AssertionResult[] {
  const { events, result, runId } = observation;
  if (!result) return [];
  const out: AssertionResult[] = [];
  const check = (id: ProtocolRequirement, label: string, problems: string[]) =>
    out.push(
      assertion(
        id,
        label,
        false,
        problems.map((message) => ({ path: label, message })),
      ),
    );

  const foreign = events
    .filter((e) => e.runId !== runId)
    .map((e) => `event ${e.sequence} has runId ${e.runId}`);
  if (result.runId !== runId) foreign.push(`the result has runId ${result.runId}`);
  check('OW-PROTOCOL-001', 'runId', foreign);

  const gaps = events.flatMap((e, i) =>
    e.sequence === i ? [] : [`event #${i} (${e.type}) has sequence ${e.sequence}, expected ${i}`],
  );
  check('OW-PROTOCOL-002', 'events.sequence', gaps.slice(0, 3));

  if (events.length === 0) {
    // Refused before it started: invalid documents or inputs (VALIDATION), no such workflow (NOT_FOUND).
    const rejected =
      result.status === 'failed' &&
      (result.error?.code === 'VALIDATION' || result.error?.code === 'NOT_FOUND');
    if (!rejected) {
      out.push(failed('OW-PROTOCOL-005', 'events', false, `a ${result.status} run reported no events`));
    }
    return out;
  }

  check(
    'OW-PROTOCOL-003',
    'events[0].type',
    events[0]!.type === 'run.started' ? [] : [`the first event is ${events[0]!.type}`],
  );

  const terminals = events.filter((e) => TERMINAL.has(e.type));
  const last = events[events.length - 1]!;
  const expectedTerminal = TERMINAL_EVENT_TYPES[result.status];
  const terminalProblems: string[] = [];
  if (terminals.length !== 1) terminalProblems.push(`${terminals.length} terminal events`);
  if (!TERMINAL.has(last.type)) terminalProblems.push(`the last event is ${last.type}`);
  else if (last.type !== expectedTerminal) {
    terminalProblems.push(`the last event is ${last.type} but the result status is ${result.status}`);
  }
  check('OW-PROTOCOL-004', 'events.terminal', terminalProblems);

  const backwards = events.flatMap((e, i) =>
    i > 0 && Date.parse(e.time) < Date.parse(events[i - 1]!.time)
      ? [`event ${e.sequence} (${e.time}) is earlier than event ${events[i - 1]!.sequence}`]
      : [],
  );
  check('OW-PROTOCOL-006', 'events.time', backwards.slice(0, 3));

  const started = new Set<string>();
  const orphans: string[] = [];
  for (const e of events) {
    const key = `${e.stepId} attempt ${e.attempt}`;
    if (e.type === 'step.started') started.add(key);
    else if (AFTER_START.has(e.type) && !started.has(key))
      orphans.push(`${e.type} for ${key} before its step.started`);
  }
  check('OW-PROTOCOL-007', 'events.steps', orphans.slice(0, 3));

  if (observation.clock.mode === 'virtual') {
    const start = observation.clock.start;
    check(
      'OW-PROTOCOL-008',
      'events[0].time',
      Date.parse(events[0]!.time) === Date.parse(start)
        ? []
        : [`run.started is at ${events[0]!.time}, the virtual clock started at ${start}`],
    );
  }
  return out;
}
