/**
 * The loaded, normalised form of a conformance case (`cases/<profile>/<id>.yaml`). The YAML shape
 * is specified by `schema/case.schema.json` and documented in `CASES.md`; the loader turns every
 * shorthand into the one form below so the runner never sees a shorthand.
 */
import type { JsonObject, JsonValue } from './json.js';

/** Optional target abilities a case may need; a target announces them in `hello.capabilities`. */
export type Capability = 'validate' | 'signals' | 'cancel' | 'virtualTime';

/**
 * Which clock the case runs on. `real`: the target's wall clock. `virtual`: the target's fake
 * clock (needs the `virtualTime` capability, else the case is blocked). `prefer-virtual`: virtual
 * when offered, otherwise real time — the author promises every timer in the case is short.
 */
export type ClockMode = 'real' | 'virtual' | 'prefer-virtual';

export type CaseStatus = 'final' | 'draft';

export type RunStatus = 'success' | 'failed' | 'canceled';

/** A document handed to the target verbatim, after placeholder substitution. */
export interface CaseDocument {
  readonly name: string;
  readonly content: string;
}

/** One response of a behaviour-server route. `delayMs` is real time, before answering. */
export type Reply =
  | { readonly kind: 'echo'; readonly envelope: boolean; readonly delayMs: number }
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly body?: JsonValue;
      readonly text?: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly delayMs: number;
    }
  | {
      readonly kind: 'fail';
      readonly status: number;
      readonly code?: string;
      readonly message: string;
      readonly envelope: boolean;
      readonly delayMs: number;
    };

/** A route answers call 1 with `sequence[0]`, call 2 with `sequence[1]`, …; the last one repeats. */
export interface RouteSpec {
  readonly sequence: readonly Reply[];
}

export type ScriptAction =
  | { readonly kind: 'cancel'; readonly reason: string }
  | { readonly kind: 'signal'; readonly name: string; readonly payload: JsonValue }
  | { readonly kind: 'advance'; readonly ms: number };

/**
 * A scripted interaction. Entries fire in order: each waits for the first event matching `on`
 * that arrives after the previous entry fired — or, with `on: {call: <route>}`, until the
 * behaviour server has received a call on that route. Never a sleep.
 */
export interface ScriptStep {
  readonly on: JsonObject;
  readonly action: ScriptAction;
}

export interface RunSpec {
  readonly workflow: string;
  readonly inputs: JsonObject;
  readonly secrets: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly script: readonly ScriptStep[];
}

export interface DelayExpectation {
  readonly from: JsonObject;
  readonly to: JsonObject;
  readonly ms: number;
}

export interface EventExpectations {
  /** Chains: every event matching element k precedes every event matching element k + 1. */
  readonly order?: readonly (readonly JsonObject[])[];
  readonly contains?: readonly JsonObject[];
  readonly absent?: readonly JsonObject[];
  readonly count?: readonly { readonly event: JsonObject; readonly is: JsonValue }[];
  readonly delays?: readonly DelayExpectation[];
}

export interface BehaviourExpectations {
  readonly calls?: Readonly<Record<string, JsonValue>>;
  readonly order?: readonly string[];
  readonly maxConcurrency?: Readonly<Record<string, JsonValue>>;
  readonly requests?: Readonly<Record<string, readonly JsonObject[]>>;
  readonly aborted?: Readonly<Record<string, JsonValue>>;
}

/** What must hold after the run (or validation). Values may use matchers (`$type`, `$match`, …). */
export interface Expectations {
  readonly status?: RunStatus;
  readonly error?: JsonValue;
  readonly outputs?: JsonValue;
  readonly steps?: Readonly<Record<string, JsonValue>>;
  readonly events?: EventExpectations;
  readonly behaviour?: BehaviourExpectations;
  readonly valid?: boolean;
  readonly diagnostics?: readonly JsonObject[];
}

export type CaseMode = { readonly kind: 'run'; readonly run: RunSpec } | { readonly kind: 'validate' };

export interface ConformanceCase {
  /** Kebab-case, equal to the file name without `.yaml`. */
  readonly id: string;
  /** The directory the case lives in. */
  readonly profile: string;
  /** Stable requirement id, `OW-<PROFILE>-<NNN>`. */
  readonly requirement: string;
  readonly title: string;
  /** `spec/<file>.md#<heading>` citations. */
  readonly spec: readonly string[];
  readonly status: CaseStatus;
  /** Why the expected values are not final yet (drafts only). */
  readonly draftReason?: string;
  readonly requires: readonly Capability[];
  readonly clock: ClockMode;
  /** An explicit budget; otherwise derived from the case (see `caseBudgetMs`). */
  readonly timeoutMs?: number;
  readonly behaviour: Readonly<Record<string, RouteSpec>>;
  readonly documents: readonly CaseDocument[];
  readonly mode: CaseMode;
  readonly expect: Expectations;
  /** The file the case was read from (absent for generated cases). */
  readonly file?: string;
}

/** A profile of the catalog (`cases/profiles.yaml`). */
export interface ProfileDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Claiming this profile also claims these (transitively). */
  readonly implies: readonly string[];
  /** Never send `documents[].parsed` for this profile's cases (it tests the target's own loader). */
  readonly textOnly: boolean;
}
