/**
 * Reads `cases/profiles.yaml` and every `cases/<profile>/<id>.yaml`, checks each against
 * `schema/case.schema.json` plus the rules a schema cannot express (file name = id, requirement
 * prefix = profile, known matchers and placeholders, referenced routes exist), and normalises
 * shorthands. Any problem is a `SuiteError` listing every problem with file:line:column — the
 * suite refuses to start rather than run a case it misunderstood.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type {
  Capability,
  CaseMode,
  ConformanceCase,
  Expectations,
  ProfileDefinition,
  Reply,
  RouteSpec,
  RunSpec,
  ScriptStep,
} from './case-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { MAX_CASE_FILE_BYTES } from './limits.js';
import { checkMatcherSyntax } from './matchers.js';
import { checkPlaceholders, stringsIn } from './placeholders.js';
import { checkCase, checkProfileCatalog, type SchemaViolation } from './schemas.js';
import { SuiteError, type SuiteProblem } from './suite-error.js';

/** The cases shipped with the package (beside `src/` and `dist/`). */
export const BUILTIN_CASES_DIRECTORY = new URL('../cases/', import.meta.url);

export interface LoadedSuite {
  readonly profiles: ReadonlyMap<string, ProfileDefinition>;
  readonly cases: readonly ConformanceCase[];
}

interface ParsedFile {
  readonly value: unknown;
  readonly locate: (pointer: string) => { line?: number; column?: number };
}

/**
 * Loads the profile catalog and cases of one or more case directories (later directories may add
 * profiles and cases, never redefine them).
 *
 * @example
 * const { profiles, cases } = loadSuite([fileURLToPath(BUILTIN_CASES_DIRECTORY)]);
 */
export function loadSuite(directories: readonly string[]): LoadedSuite {
  const problems: SuiteProblem[] = [];
  const profiles = new Map<string, ProfileDefinition>();
  for (const directory of directories) {
    for (const profile of loadCatalog(join(directory, 'profiles.yaml'), problems)) {
      if (profiles.has(profile.id)) problems.push({ message: `profile ${profile.id} is defined twice` });
      else profiles.set(profile.id, profile);
    }
  }
  for (const profile of profiles.values()) {
    for (const implied of profile.implies) {
      if (!profiles.has(implied))
        problems.push({ message: `profile ${profile.id} implies unknown ${implied}` });
    }
  }
  const cases: ConformanceCase[] = [];
  const seen = new Set<string>();
  for (const directory of directories) {
    for (const profile of listDirectories(directory)) {
      if (!profiles.has(profile)) {
        problems.push({
          file: join(directory, profile),
          message: `directory ${profile} is not a known profile`,
        });
        continue;
      }
      for (const name of readdirSync(join(directory, profile)).sort()) {
        if (!name.endsWith('.yaml')) continue;
        const file = join(directory, profile, name);
        const loaded = loadCaseFile(file, profile, problems);
        if (!loaded) continue;
        const key = `${profile}/${loaded.id}`;
        if (seen.has(key)) problems.push({ file, message: `case ${key} is defined twice` });
        seen.add(key);
        cases.push(loaded);
      }
    }
  }
  if (problems.length > 0) {
    throw new SuiteError('CASE_INVALID', `${problems.length} problem(s) in the case files`, problems);
  }
  return { profiles, cases };
}

function listDirectories(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => !name.startsWith('.') && statSync(join(directory, name)).isDirectory())
    .sort();
}

function loadCatalog(file: string, problems: SuiteProblem[]): ProfileDefinition[] {
  // A directory of extra cases may reuse the built-in profiles and ship no catalog of its own.
  if (!existsSync(file)) return [];
  const parsed = parseYamlFile(file, problems);
  if (!parsed) return [];
  const violations = checkProfileCatalog(parsed.value);
  if (violations.length > 0) {
    problems.push(...violations.map((v) => located(file, parsed, v)));
    return [];
  }
  return Object.entries(parsed.value as Record<string, JsonObject>).map(([id, entry]) => ({
    id,
    title: entry.title as string,
    description: entry.description as string,
    implies: (entry.implies as string[] | undefined) ?? [],
    textOnly: entry.textOnly === true,
  }));
}

/** Parses a YAML file; syntax errors become problems with positions. */
function parseYamlFile(file: string, problems: SuiteProblem[]): ParsedFile | undefined {
  const size = statSync(file).size;
  if (size > MAX_CASE_FILE_BYTES) {
    problems.push({ file, message: `file is larger than ${MAX_CASE_FILE_BYTES} bytes` });
    return undefined;
  }
  return parseYamlText(readFileSync(file, 'utf8'), file, problems);
}

function parseYamlText(text: string, file: string, problems: SuiteProblem[]): ParsedFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, message: error.message.split('\n')[0]! });
    }
    return undefined;
  }
  return {
    value: doc.toJS({ maxAliasCount: 0 }) as unknown,
    locate(pointer) {
      const segments = pointer
        .split('/')
        .slice(1)
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
      while (segments.length > 0) {
        const node = doc.getIn(segments, true);
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0]);
          return { line: pos.line, column: pos.col };
        }
        segments.pop();
      }
      return { line: 1, column: 1 };
    },
  };
}

