import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { booleanFlag, type ParsedArgs } from '../args.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { type CliIo, writeLine } from '../io.js';

/** The files `openworkflow init` writes, relative to the project directory. */
export const SCAFFOLD: Readonly<Record<string, string>> = {
  '.openworkflow/workflows/hello.yaml': `# A first workflow. Run it with:  openworkflow run .openworkflow/workflows/hello.yaml --input name=Ada
workflows:
  - name: Hello
    version: 0.1.0
    description: Greets someone and counts the letters of their name
    inputs:
      name:
        type: string
        description: Who to greet
        default: World
    steps:
      - id: greet
        type: transform
        language: template
        expression: "Hello, {{ inputs.name }}!"
      - id: count
        type: transform
        language: template
        expression: "{{ inputs.name | length }}"
    outputs:
      greeting:
        value: "{{ steps.greet.output.result }}"
      letters:
        value: "{{ steps.count.output.result }}"
`,
  'connectors/README.md': `Connector files (YAML or JSON) placed here are registered when \`openworkflow run\` runs a
workflow of this project (any file under .openworkflow/workflows/). Handlers for \`function\`
connectors go in an openworkflow.config.mjs at the project root:

    export default {
      handlers: {
        'greeter.greet': ({ name }) => ({ text: \`Hello, \${name}!\` }),
      },
    };
`,
};

/** `openworkflow init [dir] [--force]`: writes {@link SCAFFOLD}; refuses to overwrite without --force. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, args.positionals[0] ?? '.');
  const force = booleanFlag(args, 'force');
  const existing: string[] = [];
  for (const path of Object.keys(SCAFFOLD)) {
    if (await exists(join(root, path))) existing.push(path);
  }
  if (existing.length > 0 && !force) {
    for (const path of existing) writeLine(io.stderr, `openworkflow: ${path} already exists`);
    writeLine(io.stderr, 'Nothing was written; pass --force to overwrite.');
    return EXIT_FAILED;
  }
  for (const [path, content] of Object.entries(SCAFFOLD)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    writeLine(io.stdout, `created ${relative(io.cwd, target) || path}`);
  }
  const where = relative(io.cwd, root);
  writeLine(io.stdout);
  writeLine(io.stdout, 'Next:');
  if (where !== '') writeLine(io.stdout, `  cd ${where}`);
  writeLine(io.stdout, '  openworkflow list');
  writeLine(io.stdout, '  openworkflow run .openworkflow/workflows/hello.yaml --input name=Ada');
  return EXIT_OK;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
