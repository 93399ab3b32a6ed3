import type { ArgsSpec, FlagSpec, ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** What a command module exports. */
export interface CommandModule {
  execute(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** A command: its command line, its help, and a loader so its code is imported only when used. */
export interface CommandSpec extends ArgsSpec {
  readonly summary: string;
  /** The synopsis after `openworkflow <name>`. */
  readonly synopsis: string;
  readonly details?: string;
  readonly load: () => Promise<CommandModule>;
}

const help: FlagSpec = { type: 'boolean', short: 'h', description: 'Show this help' };
const json: FlagSpec = { type: 'boolean', description: 'Print JSON instead of text' };
const workflow: FlagSpec = {
  type: 'string',
  short: 'w',
  value: '<name>',
  description: 'The workflow to use when the file holds several',
};

/**
 * Every command. The table holds no command code: `load()` imports it on first use, which is what
 * keeps `openworkflow validate` from loading the runtime (spec/cli.md#startup).
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: 'Check workflow, connector, agent and bundle files',
    synopsis: '<files...> [--json] [--strict]',
    details:
      'Prints every diagnostic as `file:line:column: severity CODE message (at /pointer)` and exits 1 when any file has an error.',
    minPositionals: 1,
    maxPositionals: Number.POSITIVE_INFINITY,
    flags: {
      json,
      strict: { type: 'boolean', description: 'Reject legacy aliases (their warnings become errors)' },
      help,
    },
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'run',
    summary: 'Run a workflow and show the progress of its steps',
    synopsis:
      '<file> [--workflow <name>] [--input key=value ...] [--input-file <file.json>] [--config <file.mjs>] [--json]',
    details:
      'The project beside the file is loaded: its openworkflow.config.mjs (handlers, connectors, setup) and every file of its connectors/ directory. Progress goes to stderr, the result to stdout. A failed run exits with the exit code of its error code (spec/cli.md).',
    minPositionals: 1,
    maxPositionals: 1,
    flags: {
      workflow,
      input: {
        type: 'string',
        short: 'i',
        multiple: true,
        value: '<key=value>',
        description: 'An input (repeatable); the value is parsed as JSON when it is valid JSON',
      },
      'input-file': { type: 'string', value: '<file.json>', description: 'Inputs from a JSON object file' },
      env: {
        type: 'string',
        short: 'e',
        multiple: true,
        value: '<NAME[=value]>',
        description:
          'Expose an environment variable to the workflow as env.NAME (repeatable); none are by default',
      },
      config: {
        type: 'string',
        value: '<file.mjs>',
        description: 'Project config module to load instead of the openworkflow.config.mjs beside the file',
      },
      json: { type: 'boolean', description: 'Print the run result as JSON (no progress)' },
      'log-format': {
        type: 'string',
        value: '<json|text>',
        choices: ['json', 'text'],
        description: 'Write structured logs of the run to stderr in this format',
      },
      'log-level': {
        type: 'string',
        value: '<level>',
        choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
        description: 'Log level of the structured logs (default info when --log-format is given)',
      },
      'metrics-port': {
        type: 'string',
        value: '<port>',
        description: 'Serve Prometheus metrics on http://127.0.0.1:<port>/metrics while running',
      },
      'otlp-endpoint': {
        type: 'string',
        value: '<url>',
        description: 'Export OpenTelemetry spans to this OTLP/HTTP collector',
      },
      help,
    },
    load: () => import('./commands/run.js'),
  },
  {
    name: 'list',
    summary: "Index a project's workflows without executing anything",
    synopsis: '[dir] [--json] [--max-files <n>] [--max-bytes <n>]',
    details:
      'Scans .openworkflow/workflows/ and workflows/ under dir (default: the current directory), or dir itself when it has neither.',
    minPositionals: 0,
    maxPositionals: 1,
    flags: {
      json,
      'max-files': { type: 'string', value: '<n>', description: 'Index at most n files (default 500)' },
      'max-bytes': {
        type: 'string',
        value: '<n>',
        description: 'Skip files larger than n bytes (default 102400)',
      },
      help,
    },
    load: () => import('./commands/list.js'),
  },
  {
    name: 'describe',
    summary: 'Describe a workflow (inputs, outputs, steps, plan) or a connector',
    synopsis: '<file> [--workflow <name>] [--json]',
    minPositionals: 1,
    maxPositionals: 1,
    flags: { workflow, json, help },
    load: () => import('./commands/describe.js'),
  },
  {
    name: 'graph',
    summary: 'Draw the step graph of a workflow',
    synopsis: '<file> [--workflow <name>] [--format mermaid|dot|ascii]',
    minPositionals: 1,
    maxPositionals: 1,
    flags: {
      workflow,
      format: {
        type: 'string',
        short: 'f',
        value: '<mermaid|dot|ascii>',
        choices: ['mermaid', 'dot', 'ascii'],
        description: 'Output format (default ascii)',
      },
      help,
    },
    load: () => import('./commands/graph.js'),
  },
  {
    name: 'init',
    summary: 'Scaffold a project that `openworkflow run` can run',
    synopsis: '[dir] [--force]',
    minPositionals: 0,
    maxPositionals: 1,
    flags: {
      force: { type: 'boolean', description: 'Overwrite files that already exist' },
      help,
    },
    load: () => import('./commands/init.js'),
  },
];

/** Looks a command up by name. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
