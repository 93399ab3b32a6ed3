/**
 * A whole suite run: load and check the cases, start the behaviour server and the target, derive
 * the claimed profiles from the target's `hello` (never from a list the user types), decide each
 * case's gate, run the rest concurrently with isolation, and total the verdicts.
 *
 * Gates, host facts before suite facts:
 * 1. the case's profile is not claimed → `inapplicable` (the requirement does not bind the target);
 * 2. the case is a draft → `blocked` (the suite cannot judge it yet);
 * 3. the target lacks a capability the case needs → `blocked` (the requirement binds, but the
 *    suite cannot measure it here).
 * Under `--strict`, a blocked case of a claimed profile is a failure.
 */
import { fileURLToPath } from 'node:url';
import { checkCanary } from './assertions.js';
import { type BehaviourServer, startBehaviourServer } from './behaviour-server.js';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from './case-loader.js';
import { runCase } from './case-runner.js';
import type { ConformanceCase, ProfileDefinition } from './case-types.js';
import { type CaseSelection, expandProfiles, gate, selectsCase } from './gates.js';
import { DEFAULT_CONCURRENCY } from './limits.js';
import type { AssertionResult } from './observation.js';
import { type PropertyReport, runProperties } from './properties.js';
import type { HelloResponse } from './protocol.js';
import { createRandom } from './random.js';
import { type CaseOutcome, type Disposition, type SuiteReport, summarise } from './report.js';
import { prepareSchemas } from './schemas.js';
import { SuiteError } from './suite-error.js';
import type { Target } from './target.js';
import { TargetSupervisor } from './target-supervisor.js';
import { SUITE_NAME, SUITE_VERSION } from './version.js';

export interface SuiteOptions extends CaseSelection {
  /** `cmd:<command>`: a driver speaking the JSON-lines protocol. */
  readonly target: string;
  /** Case directories besides the built-in ones. */
  readonly extraCaseDirectories?: readonly string[];
  /** Leave out the built-in cases (self-tests with their own cases). */
  readonly builtinCases?: boolean;
  readonly strict?: boolean;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly timeoutScale?: number;
  /** Generated workflows to run as property tests after the cases (0: none). */
  readonly properties?: number;
  readonly onTargetStderr?: (line: string) => void;
}

/**
 * Runs the suite and returns the report. Throws `SuiteError` (exit 2) when it cannot start.
 *
 * @example
 * const report = await runSuite({ target: 'cmd:python3 drivers/python-minimal/driver.py' });
 * process.exitCode = report.exitCode;
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteReport> {
  const started = performance.now();
  const command = parseTarget(options.target);
  const seed = options.seed ?? 1;
  const strict = options.strict ?? false;
  const timeoutScale = options.timeoutScale ?? 1;
  const directories = [
    ...(options.builtinCases === false ? [] : [fileURLToPath(BUILTIN_CASES_DIRECTORY)]),
    ...(options.extraCaseDirectories ?? []),
  ];
  prepareSchemas();
  const { profiles, cases } = loadSuite(directories);
  for (const profile of options.profiles ?? []) {
    if (!profiles.has(profile)) {
      throw new SuiteError('USAGE', `unknown profile ${profile}; known: ${[...profiles.keys()].join(', ')}`);
    }
  }
  const selected = cases.filter((c) => selectsCase(c, options));
  if (selected.length === 0)
    throw new SuiteError('NOTHING_TO_RUN', 'no case matches the --profile/--filter given');

  const server = await startBehaviourServer();
  const violations: string[] = [];
  const targets = new TargetSupervisor(command, {
    suite: { name: SUITE_NAME, version: SUITE_VERSION },
    timeoutScale,
    onViolation: (v) => violations.push(v.message),
    ...(options.onTargetStderr ? { onStderr: options.onTargetStderr } : {}),
  });
  let hello: HelloResponse;
  let claimed: string[];
  let concurrency: number;
  let judged: Judged[];
  let properties: PropertyReport | undefined;
  try {
    hello = (await targets.start()).hello;
    claimed = expandProfiles(hello.profiles, profiles);
    concurrency = Math.max(
      1,
      Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, hello.capabilities.maxConcurrentRuns ?? 1),
    );
    const context: JudgeContext = { claimed, hello, strict, seed, timeoutScale, targets, server, profiles };
    judged = await runAll(createRandom(seed).shuffle(selected), concurrency, (testCase) =>
      judge(testCase, context),
    );
    if ((options.properties ?? 0) > 0) {
      properties = await runProperties({
        runs: options.properties!,
        seed,
        claimed,
        hello,
        target: () => targets.current(),
        server,
        timeoutScale,
      });
    }
  } finally {
    // Closed before totalling: a violation during shutdown still counts, and the targets' stderr
    // has been read to the end for the last canary scan.
    await targets.close();
    await server.close();
  }
  const outcomes = judged.map((j) => toOutcome(rescanStderr(j)));
  outcomes.sort((a, b) => a.profile.localeCompare(b.profile) || a.id.localeCompare(b.id));
  return summarise({
    command,
    hello,
    claimed,
    profiles,
    outcomes,
    violations,
    ...(properties ? { properties } : {}),
    options: {
      seed,
      strict,
      concurrency,
      timeoutScale,
      ...(options.profiles ? { profiles: options.profiles } : {}),
      ...(options.filters ? { filters: options.filters } : {}),
    },
    durationMs: Math.round(performance.now() - started),
  });
}

function parseTarget(target: string): string {
  if (target.startsWith('cmd:') && target.slice(4).trim() !== '') return target.slice(4).trim();
  throw new SuiteError(
    'USAGE',
    `unsupported target ${JSON.stringify(target)}: use --target "cmd:<command>" (a driver speaking PROTOCOL.md)`,
  );
}

interface JudgeContext {
  readonly claimed: readonly string[];
  readonly hello: HelloResponse;
  readonly strict: boolean;
  readonly seed: number;
  readonly timeoutScale: number;
  readonly targets: TargetSupervisor;
  readonly server: BehaviourServer;
  readonly profiles: ReadonlyMap<string, ProfileDefinition>;
}

/** A case that has been gated or run, before its verdict. */
interface Judged {
  readonly testCase: ConformanceCase;
  readonly gated?: { readonly disposition: Disposition; readonly reason: string };
  readonly assertions: readonly AssertionResult[];
  readonly durationMs: number;
  /** The canaries of a case that ran, and where the target's stderr stood when it started. */
  readonly stderr?: {
    readonly target: Target;
    readonly cursor: number;
    readonly canaries: ReadonlyMap<string, string>;
  };
}

