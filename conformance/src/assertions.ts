/**
 * Evaluates a case's expectations against what was observed. Every expectation item becomes one
 * counted assertion (a status, a step field, an order pair, a call count, a canary, …), so the
 * report can say how much a pass actually checked — and a pass that checked nothing is refused.
 *
 * Comparison rules (CASES.md): records (the run error, step records, events, requests, headers,
 * diagnostics) are compared field by field; values (outputs, a step's output, request bodies)
 * exactly, unless a matcher says otherwise.
 */
import type { BehaviourRecord } from './behaviour-server.js';
import { findLeak } from './canaries.js';
import type { ConformanceCase, EventExpectations, Expectations } from './case-types.js';
import { asJson, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { REAL_TIME_EARLY_SLACK_MS, REAL_TIME_LATE_SLACK_MS } from './limits.js';
import { compare, isMatcher, type Mismatch, matches } from './matchers.js';
import {
  type AssertionResult,
  assertion,
  failed,
  type Observation,
  type RunObservation,
  type ValidateObservation,
} from './observation.js';
import type { TargetEvent } from './protocol.js';

/**
 * The counted assertions of a case. `expect` is the case's expectations after placeholder
 * substitution.
 */
export function evaluateExpectations(
  testCase: ConformanceCase,
  expect: Expectations,
  observation: Observation,
): AssertionResult[] {
  const requirement = testCase.requirement;
  const out: AssertionResult[] = [];
  const add = (label: string, mismatches: readonly Mismatch[]) =>
    out.push(assertion(requirement, label, true, mismatches));

  if (observation.kind === 'run') evaluateRun(expect, observation, add);
  else evaluateValidation(expect, observation, add);
  if (expect.behaviour) evaluateBehaviour(expect.behaviour, observation.behaviour, add);
  for (const [name, secret] of observation.canaries) {
    out.push(checkCanary(requirement, name, secret, surfaces(observation)));
  }
  if (observation.behaviour.unknownRoutes.length > 0) {
    out.push(
      failed(
        requirement,
        'behaviour.routes',
        false,
        'the target called paths that are not routes of this case',
        undefined,
        asJson(observation.behaviour.unknownRoutes),
      ),
    );
  }
  return out;
}

type Add = (label: string, mismatches: readonly Mismatch[]) => void;

function evaluateRun(expect: Expectations, observation: RunObservation, add: Add): void {
  const result = observation.result;
  if (!result) return;
  if (expect.status !== undefined) add('status', compare(expect.status, result.status, 'exact', 'status'));
  if (expect.error !== undefined)
    add('error', compare(expect.error, asJson(result.error), 'partial', 'error'));
  if (expect.outputs !== undefined)
    add('outputs', compare(expect.outputs, result.outputs, 'exact', 'outputs'));
  for (const [stepId, expected] of Object.entries(expect.steps ?? {})) {
    const actual = result.steps[stepId] === undefined ? undefined : asJson(result.steps[stepId]);
    const path = `steps.${stepId}`;
    if (isMatcher(expected) || !isJsonObject(expected)) {
      add(path, compare(expected, actual, 'partial', path));
      continue;
    }
    for (const [field, value] of Object.entries(expected)) {
      const fieldActual = isJsonObject(actual) ? actual[field] : undefined;
      add(
        `${path}.${field}`,
        actual === undefined
          ? [{ path, message: 'the result has no record of this step' }]
          : compare(value, fieldActual, field === 'output' ? 'exact' : 'partial', `${path}.${field}`),
      );
    }
  }
  if (expect.events) evaluateEvents(expect.events, observation, add);
}

function evaluateEvents(expect: EventExpectations, observation: RunObservation, add: Add): void {
  const events = observation.events;
  const find = (selector: JsonObject) => events.filter((e) => matchesEvent(selector, e));
  (expect.order ?? []).forEach((chain, c) => {
    for (let i = 0; i + 1 < chain.length; i++) {
      const label = `events.order[${c}][${i}→${i + 1}]`;
      const before = find(chain[i]!);
      const after = find(chain[i + 1]!);
      if (before.length === 0 || after.length === 0) {
        const missing = before.length === 0 ? chain[i]! : chain[i + 1]!;
        add(label, [{ path: label, message: 'no event matches', expected: missing }]);
        continue;
      }
      const lastBefore = before[before.length - 1]!;
      const firstAfter = after[0]!;
      add(
        label,
        events.indexOf(lastBefore) < events.indexOf(firstAfter)
          ? []
          : [
              {
                path: label,
                message: `${describe(lastBefore)} should come before ${describe(firstAfter)}`,
                expected: chain.slice(i, i + 2) as JsonValue,
                actual: events.map(describe),
              },
            ],
      );
    }
  });
  (expect.contains ?? []).forEach((selector, i) => {
    const label = `events.contains[${i}]`;
    add(
      label,
      find(selector).length > 0
        ? []
        : [{ path: label, message: 'no event matches', expected: selector, actual: events.map(describe) }],
    );
  });
  (expect.absent ?? []).forEach((selector, i) => {
    const label = `events.absent[${i}]`;
    const found = find(selector);
    add(
      label,
      found.length === 0 ? [] : [{ path: label, message: 'unexpected event', actual: found.map(describe) }],
    );
  });
  (expect.count ?? []).forEach((entry, i) => {
    add(`events.count[${i}]`, compare(entry.is, find(entry.event).length, 'exact', `events.count[${i}]`));
  });
  (expect.delays ?? []).forEach((entry, i) => {
    const label = `events.delays[${i}]`;
    const from = events.find((e) => matchesEvent(entry.from, e));
    const to = from && events.slice(events.indexOf(from) + 1).find((e) => matchesEvent(entry.to, e));
    if (!from || !to) {
      add(label, [{ path: label, message: 'no event matches', expected: from ? entry.to : entry.from }]);
      return;
    }
    const measured = Date.parse(to.time) - Date.parse(from.time);
    add(label, checkDelay(entry.ms, measured, observation.clock.mode, label));
  });
}

/** Under a virtual clock delays are exact; in real time timers may be late, never early. */
function checkDelay(expected: number, measured: number, mode: 'real' | 'virtual', label: string): Mismatch[] {
  if (mode === 'virtual') {
    return measured === expected
      ? []
      : [{ path: label, message: 'virtual delay differs (ms)', expected, actual: measured }];
  }
  const low = expected - REAL_TIME_EARLY_SLACK_MS;
  const high = expected * 2 + REAL_TIME_LATE_SLACK_MS;
  return measured >= low && measured <= high
    ? []
    : [{ path: label, message: `real delay outside [${low}, ${high}] ms`, expected, actual: measured }];
}

function evaluateValidation(expect: Expectations, observation: ValidateObservation, add: Add): void {
  const diagnostics = observation.diagnostics;
  if (!diagnostics) return;
  if (expect.valid !== undefined) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    add(
      'valid',
      (errors.length === 0) === expect.valid
        ? []
        : [{ path: 'valid', message: 'validity differs', expected: expect.valid, actual: asJson(errors) }],
    );
  }
  (expect.diagnostics ?? []).forEach((expected, i) => {
    const label = `diagnostics[${i}]`;
    add(
      label,
      diagnostics.some((d) => matches(expected, asJson(d), 'partial'))
        ? []
        : [{ path: label, message: 'no diagnostic matches', expected, actual: asJson(diagnostics) }],
    );
  });
}

