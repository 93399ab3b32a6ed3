/**
 * The outcome of a suite run as data: one record per case, totals per profile, and the exit code
 * with its one-line reason. Reporters render it; nothing here runs anything.
 */

import type { ProfileDefinition } from './case-types.js';
import type { AssertionResult } from './observation.js';
import type { PropertyReport } from './properties.js';
import type { HelloResponse, TargetCapabilities } from './protocol.js';
import { SUITE_NAME, SUITE_VERSION } from './version.js';

export type Disposition = 'pass' | 'fail' | 'blocked' | 'inapplicable';

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
  /** The property tests, when `--properties` asked for them. */
  readonly properties?: PropertyReport;
  readonly durationMs: number;
  readonly exitCode: 0 | 1 | 2;
  /** Why the exit code is what it is, in one line. */
  readonly verdict: string;
}

/** What `summarise` totals. */
export interface SummaryInput {
  readonly command: string;
  readonly hello: HelloResponse;
  readonly claimed: readonly string[];
  readonly profiles: ReadonlyMap<string, ProfileDefinition>;
  readonly outcomes: readonly CaseOutcome[];
  readonly violations: readonly string[];
  readonly properties?: PropertyReport;
  readonly options: SuiteReport['options'];
  readonly durationMs: number;
}

/**
 * Totals the outcomes. Exit code 1 when a case failed or the target broke the protocol outside any
 * case; 2 when nothing was measured (a run that measures nothing is not a pass); else 0.
 */
export function summarise(input: SummaryInput): SuiteReport {
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
  const propertyFailed = input.properties?.status === 'fail';
  if (totals.fail > 0 || input.violations.length > 0 || propertyFailed) {
    exitCode = 1;
    verdict = `${totals.fail} case(s) failed${input.violations.length ? `, ${input.violations.length} target violation(s)` : ''}${propertyFailed ? ', a property test failed' : ''}`;
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
    ...(input.properties ? { properties: input.properties } : {}),
    durationMs: input.durationMs,
    exitCode,
    verdict,
  };
}
