/**
 * The `openworkflow-conformance` command. Exit codes: 0 every executed case passed, 1 a case
 * failed (or the target broke the protocol outside any case), 2 the suite could not start or
 * measured nothing.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from './case-loader.js';
import { selectsCase } from './gates.js';
import { DEFAULT_CONCURRENCY } from './limits.js';
import type { SuiteReport } from './report.js';
import { renderJson } from './reporters/json.js';
import { renderJunit } from './reporters/junit.js';
import { renderTable } from './reporters/table.js';
import { runSuite } from './suite.js';
import { formatProblem, SuiteError } from './suite-error.js';
import { SUITE_NAME, SUITE_VERSION } from './version.js';

const HELP = `Usage: openworkflow-conformance --target "cmd:<command>" [options]

Runs the OpenWorkflow conformance suite against a target that speaks the driver protocol
(PROTOCOL.md) on its stdin/stdout. The profiles tested are the ones the target claims in hello.

Options:
  --target <spec>       cmd:<command> — the driver to start (run through the shell)
  --profile <id>        only cases of this profile (repeatable)
  --filter <text>       only cases whose <profile>/<id> or requirement id contains the text
                        (* and ? make it a glob over the whole name; repeatable: any matches)
  --strict              a claimed profile with a blocked (unmeasured) case fails
  --reporter <name>     table (default), json or junit
  --output <file>       write the report to a file; a table summary still goes to stdout
  --seed <n>            seed for namespaces, canaries and case order (default: random, reported)
  --concurrency <n>     cases in flight (default ${DEFAULT_CONCURRENCY}; capped by the target's maxConcurrentRuns)
  --cases <dir>         add a directory of cases laid out as <dir>/<profile>/<id>.yaml (repeatable)
  --no-builtin-cases    leave out the cases shipped with the suite
  --timeout-scale <x>   multiply every budget and deadline (slow machines)
  --properties <n>      also run n generated workflows against a reference model (property
                        tests; needs core, logic and errors claimed); a failure is shrunk and
                        printed as a case file with the --seed that replays it
  --quiet-target        do not pass the target's stderr through
  --list                list the selected cases and exit
  --version             print the suite version
  --help                print this help

Exit codes: 0 all executed cases passed, 1 a failure, 2 could not start or nothing measured.`;

type Reporter = 'table' | 'json' | 'junit';

/** Writes text somewhere; injected so tests can capture output. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the command line and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const args = parse(argv);
    if (args.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    if (args.version) {
      io.stdout(`${SUITE_NAME} ${SUITE_VERSION}\n`);
      return 0;
    }
    if (args.list) return list(args, io);
    if (args.target === undefined) throw new SuiteError('USAGE', '--target is required (see --help)');
    const report = await runSuite({
      target: args.target,
      extraCaseDirectories: args.cases,
      builtinCases: !args.noBuiltinCases,
      ...(args.profiles.length > 0 ? { profiles: args.profiles } : {}),
      ...(args.filters.length > 0 ? { filters: args.filters } : {}),
      strict: args.strict,
      seed: args.seed,
      concurrency: args.concurrency,
      timeoutScale: args.timeoutScale,
      properties: args.properties,
      ...(args.quietTarget ? {} : { onTargetStderr: (line: string) => io.stderr(`target| ${line}\n`) }),
    });
    emit(report, args, io);
    return report.exitCode;
  } catch (error) {
    if (SuiteError.is(error)) {
      io.stderr(`openworkflow-conformance: ${error.message}\n`);
      for (const problem of error.problems) io.stderr(`  ${formatProblem(problem)}\n`);
    } else {
      io.stderr(`openworkflow-conformance: internal error: ${(error as Error).stack ?? String(error)}\n`);
    }
    return 2;
  }
}

interface Arguments {
  readonly target?: string;
  readonly profiles: string[];
  readonly filters: string[];
  readonly strict: boolean;
  readonly reporter: Reporter;
  readonly output?: string;
  readonly seed: number;
  readonly concurrency: number;
  readonly cases: string[];
  readonly noBuiltinCases: boolean;
  readonly timeoutScale: number;
  readonly properties: number;
  readonly quietTarget: boolean;
  readonly list: boolean;
  readonly version: boolean;
  readonly help: boolean;
}

function parse(argv: readonly string[]): Arguments {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        profile: { type: 'string', multiple: true },
        filter: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        reporter: { type: 'string' },
        output: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        cases: { type: 'string', multiple: true },
        'no-builtin-cases': { type: 'boolean' },
        'timeout-scale': { type: 'string' },
        properties: { type: 'string' },
        'quiet-target': { type: 'boolean' },
        list: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new SuiteError('USAGE', `${(error as Error).message} (see --help)`);
  }
  const reporter = (values.reporter as string | undefined) ?? 'table';
  if (!['table', 'json', 'junit'].includes(reporter)) {
    throw new SuiteError('USAGE', `--reporter must be table, json or junit, not ${reporter}`);
  }
  return {
    ...(values.target !== undefined ? { target: values.target as string } : {}),
    profiles: (values.profile as string[] | undefined) ?? [],
    filters: (values.filter as string[] | undefined) ?? [],
    strict: values.strict === true,
    reporter: reporter as Reporter,
    ...(values.output !== undefined ? { output: values.output as string } : {}),
    seed: integer(values.seed, '--seed', 0) ?? randomInt(2 ** 31),
    concurrency: integer(values.concurrency, '--concurrency', 1) ?? DEFAULT_CONCURRENCY,
    cases: (values.cases as string[] | undefined) ?? [],
    noBuiltinCases: values['no-builtin-cases'] === true,
    timeoutScale: positive(values['timeout-scale'], '--timeout-scale') ?? 1,
    properties: integer(values.properties, '--properties', 0) ?? 0,
    quietTarget: values['quiet-target'] === true,
    list: values.list === true,
    version: values.version === true,
    help: values.help === true,
  };
}

function integer(value: unknown, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < minimum)
    throw new SuiteError('USAGE', `${flag} needs an integer ≥ ${minimum}`);
  return n;
}

function positive(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new SuiteError('USAGE', `${flag} needs a positive number`);
  return n;
}

function list(args: Arguments, io: CliIo): number {
  const directories = [
    ...(args.noBuiltinCases ? [] : [fileURLToPath(BUILTIN_CASES_DIRECTORY)]),
    ...args.cases,
  ];
  const { cases } = loadSuite(directories);
  const selection = {
    ...(args.profiles.length > 0 ? { profiles: args.profiles } : {}),
    ...(args.filters.length > 0 ? { filters: args.filters } : {}),
  };
  for (const c of cases.filter((c) => selectsCase(c, selection))) {
    io.stdout(`${c.profile}/${c.id}\t${c.requirement}\t${c.status}\t${c.title}\n`);
  }
  return 0;
}

function emit(report: SuiteReport, args: Arguments, io: CliIo): void {
  const rendered =
    args.reporter === 'json'
      ? renderJson(report)
      : args.reporter === 'junit'
        ? renderJunit(report)
        : renderTable(report);
  if (args.output === undefined) {
    io.stdout(rendered);
    return;
  }
  writeFileSync(args.output, rendered);
  io.stdout(args.reporter === 'table' ? rendered : renderTable(report));
}
