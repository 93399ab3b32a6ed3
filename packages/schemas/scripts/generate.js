// Generates the ahead-of-time ajv validators in src/generated/ from the JSON Schemas in spec/schemas/.
// Run `pnpm --filter @openworkflow/schemas generate` after changing a schema; a test regenerates in
// memory and fails when the committed files differ.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneModule.default;
const addFormats = addFormatsModule.default;

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = join(here, '..');
export const SCHEMA_DIR = join(PACKAGE_DIR, '..', '..', 'spec', 'schemas');
export const GENERATED_DIR = join(PACKAGE_DIR, 'src', 'generated');

export const SCHEMA_FILES = [
  'common.schema.json',
  'step.schema.json',
  'workflow.schema.json',
  'connector.schema.json',
  'agent.schema.json',
  'agent-formal.schema.json',
  'bundle.schema.json',
];

const BASE_ID = 'https://schemas.openworkflow-ts.dev/0.1.0/';

/** Exported validator name → schema `$id`. */
export const VALIDATORS = {
  validateWorkflowDocument: `${BASE_ID}workflow.schema.json`,
  validateConnectorDocument: `${BASE_ID}connector.schema.json`,
  validateAgentManifest: `${BASE_ID}agent.schema.json`,
  validateAgentFormal: `${BASE_ID}agent-formal.schema.json`,
  validateBundleDocument: `${BASE_ID}bundle.schema.json`,
  validateJsonSchema: 'https://json-schema.org/draft/2020-12/schema',
};

/** Reads every schema file as parsed JSON. */
export async function readSchemas() {
  return Promise.all(
    SCHEMA_FILES.map(async (file) => JSON.parse(await readFile(join(SCHEMA_DIR, file), 'utf8'))),
  );
}

/**
 * Annotates every `unevaluatedProperties: false` node with `x-ow-known`: the property names its
 * subschemas define. When one of those subschemas fails, JSON Schema drops its annotations and the
 * properties it defines are reported as unevaluated too; the loader uses this list to tell those
 * echoes from genuinely unknown properties. The files on disk stay as written.
 */
export function annotateKnownProperties(schemas) {
  const copies = structuredClone(schemas);
  const byId = new Map(copies.map((schema) => [schema.$id, schema]));
  const resolve = (ref, root) => {
    const [file, fragment = ''] = ref.split('#');
    const target = file === '' ? root : byId.get(new URL(file, root.$id).href);
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    let node = target;
    for (const segment of fragment.split('/').filter(Boolean)) node = node[segment];
    return { node, root: target };
  };
  const collect = (node, root, names, seen) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const name of Object.keys(node.properties ?? {})) names.add(name);
    if (typeof node.$ref === 'string') {
      const target = resolve(node.$ref, root);
      collect(target.node, target.root, names, seen);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'])
      for (const member of node[key] ?? []) collect(member, root, names, seen);
    for (const key of ['if', 'then', 'else']) collect(node[key], root, names, seen);
  };
  const visit = (node, root) => {
    if (node === null || typeof node !== 'object') return;
    if (node.unevaluatedProperties === false) {
      const names = new Set();
      collect(node, root, names, new Set());
      node['x-ow-known'] = [...names].sort();
    }
    for (const value of Object.values(node)) visit(value, root);
  };
  for (const schema of copies) visit(schema, schema);
  return copies;
}

/**
 * The ajv instance both the generator and the benchmark's compile-at-startup peer use, so the two
 * validate with identical semantics. `x-ow-code` is our annotation naming the diagnostic code a
 * failing subschema maps to.
 */
export function createAjv(schemas, { standalone = false } = {}) {
  const ajv = new Ajv2020({
    strict: true,
    // Dispatching subschemas (`if: {required: ["workflows"]}`) name properties that the branch they
    // select defines; strictRequired would demand a dummy `properties` entry beside each of them.
    strictRequired: false,
    allErrors: true,
    verbose: true,
    inlineRefs: false,
    ...(standalone ? { code: { source: true, esm: true, lines: true } } : {}),
  });
  addFormats(ajv);
  ajv.addKeyword('x-ow-code');
  ajv.addKeyword('x-ow-known');
  for (const schema of annotateKnownProperties(schemas)) ajv.addSchema(schema);
  return ajv;
}

/**
 * The generated module's source. ajv's standalone output `require`s its runtime helpers and
 * ajv-formats; a `require` made with `createRequire` loads them exactly as ajv expects, in Node and
 * under Vite alike (their ESM interop of CommonJS defaults differs).
 */
export function renderValidators(schemas) {
  const ajv = createAjv(schemas, { standalone: true });
  const code = standaloneCode(ajv, VALIDATORS).replace(/^"use strict";/, '');
  return [
    '// Generated by scripts/generate.js from spec/schemas/*.json — do not edit.',
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    code,
    '',
  ].join('\n');
}

export function renderDeclarations() {
  const lines = [
    '// Generated by scripts/generate.js from spec/schemas/*.json — do not edit.',
    "import type { ErrorObject } from 'ajv';",
    '',
    '/** A validator compiled ahead of time: `errors` holds every violation of the last call. */',
    'export interface GeneratedValidator {',
    '  (data: unknown): boolean;',
    '  errors?: ErrorObject[] | null;',
    '}',
    '',
    ...Object.keys(VALIDATORS).map((name) => `export declare const ${name}: GeneratedValidator;`),
    '',
  ];
  return lines.join('\n');
}

/** File name → content of everything under src/generated/. */
export async function generateFiles() {
  const schemas = await readSchemas();
  return {
    'validators.js': renderValidators(schemas),
    'validators.d.ts': renderDeclarations(),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await generateFiles();
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(GENERATED_DIR, name), content);
    console.log(`wrote src/generated/${name} (${content.length} bytes)`);
  }
}
