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
import { startBehaviourServer } from './behaviour-server.js';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from './case-loader.js';
import { runCase } from './case-runner.js';
import type { ConformanceCase, ProfileDefinition } from './case-types.js';
import { startCommandTarget } from './command-target.js';
import { DEFAULT_CONCURRENCY, MAX_TARGET_RESTARTS } from './limits.js';
import type { AssertionResult } from './observation.js';
import type { HelloResponse, TargetCapabilities } from './protocol.js';
import { createRandom } from './random.js';
import { prepareSchemas } from './schemas.js';
import { SuiteError } from './suite-error.js';
import type { Target } from './target.js';
import { SUITE_NAME, SUITE_VERSION } from './version.js';

export type Disposition = 'pass' | 'fail' | 'blocked' | 'inapplicable';

export interface SuiteOptions {
  /** `cmd:<command>`: a driver speaking the JSON-lines protocol. */
  readonly target: string;
  /** Case directories besides the built-in ones. */
  readonly extraCaseDirectories?: readonly string[];
  /** Leave out the built-in cases (self-tests with their own cases). */
  readonly builtinCases?: boolean;
  /** Only these profiles (of those the target claims). */
  readonly profiles?: readonly string[];
  /** Only cases whose `<profile>/<id>` or requirement id contains one of these texts (or matches one of these globs). */
  readonly filters?: readonly string[];
  readonly strict?: boolean;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly timeoutScale?: number;
  readonly onTargetStderr?: (line: string) => void;
  readonly onCaseDone?: (outcome: CaseOutcome) => void;
}

export interface CaseOutcome {
  readonly id: string;
  readonly profile: string;
  readonly requirement: string;
  readonly title: string;
  readonly spec: readonly string[];
  readonly file?: string;
  readonly disposition: Disposition;
  /** Why a case is not a pass (gates, vacuity, exchange problems); absent on a pass. */
  readonly reason?: string;
  /** Counted assertions (the case's own expectations) that ran. */
  readonly assertions: number;
  /** Protocol checks that ran besides. */
  readonly checks: number;
  readonly failures: readonly AssertionResult[];
  readonly durationMs: number;
}

export interface ProfileSummary {
  readonly id: string;
  readonly title: string;
  readonly claimed: boolean;
  readonly pass: number;
  readonly fail: number;
  readonly blocked: number;
  readonly inapplicable: number;
  readonly assertions: number;
}

