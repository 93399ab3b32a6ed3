/**
 * `@openworkflow/conformance`: the OpenWorkflow conformance suite as a library. Most people run
 * the `openworkflow-conformance` command; these exports let a harness run the suite in-process,
 * render reports, or reuse the behaviour server and the case loader.
 */
export {
  type BehaviourNamespace,
  type BehaviourRecord,
  type BehaviourServer,
  type RecordedCall,
  startBehaviourServer,
} from './behaviour-server.js';
export { BUILTIN_CASES_DIRECTORY, type LoadedSuite, loadSuite } from './case-loader.js';
export {
  type CaseRunOptions,
  type CaseRunOutcome,
  caseBudgetMs,
  runCase,
  VIRTUAL_CLOCK_START,
} from './case-runner.js';
export type {
  Capability,
  CaseDocument,
  ClockMode,
  ConformanceCase,
  Expectations,
  ProfileDefinition,
  Reply,
  RouteSpec,
  RunSpec,
  ScriptStep,
} from './case-types.js';
export { type CliIo, main } from './cli.js';
export { type CommandTargetOptions, startCommandTarget } from './command-target.js';
export { type CaseSelection, expandProfiles, gate, selectsCase } from './gates.js';
export { PROTOCOL_REQUIREMENTS } from './invariants.js';
export { PROTOCOL_VERSION } from './limits.js';
export { compare, type MatchMode, type Mismatch } from './matchers.js';
export type { AssertionResult, Observation } from './observation.js';
export type {
  Diagnostic,
  HelloResponse,
  RunnerMessage,
  RunResult,
  StepRecord,
  TargetCapabilities,
  TargetEvent,
  TargetMessage,
} from './protocol.js';
export type { CaseOutcome, Disposition, ProfileSummary, SuiteReport } from './report.js';
export { renderJson } from './reporters/json.js';
export { renderJunit } from './reporters/junit.js';
export { renderTable } from './reporters/table.js';
export { runSuite, type SuiteOptions } from './suite.js';
export type { RunControl, RunSink, Target, ValidateReply } from './target.js';