function evaluateBehaviour(
  expect: NonNullable<Expectations['behaviour']>,
  record: BehaviourRecord,
  add: Add,
): void {
  const callsTo = (route: string) => record.calls.filter((c) => route === '*' || c.route === route);
  for (const [route, expected] of Object.entries(expect.calls ?? {})) {
    add(
      `behaviour.calls.${route}`,
      compare(expected, callsTo(route).length, 'exact', `behaviour.calls.${route}`),
    );
  }
  if (expect.order) {
    add(
      'behaviour.order',
      compare(
        expect.order as JsonValue,
        record.calls.map((c) => c.route),
        'exact',
        'behaviour.order',
      ),
    );
  }
  for (const [route, expected] of Object.entries(expect.maxConcurrency ?? {})) {
    const path = `behaviour.maxConcurrency.${route}`;
    add(path, compare(expected, record.maxConcurrency[route] ?? 0, 'exact', path));
  }
  for (const [route, expected] of Object.entries(expect.aborted ?? {})) {
    const path = `behaviour.aborted.${route}`;
    add(path, compare(expected, callsTo(route).filter((c) => c.aborted).length, 'exact', path));
  }
  for (const [route, requests] of Object.entries(expect.requests ?? {})) {
    const path = `behaviour.requests.${route}`;
    const calls = callsTo(route);
    if (calls.length !== requests.length) {
      add(path, [
        { path, message: `expected ${requests.length} requests, got ${calls.length}`, actual: calls.length },
      ]);
      continue;
    }
    add(
      path,
      requests.flatMap((expected, i) =>
        Object.entries(expected).flatMap(([field, value]) => {
          const actual = (asJson(calls[i]) as JsonObject)[field];
          const mode = field === 'headers' || field === 'query' ? 'partial' : 'exact';
          return compare(value, actual, mode, `${path}[${i}].${field}`);
        }),
      ),
    );
  }
}

/** One counted assertion: the canary `name` appears on none of the surfaces. */
export function checkCanary(
  requirement: string,
  name: string,
  secret: string,
  surfaces: Readonly<Record<string, string>>,
): AssertionResult {
  const leak = findLeak(secret, surfaces);
  const label = `canary ${name}`;
  return assertion(
    requirement,
    label,
    true,
    leak ? [{ path: label, message: `the secret leaked ${leak.form} into ${leak.surface}` }] : [],
  );
}

/** Event selectors compare field by field, at every depth. */
export function matchesEvent(selector: JsonObject, event: TargetEvent): boolean {
  return matches(selector, asJson(event), 'partial');
}

function describe(event: TargetEvent): string {
  const step = event.stepId === undefined ? '' : ` ${event.stepId}`;
  const attempt = event.attempt === undefined ? '' : `#${event.attempt}`;
  return `${event.sequence}:${event.type}${step}${attempt}`;
}

function surfaces(observation: Observation): Record<string, string> {
  const out: Record<string, string> = { stderr: observation.stderr.join('\n') };
  if (observation.kind === 'run') {
    out.events = JSON.stringify(observation.events);
    if (observation.result) out.result = JSON.stringify(observation.result);
  } else if (observation.diagnostics) {
    out.diagnostics = JSON.stringify(observation.diagnostics);
  }
  return out;
}
