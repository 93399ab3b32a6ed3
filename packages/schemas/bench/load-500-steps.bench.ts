/**
 * Loading and validating a 500-step workflow file, against validating the same document with a plain
 * ajv instance that compiles the schemas at startup (the peer the ahead-of-time validators replace).
 * Run with `pnpm --filter @openworkflow/schemas bench`; vitest prints the ratios in its summary.
 */

import { bench, describe } from 'vitest';
import { parse } from 'yaml';
import { createAjv, VALIDATORS } from '../scripts/generate.js';
import { validateWorkflowDocument } from '../src/generated/validators.js';
import { loadWorkflows } from '../src/loader.js';
import { serializeWorkflows } from '../src/serialize.js';
import { buildWorkflowFile } from './workflow-500.js';

const text = buildWorkflowFile(500);
const loaded = loadWorkflows(text);
if (!loaded.ok)
  throw new Error(`the benchmark document does not load: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
const data = parse(text) as unknown;
const schemas = (await import('../scripts/generate.js').then((module) => module.readSchemas())) as Record<
  string,
  unknown
>[];
const workflowSchemaId = VALIDATORS.validateWorkflowDocument!;
const warmAjv = createAjv(schemas);
const warmValidate = warmAjv.getSchema(workflowSchemaId)!;

console.log(`document: ${text.length} bytes, ${text.split('\n').length} lines, 500 steps`);
console.log(`round trip: ${serializeWorkflows(loaded.value!).length} bytes serialised`);

function checked(valid: boolean): void {
  if (!valid) throw new Error('the benchmark document failed validation');
}

describe('validate a parsed 500-step document', () => {
  bench('precompiled validator (this package)', () => {
    checked(validateWorkflowDocument(data));
  });

  bench('plain ajv, schemas compiled at startup', () => {
    const validate = createAjv(schemas).getSchema(workflowSchemaId)!;
    checked(validate(data) as boolean);
  });

  bench('plain ajv, compiled once and reused', () => {
    checked(warmValidate(data) as boolean);
  });
});

describe('load + validate a 500-step YAML file', () => {
  bench('loadWorkflows(text): parse, validate, normalise, check', () => {
    if (!loadWorkflows(text).ok) throw new Error('load failed');
  });

  bench('yaml.parse + plain ajv compiled at startup (validation only, no model)', () => {
    const validate = createAjv(schemas).getSchema(workflowSchemaId)!;
    checked(validate(parse(text)) as boolean);
  });
});