function located(file: string, parsed: ParsedFile, violation: SchemaViolation): SuiteProblem {
  return {
    file,
    ...parsed.locate(violation.pointer),
    pointer: violation.pointer || '/',
    message: violation.message,
  };
}

function loadCaseFile(file: string, profile: string, problems: SuiteProblem[]): ConformanceCase | undefined {
  const parsed = parseYamlFile(file, problems);
  if (!parsed) return undefined;
  return caseFromParsed(parsed, file, profile, problems);
}

/**
 * Loads a case from YAML text with every check a case file gets (a generated case, such as a
 * property-test counterexample, goes through the same door). `file` names it in problems and must
 * be `<id>.yaml`.
 */
export function caseFromText(
  text: string,
  file: string,
  profile: string,
  problems: SuiteProblem[],
): ConformanceCase | undefined {
  const parsed = parseYamlText(text, file, problems);
  if (!parsed) return undefined;
  return caseFromParsed(parsed, file, profile, problems);
}

function caseFromParsed(
  parsed: ParsedFile,
  file: string,
  profile: string,
  problems: SuiteProblem[],
): ConformanceCase | undefined {
  const violations = checkCase(parsed.value);
  if (violations.length > 0) {
    problems.push(...violations.map((v) => located(file, parsed, v)));
    return undefined;
  }
  const raw = parsed.value as JsonObject;
  const before = problems.length;
  const report = (pointer: string, message: string) =>
    problems.push({ file, ...parsed.locate(pointer), pointer, message });
  checkRules(raw, file, profile, report);
  if (problems.length > before) return undefined;
  return normalise(raw, profile, file);
}

type Report = (pointer: string, message: string) => void;

/** Rules beyond the schema. Each finding is reported with the pointer it concerns. */
function checkRules(raw: JsonObject, file: string, profile: string, report: Report): void {
  const id = raw.id as string;
  if (basename(file, '.yaml') !== id) report('/id', `id ${id} must equal the file name ${basename(file)}`);
  const prefix = `OW-${profile.toUpperCase().replaceAll('-', '')}-`;
  if (!(raw.requirement as string).startsWith(prefix)) {
    report('/requirement', `requirement must start with ${prefix} (the case is in profile ${profile})`);
  }
  const names = (raw.documents as JsonObject[]).map((d) => d.name as string);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) report(`/documents/${i}/name`, `document name ${name} is used twice`);
  });
  for (const [pointer, value] of placeholderSites(raw)) {
    for (const text of stringsIn(value)) {
      for (const problem of checkPlaceholders(text)) report(pointer, problem);
    }
  }
  const expect = raw.expect as JsonObject;
  for (const problem of checkMatcherSyntax(expect, '/expect')) report(problem.split(':')[0]!, problem);
  const script = ((raw.run as JsonObject | undefined)?.script as JsonObject[] | undefined) ?? [];
  const routes = new Set(Object.keys((raw.behaviour as JsonObject | undefined) ?? {}));
  script.forEach((step, i) => {
    const call = (step.on as JsonObject).call;
    if (typeof call === 'string' && !routes.has(call)) {
      report(`/run/script/${i}/on/call`, `route ${call} is not declared under behaviour`);
    }
    for (const problem of checkMatcherSyntax(step.on!, `/run/script/${i}/on`))
      report(`/run/script/${i}`, problem);
    if (step.advance !== undefined && raw.clock !== 'virtual') {
      report(`/run/script/${i}/advance`, 'advance needs clock: virtual');
    }
  });
  checkExpectationKinds(raw, expect, report);
  checkRouteReferences(raw, expect, report);
}

function placeholderSites(raw: JsonObject): [string, JsonValue | undefined][] {
  const run = raw.run as JsonObject | undefined;
  return [
    ...(raw.documents as JsonObject[]).map((d, i): [string, JsonValue] => [
      `/documents/${i}/content`,
      d.content!,
    ]),
    ['/behaviour', raw.behaviour],
    ['/run', run],
    ['/expect', raw.expect],
  ];
}

const RUN_ONLY = ['status', 'error', 'outputs', 'steps', 'events', 'behaviour'];
const VALIDATE_ONLY = ['valid', 'diagnostics'];

function checkExpectationKinds(raw: JsonObject, expect: JsonObject, report: Report): void {
  const forbidden = raw.run !== undefined ? VALIDATE_ONLY : RUN_ONLY;
  for (const key of Object.keys(expect)) {
    if (forbidden.includes(key)) {
      report(
        `/expect/${key}`,
        `expect.${key} does not apply to a ${raw.run !== undefined ? 'run' : 'validate'} case`,
      );
    }
  }
}

