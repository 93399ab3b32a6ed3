import { parseArgs } from 'node:util';

/** A bad command line: unknown command or flag, missing argument, malformed value. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage should be shown, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** One flag of a command. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder shown in the usage text (`--format <mermaid|dot|ascii>`). */
  readonly value?: string;
  readonly description: string;
  /** Allowed values of a string flag. */
  readonly choices?: readonly string[];
}

/** The parsed command line of one command. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** The shape of a command's command line. */
export interface ArgsSpec {
  readonly name: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly minPositionals: number;
  readonly maxPositionals: number;
}

/**
 * Parses `argv` strictly against a command's flags: unknown flags, missing values, values outside
 * `choices` and the wrong number of positionals are {@link UsageError}s.
 */
export function parseCommandArgs(spec: ArgsSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = {
      type: flag.type,
      ...(flag.multiple === true ? { multiple: true } : {}),
      ...(flag.short !== undefined ? { short: flag.short } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), spec.name);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    const value = parsed.values[name];
    if (flag.choices === undefined || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && !flag.choices.includes(item)) {
        throw new UsageError(
          `--${name} must be one of ${flag.choices.join(', ')} (got '${item}')`,
          spec.name,
        );
      }
    }
  }
  if (parsed.values.help !== true) {
    if (parsed.positionals.length < spec.minPositionals) {
      throw new UsageError(`missing argument: ${spec.name} needs ${spec.minPositionals} or more`, spec.name);
    }
    if (parsed.positionals.length > spec.maxPositionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[spec.maxPositionals]}'`, spec.name);
    }
  }
  return {
    positionals: parsed.positionals,
    flags: parsed.values as ParsedArgs['flags'],
  };
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option === undefined ? 'unknown option' : `unknown option '${option}'`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /--[\w-]+/.exec(message)?.[0];
    return option === undefined ? message : `option '${option}' needs a value`;
  }
  return message.split('. ')[0] ?? message;
}

/** A string flag's value (the last one when repeated). */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value[value.length - 1];
  return undefined;
}

/** Every value of a repeatable string flag, in order. */
export function stringsFlag(args: ParsedArgs, name: string): readonly string[] {
  const value = args.flags[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value : [];
}

/** A boolean flag, false when absent. */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