export interface SuiteReport {
  readonly suite: { readonly name: string; readonly version: string };
  readonly target: {
    readonly command: string;
    readonly name: string;
    readonly version: string;
    readonly protocol: string;
    readonly profiles: readonly string[];
    readonly capabilities: TargetCapabilities;
  };
  readonly options: {
    readonly seed: number;
    readonly strict: boolean;
    readonly concurrency: number;
    readonly timeoutScale: number;
    readonly profiles?: readonly string[];
    readonly filters?: readonly string[];
  };
  /** Profiles the target claims, with everything they imply. */
  readonly claimedProfiles: readonly string[];
  /** Profiles the target named that this suite version does not know. */
  readonly unknownProfiles: readonly string[];
  readonly profiles: readonly ProfileSummary[];
  readonly totals: Omit<ProfileSummary, 'id' | 'title' | 'claimed'>;
  readonly cases: readonly CaseOutcome[];
  /** Target problems that belong to no case (garbage lines, messages for unknown requests). */
  readonly violations: readonly string[];
  readonly durationMs: number;
  readonly exitCode: 0 | 1 | 2;
  /** Why the exit code is what it is, in one line. */
  readonly verdict: string;
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
  let outcomes: CaseOutcome[];
  try {
    hello = (await targets.start()).hello;
    claimed = expandProfiles(hello.profiles, profiles);
    concurrency = Math.max(
      1,
      Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, hello.capabilities.maxConcurrentRuns ?? 1),
    );
    const context: JudgeContext = { claimed, hello, strict, seed, timeoutScale, targets, server, profiles };
    outcomes = await runAll(createRandom(seed).shuffle(selected), concurrency, async (testCase) => {
      const outcome = await judge(testCase, context);
      options.onCaseDone?.(outcome);
      return outcome;
    });
  } finally {
    // Closed before totalling, so a violation during shutdown still counts.
    await targets.close();
    await server.close();
  }
  outcomes.sort((a, b) => a.profile.localeCompare(b.profile) || a.id.localeCompare(b.id));
  return summarise({
    command,
    hello,
    claimed,
    profiles,
    outcomes,
    violations,
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

/** Whether `--profile`/`--filter` select a case. */
export function selectsCase(
  testCase: ConformanceCase,
  options: Pick<SuiteOptions, 'profiles' | 'filters'>,
): boolean {
  if (options.profiles && !options.profiles.includes(testCase.profile)) return false;
  if (!options.filters || options.filters.length === 0) return true;
  const names = [`${testCase.profile}/${testCase.id}`, testCase.requirement];
  return options.filters.some((filter) => {
    if (!/[*?]/.test(filter)) return names.some((name) => name.includes(filter));
    const glob = filter
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    const pattern = new RegExp(`^${glob}$`);
    return names.some((name) => pattern.test(name));
  });
}

/** The claimed profiles with everything they imply, limited to profiles this suite knows. */
export function expandProfiles(
  claimed: readonly string[],
  profiles: ReadonlyMap<string, ProfileDefinition>,
): string[] {
  const out = new Set<string>();
  const visit = (id: string) => {
    const profile = profiles.get(id);
    if (!profile || out.has(id)) return;
    out.add(id);
    profile.implies.forEach(visit);
  };
  claimed.forEach(visit);
  return [...out].sort();
}

interface JudgeContext {
  readonly claimed: readonly string[];
  readonly hello: HelloResponse;
  readonly strict: boolean;
  readonly seed: number;
  readonly timeoutScale: number;
  readonly targets: TargetSupervisor;
  readonly server: Awaited<ReturnType<typeof startBehaviourServer>>;
  readonly profiles: ReadonlyMap<string, ProfileDefinition>;
}

/** The gate of a case, or undefined when it must run. */
export function gate(
  testCase: ConformanceCase,
  claimed: readonly string[],
  capabilities: TargetCapabilities,
): { disposition: 'inapplicable' | 'blocked'; reason: string } | undefined {
  if (!claimed.includes(testCase.profile)) {
    return { disposition: 'inapplicable', reason: `the target does not claim profile ${testCase.profile}` };
  }
  if (testCase.status === 'draft') {
    return {
      disposition: 'blocked',
      reason: `draft case: ${testCase.draftReason ?? 'expected values not final'}`,
    };
  }
  const missing = testCase.requires.filter((capability) => capabilities[capability] !== true);
  if (missing.length > 0) {
    return { disposition: 'blocked', reason: `the target lacks capability ${missing.join(', ')}` };
  }
  return undefined;
}

async function judge(testCase: ConformanceCase, context: JudgeContext): Promise<CaseOutcome> {
  const started = performance.now();
  const base = {
    id: testCase.id,
    profile: testCase.profile,
    requirement: testCase.requirement,
    title: testCase.title,
    spec: testCase.spec,
    ...(testCase.file ? { file: testCase.file } : {}),
  };
  const done = (
    disposition: Disposition,
    reason: string | undefined,
    assertions: readonly AssertionResult[],
  ) => ({
    ...base,
    disposition,
    ...(reason !== undefined ? { reason } : {}),
    assertions: assertions.filter((a) => a.counted).length,
    checks: assertions.filter((a) => !a.counted).length,
    failures: assertions.filter((a) => !a.ok),
    durationMs: Math.round(performance.now() - started),
  });
  const blocked = gate(testCase, context.claimed, context.hello.capabilities);
  if (blocked) {
    if (context.strict && blocked.disposition === 'blocked') {
      return done(
        'fail',
        `--strict: a claimed profile has a case that was not measured (${blocked.reason})`,
        [],
      );
    }
    return done(blocked.disposition, blocked.reason, []);
  }
  const target = await context.targets.current();
  if (!target) return done('blocked', 'the target kept exiting; it was not restarted again', []);
  const profile = context.profiles.get(testCase.profile);
  const random = createRandom(mix(context.seed, `${testCase.profile}/${testCase.id}`));
  const { assertions } = await runCase(testCase, {
    target,
    server: context.server,
    random,
    timeoutScale: context.timeoutScale,
    sendParsed: context.hello.capabilities.parsedDocuments === true && profile?.textOnly !== true,
  });
  const failures = assertions.filter((a) => !a.ok);
  const counted = assertions.filter((a) => a.counted).length;
  if (failures.length > 0) {
    const first = failures[0]!;
    return done(
      'fail',
      `${first.requirement} ${first.label}: ${first.mismatches[0]?.message ?? 'failed'}`,
      assertions,
    );
  }
  if (counted === 0) {
    return done(
      'fail',
      'vacuous: the case made no assertions (a pass with zero assertions is not a pass)',
      assertions,
    );
  }
  return done('pass', undefined, assertions);
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

/**
 * Keeps one target process running: a target that exits mid-suite fails the cases it was running
 * and is restarted for the rest, a bounded number of times.
 */
class TargetSupervisor {
  private target: Target | undefined;
  private starting: Promise<Target | undefined> | undefined;
  private restarts = 0;

  constructor(
    private readonly command: string,
    private readonly options: Parameters<typeof startCommandTarget>[1],
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

interface SummaryInput {
  readonly command: string;
  readonly hello: HelloResponse;
  readonly claimed: readonly string[];
  readonly profiles: ReadonlyMap<string, ProfileDefinition>;
  readonly outcomes: readonly CaseOutcome[];
  readonly violations: readonly string[];
  readonly options: SuiteReport['options'];
  readonly durationMs: number;
}

function summarise(input: SummaryInput): SuiteReport {
  const count = (list: readonly CaseOutcome[], d: Disposition) =>
    list.filter((o) => o.disposition === d).length;
  const tally = (list: readonly CaseOutcome[]) => ({
    pass: count(list, 'pass'),
    fail: count(list, 'fail'),
    blocked: count(list, 'blocked'),
    inapplicable: count(list, 'inapplicable'),
    assertions: list.reduce((sum, o) => sum + o.assertions, 0),
  });
  const profileSummaries = [...input.profiles.values()].map((p) => ({
    id: p.id,
    title: p.title,
    claimed: input.claimed.includes(p.id),
    ...tally(input.outcomes.filter((o) => o.profile === p.id)),
  }));
  const totals = tally(input.outcomes);
  const executed = input.outcomes.filter(
    (o) => o.disposition === 'pass' || o.assertions + o.checks > 0,
  ).length;
  let exitCode: 0 | 1 | 2 = 0;
  let verdict = `all ${totals.pass} executed case(s) passed`;
  if (totals.fail > 0 || input.violations.length > 0) {
    exitCode = 1;
    verdict = `${totals.fail} case(s) failed${input.violations.length ? `, ${input.violations.length} target violation(s)` : ''}`;
  } else if (executed === 0) {
    exitCode = 2;
    verdict = `nothing was measured: the target claims [${input.hello.profiles.join(', ')}] and no selected case could run`;
  }
  return {
    suite: { name: SUITE_NAME, version: SUITE_VERSION },
    target: {
      command: input.command,
      name: input.hello.name,
      version: input.hello.version,
      protocol: input.hello.protocol,
      profiles: input.hello.profiles,
      capabilities: input.hello.capabilities,
    },
    options: input.options,
    claimedProfiles: input.claimed,
    unknownProfiles: input.hello.profiles.filter((p) => !input.profiles.has(p)),
    profiles: profileSummaries,
    totals,
    cases: input.outcomes,
    violations: input.violations,
    durationMs: input.durationMs,
    exitCode,
    verdict,
  };
}