async function judge(testCase: ConformanceCase, context: JudgeContext): Promise<Judged> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const gated = gate(testCase, context.claimed, context.hello.capabilities);
  if (gated) {
    const strictFailure = context.strict && gated.disposition === 'blocked';
    return {
      testCase,
      gated: strictFailure
        ? {
            disposition: 'fail',
            reason: `--strict: a claimed profile has a case that was not measured (${gated.reason})`,
          }
        : gated,
      assertions: [],
      durationMs: elapsed(),
    };
  }
  const target = await context.targets.current();
  if (!target) {
    const reason = 'the target kept exiting; it was not restarted again';
    return { testCase, gated: { disposition: 'blocked', reason }, assertions: [], durationMs: elapsed() };
  }
  const profile = context.profiles.get(testCase.profile);
  const { assertions, observation, stderrCursor } = await runCase(testCase, {
    target,
    server: context.server,
    random: createRandom(mix(context.seed, `${testCase.profile}/${testCase.id}`)),
    timeoutScale: context.timeoutScale,
    sendParsed: context.hello.capabilities.parsedDocuments === true && profile?.textOnly !== true,
  });
  return {
    testCase,
    assertions,
    durationMs: elapsed(),
    ...(observation.canaries.size > 0
      ? { stderr: { target, cursor: stderrCursor, canaries: observation.canaries } }
      : {}),
  };
}

/**
 * Scans the target's stderr once more for the case's canaries, now that the target has exited and
 * its stderr is read to the end; a leak that arrived after the result still fails the case.
 */
function rescanStderr(judged: Judged): Judged {
  if (!judged.stderr) return judged;
  const text = judged.stderr.target.stderrSince(judged.stderr.cursor).join('\n');
  const assertions = judged.assertions.map((a) => {
    const name = a.ok && a.label.startsWith('canary ') ? a.label.slice('canary '.length) : undefined;
    const secret = name === undefined ? undefined : judged.stderr!.canaries.get(name);
    return secret === undefined ? a : checkCanary(a.requirement, name!, secret, { stderr: text });
  });
  return { ...judged, assertions };
}

/** The verdict: gated cases keep their gate; a case that ran passes only with no failure and at least one assertion. */
function toOutcome(judged: Judged): CaseOutcome {
  const { testCase, assertions } = judged;
  const failures = assertions.filter((a) => !a.ok);
  const counted = assertions.filter((a) => a.counted).length;
  let disposition: Disposition = 'pass';
  let reason: string | undefined;
  if (judged.gated) ({ disposition, reason } = judged.gated);
  else if (failures.length > 0) {
    const first = failures[0]!;
    disposition = 'fail';
    reason = `${first.requirement} ${first.label}: ${first.mismatches[0]?.message ?? 'failed'}`;
  } else if (counted === 0) {
    disposition = 'fail';
    reason = 'vacuous: the case made no assertions (a pass with zero assertions is not a pass)';
  }
  return {
    id: testCase.id,
    profile: testCase.profile,
    requirement: testCase.requirement,
    title: testCase.title,
    spec: testCase.spec,
    ...(testCase.file ? { file: testCase.file } : {}),
    disposition,
    ...(reason !== undefined ? { reason } : {}),
    assertions: counted,
    checks: assertions.length - counted,
    failures,
    durationMs: judged.durationMs,
  };
}

/** A per-case seed: independent of scheduling, so `--seed` replays nonces and canaries exactly. */
function mix(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

async function runAll<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      results.push(await work(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
