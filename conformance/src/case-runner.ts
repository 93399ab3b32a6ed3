/**
 * Runs one case against a target: opens the case's own behaviour namespace, substitutes
 * placeholders, sends the documents, plays the script as events arrive, and waits for the result
 * until the case's budget runs out — the only timer involved is that deadline. Returns what was
 * observed; judging it is `assertions.ts` and `invariants.ts`.
 */
import { parse as parseYaml } from 'yaml';
import { evaluateExpectations, matchesEvent } from './assertions.js';
import type { BehaviourNamespace, BehaviourServer } from './behaviour-server.js';
import { createCanaries } from './canaries.js';
import type { ConformanceCase, Expectations, RunSpec, ScriptStep } from './case-types.js';
import { checkRunInvariants } from './invariants.js';
import type { JsonObject, JsonValue } from './json.js';
import { CANCEL_GRACE_MS, CASE_BASE_BUDGET_MS, MAX_EVENTS_PER_RUN, SETTLE_GRACE_MS } from './limits.js';
import type { AssertionResult, ExchangeProblem, Observation, RunObservation } from './observation.js';
import { type PlaceholderValues, substitute, substituteText } from './placeholders.js';
import type { ClockOption, ProtocolDocument, RunResult, TargetEvent } from './protocol.js';
import type { Random } from './random.js';
import type { Target } from './target.js';

/**
 * Where a virtual clock starts. Far from today on purpose: a target that claims virtual time but
 * stamps events with its wall clock is caught by OW-PROTOCOL-008.
 */
export const VIRTUAL_CLOCK_START = '2000-01-01T00:00:00.000Z';

export interface CaseRunOptions {
  readonly target: Target;
  readonly server: BehaviourServer;
  readonly random: Random;
  readonly timeoutScale: number;
  /** Send `documents[].parsed` (the target asked for it and the profile allows it). */
  readonly sendParsed: boolean;
}

export interface CaseRunOutcome {
  readonly observation: Observation;
  readonly assertions: readonly AssertionResult[];
  /**
   * Where the target's stderr stood when the case started. Stderr and stdout are separate pipes,
   * so a leak written just before the result can arrive after it: the suite scans again from here
   * once the target has exited.
   */
  readonly stderrCursor: number;
}

/**
 * The case's budget: its own `timeoutMs`, or a base budget plus twice every delay its routes can
 * impose (each route's replies counted once), scaled for slow machines.
 */
export function caseBudgetMs(testCase: ConformanceCase, scale: number): number {
  if (testCase.timeoutMs !== undefined) return testCase.timeoutMs * scale;
  const delays = Object.values(testCase.behaviour)
    .flatMap((route) => route.sequence)
    .reduce((sum, reply) => sum + reply.delayMs, 0);
  return (CASE_BASE_BUDGET_MS + 2 * delays) * scale;
}

/** Runs a case that passed its gates (profile claimed, not a draft, capabilities present). */
export async function runCase(testCase: ConformanceCase, options: CaseRunOptions): Promise<CaseRunOutcome> {
  const { target, server, random } = options;
  const nonce = random.hex(16);
  const canaries = createCanaries(random);
  const values: PlaceholderValues = {
    behaviourUrl: `${server.origin}/ns/${nonce}`,
    behaviourOrigin: server.origin,
    canary: (name) => canaries.get(name),
  };
  // Replies may carry placeholders too (a canary echoed back, a redirect to the namespace).
  const routes = substitute(
    testCase.behaviour as unknown as JsonValue,
    values,
  ) as unknown as ConformanceCase['behaviour'];
  const namespace = server.open(nonce, routes);
  const documents: ProtocolDocument[] = testCase.documents.map((d) => {
    const content = substituteText(d.content, values);
    return options.sendParsed ? { name: d.name, content, ...parsedForm(content) } : { name: d.name, content };
  });
  const expect = substitute(testCase.expect as unknown as JsonValue, values) as unknown as Expectations;
  const stderrCursor = target.stderrCursor();
  const budget = caseBudgetMs(testCase, options.timeoutScale);
  try {
    let observation: Observation;
    if (testCase.mode.kind === 'run') {
      const run = substitute(testCase.mode.run as unknown as JsonValue, values) as unknown as RunSpec;
      const clock: ClockOption =
        testCase.clock === 'real' || !target.hello.capabilities.virtualTime
          ? { mode: 'real' }
          : { mode: 'virtual', start: VIRTUAL_CLOCK_START };
      const exchange = await exchangeRun(target, {
        runId: `run-${nonce}`,
        documents,
        run,
        clock,
        allowOrigins: [server.origin],
        budget,
        graceMs: CANCEL_GRACE_MS * options.timeoutScale,
        requirement: testCase.requirement,
        calls: namespace,
      });
      await namespace.settled(SETTLE_GRACE_MS * options.timeoutScale);
      observation = {
        kind: 'run',
        ...exchange,
        clock,
        behaviour: namespace.snapshot(),
        canaries: canaries.values,
        stderr: target.stderrSince(stderrCursor),
      };
    } else {
      const reply = await withDeadline(target.validate(documents), budget);
      const problems: ExchangeProblem[] = [];
      if (reply === 'timeout') {
        problems.push({
          requirement: 'OW-PROTOCOL-011',
          message: `no validation result within ${budget} ms`,
        });
      } else if (!reply.ok) problems.push({ requirement: 'OW-PROTOCOL-010', message: reply.message });
      observation = {
        kind: 'validate',
        ...(reply !== 'timeout' && reply.ok ? { diagnostics: reply.diagnostics } : {}),
        behaviour: namespace.snapshot(),
        canaries: canaries.values,
        stderr: target.stderrSince(stderrCursor),
        problems,
      };
    }
    const assertions = [
      ...observation.problems.map(
        (p): AssertionResult => ({
          requirement: p.requirement,
          label: 'exchange',
          counted: false,
          ok: false,
          mismatches: [{ path: 'exchange', message: p.message }],
        }),
      ),
      ...(observation.kind === 'run' ? checkRunInvariants(observation) : []),
      ...evaluateExpectations(testCase, expect, observation),
    ];
    return { observation, assertions, stderrCursor };
  } finally {
    namespace.dispose();
  }
}

