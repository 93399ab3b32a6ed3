/**
 * Loading and validating a 500-step workflow file, against validating the same document with a plain
 * ajv instance that compiles the schemas at startup (the peer the ahead-of-time validators replace).
 * Run with `pnpm --filter @openworkflow/schemas bench`; vitest prints the ratios in its summary.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { parse } from 'yaml';
import { createAjv, readSchemas, VALIDATORS } from '../scripts/generate.js';
import { DiagnosticCollector } from '../src/diagnostics.js';
import { validateWorkflowDocument } from '../src/generated/validators.js';
import { loadWorkflows } from '../src/loader.js';
import { parseSourceText } from '../src/parse-source.js';
import { serializeWorkflows } from '../src/serialize.js';
import { PositionIndex } from '../src/source-positions.js';
import { buildWorkflowFile } from './workflow-500.js';

const text = buildWorkflowFile(500);
const loaded = loadWorkflows(text);
if (!loaded.ok)
  throw new Error(`the benchmark document does not load: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
// Validate what the loader validates: its parser's data, whose objects have no prototype.
const data = parseSourceText(
  text,
  { maxBytes: Number.MAX_SAFE_INTEGER, maxAliasCount: 0 },
  new DiagnosticCollector({ strict: false }),
  new PositionIndex(),
);
const plainData = parse(text) as unknown;
const schemas = await readSchemas();
const workflowSchemaId = VALIDATORS.validateWorkflowDocument!;
const warmAjv = createAjv(schemas);
const warmValidate = warmAjv.getSchema(workflowSchemaId)!;

console.log(`document: ${text.length} bytes, ${text.split('\n').length} lines, 500 steps`);
console.log(`round trip: ${serializeWorkflows(loaded.value!).length} bytes serialised`);

/** Longer runs than tinybench's default: the machines are shared and noisy. */
const options = { time: 3000, warmupTime: 1000 };

function checked(valid: boolean): void {
  if (!valid) throw new Error('the benchmark document failed validation');
}

describe('validate a parsed 500-step document', () => {
  bench(
    'precompiled validator (this package)',
    () => {
      checked(validateWorkflowDocument(data));
    },
    options,
  );

  bench(
    'plain ajv, schemas compiled at startup',
    () => {
      const validate = createAjv(schemas).getSchema(workflowSchemaId)!;
      checked(validate(data) as boolean);
    },
    options,
  );

  bench(
    'plain ajv, compiled once and reused',
    () => {
      checked(warmValidate(data) as boolean);
    },
    options,
  );
});

describe('load + validate a 500-step YAML file', () => {
  bench(
    'loadWorkflows(text): parse, validate, normalise, check',
    () => {
      if (!loadWorkflows(text).ok) throw new Error('load failed');
    },
    options,
  );

  bench(
    'yaml.parse + plain ajv compiled at startup (validation only, no model)',
    () => {
      const validate = createAjv(schemas).getSchema(workflowSchemaId)!;
      checked(validate(parse(text)) as boolean);
    },
    options,
  );
});

// A command-line `validate` pays for everything in a fresh process: module loading and, for the peer,
// compiling the schemas. These run against the built package (turbo builds before `bench`).
const scratch = mkdtempSync(join(tmpdir(), 'ow-bench-'));
const dataFile = join(scratch, 'workflow.json');
writeFileSync(dataFile, JSON.stringify(plainData));
const dist = fileURLToPath(new URL('../dist/generated/validators.js', import.meta.url));
const generator = fileURLToPath(new URL('../scripts/generate.js', import.meta.url));
const script = (body: string): string =>
  `import { readFileSync } from 'node:fs'; const data = JSON.parse(readFileSync(${JSON.stringify(dataFile)}, 'utf8')); ${body}`;
const precompiledScript = script(
  `const { validateWorkflowDocument } = await import(${JSON.stringify(dist)}); if (!validateWorkflowDocument(data)) process.exit(1);`,
);
const peerScript = script(
  `const g = await import(${JSON.stringify(generator)}); const v = g.createAjv(await g.readSchemas()).getSchema(g.VALIDATORS.validateWorkflowDocument); if (!v(data)) process.exit(1);`,
);
const node = (source: string): void => {
  execFileSync(process.execPath, ['--input-type=module', '-e', source], { stdio: 'inherit' });
};

describe('cold start: a fresh Node process validates the 500-step document', () => {
  bench('import the precompiled validators and validate', () => node(precompiledScript), {
    time: 5000,
    iterations: 10,
  });
  bench('import ajv, compile the schemas and validate', () => node(peerScript), {
    time: 5000,
    iterations: 10,
  });
});