function checkRouteReferences(raw: JsonObject, expect: JsonObject, report: Report): void {
  const routes = new Set(Object.keys((raw.behaviour as JsonObject | undefined) ?? {}));
  const behaviour = (expect.behaviour as JsonObject | undefined) ?? {};
  for (const key of ['calls', 'maxConcurrency', 'requests', 'aborted']) {
    for (const route of Object.keys((behaviour[key] as JsonObject | undefined) ?? {})) {
      const allowsAll = key === 'calls' || key === 'maxConcurrency';
      if (!routes.has(route) && !(allowsAll && route === '*')) {
        report(`/expect/behaviour/${key}`, `route ${route} is not declared under behaviour`);
      }
    }
  }
  ((behaviour.order as string[] | undefined) ?? []).forEach((route, i) => {
    if (!routes.has(route))
      report(`/expect/behaviour/order/${i}`, `route ${route} is not declared under behaviour`);
  });
}

function normalise(raw: JsonObject, profile: string, file: string): ConformanceCase {
  const run = raw.run as JsonObject | undefined;
  const mode: CaseMode = run ? { kind: 'run', run: normaliseRun(run) } : { kind: 'validate' };
  const clock = (raw.clock as ConformanceCase['clock'] | undefined) ?? 'real';
  const requires = new Set((raw.requires as Capability[] | undefined) ?? []);
  if (mode.kind === 'validate') requires.add('validate');
  if (clock === 'virtual') requires.add('virtualTime');
  for (const step of mode.kind === 'run' ? mode.run.script : []) {
    requires.add(
      step.action.kind === 'cancel' ? 'cancel' : step.action.kind === 'signal' ? 'signals' : 'virtualTime',
    );
  }
  const spec = raw.spec as string | string[];
  return {
    id: raw.id as string,
    profile,
    requirement: raw.requirement as string,
    title: raw.title as string,
    spec: Array.isArray(spec) ? spec : [spec],
    status: (raw.status as ConformanceCase['status'] | undefined) ?? 'final',
    ...(raw.draftReason !== undefined ? { draftReason: raw.draftReason as string } : {}),
    requires: [...requires].sort(),
    clock,
    ...(raw.timeoutMs !== undefined ? { timeoutMs: raw.timeoutMs as number } : {}),
    behaviour: Object.fromEntries(
      Object.entries((raw.behaviour as JsonObject | undefined) ?? {}).map(([k, v]) => [k, normaliseRoute(v)]),
    ),
    documents: (raw.documents as JsonObject[]).map((d) => ({
      name: d.name as string,
      content: d.content as string,
    })),
    mode,
    expect: raw.expect as unknown as Expectations,
    file,
  };
}

function normaliseRun(run: JsonObject): RunSpec {
  const script = ((run.script as JsonObject[] | undefined) ?? []).map(
    (step): ScriptStep => ({
      on: step.on as JsonObject,
      action: isJsonObject(step.cancel)
        ? {
            kind: 'cancel',
            reason: (step.cancel.reason as string | undefined) ?? 'canceled by the conformance suite',
          }
        : isJsonObject(step.signal)
          ? { kind: 'signal', name: step.signal.name as string, payload: step.signal.payload ?? null }
          : { kind: 'advance', ms: (step.advance as JsonObject).ms as number },
    }),
  );
  return {
    workflow: run.workflow as string,
    inputs: (run.inputs as JsonObject | undefined) ?? {},
    secrets: (run.secrets as Record<string, string> | undefined) ?? {},
    env: (run.env as Record<string, string> | undefined) ?? {},
    script,
  };
}

/** Expands a route's shorthands (`echo`, a single reply) into its reply sequence. */
export function normaliseRoute(value: JsonValue): RouteSpec {
  if (isJsonObject(value) && Array.isArray(value.sequence))
    return { sequence: value.sequence.map(normaliseReply) };
  return { sequence: [normaliseReply(value)] };
}

function normaliseReply(value: JsonValue): Reply {
  if (value === 'echo') return { kind: 'echo', envelope: true, delayMs: 0 };
  const reply = value as JsonObject;
  const delayMs = (reply.delayMs as number | undefined) ?? 0;
  if (isJsonObject(reply.echo)) return { kind: 'echo', envelope: reply.echo.envelope !== false, delayMs };
  if (isJsonObject(reply.reply)) {
    const r = reply.reply;
    return {
      kind: 'reply',
      status: (r.status as number | undefined) ?? 200,
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(typeof r.text === 'string' ? { text: r.text } : {}),
      headers: (r.headers as Record<string, string> | undefined) ?? {},
      delayMs,
    };
  }
  const f = reply.fail as JsonObject;
  return {
    kind: 'fail',
    status: (f.status as number | undefined) ?? 500,
    ...(typeof f.code === 'string' ? { code: f.code } : {}),
    message: (f.message as string | undefined) ?? 'behaviour failure',
    envelope: f.envelope !== false,
    delayMs,
  };
}