/** The suite's own YAML parse, for targets that asked for `parsed` (absent when the text is not YAML). */
function parsedForm(content: string): { parsed?: JsonValue } {
  try {
    return { parsed: parseYaml(content, { maxAliasCount: 100 }) as JsonValue };
  } catch {
    return {};
  }
}

interface RunExchange {
  readonly runId: string;
  readonly documents: readonly ProtocolDocument[];
  readonly run: RunSpec;
  readonly clock: ClockOption;
  readonly allowOrigins: readonly string[];
  readonly budget: number;
  readonly graceMs: number;
  readonly requirement: string;
  /** The case's namespace: call triggers of the script (`on: {call}`) watch it. */
  readonly calls: Pick<BehaviourNamespace, 'onCall' | 'snapshot'>;
}

type RunExchangeResult = Pick<RunObservation, 'runId' | 'events' | 'problems'> & { result?: RunResult };

/**
 * Sends the run request, plays the script, and collects events until the result arrives, the
 * target fails the exchange, or the budget runs out (then the run is canceled, given a short
 * grace to report, and the case fails for want of a result).
 */
function exchangeRun(target: Target, exchange: RunExchange): Promise<RunExchangeResult> {
  const events: TargetEvent[] = [];
  const problems: ExchangeProblem[] = [];
  const script = exchange.run.script;
  let nextScriptStep = 0;
  // Script actions are sent one after another, in order, even if events arrive faster.
  let scriptChain = Promise.resolve();

  return new Promise<RunExchangeResult>((resolve) => {
    let settled = false;
    let result: RunResult | undefined;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(budgetTimer);
      clearTimeout(graceTimer);
      for (let i = nextScriptStep; i < script.length; i++) {
        problems.push({
          requirement: exchange.requirement,
          message: `script step ${i + 1} never triggered: no event matched ${JSON.stringify(script[i]!.on)}`,
        });
      }
      void scriptChain.then(() =>
        resolve({ runId: exchange.runId, events, problems, ...(result ? { result } : {}) }),
      );
    };
    let graceTimer: NodeJS.Timeout | undefined;
    const budgetTimer = setTimeout(() => {
      problems.push({ requirement: 'OW-PROTOCOL-011', message: `no result within ${exchange.budget} ms` });
      if (!target.alive || !target.hello.capabilities.cancel) {
        settle();
        return;
      }
      graceTimer = setTimeout(settle, exchange.graceMs);
      control.cancel('the conformance case ran out of time').catch(() => settle());
    }, exchange.budget);

    const fire = (step: ScriptStep) => {
      nextScriptStep += 1;
      const action = step.action;
      scriptChain = scriptChain.then(async () => {
        try {
          if (action.kind === 'cancel') await control.cancel(action.reason);
          else if (action.kind === 'signal') await control.signal(action.name, action.payload);
          else await control.advance(action.ms);
        } catch (error) {
          problems.push({
            requirement: 'OW-PROTOCOL-010',
            message: `${action.kind} was not acknowledged: ${(error as Error).message}`,
          });
        }
      });
    };
    // A call trigger fires once its route has seen a call, whenever that happened.
    const fireCallTriggers = () => {
      for (;;) {
        const step = script[nextScriptStep];
        if (settled || step === undefined || !isCallTrigger(step.on)) return;
        const route = step.on.call;
        if (!exchange.calls.snapshot().calls.some((call) => call.route === route)) return;
        fire(step);
      }
    };
    exchange.calls.onCall(() => fireCallTriggers());

    const control = target.startRun(
      {
        runId: exchange.runId,
        documents: exchange.documents,
        workflow: exchange.run.workflow,
        inputs: exchange.run.inputs,
        secrets: exchange.run.secrets,
        env: exchange.run.env,
        options: { clock: exchange.clock, network: { allowOrigins: exchange.allowOrigins } },
      },
      {
        event(event) {
          if (settled) return;
          if (events.length >= MAX_EVENTS_PER_RUN) {
            problems.push({
              requirement: 'OW-PROTOCOL-010',
              message: `more than ${MAX_EVENTS_PER_RUN} events`,
            });
            settle();
            return;
          }
          events.push(event);
          const step = script[nextScriptStep];
          if (step && !isCallTrigger(step.on) && matchesEvent(step.on, event)) fire(step);
          fireCallTriggers();
        },
        result(value) {
          if (settled) return;
          result = value;
          settle();
        },
        failure(_kind, message) {
          if (settled) return;
          problems.push({ requirement: 'OW-PROTOCOL-010', message });
          settle();
        },
      },
    );
  });
}

function isCallTrigger(on: JsonObject): on is { call: string } {
  return typeof on.call === 'string';
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
