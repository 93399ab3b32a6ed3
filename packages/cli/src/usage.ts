import type { CommandSpec } from './commands.js';
import { COMMANDS } from './commands.js';

/** The top-level help. */
export function generalUsage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = [
    'Usage: openworkflow <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help (also after a command: openworkflow run --help)',
    '  -v, --version  Print the version',
  ];
  return `${lines.join('\n')}\n`;
}

/** One command's help: synopsis, description and flags. */
export function commandUsage(command: CommandSpec): string {
  const flags = Object.entries(command.flags).map(([name, flag]) => {
    const short = flag.short === undefined ? '    ' : `-${flag.short}, `;
    return { left: `${short}--${name}${flag.value === undefined ? '' : ` ${flag.value}`}`, flag };
  });
  const width = Math.max(...flags.map((item) => item.left.length));
  const lines = [
    `Usage: openworkflow ${command.name} ${command.synopsis}`,
    '',
    command.summary,
    ...(command.details === undefined ? [] : ['', command.details]),
    '',
    'Options:',
    ...flags.map((item) => `  ${item.left.padEnd(width)}  ${item.flag.description}`),
  ];
  return `${lines.join('\n')}\n`;
}
